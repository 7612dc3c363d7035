"""A build takes the pages of the last build that nothing changed, and never one that did."""

from __future__ import annotations

import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

import generator.site.build
import generator.site.entry_job
import generator.site.memo
import generator.site.page_cache
import generator.site.theme
from generator.journal.load import CACHE_DIR, find_project
from generator.site.build import build_site
from generator.site.page_cache import PageKeys, render_basis
from generator.site.theme import Templates, Theme, read_templates
from generator.site.views import Link, Page
from generator.store import STORE_FILE

from ..conftest import TODAY
from ..helpers import example, tree

Rendered = list[str]
ENTRY = "2025-06-25-conversations-with-operator-comms-teams"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Rendered:
    """The paths of the pages rendered (rather than taken from the last build)."""
    paths: Rendered = []

    def counting(env: jinja2.Environment, page: Page) -> bytes:
        paths.append(page.path)
        return generator.site.render.render_page(env, page)

    monkeypatch.setattr(generator.site.entry_job, "render_page", counting)
    monkeypatch.setattr(generator.site.memo, "render_page", counting)
    return paths


def build(
    root: Path, publish: bool = False, out: str = "site", cache: bool = True
) -> dict[str, bytes]:
    built = build_site(find_project(root), TODAY, publish, root / out, cache=cache)
    assert not built.problems, built.problems
    return tree(root / out)


def fresh(root: Path, publish: bool = False) -> dict[str, bytes]:
    """What a build with no cache at all makes of the journal as it is now."""
    return build(root, publish, out="fresh-site", cache=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_build_after_a_build_renders_no_page_and_makes_the_same_site(
    tmp_path: Path, rendered: Rendered
) -> None:
    root = example(tmp_path)
    first = build(root)
    pages = len(rendered)
    assert pages > 50 and (root / CACHE_DIR / STORE_FILE).is_file()
    rendered.clear()
    assert build(root) == first
    assert rendered == []
    assert fresh(root) == first
    assert len(rendered) == pages


def test_an_edited_reflection_renders_its_page_and_its_review_pack_only(
    tmp_path: Path, rendered: Rendered
) -> None:
    root = example(tmp_path)
    build(root)
    entry = root / "journal" / "entries" / "2025-26" / f"{ENTRY}.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more thought.\n", "utf-8")
    rendered.clear()
    site = build(root)
    assert sorted(rendered) == [f"entries/{ENTRY}.html", "pack/2025-26.html"]
    assert b"One more thought." in site[f"entries/{ENTRY}.html"]
    assert site == fresh(root)


EDITS = [
    (f"entries/2025-26/{ENTRY}.md", "hours: 4", "hours: 2.5"),
    (f"entries/2025-26/{ENTRY}.md", "date: 2025-06-25", "date: 2024-06-12"),
    ("goals/incident-comms.md", 'title: "', 'title: "Renamed: '),
    ("../pdp.toml", "target = 30", "target = 45"),
]


@pytest.mark.parametrize(("path", "old", "new"), EDITS)
def test_after_any_edit_the_site_is_what_a_build_without_a_cache_makes(
    tmp_path: Path, path: str, old: str, new: str
) -> None:
    root = example(tmp_path)
    for publish in (False, True):
        build(root, publish)
    edit(root / "journal" / path, old, new)
    for publish in (True, False):
        assert build(root, publish) == fresh(root, publish)


def test_new_deleted_and_renamed_entries_and_a_new_template(tmp_path: Path) -> None:
    root = example(tmp_path)
    build(root)
    entries = root / "journal" / "entries" / "2025-26"
    first, second = sorted(entries.glob("*.md"))[:2]
    first.rename(entries / "2025-04-30-renamed.md")
    second.unlink()
    shutil.copy(entries / "2025-04-30-renamed.md", entries / "2025-05-01-copied.md")
    assert build(root) == fresh(root)
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    base = generator.site.theme.shipped_themes() / "default" / "templates" / "base.html"
    (templates / "base.html").write_text(
        base.read_text("utf-8").replace("<main", "<!-- overridden --><main"), "utf-8"
    )
    site = build(root)
    assert b"<!-- overridden -->" in site["index.html"]
    assert site == fresh(root)


def test_a_page_changed_or_replaced_in_the_output_is_never_taken(
    tmp_path: Path, rendered: Rendered
) -> None:
    root = example(tmp_path)
    first = build(root)
    index = root / "site" / "index.html"
    data = index.read_bytes()
    index.write_bytes(data.replace(b"Dashboard", b"Dashboarx", 1))  # same size
    catalogue = root / "site" / "catalogue.html"
    (root / "elsewhere.html").write_bytes(catalogue.read_bytes())
    catalogue.unlink()
    catalogue.symlink_to(root / "elsewhere.html")
    goals = root / "site" / "goals" / "index.html"
    goals.unlink()
    os.mkfifo(goals)  # reading it would wait for ever
    rendered.clear()
    assert build(root) == first
    assert sorted(rendered) == ["catalogue.html", "goals/index.html", "index.html"]


def test_damaged_or_missing_notes_only_cost_time(tmp_path: Path, rendered: Rendered) -> None:
    root = example(tmp_path)
    first = build(root)
    notes = root / CACHE_DIR / STORE_FILE
    notes.write_bytes(b"not a database" * 100)
    assert build(root) == first
    notes.unlink()
    assert build(root) == first
    rendered.clear()
    assert build(root) == first
    assert rendered == []


