"""The pages of the last `pdp build`, taken again by the next where nothing they show changed.

Rendering the pages is most of a build once the reflections are cached. Each page a build
writes is noted with its key, a digest of everything its bytes come from (the store's
`fingerprint`: pdp's code and the libraries that render; the theme's templates; the page's
whole context), and with the size and digest of the bytes written: the question it asks
of the world is what the file holds. The next build into the same folder takes a page from
the file there instead of rendering it, but only under the same key and only if the file
still holds exactly those bytes (the store's rule, see `store`); anything else is rendered
afresh. A page taken is given a second name in the new site (a hard link), not written
again: creating files is most of what taking a page costs. The notes are the `pages` table of
the store, brought up to this build's in one transaction after the site is in place (only the
rows that changed are written). A page taken is not link-checked again while the site has the
same files as the build that checked it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import operator
import os
import pickle
import sqlite3
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msgspec import Struct

from .. import store
from ..store import Store
from .output import make_parent
from .theme import Templates
from .views import EntryView, GoalView, Page, ReviewView, SiteInfo, YearView

_PROTOCOL = 5
# Views that many pages show: each is digested once per build, and pages hold its digest.
# Every page shows the site's (with the member's note of what their reviewer sees).
_SHARED_VIEWS = (EntryView, GoalView, YearView, ReviewView, SiteInfo)

Note = tuple[bytes, int, bytes]  # a page's key, and the size and digest of its bytes
State = tuple[int, int, int, int]  # a file's device, inode, size and mtime, as read
# The meta table's rows of the notes: the output folder they are of, and `links_digest`.
_META = ("pages.output", "pages.links")


def render_basis(templates: Templates) -> bytes:
    """What every page of a build is rendered with: pdp's code and libraries (the store's
    `fingerprint`) and the theme's templates (every one, including those a more specific
    folder overrides)."""
    return hashlib.blake2b(
        (store.fingerprint() or b"") + templates.digest(), digest_size=20
    ).digest()


def _made(name: str, values: tuple[Any, ...]) -> None:
    """Stands in a page key's pickle for a record (never unpickled)."""


@functools.cache
def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _digested(digest: bytes) -> bytes:
    """Stands in a page key's pickle for a view digested on its own (never unpickled)."""
    return digest


@functools.cache
def _fields_of(cls: type[Struct]) -> Callable[[Any], tuple[Any, ...]]:
    names = cls.__struct_fields__
    if len(names) == 1:
        return lambda value: (getattr(value, names[0]),)
    return operator.attrgetter(*names)


@dataclass(slots=True)
class PageKeys:
    """The key of each page of one build."""

    basis: bytes
    # By id, with the view itself, so that an id is never taken for another object's.
    digests: dict[int, tuple[object, bytes]] = field(default_factory=dict)
    reducers: _Reducers = field(init=False)

    def __post_init__(self) -> None:
        self.reducers = _Reducers(self)

    def key(self, page: Page) -> bytes | None:
        """The page's key; None for a context that cannot be pickled (it is not kept)."""
        try:
            return self._digest((page.template, page.context))
        except (pickle.PicklingError, TypeError, ValueError, AttributeError, RecursionError):
            return None

    def digest(self, value: object) -> bytes:
        """A key of any value pages are made from, as a page's key is of its context."""
        return self._digest(value)

    def forget(self) -> None:
        """Drop the digests of the views seen so far (and the views they keep alive)."""
        self.digests.clear()

    def view_digest(self, view: object) -> bytes:
        kept = self.digests.get(id(view))
        if kept is not None and kept[0] is view:
            return kept[1]
        cls: type = type(view)
        digest = self._digest((_name(cls), _fields_of(cls)(view)))
        self.digests[id(view)] = (view, digest)
        return digest

    def _digest(self, value: object) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=_PROTOCOL)
        pickler.dispatch_table = self.reducers
        # No memo: an object met twice is written twice, so that the key does not depend on
        # which equal values happen to be one object (they differ between processes).
        pickler.fast = True
        pickler.dump(value)
        digest = hashlib.blake2b(self.basis, digest_size=20)
        digest.update(buffer.getbuffer())
        return digest.digest()


class _Reducers(dict[type, Callable[[Any], Any]]):
    """How a page key's pickle writes each kind of object, found once per class: records
    (msgspec's structs) by their fields (fast, and exact), views many pages show by their
    digest, anything else as pickle does. A table rather than `reducer_override`: pickle
    looks it up without calling back into Python for every object."""

    def __init__(self, keys: PageKeys) -> None:
        super().__init__()
        self.page_keys = keys

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        reducer: Callable[[Any], Any]
        if cls in _SHARED_VIEWS:
            reducer = self._shared
        elif issubclass(cls, Struct):
            name, fields_of = _name(cls), _fields_of(cls)

            def reducer(obj: Any) -> Any:
                return _made, (name, fields_of(obj))
        else:
            reducer = operator.methodcaller("__reduce_ex__", _PROTOCOL)
        self[cls] = reducer
        return reducer

    def _shared(self, view: Any) -> Any:
        return _digested, (self.page_keys.view_digest(view),)


