"""The review pack page: its sections, the reviews and goals of its year, each entry's
evidence, the plan ahead, the sign-off, and what each build shows of private content."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec.structs import replace

from generator.journal.compute import PerformanceYear, YearTotals, parse_year_name, year_totals
from generator.journal.load import find_project
from generator.journal.privacy import published
from generator.model import Journal
from generator.site import plan
from generator.site.build import build_site
from generator.site.formats import figure
from generator.site.plan import facts_once
from generator.site.review_pack import css_string, evidence_kind, running_footer

from ..conftest import REPOSITORY, TODAY


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Journal]]:
    """The example journal built for the member and published for the reviewer."""
    folder = tmp_path_factory.mktemp("packs")
    project = find_project(REPOSITORY)
    own = build_site(project, TODAY, publish=False, output=folder / "own")
    assert own.problems == ()
    build_site(project, TODAY, publish=True, output=folder / "published")
    assert own.checked.journal is not None
    yield folder / "own", folder / "published", own.checked.journal


BLOCKS = re.compile(r"h[1-6]|p|div|dl|dt|dd|ul|ol|li|table|caption|tr|th|td|section|article")


class Sections(HTMLParser):
    """A page's headings, and the text of each section of the pack, by its heading's id, as
    read: a space between blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.text: dict[str, str] = {}
        self._heading: list[str] | None = None
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._between(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]
            if tag == "h2":
                self._section = dict(attrs).get("id") or ""

    def handle_endtag(self, tag: str) -> None:
        self._between(tag)
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((int(tag[1]), "".join(self._heading[1:]).strip()))
            self._heading = None

    def _between(self, tag: str) -> None:
        if BLOCKS.fullmatch(tag):
            self.text[self._section] = self.text.get(self._section, "") + " "

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        self.text[self._section] = self.text.get(self._section, "") + data


def read(path: Path) -> Sections:
    page = path.read_text("utf-8")
    parsed = Sections()
    parsed.feed(page[page.index("<main") : page.index("</main>")])
    parsed.text = {key: re.sub(r"\s+", " ", text).strip() for key, text in parsed.text.items()}
    return parsed


def test_the_outline_has_one_h1_then_sections_entries_and_their_headings(
    sites: tuple[Path, Path, Journal],
) -> None:
    own, published_site, _ = sites
    for site in (own, published_site):
        for page in sorted((site / "pack").glob("*.html")):
            levels = [level for level, _ in read(page).headings]
            assert levels[0] == 1 and levels.count(1) == 1, page
            steps = [after - before for before, after in itertools.pairwise(levels)]
            assert max(steps) == 1, page
    headings = read(own / "pack/2025-26.html").headings
    assert [text for level, text in headings if level == 2] == [
        "Contents",
        "Summary",
        "Entries",
        "Goals",
        "Reflections and evidence",
        "Review conversations",
        "The plan ahead",
        "Sign-off",
    ]
    entry = headings.index((3, "First solo weekend on the out-of-hours press rota"))
    assert headings[entry + 1 : entry + 4] == [
        (4, "What I did"),
        (4, "What I learned"),
        (4, "How I applied it"),
    ]


def test_entry_pages_keep_their_own_headings(sites: tuple[Path, Path, Journal]) -> None:
    own, _, _ = sites
    page = own / "entries/2025-04-26-first-solo-out-of-hours-weekend.html"
    assert read(page).headings[:2] == [
        (1, "First solo weekend on the out-of-hours press rota"),
        (2, "What I did"),
    ]


