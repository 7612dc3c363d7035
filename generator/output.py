"""Write a built site: into a fresh folder beside the output, swapped in only when complete.

A failed or interrupted build leaves the previous site as it was; a folder that pdp did not
make is never deleted; nothing is written inside the journal or the themes.
"""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import PdpError, UsageError
from .load import leads_to

MARKER = ".pdp-site"
# Errors of writing (a full disk, a quota, a file too large), whatever file they name.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
MARKER_TEXT = "This folder is built by pdp and replaced by every build. Do not edit it.\n"


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
            raise UsageError(f"the output folder {shown} overlaps {folder.name}",
                             "build into a folder of its own, such as site/")
    if output.exists() and not (output / MARKER).is_file():
        if output.is_dir() and not any(output.iterdir()):
            return
        raise UsageError(f"{shown} exists and was not made by pdp; it was left as it is",
                         "remove it yourself, or build into another folder with -o")


class FreshSite:
    """A fresh folder beside the output that a build writes its files into as they are made,
    so that no more than a page at a time need be held in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.complete = False  # set when every file is written: only then is it swapped in
        self._folders: set[str] = {""}

    def write(self, path: str, data: bytes) -> None:
        write_file(self.folder, path, data, self._folders)

    def copy(self, path: str, source: Path) -> None:
        self._parent(path)
        with _naming(self.folder / path):
            shutil.copyfile(source, self.folder / path, follow_symlinks=True)

    def _parent(self, path: str) -> None:
        _make_parent(self.folder, path, self._folders)


def write_file(folder: Path, path: str, data: bytes, made: set[str]) -> None:
    """Write a file of the site into `folder`, making its parent folder unless it is among
    those `made` before (by any process: making one twice does no harm)."""
    _make_parent(folder, path, made)
    _write(folder / path, data)


def _make_parent(folder: Path, path: str, made: set[str]) -> None:
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
    fresh = output.with_name(f".{output.name}.new-{os.getpid()}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        site = FreshSite(fresh)
        yield site
        if site.complete:
            _write(fresh / MARKER, MARKER_TEXT.encode())
            _swap(fresh, output)
    except OSError as err:
        where = "" if err.filename is None else f": {_shown(err.filename, fresh, output)}"
        raise PdpError(f"could not write the site: {err.strerror}{where}",
                       "check the output folder's permissions and free space") from err
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


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


def _swap(fresh: Path, output: Path) -> None:
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
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
