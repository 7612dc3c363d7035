"""Entry checks kept between runs, so that an unchanged entry is read and checked once.

An entry's check depends on its path and bytes, on the settings it is checked with (the
configuration, the catalogue, the goals' ids), on the code that checks it, and on the
answers to two questions about the world: whether a date is after today, and what is found
at each evidence path. The key covers all but the questions; a kept check is used only if
every question it asked still gets the same answer (the store's rule, see `store`). The
checks are the `checks` table of the store: written in one transaction, and any row whose
record does not match its digest, or does not decode, is ignored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import store
from ..model import ActionRef, Entry, Problem
from ..store import Store, holds, noting, row_digest
from .front_matter import YAML_PARSER
from .validate import EvidenceProbe, FutureProbe

# The checks kept for each file: those of its working copy and of its staged copy (the git
# hook's), so that the two do not push each other out.
KEEP_PER_FILE = 2

Check = tuple[Entry | None, list[Problem]]


def fingerprint(settings: object) -> bytes | None:
    """What every kept check must have been made with: the store's `fingerprint` (pdp's
    code, its libraries, Python), the YAML parser pdp found, and these settings (by their
    repr, which is exact for the plain values they are). None if the code cannot be read (as
    when run from a zip file): then nothing is kept."""
    code = store.fingerprint()
    if code is None:
        return None
    digest = hashlib.blake2b(code, digest_size=20)
    for part in (YAML_PARSER, repr(settings)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.digest()


def entry_key(settings: bytes, path: str, data: bytes) -> str:
    """The key of a check of the file at `path` holding `data`, under these settings."""
    digest = hashlib.blake2b(settings, digest_size=20)
    digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


@dataclass(slots=True)
class Asked:
    """The questions one entry's check asked of the world, and the answers it got."""

    evidence: dict[str, str] = field(default_factory=dict)
    future: dict[str, bool] = field(default_factory=dict)  # a date (ISO) -> after today

    def noting_probe(self, probe: EvidenceProbe) -> EvidenceProbe:
        """`probe`, noting each path it is asked about and its answer here."""
        return noting(probe, self.evidence)

    def noting_after_today(self, after_today: FutureProbe) -> FutureProbe:
        """`after_today`, noting each date it is asked about and its answer here."""

        def noting_date(when: date) -> bool:
            answer = self.future[when.isoformat()] = after_today(when)
            return answer

        return noting_date

    def still_holds(self, probe: EvidenceProbe, after_today: FutureProbe) -> bool:
        return holds(self.evidence.items(), probe) and holds(
            ((date.fromisoformat(when), answer) for when, answer in self.future.items()),
            after_today,
        )


@dataclass(slots=True)
class KeptChecks:
    """Entry checks by key: those kept in the store, and those of this run to keep."""

    folder: Path | None  # the cache folder; None: nothing kept or to keep
    settings: bytes  # the `fingerprint` of this run
    rows: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # path, record, digest
    fresh: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> path, record

    @classmethod
    def open(cls, folder: Path | None, settings: bytes) -> KeptChecks:
        kept = cls(folder, settings)
        if folder is None:
            return kept
        # An unreadable store is no store: every entry is checked afresh.
        rows = Store(folder).read(
            lambda db: db.execute("SELECT key, path, record, digest FROM checks").fetchall()
        )
        kept.rows = {
            key: (path, record, digest)
            for key, path, record, digest in rows or ()
            if isinstance(key, str)
        }
        return kept

    def paths(self) -> set[str]:
        """The files that have checks kept in the store."""
        return {path for path, _, _ in self.rows.values()}

    def get(
        self, path: str, data: bytes, probe: EvidenceProbe, after_today: FutureProbe
    ) -> Check | None:
        """The check kept for this file as it is now, if it holds today."""
        row = self.rows.get(entry_key(self.settings, path, data))
        if (
            row is None
            or row[0] != path
            or not isinstance(row[1], str)
            or row_digest(row[1]) != row[2]
        ):
            return None
        try:
            check, asked = _decode(json.loads(row[1]))
            still = asked.still_holds(probe, after_today)
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError):
            return None
        return check if still else None

    def keep(self, path: str, key: str, record: str) -> None:
        """Keep a check, as `record` wrote it (in a worker process, or not)."""
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:  # a name that is not UTF-8: SQLite cannot store it
            return
        self.fresh[key] = (path, record)

    def save(self, paths: Collection[str]) -> None:
        """Store this run's new checks, and forget those of files that are gone and the
        oldest of files checked again, in one transaction."""
        before = self.paths()
        gone = before - set(paths)
        if self.folder is None or not (self.fresh or gone):
            return
        if Store(self.folder).write(lambda db: self._store(db, before, gone)):
            self.fresh = {}

    def _store(
        self, db: sqlite3.Connection, before: Collection[str], gone: Collection[str]
    ) -> None:
        """Write this run's checks; `before`: the files that had checks kept on disk."""
        db.executemany(
            "INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?)",
            [(key, path, record, row_digest(record)) for key, (path, record) in self.fresh.items()],
        )
        # The newest rows of a file have the highest row ids: INSERT OR REPLACE gives a new one.
        # A run keeps one check a file, so only a file kept before can have too many.
        db.executemany(
            "DELETE FROM checks WHERE path = ? AND rowid NOT IN (SELECT rowid FROM "
            f"checks WHERE path = ? ORDER BY rowid DESC LIMIT {KEEP_PER_FILE})",
            [(path, path) for path in {path for path, _ in self.fresh.values()} if path in before],
        )
        db.executemany("DELETE FROM checks WHERE path = ?", [(path,) for path in gone])


