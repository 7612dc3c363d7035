"""`pdp build` after edits of reflections alone: the pages of the edited entries and of their
years' review packs are made again in place, from the last build kept in the store; every
other file is left as it was, and the site is what a clean build makes. Any other change,
an edit with errors, and a published build make a whole build."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import generator.site.build
import generator.site.short_way
from generator.journal.project import Project
from generator.site.last_build import ROW_PREFIX
from generator.site.theme import shipped_themes

from ..helpers import age, example, run_alone, tree
from ..helpers import run_pdp as pdp
from .conftest import HOUR_NS
from .test_manifest import MENTORING, WEBINAR, stats

MENTORING_PAGE = "entries/2026-01-20-mentoring.html"
WEBINAR_PAGE = "entries/2025-05-01-webinar.html"
PACK = "pack/2025-26.html"
EXAMPLE_EDITS = (
    "journal/entries/2024-25/2024-07-10-press-office-shadowing-day.md",
    "journal/entries/2026-27/2026-06-17-webinar-giving-feedback.md",
)


@pytest.fixture
def ways(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each build that made pages made them: "whole", or "short"."""
    taken: list[str] = []
    whole = generator.site.build.build_site
    short = generator.site.short_way.remake_kept

    def building(*args: Any, **kwargs: Any) -> generator.site.build.BuildResult:
        taken.append("whole")
        return whole(*args, **kwargs)

    def remaking(project: Project, *args: Any) -> generator.site.short_way.Remade | None:
        remade = short(project, *args)
        if remade is not None:
            taken.append("short")
        return remade

    monkeypatch.setattr(generator.site.build, "build_site", building)
    monkeypatch.setattr(generator.site.short_way, "remake_kept", remaking)
    return taken


def add_text(root: Path, path: str, text: str) -> None:
    with (root / path).open("a", encoding="utf-8") as file:
        file.write(text)


def changed_since(site: Path, before: dict[str, Any]) -> set[str]:
    """The files (not folders: a file put in place changes its folder's mtime) that differ."""
    after = stats(site)
    paths = before.keys() | after.keys()
    return {
        path for path in paths if before.get(path) != after.get(path) and (site / path).is_file()
    }


def assert_as_clean(root: Path) -> None:
    assert pdp("build", "--no-cache", "-o", "clean")[0] == 0
    assert tree(root / "site") == tree(root / "clean")


def test_a_reflection_edit_remakes_its_page_and_its_pack_alone(
    small: Path, ways: list[str]
) -> None:
    first = pdp("build")
    # A second name of the page, outside the site: a page put in place is never written through.
    os.link(small / "site" / MENTORING_PAGE, small / "linked.html")
    old = (small / "linked.html").read_bytes()
    before = stats(small / "site")
    add_text(small, MENTORING, "\nA second thought, written later.\n")
    assert pdp("build") == first  # says the same
    assert ways == ["whole", "short"]
    assert changed_since(small / "site", before) == {MENTORING_PAGE, PACK}
    assert "A second thought" in (small / "site" / MENTORING_PAGE).read_text("utf-8")
    assert "A second thought" in (small / "site" / PACK).read_text("utf-8")
    assert (small / "linked.html").read_bytes() == old
    assert_as_clean(small)


def test_after_the_short_way_nothing_changed_is_nothing_to_do(small: Path, ways: list[str]) -> None:
    pdp("build")
    add_text(small, MENTORING, "\nA second thought.\n")
    pdp("build")
    before = stats(small / "site")
    pdp("build")
    assert ways == ["whole", "short"]
    assert stats(small / "site") == before


def test_entries_edited_together_are_remade_together(small: Path, ways: list[str]) -> None:
    pdp("build")
    before = stats(small / "site")
    add_text(small, MENTORING, "\nA second thought.\n")
    add_text(small, WEBINAR, "\nAnd one about the webinar.\n")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "short"]
    assert changed_since(small / "site", before) == {
        MENTORING_PAGE,
        WEBINAR_PAGE,
        PACK,
    }
    assert_as_clean(small)


def test_a_whole_build_after_the_short_way_takes_no_page_it_left_behind(
    small: Path, ways: list[str]
) -> None:
    # The page cache's notes are of the whole build: the page the short way remade holds
    # other bytes than noted, and is made again, not taken, when its entry is as it was then.
    mentoring = small / MENTORING
    original = mentoring.read_text("utf-8")
    pdp("build")
    add_text(small, MENTORING, "\nA thought taken back later.\n")
    pdp("build")
    mentoring.write_text(original, "utf-8")
    webinar = small / WEBINAR
    webinar.write_text(webinar.read_text("utf-8").replace("hours: 1", "hours: 2"), "utf-8")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "short", "whole"]
    assert "A thought taken back" not in (small / "site" / MENTORING_PAGE).read_text("utf-8")
    assert_as_clean(small)


