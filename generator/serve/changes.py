"""What a changed file means for watch mode: a pure function of its path and the project's
layout, so the decisions can be tested without a file system (as Zola does)."""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Iterable

from msgspec import Struct

from ..journal.frameworks import FRAMEWORKS_DIR
from ..journal.load import (
    CONFIG_FILE,
    JOURNAL_DIR,
    PYPROJECT_FILE,
    SECTIONS,
    is_ignored,
    is_journal_name,
)


class Change(enum.Enum):
    IGNORED = "ignored"  # the output, editor temp files, anything pdp does not read
    ENTRY = "entry"  # an entry, goal or review file: re-read that file
    # Another file in the journal: entries that name it are re-checked, and one in the
    # folders of entries, goals or reviews that none names is reported as not read.
    EVIDENCE = "evidence"
    CONFIG = "config"  # configuration or catalogue: everything again
    STYLE = "style"  # a theme's stylesheet: the browser swaps it in
    THEME = "theme"  # another theme file: every page again
    HISTORY = "history"  # a commit: the dates of writing


class Layout(Struct, frozen=True):
    """Where things are, as absolute POSIX paths."""

    root: str
    config: str
    output: str
    themes: tuple[str, ...]
    git: tuple[str, ...] = ()  # git's folders: the worktree's, and the shared one


_GIT_HISTORY = ("HEAD", "packed-refs", "refs", "logs")


def classify(path: str, layout: Layout) -> Change:
    """What a change to `path` (a file or folder, present or gone) calls for."""
    if _within(path, layout.output):
        return Change.IGNORED
    if _is_git(path, layout):
        return Change.HISTORY
    if path in (
        layout.config,
        posixpath.join(layout.root, CONFIG_FILE),
        posixpath.join(layout.root, PYPROJECT_FILE),
    ):
        return Change.CONFIG
    journal = posixpath.join(layout.root, JOURNAL_DIR)
    if path == journal:
        return Change.EVIDENCE  # the whole journal moved: check everything again
    if _within(path, journal):
        parts = posixpath.relpath(path, journal).split("/")
        if any(is_ignored(part) for part in parts):
            return Change.IGNORED
        if parts[0] == FRAMEWORKS_DIR:  # a framework's list: every entry and goal again
            return Change.CONFIG
        in_section = parts[0] in SECTIONS and len(parts) > 1
        return Change.ENTRY if in_section and is_journal_name(parts[-1]) else Change.EVIDENCE
    for theme in layout.themes:
        if path == theme:
            return Change.THEME  # the themes folder made, or removed
        if _within(path, theme):
            parts = posixpath.relpath(path, theme).split("/")
            if any(part.startswith(".") for part in parts):
                return Change.IGNORED
            # Only a stylesheet served as it is can be swapped in: one a template includes
            # changes pages.
            return (
                Change.STYLE if path.endswith(".css") and "static" in parts[:-1] else Change.THEME
            )
    return Change.IGNORED


def needs_full_rebuild(changes: Iterable[Change]) -> bool:
    return bool({Change.CONFIG, Change.THEME} & set(changes))


def only_styles(changes: Iterable[Change]) -> bool:
    found = set(changes) - {Change.IGNORED}
    return found == {Change.STYLE}


def _is_git(path: str, layout: Layout) -> bool:
    for git in layout.git:
        if _within(path, git) and path != git:
            first = posixpath.relpath(path, git).split("/")[0]
            return first in _GIT_HISTORY and not path.endswith(".lock")
    return False


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
