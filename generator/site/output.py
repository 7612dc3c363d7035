"""Write a built site: into a fresh folder beside the output, swapped in only when complete.

A failed or interrupted build leaves the previous site as it was; a folder that pdp did not
make is never deleted; nothing is written inside the journal or the themes.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import shutil
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import PdpError, UsageError
from ..journal.load import CACHE_DIR, Project, leads_inside, leads_to
from .theme import THEMES_DIR

MARKER = ".pdp-site"
# Errors of writing (a full disk, a quota, a file too large), whatever file they name.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
MARKER_TEXT = "This folder is built by pdp and replaced by every build. Do not edit it.\n"


def check_output_place(project: Project, output: Path) -> None:
    """Refuse an output folder that holds, or lies inside, the journal project's own files."""
    try:
        out = leads_to(output)
    except OSError as err:
        raise UsageError(
            f"the output folder {os.path.relpath(output)} cannot be used: {err.strerror}",
            "check the permissions of its folders, or build into another folder with -o",
        ) from err
    if out is None:
        raise UsageError(
            f"the output folder {os.path.relpath(output)} leads into a loop of "
            "links that never reaches a folder",
            "replace the link with a folder, or build into another folder with -o",
        )
    root = project.root.resolve()
    if out == root or out in root.parents:
        raise UsageError(
            f"the output folder {os.path.relpath(output)} holds the journal project",
            "build into a folder of its own, such as site/",
        )
    check_output(output, [*own_folders(project), project.config_file])


def own_folders(project: Project) -> tuple[Path, ...]:
    """The folders of a journal project that pdp never writes in: the journal, the themes,
    git's and the cache's."""
    return (
        project.journal,
        project.root / THEMES_DIR,
        project.root / ".git",
        project.root / CACHE_DIR,
    )


def check_output(output: Path, protected: list[Path]) -> None:
    """Refuse an output folder that overlaps the journal project's own files."""
    out = output.resolve()
    shown = os.path.relpath(output)
    for folder in protected:
        try:
            kept = leads_to(folder)
        except OSError:
            continue
        if kept is None:  # a loop of links: it holds nothing to overlap
            continue
        if out == kept or kept in out.parents or out in kept.parents:
            raise UsageError(
                f"the output folder {shown} overlaps {folder.name}",
                "build into a folder of its own, such as site/",
            )
    if output.is_symlink():  # swapping a new site in would replace the link, not its folder
        raise UsageError(
            f"the output folder {shown} is a link; it was left as it is",
            "build into the folder it leads to, or into another folder with -o",
        )
    if output.exists() and not (output / MARKER).is_file():
        if output.is_dir() and not any(output.iterdir()):
            return
        raise UsageError(
            f"{shown} exists and was not made by pdp; it was left as it is",
            "remove it yourself, or build into another folder with -o",
        )


