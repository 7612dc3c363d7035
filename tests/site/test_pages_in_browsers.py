"""The example journal's site in real tools: valid HTML, no axe-core violations, and a reader
who clicks from the dashboard to a year, an entry, a goal and the review pack from disk."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Literal

import pytest

from generator.journal.compute import performance_year, year_totals
from generator.journal.load import find_project
from generator.journal.markdown import strip_private
from generator.model import Journal
from generator.site.build import build_site
from generator.site.formats import figure

from ..conftest import REPOSITORY, TODAY
from ..site_tools import axe_violations, open_browser, validate_html

# Every test here drives Chromium, the Nu Html Checker or axe-core.
pytestmark = pytest.mark.tools


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Journal]]:
    """The example journal built twice: for the member, and published for the reviewer."""
    folder = tmp_path_factory.mktemp("sites")
    project = find_project(REPOSITORY)
    own = build_site(project, TODAY, publish=False, output=folder / "own")
    build_site(project, TODAY, publish=True, output=folder / "published")
    assert own.checked.journal is not None
    yield folder / "own", folder / "published", own.checked.journal


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_valid_html(sites: tuple[Path, Path, Journal]) -> None:
    own, published, _ = sites
    pages = pages_of(own) + pages_of(published)
    assert len(pages) > 200
    assert validate_html(pages) == []


def test_no_page_has_accessibility_violations(sites: tuple[Path, Path, Journal]) -> None:
    own, _, _ = sites
    assert axe_findings(pages_of(own), "light") == {}


def test_dark_scheme_and_published_pages_have_no_violations(
    sites: tuple[Path, Path, Journal],
) -> None:
    own, published, _ = sites
    # One page of each template (the published pages are the member's minus private ones).
    samples = [
        own / "index.html",
        own / "years/index.html",
        own / "years/2025-26.html",
        own / "goals/index.html",
        own / "reviews/index.html",
        own / "catalogue.html",
        own / "skills/index.html",
        own / "pack/2025-26.html",
        next((own / "entries").glob("*.html")),
        next((own / "goals").glob("[!i]*.html")),
        next((own / "tags").glob("[!i]*.html")),
    ]
    assert axe_findings(samples, "dark") == {}
    assert axe_findings(pages_of(published)[::10], "light") == {}


def test_review_packs_have_no_violations_in_either_scheme(
    sites: tuple[Path, Path, Journal],
) -> None:
    own, published, _ = sites
    packs = sorted((own / "pack").glob("*.html")) + sorted((published / "pack").glob("*.html"))
    assert len(packs) == 8
    assert axe_findings(packs, "dark") == {}
    assert axe_findings(sorted((published / "pack").glob("*.html")), "light") == {}


OUTLINE = """() => {
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  return headings.map((h) => [Number(h.tagName[1]), h.textContent.trim()]);
}"""


def test_review_pack_headings_follow_one_outline_in_print_and_on_screen(
    sites: tuple[Path, Path, Journal],
) -> None:
    """One h1, then sections, entries and their reflections' headings, none skipped; and a
    reflection's heading reads smaller than its entry's title, on screen and on paper."""
    own, published, _ = sites
    size = "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
    entry = "#entry-2025-04-26-first-solo-out-of-hours-weekend"
    reflection = "#\\32 025-04-26-first-solo-out-of-hours-weekend-what-i-did"
    with open_browser() as browser:
        page = browser.new_page()
        for site in (own, published):
            page.goto((site / "pack/2025-26.html").as_uri())
            outline: list[tuple[int, str]] = [tuple(pair) for pair in page.evaluate(OUTLINE)]
            levels = [level for level, _ in outline]
            assert levels[0] == 1 and levels.count(1) == 1
            assert all(after <= before + 1 for before, after in itertools.pairwise(levels))
            at = outline.index((3, "First solo weekend on the out-of-hours press rota"))
            assert outline[at + 1] == (4, "What I did")
            for media in ("screen", "print"):
                page.emulate_media(media=media)
                assert page.evaluate(size, reflection) < page.evaluate(size, entry), media


def axe_findings(pages: list[Path], scheme: Literal["light", "dark"]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with open_browser() as browser:
        page = browser.new_context(color_scheme=scheme).new_page()
        for path in pages:
            page.goto(path.as_uri())
            violations = axe_violations(page)
            if violations:
                found[str(path)] = violations
    return found


def test_a_reader_clicks_through_from_disk(sites: tuple[Path, Path, Journal]) -> None:
    own, _, journal = sites
    year = performance_year(TODAY, journal.config.year_start_month)
    totals = year_totals(journal, year, TODAY)
    entry = next(e for e in reversed(journal.entries) if e.done and e.goals and e.date in year)
    goal = next(g for g in journal.goals if g.id == entry.goals[0])
    with open_browser() as browser:
        page = browser.new_page()
        page.goto((own / "index.html").as_uri())
        assert page.locator("h1").inner_text() == "Dashboard"
        summary = page.locator("figure.progress figcaption").first.inner_text()
        assert summary.startswith(f"{figure(totals.points)} of {figure(totals.target)} points")

        page.get_by_role("link", name=f"All of {year.name}").click()
        assert page.locator("h1").inner_text() == f"Performance year {year.name}"
        assert page.url.endswith(f"/years/{year.name}.html")

        page.get_by_role("link", name=entry.title, exact=True).first.click()
        assert page.locator("h1").inner_text() == entry.title
        assert f"{figure(entry.hours)}" in page.locator("dl.facts").inner_text()

        page.locator("dl.facts").get_by_role("link", name=goal.title).click()
        assert page.locator("h1").inner_text() == goal.title
        assert page.get_by_role("link", name=entry.title, exact=True).count() == 1

        page.get_by_role("link", name="Dashboard").click()
        page.get_by_role("link", name=f"Review pack for {year.name}").click()
        assert page.locator("h1").inner_text() == f"CPD review pack {year.name}"
        reflections = page.locator("article.pack-entry")
        assert reflections.count() == totals.entries


def test_pages_read_without_javascript(sites: tuple[Path, Path, Journal]) -> None:
    own, _, _ = sites
    with open_browser() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto((own / "index.html").as_uri())
        assert page.locator("h1").inner_text() == "Dashboard"
        assert page.locator("table.mix tbody tr").count() == 3
        context.close()


def test_print_leaves_out_navigation(sites: tuple[Path, Path, Journal]) -> None:
    own, _, _ = sites
    with open_browser() as browser:
        page = browser.new_page()
        page.goto((own / "pack/2025-26.html").as_uri())
        assert page.locator("nav[aria-label=Main]").is_visible()
        page.emulate_media(media="print")
        assert not page.locator("nav[aria-label=Main]").is_visible()
        assert page.locator("h1").is_visible()


def test_phone_width_has_no_sideways_scrolling(sites: tuple[Path, Path, Journal]) -> None:
    own, _, _ = sites
    with open_browser() as browser:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        for name in ("index.html", "years/2025-26.html", "catalogue.html"):
            page.goto((own / name).as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, name


def test_published_example_holds_nothing_private(sites: tuple[Path, Path, Journal]) -> None:
    _, published, journal = sites
    text = "".join(path.read_text("utf-8") for path in published.rglob("*.html"))
    secrets = [escape(entry.title) for entry in journal.entries if entry.private]
    for entry in journal.entries:
        kept = set(strip_private(entry.body).split("\n"))
        secrets += [
            escape(line[:40])
            for line in entry.body.split("\n")
            if line.strip() and line not in kept and not line.startswith("#")
        ]
    assert len(secrets) >= 2
    assert [secret for secret in secrets if secret in text] == []
