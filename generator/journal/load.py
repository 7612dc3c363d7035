"""Read a journal project from disk: list and read its files, probe evidence paths.

All of the package's reading of the journal happens here; everything downstream works on
the bytes and strings this module returns. Finding the project is `project`'s, whose names
this module passes on to the modules that load the journal.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from msgspec import Struct

from ..model import Problem
from .codes import problem
from .project import CACHE_DIR as CACHE_DIR
from .project import CONFIG_FILE as CONFIG_FILE
from .project import JOURNAL_DIR as JOURNAL_DIR
from .project import PYPROJECT_FILE as PYPROJECT_FILE
from .project import Project as Project
from .project import find_project as find_project
from .project import has_tool_pdp as has_tool_pdp
from .project import journal_place as journal_place
from .project import leads_to as leads_to
from .project import read_config_text as read_config_text
from .schema import MAX_FILE_BYTES

SECTIONS = ("entries", "goals", "reviews")
# The names pdp reads as entries, goals and reviews, in any letter case (`.MD` too).
MARKDOWN_SUFFIXES = (".md", ".markdown")


class Source(Struct, frozen=True):
    """One journal file as read: its project-relative path and bytes, or why it was not read."""

    path: str
    data: bytes | None
    problem: Problem | None = None


# Files left aside without a word, by their names in any letter case: hidden files, the
# backups of editors and the files they save through (vim, Emacs, JetBrains, Word, git's merge
# tool), and what operating systems leave in folders.
IGNORED_PREFIXES = (".", "#", "~$")
IGNORED_SUFFIXES = (
    "~",
    ".swp",
    ".swo",
    ".swx",
    ".tmp",
    ".bak",
    ".orig",
    "___jb_tmp___",
    "___jb_old___",
)
IGNORED_NAMES = ("4913", "Thumbs.db", "ehthumbs.db", "desktop.ini")
_IGNORED_NAMES = frozenset(name.lower() for name in IGNORED_NAMES)


def is_ignored(name: str) -> bool:
    """Editor temp and backup files, system files and hidden files are never journal files."""
    folded = name.lower()
    return (
        folded.startswith(IGNORED_PREFIXES)
        or folded.endswith(IGNORED_SUFFIXES)
        or folded in _IGNORED_NAMES
    )


def is_journal_name(name: str) -> bool:
    """Whether a file of that name, in a folder of entries, goals or reviews, is read."""
    return name.lower().endswith(MARKDOWN_SUFFIXES)


class Listing(Struct, frozen=True):
    """The files of one section, project-relative and sorted: those read as journal files,
    and the others (editor and system files left aside)."""

    read: tuple[str, ...]
    unread: tuple[str, ...]


def list_section(project: Project, section: str) -> Listing:
    """The files of one section, at any depth, in one pass over its folders."""
    root = str(project.root)
    read: list[str] = []
    unread: list[str] = []
    for folder, dirs, files in os.walk(os.path.join(root, JOURNAL_DIR, section)):
        dirs[:] = sorted(name for name in dirs if not is_ignored(name))
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in files:
            if not is_ignored(name):
                (read if is_journal_name(name) else unread).append(f"{relative}/{name}")
    return Listing(tuple(sorted(read)), tuple(sorted(unread)))


def list_sources(project: Project, section: str) -> list[str]:
    """Project-relative paths of the journal files of one section, sorted."""
    return list(list_section(project, section).read)


def read_source(project: Project, path: str) -> Source:
    """Read one journal file, refusing links out of the journal and oversized files."""
    full = os.path.join(project.root, path)
    try:
        fd = _open_file(project, path, full)
        if isinstance(fd, Problem):
            return Source(path, None, fd)
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                return Source(path, None, _not_regular(path))
            size = status.st_size
            if size > MAX_FILE_BYTES:
                return Source(
                    path,
                    None,
                    problem(
                        "F003",
                        path,
                        1,
                        1,
                        "",
                        f"the file is {size:,} bytes; a journal file can be at most "
                        f"{MAX_FILE_BYTES:,}",
                        "keep large material as evidence files and link them from the entry",
                    ),
                )
            return Source(path, _read_all(fd, size))
        finally:
            os.close(fd)
    except OSError as err:
        if err.errno == errno.ENXIO:  # what opening a socket gives
            return Source(path, None, _not_regular(path))
        return Source(
            path,
            None,
            problem(
                "F008",
                path,
                1,
                1,
                "",
                f"cannot be read: {err.strerror}",
                "check the file's permissions",
            ),
        )


# Without blocking: opening a named pipe would otherwise wait for a writer, for ever. (Reading
# a regular file is the same either way.)
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # 0 where there is none: links are then followed
_A_LINK = (errno.ELOOP, errno.EMLINK)  # what opening a link without following it gives


def _open_file(project: Project, path: str, full: str) -> int | Problem:
    """A journal file opened for reading, or why it is a link that must not be followed."""
    if _NO_FOLLOW:
        # Opened so that a link is refused, most files (no links) cost no test of their own:
        # a check opens every file, and each system call counts.
        try:
            return os.open(full, _READ | _NO_FOLLOW)
        except OSError as err:
            if err.errno not in _A_LINK or not os.path.islink(full):
                raise
    elif not os.path.islink(full):
        return os.open(full, _READ)
    refused = _refused_link(project, path, full)
    return refused if refused is not None else os.open(full, _READ)


def _not_regular(path: str) -> Problem:
    return problem(
        "F009",
        path,
        1,
        1,
        "",
        "this is not a regular file (it is a named pipe, socket or device), so it is not read",
        "remove it, or replace it with a file of the same name",
    )


def _refused_link(project: Project, path: str, full: str) -> Problem | None:
    """Why a journal file that is a link cannot be read, if it cannot."""
    target = leads_to(Path(full))
    if target is None:
        return problem(
            "F008",
            path,
            1,
            1,
            "",
            "this file is a link in a loop of links that never reaches a file",
            "replace the link with the file itself",
        )
    if not _inside(target, journal_place(project)):
        return problem(
            "F008",
            path,
            1,
            1,
            "",
            "this file is a link to somewhere outside the journal",
            "copy the file into the journal instead of linking to it",
        )
    return None


def _read_all(fd: int, size: int) -> bytes:
    """Everything left in a file, expected to be `size` bytes (it may have changed since)."""
    chunks = [os.read(fd, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(fd, 1 << 16))
    return b"".join(chunks)


def leads_inside(path: Path, roots: Sequence[Path]) -> Path | None:
    """Where `path` leads once every link is followed, if that is a regular file inside one of
    `roots` (their links followed too); else None. What a site copies or serves must pass
    this."""
    try:
        target = path.resolve(strict=True)
        inside = any(target.is_relative_to(root.resolve()) for root in roots)
        return target if inside and stat.S_ISREG(os.stat(target).st_mode) else None
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def evidence_probe(project: Project) -> Callable[[str], str]:
    """A probe for `validate`: the status of a project-relative evidence path."""
    journal = journal_place(project)
    sections = _section_places(journal)

    def probe(path: str) -> str:
        if "\0" in path:
            return "no name"
        target = project.root / path
        try:
            resolved = leads_to(target)
        except OSError:
            return "unreadable"
        if resolved is None:
            return "loop"
        if not _inside(resolved, journal):
            return "outside"
        try:
            mode = os.stat(target).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except OSError:
            return "unreadable"
        if stat.S_ISDIR(mode):
            return "directory"
        if not stat.S_ISREG(mode):
            return "not regular"  # a pipe would stop a build that copies it, for ever
        return "journal file" if _is_journal_file(resolved, sections) else "ok"

    return probe


def _section_places(journal: Path) -> tuple[Path, ...]:
    """Where the journal's folders of entries, goals and reviews lead."""
    places = []
    for section in SECTIONS:
        try:
            place = leads_to(journal / section)
        except OSError:
            place = None
        places.append(journal / section if place is None else place)
    return tuple(places)


def _is_journal_file(path: Path, sections: tuple[Path, ...]) -> bool:
    """Whether a resolved path is a Markdown file in one of the folders of entries, goals or
    reviews (hidden and editor files too: whatever a member writes there is not evidence)."""
    return is_journal_name(path.name) and any(_inside(path, section) for section in sections)