def test_a_touched_entry_then_edited_still_takes_the_short_way(
    small: Path, ways: list[str]
) -> None:
    pdp("build")
    entry = small / MENTORING
    later = entry.stat().st_mtime_ns + 10**9
    os.utime(entry, ns=(later, later))
    pdp("build")  # nothing to do: the manifest notes the new stat, and names the same build
    add_text(small, MENTORING, "\nA second thought.\n")
    pdp("build")
    assert ways == ["whole", "short"]
    assert_as_clean(small)


def _front_matter(root: Path) -> None:
    entry = root / MENTORING
    entry.write_text(entry.read_text("utf-8").replace("hours: 6.5", "hours: 7.5"), "utf-8")


def _evidence(root: Path) -> None:
    (root / "journal" / "entries" / "2025-26" / "notes.pdf").write_bytes(b"%PDF-1.4\n")


def _goal(root: Path) -> None:
    goal = next((root / "journal" / "goals").glob("*.md"))
    goal.write_text(goal.read_text("utf-8") + "\nMore about the goal.\n", "utf-8")


def _evidence_edited(root: Path) -> None:
    (root / "journal" / "entries" / "2025-26" / "notes.pdf").write_bytes(b"%PDF-1.4\n% more\n")


def _review(root: Path) -> None:
    add_text(root, "journal/reviews/2025-10-01-mid-year.md", "\nA later note.\n")


def _template(root: Path) -> None:
    own = root / "themes" / "default" / "templates"
    text = (shipped_themes() / "default" / "templates" / "pack.html").read_text("utf-8")
    (own / "pack.html").write_text(text.replace("</h1>", "</h1><!-- mine -->"), "utf-8")


def _with_evidence(root: Path) -> None:
    (root / "journal" / "entries" / "2025-26" / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    entry = root / MENTORING
    text = entry.read_text("utf-8").replace("hours: 6.5", "hours: 6.5\nevidence: [notes.pdf]")
    entry.write_text(text, "utf-8")


def _with_template(root: Path) -> None:
    own = root / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    shutil.copy(shipped_themes() / "default" / "templates" / "pack.html", own)


@pytest.mark.parametrize(
    ("setting", "change"),
    [
        (None, _front_matter),
        (None, _evidence),
        (None, _goal),
        (None, _review),
        (_with_evidence, _evidence_edited),
        (_with_template, _template),
    ],
)
def test_any_other_edit_makes_a_whole_build(
    small: Path, ways: list[str], setting: Any, change: Any
) -> None:
    if setting is not None:
        setting(small)
    pdp("build")
    add_text(small, MENTORING, "\nA second thought.\n")
    change(small)
    assert pdp("build")[0] == 0
    assert ways == ["whole", "whole"]
    assert_as_clean(small)


def kept_rows(root: Path) -> list[str]:
    with sqlite3.connect(root / ".pdp-cache" / "cache.sqlite3") as db:
        names = [name for (name,) in db.execute("SELECT name FROM meta")]
    return [name for name in names if name.startswith(ROW_PREFIX)]


def test_a_site_that_shows_when_it_was_built_is_built_whole_and_keeps_nothing(
    small: Path, ways: list[str]
) -> None:
    config = small / "pdp.toml"
    config.write_text(config.read_text("utf-8") + "build_time = true\n", "utf-8")
    pdp("build")
    assert kept_rows(small) == []
    add_text(small, MENTORING, "\nA second thought.\n")
    pdp("build")
    assert ways == ["whole", "whole"]


def test_a_kept_build_that_the_manifest_does_not_name_is_not_taken(
    small: Path, ways: list[str]
) -> None:
    pdp("build")
    with sqlite3.connect(small / ".pdp-cache" / "cache.sqlite3") as db:
        query = "SELECT name, value FROM meta WHERE name LIKE 'manifest:%'"
        name, value = db.execute(query).fetchone()
        kept = json.loads(value)
        kept["build"] += 1
        db.execute("UPDATE meta SET value = ? WHERE name = ?", (json.dumps(kept), name))
    add_text(small, MENTORING, "\nA second thought.\n")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "whole"]
    assert_as_clean(small)


def test_an_edit_with_an_error_is_shown_by_a_whole_build(small: Path, ways: list[str]) -> None:
    pdp("build")
    built = tree(small / "site")
    add_text(small, MENTORING, "\nSee [the talk](2026-03-01-no-such-talk.md).\n")
    code, _, err = pdp("build")
    assert code == 1
    assert "B001" in err
    assert ways == ["whole", "whole"]
    assert tree(small / "site") == built


def test_a_published_build_is_always_whole(small: Path, ways: list[str]) -> None:
    pdp("build", "--publish")
    add_text(small, MENTORING, "\nA second thought.\n")
    assert pdp("build", "--publish")[0] == 0
    assert ways == ["whole", "whole"]


