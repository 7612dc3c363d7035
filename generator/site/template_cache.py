"""The theme's templates as compiled, kept between runs: compiling a template costs more than
rendering a page with it, and a build after one edit renders few pages.

A compiled template is kept under the template's name and the store's `fingerprint` (pdp's
code, whose patch of Jinja2's code generator is in every template, Jinja2's version and
Python's), in the `templates` table of the store; Jinja2 itself checks that its source is the
one it was compiled from, and compiles it again otherwise.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .. import store
from ..store import Store


@dataclass(slots=True)
class StoredTemplates(jinja2.BytecodeCache):
    """Compiled templates in the store of the cache folder `folder`, all read at the first
    template asked for."""

    folder: Path
    kept: dict[str, bytes] | None = field(default=None)

    def load_bytecode(self, bucket: Bucket) -> None:
        if self.kept is None:
            self.kept = Store(self.folder).read(partial(_fetch, _fingerprint())) or {}
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        if self.kept is not None:
            self.kept[bucket.key] = code
        Store(self.folder).write(partial(_keep, _fingerprint(), bucket.key, code))


def keep_compiled(env: jinja2.Environment, folder: Path | None) -> jinja2.Environment:
    """`env`, keeping its compiled templates in the store of `folder` (None: in none)."""
    if folder is not None and env.bytecode_cache is None and store.fingerprint() is not None:
        env.bytecode_cache = StoredTemplates(folder)
    return env


def _fingerprint() -> str:
    return (store.fingerprint() or b"").hex()


def _fetch(fingerprint: str, db: sqlite3.Connection) -> dict[str, bytes]:
    rows = db.execute(
        "SELECT name, code, digest FROM templates WHERE fingerprint = ?", (fingerprint,)
    )
    return {
        name: bytes(code)
        for name, code, digest in rows
        if isinstance(code, bytes) and digest == _digest(code)
    }


def _keep(fingerprint: str, name: str, code: bytes, db: sqlite3.Connection) -> None:
    # Templates compiled by other code are of no more use: one row per template.
    db.execute("DELETE FROM templates WHERE fingerprint != ?", (fingerprint,))
    db.execute(
        "INSERT OR REPLACE INTO templates (name, fingerprint, code, digest) VALUES (?, ?, ?, ?)",
        (name, fingerprint, code, _digest(code)),
    )


def _digest(code: bytes) -> str:
    return hashlib.blake2b(code, digest_size=16).hexdigest()
