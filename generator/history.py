"""When each entry was first committed and last changed, from git: auditors ask whether
reflections were written at the time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import UsageError
from .githooks import git


@dataclass(frozen=True, slots=True)
class History:
    """Dates by project-relative path; `note` says why there are none, when there are none."""

    dates: dict[str, tuple[date, date]] = field(default_factory=dict)
    note: str = ""


def git_output(folder: Path, *args: str) -> str | None:
    """git's output, or None where there is no git or no repository (no dates, no error)."""
    try:
        return git(folder, *args)
    except UsageError:
        return None


def entry_history(project_root: Path, paths: Iterable[str]) -> History:
    """First and last commit dates of each path, from one pass over the git log."""
    top = git_output(project_root, "rev-parse", "--show-toplevel")
    if top is None:
        return History(note="not available: the journal is not kept in git")
    if (git_output(project_root, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        return History(note="not available: this is a shallow clone of the journal's history")
    prefix = project_root.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    log = git_output(project_root, "log", "--format=@%as", "--name-only", "--no-renames", "--",
               "journal") or ""
    wanted = set(paths)
    dates: dict[str, tuple[date, date]] = {}
    when: date | None = None
    for line in log.splitlines():  # newest commit first
        if line.startswith("@"):
            when = date.fromisoformat(line[1:])
        elif line and when is not None:
            path = line.removeprefix(prefix)
            if path in wanted:
                last = dates[path][1] if path in dates else when
                dates[path] = (when, last)
    return History(dates)