def test_a_year_holds_the_reviews_that_look_back_on_it(sites: tuple[Path, Path, Journal]) -> None:
    _, published_site, _ = sites
    reviews = {
        year: read(published_site / f"pack/{year}.html").text["pack-reviews"]
        for year in ("2024-25", "2025-26", "2026-27")
    }
    assert "End-of-year review, 2025-26 15 April 2026 · with Priya Shah" in reviews["2025-26"]
    assert "End-of-year review, 2024-25" not in reviews["2025-26"]
    assert "End-of-year review, 2024-25 16 April 2025" in reviews["2024-25"]  # as its year: says
    assert "End-of-year review" not in reviews["2026-27"]
    # In full: the notes, and the actions agreed.
    assert "Incident communications: achieved. The January storms" in reviews["2025-26"]
    # Each action as done, by the entries that carried it out (of any year), or open.
    actions = (
        "Agreed actions Done Give the evaluation network's first session to the topic members "
        "ask for most Carried out by Research agency briefing for the evaluation network's "
        "first session (8 July 2026)."
    )
    assert actions in reviews["2025-26"]
    assert (
        "Open Pair with Sam on the Christmas press rota before they cover shifts alone "
        "Planned: Christmas and New Year press rota, supporting Sam's first shifts "
        "(21 December 2026)."
    ) in reviews["2026-27"]


def test_the_cover_gives_the_published_years_figures(sites: tuple[Path, Path, Journal]) -> None:
    _, published_site, journal = sites
    year = parse_year_name("2025-26", 4)
    assert year is not None
    totals = year_totals(published(journal), year, TODAY)
    cover = read(published_site / "pack/2025-26.html").text[""]
    assert (
        "Name Alex Morgan Role Senior Communications Officer, Department for Transport "
        "Line manager Priya Shah Performance year 2025-26: 1 April 2025 to 31 March 2026 "
        f"Points {figure(totals.points)} of 30 points Target met in September, "
        f"{figure(totals.points)} points. "
        "70:20:10 mix On-the-job learning 72% (guide 70%); Learning through relationships "
        "16% (guide 20%); Formal learning 12% (guide 10%). Learning through relationships "
        "is 4 points below the guide. "
        f"Entries {figure(totals.hours)} hours in {totals.entries} done entries As at 31 March 2026"
    ) in cover
    current = read(published_site / "pack/2026-27.html").text[""]
    assert "Points 24 of 30 points Ahead 4 points ahead of an even pace." in current
    assert "As at 28 November 2026" in current


def test_every_goal_worked_on_shows_its_evidence_or_none(
    sites: tuple[Path, Path, Journal],
) -> None:
    _, published_site, _ = sites
    goals = read(published_site / "pack/2025-26.html").text["pack-goals"]
    assert (
        "3. Brief senior leaders in a page and ten minutes Status In progress "
        "Gap My briefings for directors run long and bury the decision I need under the "
        "background Objective Brief a director"
    ) in goals
    assert "Target date 31 December 2026 Evidence this year No evidence this year" in goals
    assert "Evidence this year 24 points from 2 entries: First solo weekend" in goals
    assert "short-form video" not in goals.lower()  # dropped the year before


def test_evidence_is_listed_with_what_it_is_and_where(sites: tuple[Path, Path, Journal]) -> None:
    _, published_site, _ = sites
    reflections = read(published_site / "pack/2025-26.html").text["pack-reflections"]
    assert (
        "Evidence storm-enquiries-by-day.svg, image (SVG): in the published portfolio"
    ) in reflections
    assert evidence_kind("notes/Feedback.DOCX") == "document (Word)"
    assert evidence_kind("journal/entries/x.key") == "KEY file"
    assert evidence_kind("journal/entries/README") == "file"


def test_private_content_is_marked_for_the_member_and_left_out_for_the_reviewer(
    sites: tuple[Path, Path, Journal],
) -> None:
    own, published_site, journal = sites
    private = next(entry for entry in journal.entries if entry.private)
    mine = read(own / "pack/2025-26.html").text
    theirs = read(published_site / "pack/2025-26.html").text
    assert f"{private.title} Private" in mine["pack-entries"]
    assert f"{private.title} Private" in mine["pack-reflections"]
    assert all(private.title not in text for text in theirs.values())
    assert "Points 101 of 30 points" in mine[""] and "Points 99 of 30 points" in theirs[""]


