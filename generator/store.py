"""The build cache: one SQLite file in `.pdp-cache/` that keeps every kind of result between
runs (entry checks, rendered reflections, the pages of the last build), under one rule.

The rule: a result is kept under a key of everything it was made from, always including
`fingerprint()` (pdp's code, the libraries that matter, Python), together with the questions
it asked of the world and the answers it got (`holds`). It is used only under the same key,
and only while every question gets the same answer. Each row carries a digest of what it
holds: a row that does not match it is ignored.

The file has one format (`FORMAT`, in its header): one of another format is made afresh, a
damaged one is removed, and each write is one transaction in SQLite's rollback journal (a
crash leaves the previous state). The cache only saves time: nothing ever fails for it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from msgspec import Struct

from . import __version__

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

PACKAGE = Path(__file__).parent
STORE_FILE = "cache.sqlite3"
# The file's format, in its header: a file of another is made afresh. Bump when what is
# stored changes.
FORMAT = 1
# What earlier versions of pdp kept, one file per kind: never read, removed with the first
# store.
FORMER_FILES = ("checks.sqlite3", "reflections.sqlite3", "pages.sqlite3")
# The libraries whose code changes what pdp makes or keeps, by their import names: the
# parsers, the renderers (with mdurl, which normalises the links of reflections) and the
# records. The build manifest watches the same.
LIBRARIES = ("yaml", "markdown_it", "mdurl", "jinja2", "markupsafe", "msgspec")
# One table per kind of result, and `meta` for the few values a kind keeps beside its rows.
TABLES = (
    "CREATE TABLE IF NOT EXISTS checks (key TEXT PRIMARY KEY, path TEXT, record TEXT, digest TEXT)",
    "CREATE INDEX IF NOT EXISTS checks_by_path ON checks (path)",
    "CREATE TABLE IF NOT EXISTS reflections (key TEXT PRIMARY KEY, html TEXT, links TEXT, "
    "digest TEXT, seen INTEGER)",
    "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key, size INTEGER, digest)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value)",
    "CREATE TABLE IF NOT EXISTS templates (name TEXT PRIMARY KEY, fingerprint TEXT, code BLOB, "
    "digest TEXT)",
)

Q = TypeVar("Q")
A = TypeVar("A")
T = TypeVar("T")


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


@functools.cache
def fingerprint() -> bytes | None:
    """What every kept result was made with, part of every key: the store's format, pdp's
    code (`code_digest`), the libraries that parse and render (`installed`), and Python.
    None if the code cannot be read: then nothing is kept."""
    code = code_digest()
    if code is None:
        return None
    parts = [str(FORMAT), __version__, sys.version, *(installed(name) for name in LIBRARIES)]
    digest = hashlib.blake2b(code, digest_size=20)
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:%b" % (len(encoded), encoded))
    return digest.digest()


def installed(module: str) -> str:
    """A library as installed, without importing it: where its files are, and each one's
    name, size and time of change. Installing another version changes it.

    Not its version number: `importlib.metadata` took 25 ms to import, longer than checking
    a small journal with its kept checks, and MarkupSafe no longer gives its version itself.
    """
    from importlib.util import find_spec

    spec = find_spec(module)
    folders = library_folders(spec)
    if folders:
        return " ".join(f"{folder} {_folder_stats(folder)}" for folder in folders)
    if spec is not None and spec.origin is not None and spec.has_location:  # one file
        return f"{spec.origin} {_stats(Path(spec.origin))}"
    return f"{module} (none)"


def library_folders(spec: ModuleSpec | None) -> list[Path]:
    """The folders of a library's package, as `importlib.util.find_spec` found it (without
    importing it); none for a module of one file, or one not installed."""
    folders = None if spec is None else spec.submodule_search_locations
    return [Path(folder).resolve() for folder in folders or ()]


def _folder_stats(folder: Path) -> str:
    found: list[str] = []
    for parent, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        place = Path(parent).relative_to(folder).as_posix()
        found.extend(f"{place}/{name}:{_stats(Path(parent, name))}" for name in sorted(files))
    return " ".join(found)


def _stats(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"


def holds(answers: Iterable[tuple[Q, A]], ask: Callable[[Q], A]) -> bool:
    """Whether every question a kept result asked gets the same answer now: the one
    condition, besides its key, on which any kept result is used."""
    return all(ask(question) == answer for question, answer in answers)


def noting(ask: Callable[[Q], A], answers: dict[Q, A]) -> Callable[[Q], A]:
    """`ask`, noting each question and its answer in `answers` (for `holds` later)."""

    def asking(question: Q) -> A:
        answer = answers[question] = ask(question)
        return answer

    return asking


def row_digest(text: str) -> str:
    """The digest a row keeps of what it holds: a row that does not match is ignored."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def code_on_disk() -> bool:
    """Whether pdp's code is files in a folder (not, say, in a zip file)."""
    return PACKAGE.is_dir()


# A change to the store, made in one transaction (see `Store.write`).
Change = Callable[[sqlite3.Connection], None]


class Store(Struct, frozen=True):
    """The store in the cache folder `folder`. Nothing is read or written where pdp's code
    cannot be read (see `fingerprint`).

    Rows that stand by the build manifest (`by_manifest`: the manifest itself, and the last
    build kept with it) are not keyed: the manifest notes every file of pdp's code among its
    inputs, so they need only that the code is files, not its `fingerprint`, which reads
    all of it (about 9 ms)."""

    folder: Path
    by_manifest: bool = False

    def _usable(self) -> bool:
        return code_on_disk() if self.by_manifest else fingerprint() is not None

    @property
    def file(self) -> Path:
        return self.folder / STORE_FILE

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T | None:
        """What `query` reads; None if there is no store of this format, or it cannot be
        read (a damaged file is removed)."""
        if not self._usable() or not os.path.isfile(self.file):
            return None
        try:
            with closing(self._connect()) as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                    return None
                return query(db)
        except sqlite3.Error as err:
            remove_if_damaged(self.file, err)
            return None

    def write(self, change: Change) -> bool:
        """Run `change` in one transaction, on a store of this format (made afresh if the
        file is of another); False if that failed (a damaged file is removed)."""
        if not self._usable():
            return False
        try:
            self.folder.mkdir(exist_ok=True)
            ignore_in_git(self.folder)
            with closing(self._connect()) as db:
                db.execute("BEGIN IMMEDIATE")  # what `change` reads and writes, atomically
                with db:
                    if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                        self._make_afresh(db)
                    for statement in TABLES:  # a table gone missing is made again
                        db.execute(statement)
                    change(db)
        except (sqlite3.Error, OSError, ValueError) as err:
            remove_if_damaged(self.file, err)
            return False
        return True

    def _make_afresh(self, db: sqlite3.Connection) -> None:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for name in names:
            quoted = name.replace('"', '""')
            db.execute(f'DROP TABLE "{quoted}"')
        db.execute(f"PRAGMA user_version = {FORMAT}")
        for former in FORMER_FILES:
            for suffix in ("", "-journal"):
                with suppress(OSError):
                    (self.folder / (former + suffix)).unlink()

    def _connect(self) -> sqlite3.Connection:
        # SQLite's default rollback journal: crash-safe, and unlike WAL safe on network drives.
        return sqlite3.connect(self.file, timeout=1)


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
