"""The theme's templates as compiled, kept between runs: compiling a template costs more than
rendering a page with it, and a build after one edit renders few pages.

A compiled template is kept under the template's name and the store's `fingerprint` (pdp's
code, whose patch of Jinja2's code generator is in every template, Jinja2's version and
Python's), in the `templates` table of the store; Jinja2 itself checks that its source is the
one it was compiled from, and compiles it again otherwise.

A build without the store (`--no-cache`) finds the shipped theme's templates compiled beside
them instead, as Python keeps its own bytecode (`__pycache__`, written when the folder can
be): they are part of pdp, like its code. Only a template whose source is the shipped one's
is kept there, under its name, its source and pdp's code; a template of the journal's own
theme is compiled afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .. import store
from ..store import Store
from .theme import DEFAULT_THEME, PYCACHE, TEMPLATES_DIR, shipped_themes

WRITING = ".writing-"  # in the name of a compiled template being written, before its pid
LEFT_AFTER = 60.0  # seconds after which one still being written was left by a killed write


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


@dataclass(slots=True)
class ShippedTemplates(jinja2.BytecodeCache):
    """The shipped templates as compiled, in `folder` beside them: of the sources whose
    checksums (as Jinja2 takes them) are `shipped`, by what compiled them (`version`: pdp's
    code and Jinja2's). Not written where Python is told to write no bytecode."""

    folder: Path
    shipped: frozenset[str]
    version: str

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.checksum in self.shipped:
            with suppress(OSError):
                bucket.bytecode_from_string(self._file(bucket).read_bytes())

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.checksum not in self.shipped or sys.dont_write_bytecode:
            return
        file = self._file(bucket)
        written = file.with_name(f"{file.name}{WRITING}{os.getpid()}")
        with suppress(OSError):  # a folder that cannot be written: compiled every time
            self.folder.mkdir(exist_ok=True)
            self._forget_others()
            written.write_bytes(bucket.bytecode_to_string())
            os.replace(written, file)
        with suppress(OSError):
            written.unlink(missing_ok=True)

    def _file(self, bucket: Bucket) -> Path:
        tag = sys.implementation.cache_tag or "python"
        return self.folder / f"{bucket.key[:16]}-{bucket.checksum}.{tag}.{self.version}.jinja"

    def _forget_others(self) -> None:
        """Remove what other code compiled (as while pdp itself is being changed), and what
        a write killed half-way left (long enough ago to be no other build's at work)."""
        mine = f".{self.version}.jinja"
        stale = time.time() - LEFT_AFTER
        for found in self.folder.iterdir():
            name = found.name
            other = name.endswith(".jinja") and not name.endswith(mine)
            if other or (WRITING in name and found.stat().st_mtime < stale):
                found.unlink(missing_ok=True)


def keep_compiled(env: jinja2.Environment, folder: Path | None) -> jinja2.Environment:
    """`env`, keeping its compiled templates in the store of `folder`; None: the shipped
    ones beside them (see `ShippedTemplates`)."""
    if env.bytecode_cache is not None:
        return env
    if folder is not None:
        if store.fingerprint() is not None:
            env.bytecode_cache = StoredTemplates(folder)
        return env
    code = store.code_digest()
    if code is not None:
        compiler = hashlib.blake2b(code + jinja2.__version__.encode(), digest_size=10)
        env.bytecode_cache = _shipped(compiler.hexdigest())
    return env


@functools.cache
def _shipped(version: str) -> ShippedTemplates:
    """The compiled shipped templates, by what compiles them (read once a process)."""
    templates = shipped_themes() / DEFAULT_THEME / TEMPLATES_DIR
    checksums = set()
    with suppress(OSError):
        for file in templates.iterdir():
            if file.is_file():
                checksums.add(hashlib.sha1(file.read_bytes()).hexdigest())  # as Jinja2 does
    return ShippedTemplates(templates / PYCACHE, frozenset(checksums), version)


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