def test_notes_hold_for_the_folder_they_were_made_in(tmp_path: Path, rendered: Rendered) -> None:
    root = example(tmp_path)
    first = build(root)
    rendered.clear()
    assert build(root, out="other") == first
    assert len(rendered) > 50
    assert build(root, publish=True) == fresh(root, publish=True)


def test_a_key_covers_every_value_a_page_shows() -> None:
    keys = PageKeys(b"basis")

    def page(points: object, template: str = "year.html") -> Page:
        return Page(
            "years/2025-26.html",
            template,
            "Year",
            {"points": points, "links": (Link("a.html", "A"),)},
        )

    one = keys.key(page(Decimal("1.5")))
    assert one is not None
    assert PageKeys(b"basis").key(page(Decimal("1.5"))) == one
    assert keys.key(page(Decimal("1.50"))) != one
    assert keys.key(page(1.5)) != one
    assert keys.key(page(Decimal("1.5"), "goal.html")) != one
    assert PageKeys(b"other basis").key(page(Decimal("1.5"))) != one
    assert keys.key(page(lambda: None)) is None  # cannot be pickled: never kept


def test_the_basis_covers_every_template_even_in_a_linked_folder(tmp_path: Path) -> None:
    own = tmp_path / "own"
    (own / "templates").mkdir(parents=True)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "footer.html").write_text("v1", "utf-8")
    (own / "templates" / "partials").symlink_to(shared, target_is_directory=True)
    (shared / "loop").symlink_to(own / "templates", target_is_directory=True)
    theme = Theme((own, generator.site.theme.shipped_themes() / "default"))
    before = read_templates(theme)
    assert dict(before.files)["partials/footer.html"] == b"v1"
    (shared / "footer.html").write_text("v2", "utf-8")
    assert render_basis(read_templates(theme)) != render_basis(before)
    (own / "templates" / "unused.html").write_text("x", "utf-8")
    assert len(read_templates(theme).files) == len(before.files) + 1


def test_a_template_saved_during_a_build_changes_nothing_it_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    shipped = generator.site.theme.shipped_themes() / "default" / "templates" / "base.html"
    text = shipped.read_text("utf-8")
    (templates / "base.html").write_text(text, "utf-8")

    def read_then_save(theme: Theme) -> Templates:
        read = read_templates(theme)
        (templates / "base.html").write_text(text.replace("<main", "<p>DRAFT</p><main"), "utf-8")
        return read

    monkeypatch.setattr(generator.site.build, "read_templates", read_then_save)
    during = build(root)
    assert b"DRAFT" not in during["index.html"]  # rendered from what was read
    monkeypatch.undo()
    (templates / "base.html").write_text(text, "utf-8")
    assert build(root) == fresh(root)


def test_worker_processes_take_pages_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 2)
    log = tmp_path / "rendered.txt"

    def logging(env: jinja2.Environment, page: Page) -> bytes:
        with log.open("a", encoding="utf-8") as file:  # from any process
            file.write(f"{os.getpid()} {page.path}\n")
        return generator.site.render.render_page(env, page)

    monkeypatch.setattr(generator.site.entry_job, "render_page", logging)
    monkeypatch.setattr(generator.site.memo, "render_page", logging)
    root = example(tmp_path)
    project = find_project(root)
    build_site(project, TODAY, False, root / "site", jobs=2)
    pids = {line.split()[0] for line in log.read_text("utf-8").splitlines()}
    assert len(pids) == 3  # this process and two workers
    log.unlink()
    entry = root / "journal" / "entries" / "2025-26" / f"{ENTRY}.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more thought.\n", "utf-8")
    build_site(project, TODAY, False, root / "site", jobs=2)
    second = tree(root / "site")
    rendered = sorted(line.split()[1] for line in log.read_text("utf-8").splitlines())
    assert rendered == [f"entries/{ENTRY}.html", "pack/2025-26.html"]
    assert second == fresh(root)
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        noted = {path for (path,) in db.execute("SELECT path FROM pages")}
    assert noted == {path for path in second if path.endswith(".html")}
    logged = log.read_text("utf-8")
    build_site(project, TODAY, False, root / "site", jobs=1)  # keys as workers made them
    assert log.read_text("utf-8") == logged


def notes_of(root: Path) -> dict[str, tuple[bytes, int, bytes]]:
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        rows = db.execute("SELECT path, key, size, digest FROM pages").fetchall()
    return {path: (key, size, digest) for path, key, size, digest in rows}


def test_a_build_writes_only_the_notes_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root)
    statements: list[str] = []
    write_notes = generator.site.page_cache._write_notes

    def tracing(previous: generator.site.page_cache.Previous, db: sqlite3.Connection) -> None:
        db.set_trace_callback(statements.append)
        write_notes(previous, db)
        db.set_trace_callback(None)

    monkeypatch.setattr(generator.site.page_cache, "_write_notes", tracing)
    entry = root / "journal" / "entries" / "2025-26" / f"{ENTRY}.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more thought.\n", "utf-8")
    build(root)
    written = sorted(
        s.split("'")[1] for s in statements if s.startswith("INSERT OR REPLACE INTO pages")
    )
    assert written == [f"entries/{ENTRY}.html", "pack/2025-26.html"]
    assert not [s for s in statements if s.startswith("DELETE")]
    kept = notes_of(root)
    shutil.rmtree(root / CACHE_DIR)
    build(root)  # every note afresh
    assert notes_of(root) == kept
    os.remove(entry)
    statements.clear()
    build(root)
    assert f"DELETE FROM pages WHERE path = 'entries/{ENTRY}.html'" in statements
    kept = notes_of(root)
    shutil.rmtree(root / CACHE_DIR)
    build(root)
    assert notes_of(root) == kept
