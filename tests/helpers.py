"""Helpers that tests of several stages share."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from generator.journal.load import CACHE_DIR
from generator.store import STORE_FILE

from .conftest import REPOSITORY


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
