"""The goals on the site: the goals page and the dashboard list the active goals first, each
with its status tag, this year's evidence and a warning tag when it has no evidence this year
or its target date has passed; achieved and dropped goals are folded away; a goal's page shows
its facts, its timeline and the reviews that discussed it."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from generator.journal.load import find_project
from generator.site.build import build_site

from ..conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "goals"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The goals fixture journal built as of TODAY (28 November 2026, in 2026-27)."""
    folder = tmp_path_factory.mktemp("goals")
    shutil.copytree(FIXTURE, folder / "project")
    result = build_site(find_project(folder / "project"), TODAY, publish=False, output=folder / "s")
    assert [problem.code for problem in result.checked.problems] == ["W008"]  # c-lead
    return folder / "s"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def goals_in(html: str) -> list[tuple[str, list[str]]]:
    """Each goal listed: its title and its tags, in order."""
    return [
        (
            text(title),
            [text(tag) for tag in re.findall(r'<strong class="tag[^"]*">(.*?)</strong>', item)],
        )
        for title, item in re.findall(
            r'<li class="goal">\s*<p class="goal-title">(.*?)</p>(.*?)</li>', html, re.S
        )
    ]


ACTIVE = [
    ("Lead an evaluation network", ["In progress"]),
    ("Brief senior leaders", ["In progress", "No evidence this year"]),
    ("Line manage an officer", ["Not started", "No evidence this year", "Target date passed"]),
]
CLOSED = [("Handle the press desk", ["Achieved"]), ("Make short videos", ["Dropped"])]


@pytest.mark.parametrize("page", ["goals/index.html", "index.html"])
def test_active_goals_come_first_with_their_tags_and_closed_ones_are_folded_away(
    site: Path, page: str
) -> None:
    html = (site / page).read_text("utf-8")
    active, closed = html.split('<details class="goals-closed">')
    assert goals_in(active) == ACTIVE
    assert "<summary>Achieved and dropped goals (2)</summary>" in closed
    assert goals_in(closed) == CLOSED


def test_each_goal_shows_this_years_evidence_done_and_planned_apart(site: Path) -> None:
    shown = text((site / "goals/index.html").read_text("utf-8"))
    assert (
        "Lead an evaluation network In progress This year ( 2026-27 ) 2 points from 1 entry "
        "done; 1 planned (2 points) Latest evidence 1 April 2026 Target date 31 March 2027"
    ) in shown
    assert (
        "Brief senior leaders In progress No evidence this year This year ( 2026-27 ) None done "
        "Latest evidence 31 March 2026 Target date 28 November 2026"
    ) in shown
    assert (
        "This year ( 2026-27 ) None done; 1 planned (2 points) Latest evidence None yet "
        "Target date 27 November 2026"
    ) in shown


def test_a_goal_page_shows_its_facts_timeline_and_reviews(site: Path) -> None:
    html = (site / "goals/c-lead.html").read_text("utf-8")
    tags = re.search(r'<p class="goal-tags">(.*?)</p>', html)
    assert tags is not None
    assert text(tags.group(1)) == "Not started No evidence this year Target date passed"
    shown = text(html)
    assert (
        "Target date 27 November 2026 (passed) Status Not started This year ( 2026-27 ) None "
        "done; 1 planned (2 points) All years 0 points from 0 entries done Latest evidence "
        "None yet"
    ) in shown
    assert (
        "Timeline 20 January 2027 Planned Line management course Formal learning · 1 hour · "
        "2 points Reviews that discussed it Mid-year review, 7 October 2026"
    ) in shown
    assert '<a href="../reviews/2026-10-07-mid-year.html">' in html


def test_a_goal_page_on_its_target_date_is_not_past_it(site: Path) -> None:
    shown = text((site / "goals/b-briefing.html").read_text("utf-8"))
    assert "Target date 28 November 2026 Status In progress" in shown
    assert "Target date passed" not in shown
    assert "Timeline 31 March 2026 Done Briefing a director" in shown
    assert "No review has discussed it yet." in shown
