"""What every page says of where the reader is and what they read: the section marked in the
navigation, breadcrumbs on deep pages, the published portfolio's banner with the day it stands
at, and the member's note of the totals their reviewer sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from msgspec.structs import replace

from generator.journal.history import History
from generator.journal.load import find_project
from generator.site.audience import as_at
from generator.site.build import build_site
from generator.site.formats import year_names
from generator.site.views import breadcrumbs, section_of

from ..conftest import TODAY

PRIVATE_ENTRY = """---
title: Coaching a colleague
date: 2025-11-05
activity: other
category: relationships
hours: 4
private: true
---
Kept for myself.
"""

PLANNED_ENTRY = """---
title: Press office refresher
date: 2026-12-15
activity: other
category: formal
hours: 3
status: planned
---
To come.
"""


@pytest.fixture
def small(project: Callable[[str], Path]) -> Path:
    """The small journal with a private entry done in 2025-26, and one planned."""
    root = project("small")
    entries = root / "journal" / "entries"
    (entries / "2025-26" / "2025-11-05-coaching.md").write_text(PRIVATE_ENTRY, encoding="utf-8")
    (entries / "2026-27").mkdir()
    (entries / "2026-27" / "2026-12-15-refresher.md").write_text(PLANNED_ENTRY, encoding="utf-8")
    return root


def build(root: Path, publish: bool, name: str, today: date = TODAY) -> Path:
    result = build_site(find_project(root), today, publish=publish, output=root / name)
    assert result.site is not None, result.problems
    return root / name


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def part(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found is not None, pattern
    return text(found.group(0))


def test_the_published_banner_stands_at_the_latest_done_entry_not_the_build_day(
    small: Path,
) -> None:
    first = build(small, True, "out", TODAY)
    later = build(small, True, "later", date(2027, 2, 1))
    page = (first / "index.html").read_text(encoding="utf-8")
    # The private entry (5 November 2025) and the planned one are not the portfolio's.
    assert part(page, r'<p class="review-banner">.*?</p>') == (
        "Portfolio for review, as at 20 January 2026: private notes left out."
    )
    assert "Your reviewer sees" not in page
    # A page that shows nothing of the day is the same, byte for byte, built on another day.
    for name in ("catalogue.html", "entries/2025-05-01-webinar.html", "skills/index.html"):
        assert (first / name).read_bytes() == (later / name).read_bytes(), name


def test_the_as_at_day_is_a_later_commit_of_an_entry_if_there_is_one(small: Path) -> None:
    build(small, True, "out")  # the journal opens
    journal = build_site(find_project(small), TODAY, publish=False, output=small / "o").checked
    assert journal.journal is not None
    entries = journal.journal.entries
    assert as_at(journal.journal, History()) == "20 January 2026"
    committed = History({entries[0].path: (date(2025, 5, 2), date(2026, 2, 3))})
    assert as_at(journal.journal, committed) == "3 February 2026"
    nothing_done = replace(journal.journal, entries=())
    assert as_at(nothing_done, History()) == ""


def test_the_member_s_build_says_where_the_reviewer_sees_lower_totals(small: Path) -> None:
    own = build(small, False, "out")
    page = (own / "years" / "2025-26.html").read_text(encoding="utf-8")
    assert part(page, r'<div class="build-kind">.*?</div>') == (
        "Your own build: private entries and sections are shown and marked. "
        "Use pdp build --publish for your reviewer. "
        "Your reviewer sees 18.5 points for 2025-26, not 22.5: 1 private entry is left out."
    )
    assert "review-banner" not in page


def test_the_member_s_note_names_the_two_newest_years_and_counts_the_rest(small: Path) -> None:
    entries = small / "journal" / "entries"
    for year in (2022, 2023, 2024):
        folder = entries / f"{year}-{(year + 1) % 100:02}"
        folder.mkdir()
        private = PRIVATE_ENTRY.replace("2025-11-05", f"{year}-11-05")
        (folder / f"{year}-11-05-coaching.md").write_text(private, encoding="utf-8")
    page = (build(small, False, "out") / "index.html").read_text(encoding="utf-8")
    assert part(page, r'<div class="build-kind">.*?</div>') == (
        "Your own build: private entries and sections are shown and marked. "
        "Use pdp build --publish for your reviewer. "
        "Your reviewer sees 18.5 points for 2025-26, not 22.5: 1 private entry is left out. "
        "Your reviewer sees 0 points for 2024-25, not 4: 1 private entry is left out. "
        "Your reviewer also sees fewer points for 2 earlier years."
    )
    (entries / "2022-23" / "2022-11-05-coaching.md").unlink()
    page = (build(small, False, "again") / "index.html").read_text(encoding="utf-8")
    assert part(page, r'<div class="build-kind">.*?</div>').endswith(
        "1 private entry is left out. Your reviewer also sees fewer points for 1 earlier year."
    )


@pytest.mark.parametrize(
    ("path", "current", "section"),
    [
        ("index.html", "Dashboard", None),
        ("catalogue.html", "Catalogue", None),
        ("coverage.html", "Coverage", None),
        ("years/index.html", "Years", None),
        ("years/2025-26.html", None, "Years"),
        ("entries/2025-05-01-webinar.html", None, "Years"),
        ("pack/2025-26.html", None, "Years"),
        ("goals/evaluation.html", None, "Goals"),
        ("reviews/2025-10-01-mid-year.html", None, "Reviews"),
        ("skills/index.html", "Skills", None),
        ("tags/index.html", "Tags", None),
    ],
)
def test_the_navigation_marks_the_page_s_section(
    small: Path, path: str, current: str | None, section: str | None
) -> None:
    site = small / "out"
    if not site.exists():
        build(small, False, "out")
    page = (site / path).read_text(encoding="utf-8")
    nav = part(page, r'<nav aria-label="Main">.*?</nav>')
    assert nav == "Dashboard Years Goals Skills Tags Reviews Coverage Catalogue"
    marked = re.findall(r'<a [^>]*aria-current="(page|true)"[^>]*>([^<]+)</a>', page)
    assert marked == ([("page", current)] if current else [("true", section)])


def test_deep_pages_have_breadcrumbs_and_section_indexes_none(small: Path) -> None:
    site = build(small, False, "out")
    entry = (site / "entries" / "2025-05-01-webinar.html").read_text(encoding="utf-8")
    crumbs = re.search(
        r'<nav class="breadcrumbs" aria-label="Breadcrumb">\n<ol>(.*?)</ol>', entry, re.S
    )
    assert crumbs is not None
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', crumbs.group(1)) == [
        ("../index.html", "Home"),
        ("../years/index.html", "Years"),
        ("../years/2025-26.html", "2025-26"),
    ]
    goal = (site / "goals" / "evaluation.html").read_text(encoding="utf-8")
    assert part(goal, r'<nav class="breadcrumbs".*?</nav>') == "Home Goals"
    for top in ("index.html", "goals/index.html", "catalogue.html"):
        assert "Breadcrumb" not in (site / top).read_text(encoding="utf-8"), top


def test_sections_and_breadcrumbs_of_each_kind_of_page() -> None:
    assert section_of("entries/a.html") == "years/index.html"
    assert section_of("pack/2025-26.html") == "years/index.html"
    assert section_of("tags/press.html") == "tags/index.html"
    assert section_of("catalogue.html") == "catalogue.html"
    assert [link.text for link in breadcrumbs("pack/2025-26.html", {})] == [
        "Home",
        "Years",
        "2025-26",
    ]
    assert breadcrumbs("skills/index.html", {}) == ()
    assert breadcrumbs("index.html", {}) == ()


def test_an_entry_s_facts_come_in_a_line_above_its_reflection_and_a_list_below(
    small: Path,
) -> None:
    site = build(small, False, "out")
    page = (site / "entries" / "2026-01-20-mentoring.html").read_text(encoding="utf-8")
    article = part(page, r"<article .*?(?=<h2)")
    assert article == (
        "Mentoring a new starter "
        "20 January 2026 · Learning through relationships · 6.5 hours · 6.5 points · "
        "Goal: Evaluate campaigns with data "
        "I applied what I had learned about evaluation when explaining it to my mentee."
    )
    facts = re.search(r'<dl class="summary-list facts">(.*?)</dl>', page, re.S)
    assert facts is not None
    rows = re.findall(r"<div><dt>([^<]+)</dt><dd>(.*?)</dd></div>", facts.group(1))
    assert [(name, text(value)) for name, value in rows] == [
        ("Date", "20 January 2026 (2025-26)"),
        ("Activity", "Custom activity"),
        ("Category", "Learning through relationships"),
        ("Hours", "6.5"),
        ("Points", "6.5"),
        ("Goals", "Evaluate campaigns with data"),
        ("Written", "not available: the journal is not kept in git"),
    ]


def test_year_names_in_a_member_s_text_are_kept_on_one_line_and_escaped() -> None:
    assert year_names("Scope <a network> in 2026-27, not 2026-2027") == (
        'Scope &lt;a network&gt; in <span class="year-name">2026-27</span>, not 2026-2027'
    )
