"""When each entry was first committed and last changed, from git: auditors ask whether
reflections were written at the time."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from ..errors import UsageError
from .git import git, git_raw


class History(Struct, frozen=True):
    """Dates by project-relative path; `note` says why there are none, when there are none."""

    dates: dict[str, tuple[date, date]] = field(default_factory=dict)
    note: str = ""


def git_output(folder: Path, *args: str) -> str | None:
    """git's output, or None where there is no git or no repository (no dates, no error)."""
    try:
        return git(folder, *args)
    except UsageError:
        return None


def git_raw_output(folder: Path, *args: str) -> bytes | None:
    """git's output as bytes, or None where there is no git or no repository."""
    try:
        return git_raw(folder, *args)
    except UsageError:
        return None


def entry_history(project_root: Path, paths: Iterable[str]) -> History:
    """First and last commit dates of each path, from one pass over the git log."""
    top = git_raw_output(project_root, "rev-parse", "--show-toplevel")
    if top is None:
        return History(note="not available: the journal is not kept in git")
    if (git_output(project_root, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        return History(note="not available: this is a shallow clone of the journal's history")
    top_folder = Path(os.fsdecode(top.removesuffix(b"\n"))).resolve()
    prefix = project_root.resolve().relative_to(top_folder).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    # -z: file names as they are (never quoted), each ended by a NUL; each commit is led by
    # an empty field, which no file name can be, then its day.
    log = (
        git_raw_output(
            project_root,
            "log",
            "-z",
            "--format=%x00%as",
            "--name-only",
            "--no-renames",
            "--",
            "journal",
        )
        or b""
    )
    return History(_first_and_last(log, prefix, set(paths)))


def _first_and_last(log: bytes, prefix: str, wanted: set[str]) -> dict[str, tuple[date, date]]:
    """Each wanted path's first and last commit day, from `git log -z` as asked above."""
    dates: dict[str, tuple[date, date]] = {}
    when: date | None = None
    day_next = first_file = False
    for part in log.split(b"\0"):  # newest commit first
        if day_next:
            when, day_next, first_file = _day(part), False, True
        elif not part:
            day_next = True
        elif when is not None:
            # git puts a newline between a commit's day and its first file.
            name = part.removeprefix(b"\n") if first_file else part
            first_file = False
            path = os.fsdecode(name).removeprefix(prefix)
            if path in wanted:
                last = dates[path][1] if path in dates else when
                dates[path] = (when, last)
    return dates


def _day(field: bytes) -> date | None:
    try:
        return date.fromisoformat(field.decode("ascii"))
    except ValueError:  # UnicodeDecodeError is one too
        return None
