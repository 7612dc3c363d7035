"""When each entry was first committed and last changed, from git: auditors ask whether
reflections were written at the time."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from contextlib import closing
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from ..errors import UsageError
from .git import git, start_git


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


def entry_history(project_root: Path, paths: Iterable[str]) -> History:
    """First and last commit dates of each path, from one pass over the git log."""
    with closing(GitHistory(project_root)) as asked:
        return asked.history(paths)


# -z: file names as they are (never quoted), each ended by a NUL; each commit is led by an
# empty field, which no file name can be, then its day.
_LOG = ("log", "-z", "--format=%x00%as", "--name-only", "--no-renames", "--", "journal")
_SHALLOW = "--is-shallow-repository"


class GitHistory:
    """`entry_history` asked of git at once and read when wanted, once: git looks through
    the log while the journal is checked (as far as a pipe holds, 64 KB on Linux: all of a
    member's journal, the start of a larger one's). Once closed (`contextlib.closing`), no
    git it started runs on."""

    def __init__(self, project_root: Path) -> None:
        self._root = project_root
        # Both at once: the log is of no use where git has no repository, or a shallow one,
        # and costs nothing to leave unread.
        self._where = start_git(project_root, "rev-parse", "--show-toplevel", _SHALLOW)
        self._log = start_git(project_root, *_LOG) if self._where is not None else None

    def history(self, paths: Iterable[str]) -> History:
        """The dates of `paths` (project-relative), or why there are none."""
        where = _output(self._where)
        if where is None:
            return History(note="not available: the journal is not kept in git")
        # The top folder's name may hold a line end itself: the answer to the last
        # question is the last line.
        top, _, shallow = where.removesuffix(b"\n").rpartition(b"\n")
        if shallow.strip() == b"true":
            return History(note="not available: this is a shallow clone of the journal's history")
        top_folder = Path(os.fsdecode(top)).resolve()
        prefix = self._root.resolve().relative_to(top_folder).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        return History(_first_and_last(_output(self._log) or b"", prefix, set(paths)))

    def close(self) -> None:
        """Stop git where its answer was never read (a build that stopped early)."""
        for running in (self._where, self._log):
            if running is None:
                continue
            if running.poll() is None:
                running.kill()
            running.wait()
            if running.stdout is not None:
                running.stdout.close()


def _output(running: subprocess.Popen[bytes] | None) -> bytes | None:
    """What git answered, or None where it failed (no repository) or never ran."""
    if running is None:
        return None
    out, _ = running.communicate()
    return out if running.returncode == 0 else None


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
