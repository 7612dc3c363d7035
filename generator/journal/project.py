"""Find a journal project: the folder with `pdp.toml` (or `[tool.pdp]` in `pyproject.toml`),
its configuration file and its journal folder.

Every command starts here, a check or build with nothing changed ends soon after: this
module imports nothing of the journal's model, its parsers or its renderers.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from msgspec import Struct

from ..errors import UsageError

CONFIG_FILE = "pdp.toml"
PYPROJECT_FILE = "pyproject.toml"
JOURNAL_DIR = "journal"
CACHE_DIR = ".pdp-cache"  # the build cache, safe to delete


class Project(Struct, frozen=True):
    """Where a journal project lives and where its configuration is read from."""

    root: Path
    config_file: Path
    table: tuple[str, ...]
    also_configured: Path | None = None

    @property
    def journal(self) -> Path:
        return self.root / JOURNAL_DIR

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def find_project(start: Path) -> Project:
    """The nearest folder, from `start` upwards, with `pdp.toml` or `[tool.pdp]`."""
    start = start.resolve()
    if not start.is_dir():
        raise UsageError(f"no such folder: {start.name}", "pass an existing folder to -C")
    for folder in (start, *start.parents):
        pyproject = folder / PYPROJECT_FILE
        has_tool_table = pyproject.is_file() and has_tool_pdp(pyproject)
        if (folder / CONFIG_FILE).is_file():
            return _checked(
                Project(folder, folder / CONFIG_FILE, (), pyproject if has_tool_table else None)
            )
        if has_tool_table:
            return _checked(Project(folder, pyproject, ("tool", "pdp")))
    raise UsageError(
        "no journal project here or in any folder above it",
        "run pdp inside a journal project (a folder with pdp.toml), or pass -C FOLDER",
    )


def _checked(project: Project) -> Project:
    journal_place(project)  # a looping journal/ is refused before any command starts
    return project


def has_tool_pdp(pyproject: Path) -> bool:
    import tomllib  # only where a pyproject.toml is found on the way up

    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "pdp" in tool


def read_config_text(project: Project) -> str:
    """The configuration file's text (a byte-order mark is dropped)."""
    try:
        return project.config_file.read_text("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"{project.config_file.name} is not valid UTF-8", "save it with the UTF-8 encoding"
        ) from err


def leads_to(path: Path) -> Path | None:
    """Where `path` leads once its links are followed; None if they go round in a loop."""
    try:
        os.stat(path)  # the only loop test that works alike on every Python version
    except OSError as err:
        if err.errno == errno.ELOOP:
            return None
        if err.errno not in (errno.ENOENT, errno.ENOTDIR):
            raise  # such as a folder on the way that may not be entered
        # Missing: resolve() still says where the path would lead.
    try:
        return path.resolve()
    except RuntimeError:  # a loop made since the stat, before Python 3.13
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            return None
        raise


def journal_place(project: Project) -> Path:
    """Where the journal folder leads; a usage error if it is a loop of links."""
    try:
        place = leads_to(project.journal)
    except OSError as err:
        raise UsageError(
            f"{JOURNAL_DIR}/ cannot be read: {err.strerror}",
            f"check the permissions of {JOURNAL_DIR}/ and the folders above it",
        ) from err
    if place is None:
        raise UsageError(
            f"{JOURNAL_DIR}/ is a link in a loop of links that never reaches a folder",
            f"replace the link with the {JOURNAL_DIR}/ folder itself",
        )
    return place
