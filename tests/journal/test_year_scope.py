"""Which year a review looks back on, which goals a year worked on, and which year a review
pack is made for by default; and the check of a review's `year:`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from generator.journal.compute import parse_year_name, performance_year
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.year_scope import (
    default_pack_year,
    goals_of_year,
    in_review_season,
    reviewed_year,
    reviews_of,
)
from generator.model import Config, Entry, Goal, Journal, Review

from ..conftest import REPOSITORY, TODAY


def review(day: date, title: str = "", year: str = "") -> Review:
    return Review("r", "journal/reviews/r.md", day, title=title, year=year)


@pytest.mark.parametrize(
    ("day", "title", "year", "start_month", "reviews"),
    [
        (date(2026, 4, 15), "End-of-year review, 2025-26", "", 4, "2025-26"),
        (date(2026, 6, 30), "End of year review", "", 4, "2025-26"),  # the season's last day
        (date(2026, 7, 1), "End of year review", "", 4, "2026-27"),  # past the season
        (date(2026, 3, 31), "End-of-year review", "", 4, "2025-26"),  # held before the end
        (date(2026, 4, 15), "Year-end conversation", "", 4, "2025-26"),
        (date(2026, 4, 15), "Objectives for the year", "", 4, "2026-27"),  # not end-of-year
        (date(2026, 4, 15), "Objectives for the year", "2025-26", 4, "2025-26"),  # as it says
        (date(2026, 4, 15), "End-of-year review", "2026-27", 4, "2026-27"),  # as it says
        (date(2026, 1, 20), "Year end review", "", 1, "2025"),  # calendar years
        (date(2026, 4, 2), "Year end review", "", 1, "2026"),
    ],
)
def test_a_review_looks_back_on_the_year_it_reviews(
    day: date, title: str, year: str, start_month: int, reviews: str
) -> None:
    assert reviewed_year(review(day, title, year), start_month).name == reviews


def test_the_review_season_is_a_years_first_three_months() -> None:
    assert [in_review_season(date(2026, month, 1), 4) for month in (3, 4, 6, 7)] == [
        False,
        True,
        True,
        False,
    ]
    assert [in_review_season(date(2026, month, 1), 11) for month in (10, 11, 1, 2)] == [
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("today", "year", "reason"),
    [
        (
            date(2026, 4, 1),
            "2025-26",
            "the year just ended, reviewed from April to June; --year 2026-27 for the current year",
        ),
        (
            date(2026, 6, 30),
            "2025-26",
            "the year just ended, reviewed from April to June; --year 2026-27 for the current year",
        ),
        (date(2026, 7, 1), "2026-27", "the current performance year"),
        (date(2027, 3, 31), "2026-27", "the current performance year"),
    ],
)
def test_the_default_pack_is_the_year_just_ended_in_the_review_season(
    today: date, year: str, reason: str
) -> None:
    chosen = default_pack_year(today, 4)
    assert (chosen.year.name, chosen.reason) == (year, reason)


def test_goals_of_a_year_are_those_worked_on_then() -> None:
    def goal(name: str, status: str = "in-progress") -> Goal:
        return Goal(name, f"journal/goals/{name}.md", name.title(), status=status)

    def entry(day: date, *goals: str) -> Entry:
        return Entry(f"{day}.md", str(day), "E", day, "other", "formal", Decimal(2), goals)

    goals = (
        goal("stalled"),  # named by nothing: from the start
        goal("later"),  # first named in the next year
        goal("achieved-then", "achieved"),  # with an entry in the year
        goal("achieved-before", "achieved"),  # none in the year
        goal("dropped-discussed", "dropped"),  # discussed in the year's review
    )
    entries = (
        entry(date(2024, 5, 1), "achieved-before"),
        entry(date(2025, 5, 1), "achieved-then"),
        entry(date(2026, 5, 1), "later"),
    )
    discussed = Review("r", "r.md", date(2025, 10, 1), goals=("dropped-discussed",))
    journal = Journal(Config(name="Jo"), {}, entries, goals, (discussed,))
    year = performance_year(date(2025, 5, 1), 4)
    worked = goals_of_year(journal, year, reviews_of(journal.reviews, year, 4))
    assert [g.id for g in worked] == ["stalled", "achieved-then", "dropped-discussed"]
    following = performance_year(date(2026, 5, 1), 4)
    assert [g.id for g in goals_of_year(journal, following, [])] == ["stalled", "later"]


def test_the_example_journals_end_of_year_reviews_review_the_year_before() -> None:
    checked = open_journal(find_project(REPOSITORY), TODAY)
    assert checked.journal is not None
    reviews = checked.journal.reviews
    year = parse_year_name("2025-26", 4)
    assert year is not None
    assert [r.title for r in reviews_of(reviews, year, 4)] == [
        "Mid-year review, 2025-26",
        "End-of-year review, 2025-26",
    ]


def write_review(root: Path, front: str) -> None:
    folder = root / "journal/reviews"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.md").write_text(f"---\ndate: 2026-04-15\n{front}\n---\nNotes.\n")


@pytest.mark.parametrize(
    ("value", "start_month", "message", "hint"),
    [
        (
            "2025/26",
            4,
            "expected a performance year written like 2025-26, got '2025/26'",
            "write the year the performance year starts in and the next: year: 2025-26",
        ),
        (
            '"2025"',
            4,
            "expected a performance year written like 2025-26, got '2025'",
            "write the year the performance year starts in and the next: year: 2025-26",
        ),
        (
            "2025-27",
            4,
            "expected a performance year written like 2025-26, got '2025-27'",
            "write the year the performance year starts in and the next: year: 2025-26",
        ),
        (
            "2025-26",
            1,
            "expected a performance year written like 2025, got '2025-26'",
            "write the year the performance year starts in: year: 2025",
        ),
        (
            "0000-01",
            4,
            "expected a performance year written like 2025-26, got '0000-01'",
            "write the year the performance year starts in and the next: year: 2025-26",
        ),
        (
            "last year",
            4,
            "expected a performance year written like 2025-26, got 'last year'",
            "write the year the performance year starts in and the next: year: 2025-26",
        ),
    ],
)
def test_a_review_year_that_names_no_performance_year_is_an_error(
    project: Callable[[str], Path], value: str, start_month: int, message: str, hint: str
) -> None:
    root = project("small")
    config = root / "pdp.toml"
    config.write_text(config.read_text() + f"\nyear_start_month = {start_month}\n")
    write_review(root, f"year: {value}")
    checked = open_journal(find_project(root), TODAY)
    found = [p for p in checked.problems if p.path == "journal/reviews/r.md"]
    assert [(p.line, p.column, p.code, p.field, p.message, p.hint) for p in found] == [
        (3, 7, "V002", "year", message, hint)
    ]


def test_a_review_year_is_kept(project: Callable[[str], Path]) -> None:
    root = project("small")
    write_review(root, "year: 2025-26")
    checked = open_journal(find_project(root), TODAY)
    assert checked.journal is not None
    assert [(r.slug, r.year) for r in checked.journal.reviews] == [
        ("2025-10-01-mid-year", ""),
        ("r", "2025-26"),
    ]