def test_the_plan_and_the_sign_off_close_the_pack(sites: tuple[Path, Path, Journal]) -> None:
    _, published_site, _ = sites
    text = read(published_site / "pack/2025-26.html").text
    assert text["pack-plan"].startswith(
        "The plan ahead The rest of 2025-26 The year has ended. 2026-27 Planned for 2026-27 "
        "Date Entry Category Hours Points Goals 21 December 2026 Christmas and New Year"
    )
    assert list(text)[-1] == "pack-sign-off"
    assert text["pack-sign-off"] == (
        "Sign-off We have discussed this record of continuing professional development for "
        "the performance year 2025-26 (1 April 2025 to 31 March 2026). We agree that it is a "
        "fair account of the learning done, what was learned from it and how it was applied, "
        "and of the plan ahead. Member Signature Name Alex Morgan Date Line manager "
        "Signature Name Priya Shah Date"
    )
    current = read(published_site / "pack/2026-27.html").text["pack-plan"]
    assert current.startswith(
        "The plan ahead The rest of 2026-27 Planned for the rest of 2026-27 Date Entry "
        "Category Hours Points Goals 21 December 2026"
    )
    assert "2027-28 Planned for 2027-28" in current


def test_one_hour_is_one_hour(sites: tuple[Path, Path, Journal]) -> None:
    _, published_site, _ = sites
    page = unescape((published_site / "pack/2024-25.html").read_text("utf-8"))
    assert "· 1 hour · 2 points" in page
    assert not re.search(r"\b1 hours\b|\b1 points\b", page)


def test_the_running_footer_names_the_member_and_cannot_end_its_style_sheet() -> None:
    assert running_footer("Alex Morgan", "CPD review pack 2025-26") == (
        '@page { @bottom-left { content: "Alex Morgan"; } '
        '@bottom-center { content: "CPD review pack 2025-26"; } }'
    )
    hostile = css_string('Jo "</style><script>\\\n')
    assert hostile == (
        '"Jo \\000022\\00003c\\00002fstyle\\00003e\\00003cscript\\00003e\\00005c\\00000a"'
    )
    assert css_string("Siân O'Brien") == '"Siân O\'Brien"'


def test_a_years_facts_are_made_once_for_its_page_and_its_pack(
    sites: tuple[Path, Path, Journal],
) -> None:
    """The year page and the review pack share one count of the year; another journal
    (watch mode's next build) is counted afresh."""
    journal = sites[2]
    counted: list[str] = []

    def counting(journal: Journal, year: PerformanceYear, today: date) -> YearTotals:
        counted.append(year.name)
        return year_totals(journal, year, today)

    facts_of = facts_once(counting)
    year = parse_year_name("2025-26", journal.config.year_start_month)
    assert year is not None
    first = facts_of(journal, year, TODAY)
    assert facts_of(journal, year, TODAY) is first
    assert counted == ["2025-26"]
    assert first.totals == year_totals(journal, year, TODAY)
    assert facts_of(journal, year, TODAY + timedelta(days=1)) is not first
    edited = replace(journal, entries=journal.entries[:-1])
    assert facts_of(edited, year, TODAY) is not first
    assert counted == ["2025-26"] * 3


def test_a_build_counts_each_year_once_for_its_page_and_its_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []

    def counting(journal: Journal, year: PerformanceYear, today: date) -> YearTotals:
        counted.append(year.name)
        return year_totals(journal, year, today)

    monkeypatch.setattr(plan, "year_totals", counting)
    made = build_site(find_project(REPOSITORY), TODAY, publish=False, output=tmp_path / "site")
    assert made.problems == ()
    packs = sorted(path.stem for path in (tmp_path / "site" / "pack").glob("*.html"))
    assert packs  # each pack's year has its page too
    assert sorted(counted) == sorted(set(counted))
    assert set(packs) <= set(counted)
