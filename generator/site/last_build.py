"""The last whole build into a folder, kept in the store for the next `pdp build`: when only
entries' reflections changed since, that build takes watch mode's short way
(`remake.remake_reflections`) from it, as `pdp serve` does from the build it holds in memory.

What is kept is what the short way reads, and no more: the journal without the entries'
text (no page but the entry's own reads it, and the edited entries are read again), what
every entry page shares, the templates, and what the link check knew; and, in a row of its
own for each performance year, the year's reflections as rendered, which its review pack
shows. The short way reads the rows of the edited entries' years alone, and writes them
again with the rest.

It is kept beside the build manifest (`manifest`) and names the same build: it is used only
while the manifest it was kept with is the one found, and that manifest says that nothing
but entries' bytes changed; a year's row only if its digest is the one the rest names. It
is pickled, as worker processes are sent their work, and read back only from the member's
own cache folder, under those conditions.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from .. import store
from ..journal.compute import performance_year
from ..model import Entry, Journal
from .entry_pages import EntryPages
from .theme import Templates

if TYPE_CHECKING:  # not imported to read a kept build: the short way may need no renderer
    from .memo import LastBuild
    from .plan import Makers

FORMAT = 2  # of what is pickled: a row of another is not read
_PROTOCOL = pickle.HIGHEST_PROTOCOL
ROW_PREFIX = "last-build:"
# LastBuild's fields as kept in the main row: all but the makers (the functions of one
# build), the reflections (by year, in rows of their own) and the entries' text.
_KEPT = ("journal", "today", "shared", "templates", "existing", "sources")
# Years' rows held before they are written: a large journal's reflections are never all
# held at once (a one-off build lets go of each year's once its pack is made).
HELD_BYTES = 8 * 2**20


@dataclass(slots=True)
class YearRows:
    """Rows of years' reflections (by entry path) for the last build into `output`, written
    into the store of `cache` as they pile up; and the digest of each, which the main row
    names."""

    cache: Path
    output: Path
    rows: dict[str, bytes] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    held: int = 0

    def add(self, year: str, reflections: Mapping[str, str]) -> None:
        data = pickle.dumps(dict(reflections), protocol=_PROTOCOL)
        self.rows[year] = data
        self.digests[year] = _digest(data)
        self.held += len(data)
        if self.held > HELD_BYTES:
            self.write()

    def write(self) -> None:
        """Write the rows held, in one transaction, and let go of them. (A row written
        before the main row that names it only makes the last main row name another.)"""
        rows = [(_row(self.output, year), data) for year, data in self.rows.items()]
        if rows:
            store.Store(self.cache, by_manifest=True).write(lambda db: _insert(db, rows))
        self.rows, self.held = {}, 0


class KeptBuild(Struct, frozen=True):
    """A last build as read back: its main row, the digests of its years' rows that it
    names, and the reflections of the years read."""

    journal: Journal  # without the entries' text
    today: date
    shared: EntryPages
    templates: Templates
    existing: frozenset[str]
    sources: Mapping[str, str]
    years: dict[str, str]
    reflections: dict[str, str]
    fields_data: bytes  # the fields above as pickled in the main row

    def last(self, makers: Makers) -> LastBuild:
        from .memo import LastBuild

        return LastBuild(
            self.journal,
            self.today,
            self.shared,
            makers,
            self.templates,
            self.reflections,
            self.existing,
            self.sources,
            bodies={},  # only for the lines of broken links, which the short way never shows
        )


def year_of(entry: Entry, journal: Journal) -> str:
    """The name of the performance year whose row holds the entry's reflection."""
    return performance_year(entry.date, journal.config.year_start_month).name