@dataclass(slots=True)
class Previous:
    """The pages the last build wrote into `output`, and the notes of this build's pages."""

    output: Path
    notes: dict[str, Note] = field(default_factory=dict)
    made: dict[str, Note] = field(default_factory=dict)
    links: bytes = b""  # a digest of the files the last build's link check knew of
    links_now: bytes = b""  # and of this build's
    states: dict[str, State] = field(default_factory=dict)  # the files taken, as read
    read: bool = False  # whether `notes` are the store's, as read

    @property
    def links_same(self) -> bool:
        """Whether the site has the same files as last time: a page taken again, found
        sound by the last build's link check, is sound now."""
        return bool(self.links) and self.links == self.links_now

    def take(self, path: str, key: bytes | None) -> tuple[bytes, Note] | None:
        """The page at `path` as the last build wrote it, and its note, if it was made under
        `key` and the file holds those very bytes still."""
        note = self.notes.get(path)
        if key is None or note is None or note[0] != key:
            return None
        read = _read_regular(self.output / path, note[1])
        if read is None or _digest(read[0]) != note[2]:
            return None
        if read[1].st_nlink == 1:  # a file with a name outside the site is never linked
            self.states[path] = _state(read[1])
        return read[0], note

    def link(self, path: str, folder: Path, made: set[str]) -> bool:
        """Give the file taken at `path` a second name in `folder` (the fresh site) rather
        than writing its bytes again, which costs far more; False if it cannot be: the file
        changed since it was read, or the file system has no such links. The old site is
        only ever removed whole, so the file is never written through either name."""
        state = self.states.pop(path, None)
        if state is None:
            return False
        target = folder / path
        make_parent(folder, path, made)
        try:
            os.link(self.output / path, target, follow_symlinks=False)
        except OSError:
            return False
        if _state(os.lstat(target)) == state:
            return True
        target.unlink()  # never left to be written through: that would change the old site
        return False

    def add(self, path: str, note: Note | None) -> None:
        """Note a page this build wrote, for the next build."""
        if note is not None:
            self.made[path] = note


def page_note(key: bytes | None, data: bytes) -> Note | None:
    return None if key is None else (key, len(data), _digest(data))


def links_digest(existing: Iterable[str]) -> bytes:
    """A digest of the files a link check knows of: pages found sound then are sound now if
    this is the same."""
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(existing):
        encoded = path.encode("utf-8", "surrogateescape")
        digest.update(b"%d:%b" % (len(encoded), encoded))
    return digest.digest()


def load_previous(folder: Path, output: Path) -> Previous:
    """The notes of the last build into `output` (none if it built elsewhere, or no notes)."""
    output = output.absolute()
    previous = Previous(output)
    read = Store(folder).read(functools.partial(_read_notes, output))
    if read is not None:
        previous.links, previous.notes = read
        previous.read = True
    return previous


def _read_notes(output: Path, db: sqlite3.Connection) -> tuple[bytes, dict[str, Note]] | None:
    db.execute("BEGIN")  # the notes and their meta as one build saved them
    meta = dict(db.execute("SELECT name, value FROM meta WHERE name IN (?, ?)", _META))
    if meta.get(_META[0]) != str(output).encode():
        return None
    try:
        # Unreadable notes are no notes: every page is rendered.
        return bytes(meta.get(_META[1], b"")), {
            str(path): (bytes(key), int(size), bytes(digest))
            for path, key, size, digest in db.execute("SELECT path, key, size, digest FROM pages")
        }
    except (ValueError, TypeError):
        return None


def save_previous(folder: Path, previous: Previous) -> None:
    """Replace the notes with this build's, in one transaction; a failure only costs time."""
    Store(folder).write(functools.partial(_write_notes, previous))


def _write_notes(previous: Previous, db: sqlite3.Connection) -> None:
    # Only the notes that changed are written (after one edit, nearly all are the same),
    # while the table holds the notes as they were read; else every note afresh.
    before = previous.notes if previous.read and _read_notes_meta(previous, db) else {}
    if before:
        gone = before.keys() - previous.made.keys()
        db.executemany("DELETE FROM pages WHERE path = ?", [(path,) for path in gone])
    else:
        db.execute("DELETE FROM pages")
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [(_META[0], str(previous.output).encode()), (_META[1], previous.links_now)],
    )
    db.executemany(
        "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
        [(path, *note) for path, note in previous.made.items() if before.get(path) != note],
    )


def _read_notes_meta(previous: Previous, db: sqlite3.Connection) -> bool:
    """Whether the notes' meta is as read: no other build saved its notes since."""
    meta = dict(db.execute("SELECT name, value FROM meta WHERE name IN (?, ?)", _META))
    return meta.get(_META[0]) == str(previous.output).encode() and (
        bytes(meta.get(_META[1], b"")) == previous.links
    )


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _read_regular(path: Path, size: int) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and state if it is a regular file of this size (never a link, never
    blocking on a pipe someone put in its place)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size != size:
            return None
        data = file.read(size + 1)
    return (data, status) if len(data) == size else None


def _state(status: os.stat_result) -> State:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def make_page(
    page: Page, render: Callable[[Page], bytes], previous: Previous | None, keys: PageKeys | None
) -> tuple[bytes, Note | None, bool]:
    """The page's bytes, its note for the next build, and whether they were taken from the
    last build rather than rendered."""
    if previous is None or keys is None:
        return render(page), None, False
    key = keys.key(page)
    taken = previous.take(page.path, key)
    if taken is not None:
        return taken[0], taken[1], True
    data = render(page)
    return data, page_note(key, data), False
