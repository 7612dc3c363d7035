"""Several CPD schemes on the site: the dashboard's section of each scheme's current year, a
page per scheme with the entries that counted and what its caps left out, nothing private in
the published portfolio, and the end of each scheme's year in the calendar."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.site.build import build_site
from generator.site.calendar import calendar_events
from generator.site.views import breadcrumbs, section_of

from ..conftest import TODAY
from ..helpers import tree

FIXTURE = Path(__file__).parent / "fixtures" / "schemes"
PRIVATE = ("Shadowing before my promotion board", "2026-09-20-private-shadowing")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture journal built for the member (own/) and for the reviewer (published/)."""
    folder = tmp_path_factory.mktemp("schemes")
    root = Path(shutil.copytree(FIXTURE, folder / "journal-project"))
    for name, publish in (("own", False), ("published", True)):
        built = build_site(find_project(root), TODAY, publish=publish, output=folder / name)
        assert not built.problems, built.problems
    return folder


def text(html: str) -> str:
    """What a reader reads: tags dropped, spaces collapsed."""
    inline = re.sub(r"</?span[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).replace("&#160;", " ").split())


def section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="schemes">(.*?)</section>', page, re.S)
    assert found is not None
    return found.group(1)


def schemes_on_dashboard(page: str) -> list[str]:
    return [
        text(item) for item in re.findall(r'<li class="scheme">(.*?)</li>', section(page), re.S)
    ]


def test_dashboard_shows_each_scheme_s_own_current_year_primary_first(sites: Path) -> None:
    page = (sites / "own/index.html").read_text("utf-8")
    # The main verdict stays the built-in scheme's, and comes first.
    assert page.index('class="verdict"') < page.index('<h2 id="schemes">Your CPD schemes</h2>')
    assert schemes_on_dashboard(page) == [
        "Institute CPD Year 2026, 1 January 2026 to 31 December 2026 13 of 30 hours "
        "Behind 14 hours behind an even pace. 6 hours left out by caps.",
        "GCS CPD Year 2026-27, 1 April 2026 to 31 March 2027 23 of 30 points "
        "Ahead 3 points ahead of an even pace. 2 points planned.",
        "Club points Year 2026-27, 1 September 2026 to 31 August 2027 2 of 12 points "
        "On track 1 point behind an even pace.",
    ]
    links = re.findall(r'<h3 class="scheme-title"><a href="([^"]+)">', section(page))
    assert links == ["schemes/body.html", "schemes/gcs.html", "schemes/club.html"]
    assert 'class="scheme-bar"' in section(page)


def test_a_journal_without_schemes_has_no_section_and_no_scheme_pages(
    tmp_path: Path,
) -> None:
    root = Path(shutil.copytree(FIXTURE, tmp_path / "plain"))
    config = root / "pdp.toml"
    config.write_text(config.read_text("utf-8").split("primary")[0], "utf-8")
    (root / "journal/entries/2026-27/2026-10-05-club-talk.md").unlink()
    built = build_site(find_project(root), TODAY, publish=False, output=tmp_path / "site")
    assert not built.problems, built.problems
    files = tree(tmp_path / "site")
    assert not [path for path in files if path.startswith("schemes/")]
    assert b"Your CPD schemes" not in files["index.html"]


def rows(page: str, caption: str) -> list[str]:
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", page, re.S)
    assert table is not None, caption
    return [text(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]]


def test_scheme_page_gives_its_rules_and_the_entries_that_counted(sites: Path) -> None:
    page = (sites / "own/schemes/body.html").read_text("utf-8")
    assert "<h1>Institute CPD</h1>" in page
    rules = re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", page)
    assert rules == [
        ("Year", "January to December (this year: 2026)"),
        ("Target", "30 hours a year"),
        ("How entries earn", "1 hour for each hour recorded"),
        (
            "Activity values",
            "Attending a professional event or conference (for example, Civil Service Live) "
            "for its duration: 6 hours",
        ),
        ("Caps", "Formal learning: at most 8 hours a year"),
        ("Entries counted", "Every entry, except those that name only other schemes"),
    ]
    assert rows(page, "Entries that count for 2026, oldest first") == [
        "10 February 2026 Podcast on crisis messaging Formal learning 1 hour earned 1 counted",
        "6 May 2026 A book on writing for the public Formal learning 4 hours earned 4 counted",
        "15 June 2026 Regional communicators conference Formal learning 6 hours earned "
        "3 counted (3 capped)",
        "1 July 2026 Plain English course Formal learning 3 hours earned 0 counted (3 capped)",
        "20 September 2026 Shadowing before my promotion board Private On-the-job learning "
        "5 hours earned 5 counted",
    ]
    assert rows(page, r"Planned entries \(not counted yet\)") == [
        "10 December 2026 Webinar on accessible documents Planned Formal learning "
        "2 hours earned 0 would count (2 capped)",
    ]
    assert '<a href="../entries/2026-06-15-conference.html">' in page
    # The listed scheme counts only the entry that names it; the others leave that one out.
    club = (sites / "own/schemes/club.html").read_text("utf-8")
    assert rows(club, "Entries that count for 2026-27, oldest first") == [
        "5 October 2026 Talk at the press club Learning through relationships "
        "2 points earned 2 counted",
    ]
    assert "Talk at the press club" not in page


def test_scheme_pages_list_years_newest_first_with_breadcrumbs(sites: Path) -> None:
    page = (sites / "own/schemes/gcs.html").read_text("utf-8")
    assert re.findall(r'<h2 id="year-[^"]+">(.*?)</h2>', page) == [
        'Year <span class="year-name">2026-27</span> (this year)',
        'Year <span class="year-name">2025-26</span>',
    ]
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', page, re.S)
    assert crumbs is not None
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs.group(1)) == [
        ("../index.html", "Home"),
        ("../index.html#schemes", "Your CPD schemes"),
    ]
    assert section_of("schemes/body.html") == "index.html"
    assert [link.text for link in breadcrumbs("schemes/body.html", {})] == [
        "Home",
        "Your CPD schemes",
    ]