# How each type of a field of Entry and Problem is written as JSON and read back: by the
# fields' own declarations, so that a field added to either is kept without more code (and
# a field of a type not listed here fails the first test that keeps a check).
def _exactly(kind: type) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}")
        return value

    return read


_text = _exactly(str)


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not list or any(type(item) is not str for item in value):
        raise TypeError("expected a list of texts")
    return tuple(value)


def _severity(value: Any) -> str:
    if value not in ("error", "warning"):
        raise ValueError("not a severity")
    return str(value)


def _decimal(value: Any) -> Decimal:
    number = Decimal(_text(value))
    if not number.is_finite():
        raise InvalidOperation("not a finite number")
    return number


def _action_refs(value: Any) -> tuple[ActionRef, ...]:
    if type(value) is not list:
        raise TypeError("expected a list of references")
    return tuple(ActionRef(_text(text), _int(line), _int(column)) for text, line, column in value)


_int = _exactly(int)
_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "str": (str, _text),
    "int": (int, _exactly(int)),
    "bool": (bool, _exactly(bool)),
    "date": (date.isoformat, lambda value: date.fromisoformat(_text(value))),
    "Decimal": (str, _decimal),
    "tuple[str, ...]": (list, _texts),
    "Severity": (str, _severity),
    "tuple[ActionRef, ...]": (
        lambda refs: [[ref.text, ref.line, ref.column] for ref in refs],
        _action_refs,
    ),
}


def _codecs_of(cls: type[Entry | Problem]) -> tuple[tuple[str, tuple[Any, Any]], ...]:
    """Each field's name and codecs, by its type as declared (annotations are text here)."""
    declared: dict[str, str] = {}
    for kind in reversed(cls.__mro__):  # a base's fields too
        declared.update(getattr(kind, "__annotations__", {}))
    return tuple(
        (name, _CODECS[declared[name]])
        for name in cls.__struct_fields__
        if name != "body"  # not kept: it is in the file, read from there again (`reflection_of`)
    )


_ENTRY_FIELDS = _codecs_of(Entry)
_PROBLEM_FIELDS = _codecs_of(Problem)


def record(check: Check, asked: Asked) -> str:
    """A check and the questions it asked, as kept."""
    return json.dumps(_encode(check, asked))


def _encode(check: Check, asked: Asked) -> dict[str, Any]:
    entry, problems = check
    return {
        "entry": None
        if entry is None
        else [write(getattr(entry, name)) for name, (write, _) in _ENTRY_FIELDS],
        "problems": [
            [write(getattr(p, name)) for name, (write, _) in _PROBLEM_FIELDS] for p in problems
        ],
        "evidence": asked.evidence,
        "future": asked.future,
    }


def _decode(record: dict[str, Any]) -> tuple[Check, Asked]:
    entry = None if record["entry"] is None else Entry(**_values(_ENTRY_FIELDS, record["entry"]))
    problems = [Problem(**_values(_PROBLEM_FIELDS, values)) for values in record["problems"]]
    evidence, future = record["evidence"], record["future"]
    if any(type(answer) is not str for answer in evidence.values()) or any(
        type(answer) is not bool for answer in future.values()
    ):
        raise TypeError("answers of another kind")
    return (entry, problems), Asked(dict(evidence), dict(future))


def _values(
    codecs: tuple[tuple[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]], ...],
    values: Iterable[Any],
) -> dict[str, Any]:
    listed = list(values)
    if len(listed) != len(codecs):
        raise ValueError("a record of another shape")
    return {name: read(value) for (name, (_, read)), value in zip(codecs, listed, strict=True)}