class FreshSite:
    """A fresh folder beside the output that a build writes its files into as they are made,
    so that no more than a page at a time need be held in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.complete = False  # set when every file is written: only then is it swapped in
        self._folders: set[str] = {""}

    def write(self, path: str, data: bytes) -> None:
        write_file(self.folder, path, data, self._folders)

    def copy(self, path: str, source: Path, roots: Sequence[Path]) -> None:
        """Copy a file listed to copy, checked again as it is copied: it must still lead to
        a file inside one of `roots` (the journal, the theme's folders)."""
        self._parent(path)
        target = leads_inside(source, roots)
        if target is None:
            raise PdpError(
                f"{os.path.relpath(source)} changed while the site was built: it "
                "leads outside the journal and the theme now, and was not copied",
                "build again, once no other program is changing the files",
            )
        with _naming(self.folder / path):
            shutil.copyfile(target, self.folder / path)

    def _parent(self, path: str) -> None:
        make_parent(self.folder, path, self._folders)


def write_file(folder: Path, path: str, data: bytes, made: set[str]) -> None:
    """Write a file of the site into `folder`, making its parent folder unless it is among
    those `made` before (by any process: making one twice does no harm)."""
    make_parent(folder, path, made)
    _write(folder / path, data)


def make_parent(folder: Path, path: str, made: set[str]) -> None:
    """Make the folder that `path` is written into, unless it is among those `made`."""
    parent = posixpath.dirname(path)
    if parent not in made:
        (folder / parent).mkdir(parents=True, exist_ok=True)
        made.add(parent)


@contextmanager
def fresh_site(output: Path) -> Iterator[FreshSite]:
    """A fresh folder to write the site into: swapped in for the old output if the block
    marks it complete and ends without an error; otherwise removed, and the old output stays
    as it was."""
    output = output.absolute()
    fresh = _temporary(output, "new", os.getpid())
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(output)
        fresh.mkdir()
        # Marked at once: should the build be killed, the next one knows the folder for its own.
        _write(fresh / MARKER, MARKER_TEXT.encode())
        site = FreshSite(fresh)
        yield site
        if site.complete:
            _swap(fresh, output)
    except OSError as err:
        where = "" if err.filename is None else f": {_shown(err.filename, fresh, output)}"
        raise PdpError(
            f"could not write the site: {err.strerror}{where}",
            "check the output folder's permissions and free space",
        ) from err
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def replace_pages(output: Path, files: Mapping[str, bytes]) -> None:
    """Put these pages in place in the built site at `output`, each whole at once (written
    beside it, then renamed over it): a file with a second name is never written through."""
    for path, data in sorted(files.items()):
        target = output / path
        with suppress(OSError):
            if target.read_bytes() == data:
                continue
        written = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            _write(written, data)
            os.replace(written, target)
        except OSError as err:
            with suppress(OSError):
                written.unlink()
            raise PdpError(
                f"could not write the site: {err.strerror}: {_shown(str(target), output, output)}",
                "check the output folder's permissions and free space",
            ) from err


def _shown(filename: object, fresh: Path, output: Path) -> str:
    """A file named in an error, as the member knows it: a file of the fresh folder by its
    place in the output (the fresh folder is gone when they read it), relative to here."""
    if not isinstance(filename, str):
        return str(filename)
    path = Path(filename)
    if path == fresh or fresh in path.parents:
        path = output / path.relative_to(fresh)
    try:
        return os.path.relpath(path)
    except ValueError:  # on another drive than the working folder
        return str(path)


def _temporary(output: Path, kind: str, pid: int) -> Path:
    """The folder beside the output that a build of process `pid` writes its new site into
    ("new"), or moves the old one to while it swaps them ("old")."""
    return output.with_name(f".{output.name}.{kind}-{pid}")


def _remove_stale(output: Path) -> None:
    """Remove the folders that builds into `output` left behind when they were killed: named
    as pdp names them, of a process that is no more (or of this one, from a process of the
    same number before it), and marked as pdp marks them. Nothing else is touched."""
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(new|old)-([0-9]{{1,10}})", re.DOTALL)
    try:
        names = os.listdir(output.parent)
    except OSError:
        return  # writing there fails next, with a clear message
    for name in names:
        found = pattern.fullmatch(name)
        if found is None:
            continue
        pid = int(found[2])
        folder = _temporary(output, found[1], pid)
        if (pid == os.getpid() or not _alive(pid)) and _marked(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process of that number runs (anyone's: one of another user's counts)."""
    if sys.platform == "win32":  # where os.kill(pid, 0) would end the process: keep all
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's; or a number no process has, kept on the safe side
    return True


def _marked(folder: Path) -> bool:
    """Whether `folder` is a folder (not a link to one) holding pdp's marker file."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(
            os.lstat(folder / MARKER).st_mode
        )
    except OSError:
        return False


def _swap(fresh: Path, output: Path) -> None:
    old = _temporary(output, "old", os.getpid())
    if output.exists():
        output.rename(old)
    try:
        fresh.rename(output)
    except OSError:
        if old.exists() and not output.exists():
            old.rename(output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    with _naming(path), open(path, "wb") as stream:
        stream.write(data)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Errors of writing `path` name it: a failed write or close names no file, and a
    failed copy names its source."""
    try:
        yield
    except OSError as err:
        if err.filename is None or err.errno in _WRITE_ERRORS:
            raise OSError(err.errno, err.strerror, str(path)) from err
        raise
