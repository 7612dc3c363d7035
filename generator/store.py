"""The cache folder `.pdp-cache/`: what every store kept there shares."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from contextlib import suppress
from pathlib import Path

PACKAGE = Path(__file__).parent


@functools.cache
def code_digest() -> bytes | None:
    """The digest of pdp's own code, read once a process (see `digest_of_code`)."""
    return digest_of_code(PACKAGE)


def digest_of_code(package: Path) -> bytes | None:
    """pdp's own source: every module of the package and of each of its sub-packages, by
    path and bytes. A change to any of them, even without a new version number (as while
    developing pdp), is never met by a result kept by older code. None if the code cannot be
    read (as when run from a zip file): then nothing is kept."""
    sources = sorted(package.rglob("*.py"))
    if not sources:
        return None
    digest = hashlib.blake2b(digest_size=20)
    try:
        for path in sources:
            name = path.relative_to(package).as_posix().encode()
            data = path.read_bytes()
            # Each part length-prefixed: no two lists of parts give the same bytes.
            digest.update(b"%d:%b%d:%b" % (len(name), name, len(data), data))
    except OSError:
        return None
    return digest.digest()


def remove_if_damaged(file: Path, err: Exception) -> None:
    """After a cache file failed with `err`: remove it if the error says that it is no
    database (rather than busy, say). It never will be one: the next run starts afresh."""
    if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError):
        with suppress(OSError):
            file.unlink()


def ignore_in_git(folder: Path) -> None:
    """The cache is never committed, even where the journal's .gitignore does not say so."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Made by pdp: a cache, safe to delete.\n*\n", encoding="utf-8")
