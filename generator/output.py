"""Write a built site: into a fresh folder beside the output, swapped in only when complete.

A failed or interrupted build leaves the previous site as it was; a folder that pdp did not
make is never deleted; nothing is written inside the journal or the themes.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Mapping
from pathlib import Path

from .errors import PdpError, UsageError

MARKER = ".pdp-site"
MARKER_TEXT = "This folder is built by pdp and replaced by every build. Do not edit it.\n"


def check_output(output: Path, protected: list[Path]) -> None:
    """Refuse an output folder that overlaps the journal project's own files."""
    out = output.resolve()
    shown = os.path.relpath(output)
    for folder in protected:
        kept = folder.resolve()
        if out == kept or kept in out.parents or out in kept.parents:
            raise UsageError(f"the output folder {shown} overlaps {folder.name}",
                             "build into a folder of its own, such as site/")
    if output.exists() and not (output / MARKER).is_file():
        if output.is_dir() and not any(output.iterdir()):
            return
        raise UsageError(f"{shown} exists and was not made by pdp; it was left as it is",
                         "remove it yourself, or build into another folder with -o")


def write_site(output: Path, files: Mapping[str, bytes], copies: Mapping[str, Path]) -> None:
    """Write every file into a fresh folder, then swap it in for the old output."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    fresh = output.with_name(f".{output.name}.new-{os.getpid()}")
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        fresh.mkdir()
        for folder in sorted({posixpath.dirname(path) for path in [*files, *copies]} - {""}):
            (fresh / folder).mkdir(parents=True, exist_ok=True)
        for path, data in sorted(files.items()):
            _write(fresh / path, data)
        for path, source in sorted(copies.items()):
            shutil.copyfile(source, fresh / path, follow_symlinks=True)
        _write(fresh / MARKER, MARKER_TEXT.encode())
        if output.exists():
            output.rename(old)
        fresh.rename(output)
    except OSError as err:
        shutil.rmtree(fresh, ignore_errors=True)
        if old.exists() and not output.exists():
            old.rename(output)
        raise PdpError(f"could not write the site: {err.strerror}: {err.filename}",
                       "check the output folder's permissions and free space") from err
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(data)
