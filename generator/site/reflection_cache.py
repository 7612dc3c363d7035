"""Reflections rendered before, kept by what they were rendered from, so that an unchanged
entry is parsed once: in memory while serving, and in the store between builds.

A reflection's HTML depends on its text, its heading prefix, the code and libraries that
render it, and the answers its links got (another entry's page, an evidence file); the key
covers all but the answers (with the store's `fingerprint`), and a kept reflection is used
only if every one of its links still gets the same answer (the store's rule, see `store`).
In the store they are the `reflections` table: written in one transaction, and any row whose
HTML does not match its digest is ignored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from msgspec import Struct

from .. import store
from ..journal.markdown import render
from ..store import Store, holds, noting, row_digest

# A row unused by this many builds in a row is dropped, so deleted entries do not pile up.
KEEP_BUILDS = 20
_BUILDS = "reflections.builds"  # the number of whole builds that saved, in the meta table

LinkMap = Callable[[str], str | None]


def _no_link(href: str) -> str | None:
    return None


class Rendered(Struct, frozen=True):
    """A reflection's HTML, and each link it asked about with the answer it got."""

    html: str
    links: tuple[tuple[str, str | None], ...] = ()

    def still_valid(self, link_map: LinkMap | None) -> bool:
        return holds(self.links, link_map or _no_link)


def reflection_key(body: str, anchor_prefix: str) -> str:
    digest = hashlib.blake2b(store.fingerprint() or b"", digest_size=20)
    for part in (anchor_prefix, body):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def render_recorded(body: str, link_map: LinkMap | None, anchor_prefix: str) -> Rendered:
    """Render a reflection, noting every link it resolved and the answer."""
    asked: dict[str, str | None] = {}
    html = render(body, noting(link_map or _no_link, asked), anchor_prefix)
    return Rendered(html, tuple(sorted(asked.items(), key=lambda item: item[0])))


@dataclass(slots=True)
class Reflections:
    """Rendered reflections by key: those of this run in memory, earlier ones on disk."""

    folder: Path | None = None  # None: memory only
    memory: dict[str, Rendered] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    fresh: dict[str, Rendered] = field(default_factory=dict)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def key(self, body: str, anchor_prefix: str) -> str:
        """The reflection's key, hashed once per text while this object lives."""
        found = self.keys.get((body, anchor_prefix))
        if found is None:
            found = self.keys[(body, anchor_prefix)] = reflection_key(body, anchor_prefix)
        return found

    def forget_unused(self) -> None:
        """Keep in memory only the reflections used since the last save (by this build)."""
        self.memory = {key: self.memory[key] for key in self.used if key in self.memory}
        self.keys = {text: key for text, key in self.keys.items() if key in self.used}

    def load(self, keys: Iterable[str]) -> None:
        """Bring the stored reflections of these keys into memory (one query per batch)."""
        wanted = [key for key in keys if key not in self.memory]
        if self.folder is not None and wanted:
            # An unreadable store is no store: everything is rendered afresh.
            self.memory.update(Store(self.folder).read(partial(_fetch, wanted)) or {})

    def get(self, key: str, link_map: LinkMap | None) -> Rendered | None:
        """The reflection kept under `key`, if every link in it still gets the same answer."""
        kept = self.memory.get(key)
        if kept is None or not kept.still_valid(link_map):
            return None
        self.used.add(key)
        return kept

    def put(self, key: str, rendered: Rendered) -> None:
        self.memory[key] = self.fresh[key] = rendered
        self.used.add(key)

    def empty_copy(self) -> Reflections:
        """One that reads the same disk cache and holds nothing yet: for a worker process."""
        return Reflections(self.folder)

    def note(self, key: str, rendered: Rendered, fresh: bool, keep: bool = True) -> None:
        """Note a reflection used (and, if fresh, rendered) elsewhere, as in a worker; one
        kept already is held in memory only with `keep` (for another build in this process).
        Without a disk cache or `keep`, nothing is held: nothing will read it again."""
        if self.folder is None and not keep:
            return
        if fresh:
            self.put(key, rendered)
        else:
            if keep:
                self.memory[key] = rendered
            self.used.add(key)

    def render(self, body: str, link_map: LinkMap | None, anchor_prefix: str) -> str:
        key = self.key(body, anchor_prefix)
        rendered = self.get(key, link_map)
        if rendered is None:
            rendered = render_recorded(body, link_map, anchor_prefix)
            self.put(key, rendered)
        return rendered.html

    def save(self, mark_used: bool = True) -> None:
        """Store this run's new reflections in one transaction. With `mark_used` (a whole
        build), also mark the ones it used and forget those unused for KEEP_BUILDS builds;
        without (watch mode, after its first build), only add the new ones."""
        fresh, used = self.fresh, self.used
        self.fresh, self.used = {}, set()
        if self.folder is not None and (fresh or mark_used):
            Store(self.folder).write(partial(_write, fresh=fresh, used=used if mark_used else None))


def _fetch(wanted: list[str], db: sqlite3.Connection) -> dict[str, Rendered]:
    found: dict[str, Rendered] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        marks = ",".join("?" * len(batch))
        found.update(
            _trusted(
                db.execute(
                    f"SELECT key, html, links, digest FROM reflections WHERE key IN ({marks})",
                    batch,
                )
            )
        )
    return found


def _write(db: sqlite3.Connection, fresh: Mapping[str, Rendered], used: set[str] | None) -> None:
    row = db.execute("SELECT value FROM meta WHERE name = ?", (_BUILDS,)).fetchone()
    run = (row[0] if row and isinstance(row[0], int) else 0) + (used is not None)
    db.executemany(
        "INSERT OR REPLACE INTO reflections VALUES (?, ?, ?, ?, ?)",
        [(key, r.html, json.dumps(r.links), row_digest(r.html), run) for key, r in fresh.items()],
    )
    if used is not None:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_BUILDS, run))
        db.executemany(
            "UPDATE reflections SET seen = ? WHERE key = ?",
            [(run, key) for key in used - fresh.keys()],
        )
        db.execute("DELETE FROM reflections WHERE seen <= ?", (run - KEEP_BUILDS,))


def _trusted(rows: Iterable[tuple[str, str, str, str]]) -> Mapping[str, Rendered]:
    """The rows whose HTML matches its digest and whose links decode."""
    found: dict[str, Rendered] = {}
    for key, html, links, digest in rows:
        if not isinstance(html, str) or row_digest(html) != digest:
            continue
        try:
            pairs = tuple(
                (str(href), None if answer is None else str(answer))
                for href, answer in json.loads(links)
            )
        except (ValueError, TypeError):
            continue
        found[key] = Rendered(html, pairs)
    return found
