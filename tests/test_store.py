"""The build cache is one store: one file, one format, one fingerprint of pdp's code, and one
rule for when a kept result is used."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest

import generator.journal.entry_checks
import generator.journal.open
import generator.site.reflection_cache
from generator import store
from generator.journal.document import Document, parse_document
from generator.journal.load import CACHE_DIR, find_project
from generator.journal.markdown import render
from generator.site.build import build_site
from generator.site.page_cache import Note, Previous
from generator.site.reflection_cache import LinkMap
from generator.store import FORMAT, FORMER_FILES, STORE_FILE, holds, noting

from .conftest import TODAY
from .helpers import example, tree
from .journal.test_check_cache import pdp


@dataclass
class Made:
    """What a build made afresh, and what it took from the store."""

    parsed: list[str] = field(default_factory=list)  # entries read and checked
    rendered: list[str] = field(default_factory=list)  # reflections rendered
    taken: list[str] = field(default_factory=list)  # pages taken from the last build

    def clear(self) -> None:
        self.parsed.clear()
        self.rendered.clear()
        self.taken.clear()


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    counts = Made()

    def parsing(path: str, data: bytes) -> Document:
        if path.startswith("journal/entries/"):
            counts.parsed.append(path)
        return parse_document(path, data)

    def rendering(body: str, link_map: LinkMap | None, anchor_prefix: str) -> str:
        counts.rendered.append(body)
        return render(body, link_map, anchor_prefix)

    take = Previous.take

    def taking(self: Previous, path: str, key: bytes | None) -> tuple[bytes, Note] | None:
        found = take(self, path, key)
        if found is not None:
            counts.taken.append(path)
        return found

    monkeypatch.setattr(generator.journal.open, "parse_document", parsing)
    monkeypatch.setattr(generator.journal.entry_checks, "parse_document", parsing)
    monkeypatch.setattr(generator.site.reflection_cache, "render", rendering)
    monkeypatch.setattr(Previous, "take", taking)
    return counts


@pytest.fixture
def code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of pdp's package that the store takes for pdp's code: editing it is editing
    pdp (each build below stands for a new process, which reads the code afresh)."""
    copy = tmp_path / "code" / "generator"
    shutil.copytree(store.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(store, "PACKAGE", copy)
    forget_code()
    yield copy
    monkeypatch.undo()
    forget_code()


def forget_code() -> None:
    store.code_digest.cache_clear()
    store.fingerprint.cache_clear()


def build(root: Path, cache: bool = True) -> dict[str, bytes]:
    built = build_site(find_project(root), TODAY, False, root / "site", jobs=1, cache=cache)
    assert not built.problems, built.problems
    return tree(root / "site")


def entries(root: Path) -> int:
    return len(list((root / "journal" / "entries").rglob("*.md")))


def listing(root: Path) -> list[str]:
    return sorted(path.name for path in (root / CACHE_DIR).iterdir())


def test_the_cache_folder_holds_one_store_after_check_and_build(tmp_path: Path) -> None:
    root = example(tmp_path)
    assert pdp(root, "check")[0] == 0
    assert pdp(root, "build")[0] == 0
    assert listing(root) == [".gitignore", STORE_FILE]
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        for table in ("checks", "reflections", "pages"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


@pytest.mark.parametrize(
    "module",
    ["journal/validate.py", "site/plan.py", "serve/session.py", "publish/pack.py", "errors.py"],
)
def test_editing_any_module_of_pdp_makes_every_kept_result_stale(
    tmp_path: Path, code: Path, made: Made, module: str
) -> None:
    root = example(tmp_path)
    first = build(root)
    made.clear()
    assert build(root) == first  # all kept: nothing made again
    assert (made.parsed, made.rendered) == ([], [])
    pages = len(made.taken)
    assert pages > 50
    with (code / module).open("a", encoding="utf-8") as source:
        source.write("# changed\n")
    forget_code()
    made.clear()
    assert build(root) == first
    assert len(made.parsed) == entries(root)  # every entry checked again
    assert len(made.rendered) >= entries(root)  # every reflection rendered again
    assert made.taken == []  # and every page
    made.clear()
    assert build(root) == first  # kept again, by the code as it is now
    assert (made.parsed, made.rendered, len(made.taken)) == ([], [], pages)


def test_a_store_of_another_format_is_made_afresh(tmp_path: Path, made: Made) -> None:
    root = example(tmp_path)
    plain = pdp(root, "check", "--no-cache")
    assert pdp(root, "check") == plain
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        db.execute("CREATE TABLE other (anything)")
        db.execute(f"PRAGMA user_version = {FORMAT + 1}")
    made.clear()
    assert pdp(root, "check") == plain
    assert len(made.parsed) == entries(root)  # nothing read from a store of another format
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == FORMAT
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert tables == {"checks", "reflections", "pages", "meta", "templates"}
        assert db.execute("SELECT count(*) FROM checks").fetchone()[0] == entries(root)
    made.clear()
    assert pdp(root, "check") == plain
    assert made.parsed == []


def test_the_files_of_earlier_versions_are_never_read_and_then_removed(
    tmp_path: Path, made: Made
) -> None:
    root = example(tmp_path)
    plain = pdp(root, "check", "--no-cache")
    (root / CACHE_DIR).mkdir()
    for name in FORMER_FILES:
        with sqlite3.connect(root / CACHE_DIR / name) as db:
            db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, path, record, digest)")
    made.clear()
    assert pdp(root, "check") == plain
    assert len(made.parsed) == entries(root)
    assert listing(root) == [".gitignore", STORE_FILE]


def test_nothing_is_kept_where_pdp_cannot_read_its_code(
    tmp_path: Path, made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    plain = build(root, cache=False)
    made.clear()
    monkeypatch.setattr(store, "code_digest", lambda: None)
    store.fingerprint.cache_clear()
    try:
        assert build(root) == build(root) == plain
        assert len(made.parsed) == 2 * entries(root) and made.taken == []
        assert not (root / CACHE_DIR).exists()
    finally:
        store.fingerprint.cache_clear()


def test_rows_that_stand_by_the_manifest_need_the_code_as_files_not_its_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The manifest notes every file of pdp's code: reading them all again would only repeat it.
    monkeypatch.setattr(store, "fingerprint", lambda: None)

    def row(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta VALUES ('a', 1)")

    assert not store.Store(tmp_path).write(row)
    by_manifest = store.Store(tmp_path, by_manifest=True)
    assert by_manifest.write(row)
    assert by_manifest.read(lambda db: db.execute("SELECT * FROM meta").fetchall()) == [("a", 1)]
    assert (
        store.Store(tmp_path).read(lambda db: db.execute("SELECT * FROM meta").fetchall()) is None
    )
    monkeypatch.setattr(store, "PACKAGE", tmp_path / "pdp.pyz" / "generator")
    assert by_manifest.read(lambda db: db.execute("SELECT * FROM meta").fetchall()) is None
    assert not by_manifest.write(row)


def test_the_fingerprint_follows_the_libraries_that_render(monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.fingerprint()
    identity = store.installed
    assert identity("jinja2").startswith(str(Path(jinja2.__file__).parent))
    monkeypatch.setattr(
        store, "installed", lambda name: "another" if name == "jinja2" else identity(name)
    )
    store.fingerprint.cache_clear()
    try:
        assert store.fingerprint() not in (before, None)
    finally:
        store.fingerprint.cache_clear()


def test_a_library_is_known_by_its_files_without_being_imported(tmp_path: Path) -> None:
    (tmp_path / "pdp_test_lib").mkdir()
    (tmp_path / "pdp_test_lib" / "__init__.py").write_text("raise ImportError\n", encoding="utf-8")
    (tmp_path / "pdp_test_lib" / "__pycache__").mkdir()
    (tmp_path / "pdp_test_one.py").write_text("x = 1\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        identity = store.installed("pdp_test_lib")
        assert identity.startswith(f"{tmp_path / 'pdp_test_lib'} ./__init__.py:18:")
        # Bytecode is not code: compiling the library leaves it as it was.
        (tmp_path / "pdp_test_lib" / "__pycache__" / "x.pyc").write_bytes(b"")
        assert store.installed("pdp_test_lib") == identity
        # Another version of the library is another library.
        init = tmp_path / "pdp_test_lib" / "__init__.py"
        init.write_text("raise ValueError\n", encoding="utf-8")
        assert store.installed("pdp_test_lib") not in (identity, "pdp_test_lib (none)")
        assert store.installed("pdp_test_one").startswith(f"{tmp_path / 'pdp_test_one.py'} 6:")
        assert store.installed("no_such_library_here") == "no_such_library_here (none)"
    finally:
        sys.path.remove(str(tmp_path))


def test_a_kept_result_holds_while_every_question_gets_the_same_answer() -> None:
    answers: dict[str, int] = {}
    ask = noting(len, answers)
    assert (ask("ab"), ask("abc")) == (2, 3)
    assert answers == {"ab": 2, "abc": 3}
    assert holds(answers.items(), len)
    assert not holds(answers.items(), lambda text: 2)
    assert holds((), lambda text: 0)
