"""Helpers that tests of several stages share."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from generator.cli import run
from generator.journal.load import CACHE_DIR
from generator.store import STORE_FILE

from .conftest import FIXTURES, REPOSITORY


def example(tmp_path: Path) -> Path:
    """A copy of the example journal project, to change freely."""
    root = tmp_path / "journal-project"
    root.mkdir()
    shutil.copy(REPOSITORY / "pdp.toml", root)
    shutil.copytree(REPOSITORY / "journal", root / "journal")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder, by its path there, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def rows(root: Path) -> int:
    """How many rendered reflections the project's store keeps."""
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        count: int = db.execute("SELECT count(*) FROM reflections").fetchone()[0]
    return count


def run_pdp(*argv: str) -> tuple[int, str, str]:
    """pdp run in this process, in the current folder: its exit code, output and errors."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


class Alone(NamedTuple):
    """What pdp did, run in a Python of its own: its exit code, which of the modules watched
    it imported, and whether it read pdp's code for the store's fingerprint."""

    code: int
    imported: list[str]
    read_code: bool


def run_alone(root: Path, argv: Iterable[str], watched: Iterable[str]) -> Alone:
    """pdp run on the project at `root` in a Python of its own, as the command line runs it
    (this one has imported everything): what it imported of `watched`, and more."""
    script = (
        "import io, sys\nfrom generator.cli import run\n"
        "code = run(sys.argv[1:-1], io.StringIO(), io.StringIO())\n"
        "watched = set(sys.argv[-1].split())\n"
        "print(code, ' '.join(sorted(watched & set(sys.modules))), "
        "sys.modules['generator.store'].code_digest.cache_info().currsize, sep='|')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "-C", str(root), *argv, " ".join(watched)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPOSITORY,
    )
    code, imported, read = done.stdout.splitlines()[-1].split("|")
    return Alone(int(code), imported.split(), read == "1")


def age(root: Path, by_ns: int) -> None:
    """Set back the mtime of every file below `root`."""
    then = time.time_ns() - by_ns
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(then, then))


def add_planned_next_year(root: Path) -> None:
    """Give a project an entry planned in 2027-28, a year not yet begun."""
    entries = root / "journal" / "entries" / "2027-28"
    entries.mkdir(parents=True)
    shutil.copy(FIXTURES / "entries" / "2027-06-30-civil-service-live.md", entries)
