"""The example journal's site in real tools: valid HTML, no axe-core violations, and a reader
who clicks from the dashboard to a year, an entry, a goal and the review pack from disk."""

from __future__ import annotations

import itertools
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from generator.journal.compute import performance_year, year_totals
from generator.journal.markdown import strip_private
from generator.site.formats import figure

from ..conftest import TODAY
from ..site_tools import axe_violations, validate_html
from .browsing import Sites, pages_of, tab

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Every test here drives Chromium, the Nu Html Checker or axe-core.
pytestmark = pytest.mark.tools


def test_every_page_is_valid_html(example_sites: Sites) -> None:
    pages = pages_of(example_sites.own) + pages_of(example_sites.published)
    assert len(pages) > 200
    assert validate_html(pages) == []


def test_no_page_has_accessibility_violations(example_sites: Sites, browser: Browser) -> None:
    assert axe_findings(browser, pages_of(example_sites.own), "light") == {}


def test_dark_scheme_and_published_pages_have_no_violations(
    example_sites: Sites, browser: Browser
) -> None:
    own, published = example_sites.own, example_sites.published
    # One page of each template (the published pages are the member's minus private ones).
    samples = [
        own / "index.html",
        own / "years/index.html",
        own / "years/2025-26.html",
        own / "goals/index.html",
        own / "reviews/index.html",
        own / "catalogue.html",
        own / "coverage.html",
        own / "skills/index.html",
        own / "pack/2025-26.html",
        next((own / "entries").glob("*.html")),
        next((own / "goals").glob("[!i]*.html")),
        next((own / "tags").glob("[!i]*.html")),
        next((own / "skills").glob("[!i]*.html")),
        next((own / "reviews").glob("[!i]*.html")),
    ]
    assert axe_findings(browser, samples, "dark") == {}
    assert axe_findings(browser, pages_of(published)[::10], "light") == {}


def test_review_packs_have_no_violations_in_either_scheme(
    example_sites: Sites, browser: Browser
) -> None:
    own, published = example_sites.own, example_sites.published
    packs = sorted((own / "pack").glob("*.html")) + sorted((published / "pack").glob("*.html"))
    assert len(packs) == 8
    assert axe_findings(browser, packs, "dark") == {}
    assert axe_findings(browser, sorted((published / "pack").glob("*.html")), "light") == {}


OUTLINE = """() => {
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  return headings.map((h) => [Number(h.tagName[1]), h.textContent.trim()]);
}"""


def test_review_pack_headings_follow_one_outline_in_print_and_on_screen(
    example_sites: Sites, browser: Browser
) -> None:
    """One h1, then sections, entries and their reflections' headings, none skipped; and a
    reflection's heading reads smaller than its entry's title, on screen and on paper."""
    size = "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
    entry = "#entry-2025-04-26-first-solo-out-of-hours-weekend"
    reflection = "#\\32 025-04-26-first-solo-out-of-hours-weekend-what-i-did"
    with tab(browser) as page:
        for site in (example_sites.own, example_sites.published):
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
            page.emulate_media(media="screen")


def axe_findings(
    browser: Browser, pages: list[Path], scheme: Literal["light", "dark"]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with tab(browser, color_scheme=scheme) as page:
        for path in pages:
            page.goto(path.as_uri())
            violations = axe_violations(page)
            if violations:
                found[str(path)] = violations
    return found


def test_a_reader_clicks_through_from_disk(example_sites: Sites, browser: Browser) -> None:
    own, journal = example_sites.own, example_sites.journal
    year = performance_year(TODAY, journal.config.year_start_month)
    totals = year_totals(journal, year, TODAY)
    entry = next(e for e in reversed(journal.entries) if e.done and e.goals and e.date in year)
    goal = next(g for g in journal.goals if g.id == entry.goals[0])
    with tab(browser) as page:
        page.goto((own / "index.html").as_uri())
        assert page.locator("h1").inner_text() == f"Am I on track for {year.name}?"
        summary = page.locator(".verdict .verdict-figure").inner_text()
        assert summary == f"{figure(totals.points)} of {figure(totals.target)} points"

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


def test_pages_read_without_javascript(example_sites: Sites, browser: Browser) -> None:
    with tab(browser, java_script_enabled=False) as page:
        page.goto((example_sites.own / "index.html").as_uri())
        assert page.locator("h1").inner_text() == "Am I on track for 2026-27?"
        assert page.locator("table.mix tbody tr").count() == 3


def test_print_leaves_out_navigation(example_sites: Sites, browser: Browser) -> None:
    with tab(browser) as page:
        page.goto((example_sites.own / "pack/2025-26.html").as_uri())
        assert page.locator("nav[aria-label=Main]").is_visible()
        page.emulate_media(media="print")
        assert not page.locator("nav[aria-label=Main]").is_visible()
        assert page.locator("h1").is_visible()


def test_published_example_holds_nothing_private(example_sites: Sites) -> None:
    published, journal = example_sites.published, example_sites.journal
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
