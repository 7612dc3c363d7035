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
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .. import store
from ..journal.compute import performance_year
from ..model import Entry, Journal
from .memo import LastBuild
from .plan import Makers

FORMAT = 1  # of what is pickled: a row of another is not read
ROW_PREFIX = "last-build:"
# LastBuild's fields as kept in the main row: all but the makers (the functions of one
# build), the reflections (by year, in rows of their own) and the entries' text.
_KEPT = ("journal", "today", "shared", "templates", "existing", "sources")


@dataclass(slots=True)
class YearRows:
    """Each year's reflections, by entry path, pickled for its row, and the digest of each
    row as the main row names it."""

    rows: dict[str, bytes] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)

    def add(self, year: str, reflections: Mapping[str, str]) -> None:
        data = pickle.dumps(dict(reflections), protocol=pickle.HIGHEST_PROTOCOL)
        self.rows[year] = data
        self.digests[year] = _digest(data)


@dataclass(frozen=True, slots=True)
class KeptBuild:
    """A last build as read back: its main row's fields, the digests of its years' rows,
    and the reflections of the years read."""

    fields: dict[str, Any]
    years: dict[str, str]
    reflections: dict[str, str]

    @property
    def journal(self) -> Journal:
        return self.fields["journal"]  # type: ignore[no-any-return]

    @property
    def today(self) -> date:
        return self.fields["today"]  # type: ignore[no-any-return]

    def last(self, makers: Makers) -> LastBuild:
        return LastBuild(**self.fields, makers=makers, reflections=self.reflections, bodies={})


def year_of(entry: Entry, journal: Journal) -> str:
    """The name of the performance year whose row holds the entry's reflection."""
    return performance_year(entry.date, journal.config.year_start_month).name


def keep_last(
    cache: Path,
    output: Path,
    last: LastBuild | None,
    build: int,
    years: YearRows,
    before: Mapping[str, str] | None = None,
) -> None:
    """Keep the last build into `output`, as its manifest names it (`build`), with the rows
    of `years` and the rows kept `before` of the other years (None: forget it)."""
    if last is None:
        store.Store(cache).write(lambda db: _delete_all(db, output))
        return
    journal = last.journal
    present = {year_of(entry, journal) for entry in journal.entries}
    digests = {
        year: digest
        for year, digest in {**(before or {}), **years.digests}.items()
        if year in present
    }
    fields = {name: getattr(last, name) for name in _KEPT}
    fields["journal"] = _without_text(journal)
    main = pickle.dumps((FORMAT, build, fields, digests), protocol=pickle.HIGHEST_PROTOCOL)

    def change(db: sqlite3.Connection) -> None:
        rows = [(_row(output), main)]
        rows += [(_row(output, year), years.rows[year]) for year in years.rows if year in digests]
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
        _delete_other_years(db, output, digests)

    store.Store(cache).write(change)


def load_last(cache: Path, output: Path, build: int, paths: Sequence[str]) -> KeptBuild | None:
    """The last build into `output` if it is the one the manifest names `build`, with the
    reflections of the years of its entries at `paths`; None if any of it is not as kept, or
    one of those is not an entry it had."""
    return store.Store(cache).read(lambda db: _read(db, output, build, paths))


def _read(
    db: sqlite3.Connection, output: Path, build: int, paths: Sequence[str]
) -> KeptBuild | None:
    db.execute("BEGIN")  # the rows as one build wrote them
    kept = _unpickled(_value(db, _row(output)))
    if not (isinstance(kept, tuple) and len(kept) == 4 and kept[:2] == (FORMAT, build)):
        return None
    fields, digests = kept[2], kept[3]
    if not (isinstance(fields, dict) and set(fields) == set(_KEPT) and isinstance(digests, dict)):
        return None
    journal: Journal = fields["journal"]
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
    return KeptBuild(fields, digests, reflections)


def _value(db: sqlite3.Connection, name: str) -> object:
    row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else row[0]


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


def _delete_all(db: sqlite3.Connection, output: Path) -> None:
    db.execute("DELETE FROM meta WHERE name = ?", (_row(output),))
    _delete_other_years(db, output, {})


def _row(output: Path, year: str | None = None) -> str:
    name = ROW_PREFIX + str(output.absolute())
    return name if year is None else f"{name}\n{year}"