def keeping(
    output: Path,
    last: LastBuild | KeptBuild,
    build: int,
    years: YearRows | None,
    other_years: Mapping[str, str] | None = None,
) -> store.Change:
    """What keeps the last build into `output`, as its manifest names it (`build`), with the
    rows of `years` and those kept before of `other_years`: to write with the manifest."""
    journal = last.journal
    present = {year_of(entry, journal) for entry in journal.entries}
    made = {} if years is None else years.digests
    digests = {
        year: digest for year, digest in {**(other_years or {}), **made}.items() if year in present
    }
    main = pickle.dumps((FORMAT, build, _fields_data(last), digests), protocol=_PROTOCOL)
    held = [] if years is None else list(years.rows.items())

    def change(db: sqlite3.Connection) -> None:
        _insert(db, [(_row(output), main), *((_row(output, y), data) for y, data in held)])
        _delete_other_years(db, output, digests)

    return change


def forgetting(output: Path) -> store.Change:
    """What forgets the last build into `output`, so that the next build is a whole one."""

    def change(db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM meta WHERE name = ?", (_row(output),))
        _delete_other_years(db, output, {})

    return change


def _fields_data(last: LastBuild | KeptBuild) -> bytes:
    """The main row's fields, pickled: as read, for a build kept and taken again unchanged
    (the short way changes reflections alone, which are kept by year)."""
    if isinstance(last, KeptBuild):
        return last.fields_data
    fields = {name: getattr(last, name) for name in _KEPT}
    fields["journal"] = _without_text(last.journal)
    return pickle.dumps(fields, protocol=_PROTOCOL)


def load_last(cache: Path, output: Path, build: int, paths: Sequence[str]) -> KeptBuild | None:
    """The last build into `output` if it is the one the manifest names `build`, with the
    reflections of the years of its entries at `paths`; None if any of it is not as kept, or
    one of those is not an entry it had."""
    return store.Store(cache, by_manifest=True).read(lambda db: _read(db, output, build, paths))


def _read(
    db: sqlite3.Connection, output: Path, build: int, paths: Sequence[str]
) -> KeptBuild | None:
    db.execute("BEGIN")  # the rows as one build wrote them
    kept = _unpickled(_value(db, _row(output)))
    if not (isinstance(kept, tuple) and len(kept) == 4 and kept[:2] == (FORMAT, build)):
        return None
    fields_data, digests = kept[2], kept[3]
    if not isinstance(fields_data, bytes):
        return None
    fields = _unpickled(fields_data)
    if not (isinstance(fields, dict) and set(fields) == set(_KEPT) and isinstance(digests, dict)):
        return None
    journal = fields["journal"]
    if not isinstance(journal, Journal) or not isinstance(fields["today"], date):
        return None
    entries = {entry.path: entry for entry in journal.entries}
    if not paths or any(path not in entries for path in paths):
        return None
    reflections: dict[str, str] = {}
    for year in sorted({year_of(entries[path], journal) for path in paths}):
        data = _value(db, _row(output, year))
        if not isinstance(data, bytes) or digests.get(year) != _digest(data):
            return None
        found = _unpickled(data)
        if not isinstance(found, dict):
            return None
        reflections.update(found)
    return KeptBuild(**fields, years=digests, reflections=reflections, fields_data=fields_data)


def _value(db: sqlite3.Connection, name: str) -> object:
    row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else row[0]


def _insert(db: sqlite3.Connection, rows: Sequence[tuple[str, bytes]]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)


def _without_text(journal: Journal) -> Journal:
    return replace(journal, entries=tuple(replace(entry, body="") for entry in journal.entries))


def _unpickled(data: object) -> object:
    if not isinstance(data, bytes):
        return None
    try:
        return pickle.loads(data)
    except Exception:
        return None


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _delete_other_years(db: sqlite3.Connection, output: Path, keep: Mapping[str, str]) -> None:
    prefix = _row(output, "")
    names = db.execute(
        "SELECT name FROM meta WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
    ).fetchall()
    gone = [(name,) for (name,) in names if name[len(prefix) :] not in keep]
    db.executemany("DELETE FROM meta WHERE name = ?", gone)


def _row(output: Path, year: str | None = None) -> str:
    name = ROW_PREFIX + str(output.absolute())
    return name if year is None else f"{name}\n{year}"