@pytest.mark.parametrize("row", ["main", "year"])
def test_a_damaged_kept_build_makes_a_whole_build(small: Path, ways: list[str], row: str) -> None:
    pdp("build")
    with sqlite3.connect(small / ".pdp-cache" / "cache.sqlite3") as db:
        names = [name for (name,) in db.execute("SELECT name FROM meta")]
        kept = [name for name in names if name.startswith(ROW_PREFIX)]
        assert len(kept) == 2  # the main row, and that of the one year, 2025-26
        name = next(name for name in kept if name.endswith("\n2025-26") == (row == "year"))
        db.execute("UPDATE meta SET value = ? WHERE name = ?", (b"\x80\x05damaged", name))
    add_text(small, MENTORING, "\nA second thought.\n")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "whole"]
    assert_as_clean(small)


def test_edits_in_one_year_then_another_each_take_the_short_way(
    tmp_path: Path, ways: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second edit reads its year's row as the whole build kept it, named by the rest as
    # the first edit kept it again.
    root = example(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    age(root, HOUR_NS)
    first, second = EXAMPLE_EDITS
    pdp("build")
    add_text(root, first, "\nA thought on the year before.\n")
    assert pdp("build")[0] == 0
    add_text(root, second, "\nA thought on this year.\n")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "short", "short"]
    assert_as_clean(root)


def test_with_the_shipped_templates_an_edit_loads_no_renderer(small: Path) -> None:
    # The edited pages are the last build's with the new HTML spliced in (`site.splice`).
    pdp("build")
    before = stats(small / "site")
    add_text(small, MENTORING, "\nA second thought, with [a link](2025-05-01-webinar.md).\n")
    watched = ["jinja2", "generator.site.render", "generator.site.build", "importlib.resources"]
    # Nor reads pdp's code for the store's fingerprint: the manifest vouches for it.
    assert run_alone(small, ["build"], watched) == (0, [], False)
    assert changed_since(small / "site", before) == {MENTORING_PAGE, PACK}
    page = (small / "site" / MENTORING_PAGE).read_text("utf-8")
    assert '<a href="../entries/2025-05-01-webinar.html">a link</a>' in page
    assert_as_clean(small)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="checked here where processes cannot fork")
def test_an_edit_is_checked_in_a_copy_while_the_renderer_is_imported(small: Path) -> None:
    # The copy imports the YAML parser and the checks; this process, markdown-it-py.
    pdp("build")
    add_text(small, MENTORING, "\nA second thought.\n")
    watched = ["yaml", "generator.journal.entry_checks", "markdown_it"]
    assert run_alone(small, ["build"], watched) == (0, ["markdown_it"], False)
    assert_as_clean(small)


def test_an_edit_with_an_error_found_in_the_copy_makes_a_whole_build(small: Path) -> None:
    pdp("build")
    add_text(small, MENTORING, "\nA second thought.\n")
    path = small / MENTORING
    path.write_text(path.read_text("utf-8").replace("hours: ", "hours: many ", 1), "utf-8")
    code, out, err = pdp("build")
    assert code == 1
    assert "hours" in err and "built the site" not in out


def _own_entry_template(root: Path) -> None:
    own = root / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    text = (shipped_themes() / "default" / "templates" / "entry.html").read_text("utf-8")
    counted = "{{ view.html }}\n<p>{{ view.html | length }} characters</p>"
    (own / "entry.html").write_text(text.replace("{{ view.html }}", counted), "utf-8")


def _planned(root: Path) -> None:
    entry = root / MENTORING
    entry.write_text(entry.read_text("utf-8").replace("hours: 6.5", "hours: 6.5\nstatus: planned"))


def _twin(root: Path) -> None:
    # The same reflection twice in the year's pack: where the edited one is cannot be told.
    twin = root / "journal" / "entries" / "2025-26" / "2026-01-21-mentoring-again.md"
    twin.write_text((root / MENTORING).read_text("utf-8").replace("2026-01-20", "2026-01-21"))


def _empty(root: Path) -> None:
    entry = root / MENTORING
    front, _, _ = entry.read_text("utf-8").rpartition("---\n")
    entry.write_text(front + "---\n", "utf-8")


@pytest.mark.parametrize(
    ("setting", "changed"),
    [
        (_own_entry_template, {MENTORING_PAGE, PACK}),
        (_planned, {MENTORING_PAGE}),  # a pack shows the reflections of done entries alone
        (_twin, {MENTORING_PAGE, PACK}),
        (_empty, {MENTORING_PAGE, PACK}),
    ],
)
def test_pages_that_cannot_be_spliced_are_rendered_again(
    small: Path, ways: list[str], setting: Any, changed: set[str]
) -> None:
    setting(small)
    age(small, HOUR_NS)
    pdp("build")
    before = stats(small / "site")
    add_text(small, MENTORING, "\nA second thought.\n")
    assert pdp("build")[0] == 0
    assert ways == ["whole", "short"]
    assert changed_since(small / "site", before) == changed
    assert_as_clean(small)
