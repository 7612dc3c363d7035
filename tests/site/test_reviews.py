"""The reviews' pages: grouped by the year each looks back on, each action with the entries
that carry it out, and nothing private in the published portfolio."""

from __future__ import annotations

import html
import io
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import run

from ..conftest import TODAY
from ..helpers import tree

FIXTURES = Path(__file__).parent / "fixtures"
_TASK = re.compile(r'<li class="task" id="(action-\d+)">(.*?)</li>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]+)">')


@pytest.fixture
def reviews(tmp_path: Path) -> Path:
    root = tmp_path / "reviews"
    shutil.copytree(FIXTURES / "reviews", root)
    return root


def build(root: Path, *argv: str) -> dict[str, str]:
    """The pages of the site built from `root`, by path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PDP_TODAY", TODAY.isoformat())
        patch.chdir(root)
        assert run(["build", "-o", "out", *argv], io.StringIO(), io.StringIO()) == 0
    return {
        path: data.decode() for path, data in tree(root / "out").items() if path.endswith(".html")
    }


def text(part: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", part)).split())


def tasks(page: str) -> list[tuple[str, str, list[str]]]:
    """Each action of a review's page: its anchor, its text, and the links in it."""
    return [(anchor, text(body), _LINK.findall(body)) for anchor, body in _TASK.findall(page)]


def test_the_reviews_are_grouped_by_the_year_they_look_back_on(reviews: Path) -> None:
    index = build(reviews)["reviews/index.html"]
    headings = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", index)
    assert [text(heading) for heading in headings] == [
        "Reviews of 2026-27",
        "Check-in Private",
        "Reviews of 2025-26",
        "End-of-year review",  # held in April 2026, it looks back on 2025-26
        "Mid-year review",
    ]
    assert (
        '<p><strong class="tag action-open">2 of 4 actions done</strong> Open: '
        '<a href="../reviews/2025-10-01-mid-year.html#action-2">Write the evaluation plan</a>; '
        '<a href="../reviews/2025-10-01-mid-year.html#action-3">Present at the network</a></p>'
    ) in index
    assert '<strong class="tag action-done">1 of 1 action done</strong>' in index
    # Each review with its full notes, their headings below the review's title (h3).
    assert index.count("<h1") == 1
    assert (
        '<div class="reflection"><h4 id="2025-10-01-mid-year-how-the-year-is-going">'
        "How the year is going</h4>\n<p>On track.</p>\n</div>"
    ) in index
    assert '<div class="reflection"><p>A good year.</p>\n</div>' in index


def test_each_action_is_done_by_its_entries_or_open(reviews: Path) -> None:
    page = build(reviews)["reviews/2025-10-01-mid-year.html"]
    assert tasks(page) == [
        (
            "action-1",
            "Join the working group Carried out by Working group (1 November 2025). Done",
            ["../entries/2025-11-01-working-group.html"],
        ),
        (
            "action-2",
            "Write the evaluation plan Planned: Evaluation plan (15 December 2026). Open",
            ["../entries/2026-12-15-plan.html"],
        ),
        ("action-3", "Present at the network Open", []),
        (
            "action-4",
            "Keep a log of difficult conversations Carried out by PRIVATE-LOG-MARKER-21c8 "
            "(10 January 2026) Private . Only private entries carry it out: the published "
            "portfolio shows it as open. Done",
            ["../entries/2026-01-10-log.html"],
        ),
    ]
    assert '<h3 id="2025-10-01-mid-year-how-the-year-is-going">' in page  # below "Notes"
    assert "<code>carries_out: [2025-10-01-mid-year#1]</code>" in page


def test_an_entry_page_names_the_action_it_carries_out(reviews: Path) -> None:
    page = build(reviews)["entries/2026-05-01-course.html"]
    assert (
        '<p class="carries-out">Carries out actions agreed at review: '
        '<a href="../reviews/2026-04-20-end-of-year.html#action-1">Book the course</a> '
        "(End-of-year review, 20 April 2026); "
        '<a href="../reviews/2026-10-01-check-in.html#action-1">SECRET-ACTION-MARKER-7f3a</a> '
        "(Check-in, 1 October 2026)</p>"
    ) in page


def test_the_published_portfolio_shows_an_action_done_in_private_as_open(
    reviews: Path,
) -> None:
    pages = build(reviews, "--publish")
    for path, page in pages.items():
        for marker in ("PRIVATE-LOG-MARKER-21c8", "SECRET-ACTION-MARKER-7f3a", "2026-01-10-log"):
            assert marker not in page, (path, marker)
    assert "reviews/2026-10-01-check-in.html" not in pages
    assert tasks(pages["reviews/2025-10-01-mid-year.html"])[3] == (
        "action-4",
        "Keep a log of difficult conversations Open",
        [],
    )
    assert "carries_out:" not in pages["reviews/2025-10-01-mid-year.html"]
    assert (
        '<p class="carries-out">Carries out an action agreed at review: '
        '<a href="../reviews/2026-04-20-end-of-year.html#action-1">Book the course</a> '
        "(End-of-year review, 20 April 2026)</p>"
    ) in pages["entries/2026-05-01-course.html"]