def test_published_scheme_pages_leave_private_entries_out(sites: Path) -> None:
    published = tree(sites / "published")
    for path in ("index.html", "schemes/body.html", "schemes/gcs.html", "schemes/club.html"):
        for private in PRIVATE:
            assert private.encode() not in published[path], (path, private)
    page = published["schemes/body.html"].decode("utf-8")
    assert rows(page, "Entries that count for 2026, oldest first")[-1] == (
        "1 July 2026 Plain English course Formal learning 3 hours earned 0 counted (3 capped)"
    )
    assert schemes_on_dashboard(published["index.html"].decode("utf-8"))[0] == (
        "Institute CPD Year 2026, 1 January 2026 to 31 December 2026 8 of 30 hours "
        "Behind 19 hours behind an even pace. 6 hours left out by caps."
    )


def test_calendar_has_the_end_of_each_scheme_s_year(sites: Path) -> None:
    checked = open_journal(find_project(sites / "journal-project"), TODAY)
    assert checked.journal is not None
    ends = [
        (event.uid, event.day.isoformat(), event.summary, event.description)
        for event in calendar_events(checked.journal, TODAY)
        if event.kind == "year-end"
    ]
    domain = "@pdp.cpd-journal"
    assert ends == [
        (
            f"year-end.body.2026{domain}",
            "2026-12-31",
            "Institute CPD year 2026 ends: 17 hours to go",
            "13 of 30 hours done (6 hours left out by caps).",
        ),
        (
            f"year-end.2026-27{domain}",
            "2027-03-31",
            "GCS CPD year 2026-27 ends: 7 points to go",
            "23 of 30 points done; 2 more planned.",
        ),
        (
            f"year-end.club.2026-27{domain}",
            "2027-08-31",
            "Club points year 2026-27 ends: 10 points to go",
            "2 of 12 points done.",
        ),
        (
            f"year-end.body.2027{domain}",
            "2027-12-31",
            "Institute CPD year 2027 ends: 30 hours to go",
            "0 of 30 hours done.",
        ),
        (
            f"year-end.2027-28{domain}",
            "2028-03-31",
            "GCS CPD year 2027-28 ends: 30 points to go",
            "0 of 30 points done.",
        ),
        (
            f"year-end.club.2027-28{domain}",
            "2028-08-31",
            "Club points year 2027-28 ends: 12 points to go",
            "0 of 12 points done.",
        ),
    ]
    own = (sites / "own/calendar.ics").read_text("utf-8")
    assert "UID:year-end.body.2026@pdp.cpd-journal" in own


def test_an_entry_that_names_only_other_schemes_is_out_of_the_year_s_figures_and_tables(
    sites: Path,
) -> None:
    page = (sites / "own/years/2026-27.html").read_text("utf-8")
    done = page.split("<h2>Counted for other schemes only</h2>")[0]
    assert "Talk at the press club" not in done
    elsewhere = re.search(r"<h2>Counted for other schemes only</h2>(.*?)</ul>", page, re.S)
    assert elsewhere is not None
    assert text(elsewhere.group(1)) == (
        "These entries name only other CPD schemes, so the figures above leave them out. "
        "Talk at the press club , 5 October 2026: counts for Club points"
    )
    assert '<a href="../schemes/club.html">Club points</a>' in elsewhere.group(1)


def test_an_entry_s_page_says_which_schemes_it_counts_for(sites: Path) -> None:
    talk = text((sites / "own/entries/2026-10-05-club-talk.html").read_text("utf-8"))
    assert "2 hours · no GCS points" in talk
    assert "Points None: it counts only for the schemes it names Counts for Club points" in talk
    book = text((sites / "own/entries/2026-05-06-book.html").read_text("utf-8"))
    assert "Counts for Institute CPD , GCS CPD Written" in book


def test_the_dashboard_leads_with_the_primary_scheme(sites: Path, tmp_path: Path) -> None:
    page = (sites / "own/index.html").read_text("utf-8")
    top = text(page[page.index("<h1>") : page.index('<section aria-labelledby="schemes">')])
    assert top == (
        "Am I on track for 2026? Institute CPD, year 1 January 2026 to 31 December 2026 "
        "13 of 30 hours Behind 14 hours behind an even pace 6 hours left out by caps. "
        "How your entries count for Institute CPD"
    )
    assert '<h2 id="through-the-year">GCS points through' in page
    # With the built-in scheme primary, its year leads, as in a journal without schemes.
    root = Path(shutil.copytree(FIXTURE, tmp_path / "gcs-first"))
    config = root / "pdp.toml"
    config.write_text(config.read_text("utf-8").replace('primary = "body"', ""), "utf-8")
    built = build_site(find_project(root), TODAY, publish=False, output=tmp_path / "site")
    assert not built.problems, built.problems
    gcs = (tmp_path / "site/index.html").read_text("utf-8")
    assert text(gcs[gcs.index("<h1>") : gcs.index('<p class="dates">')]) == (
        "Am I on track for 2026-27?"
    )
    assert '<h2 id="through-the-year">Points through the year</h2>' in gcs
