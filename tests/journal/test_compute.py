"""The rules: performance years, points by policy, pro-rated targets, pace and shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.compute import (
    entry_points,
    months_left,
    parse_year_name,
    performance_year,
    year_starting,
    year_target,
    year_totals,
    years_of,
)
from generator.journal.schema import FIRST_YEAR, LAST_YEAR
from generator.model import Config, Entry, Journal

CATALOGUE = parse_catalogue(shipped_catalogue_text())


def entry(day: str, activity: str, hours: str, category: str = "", status: str = "done") -> Entry:
    known = CATALOGUE.get(activity)
    return Entry(
        path=f"journal/entries/{day}-{activity}.md",
        slug=f"{day}-{activity}",
        title=activity,
        date=date.fromisoformat(day),
        activity=activity,
        category=category or (known.category if known else ""),
        hours=Decimal(hours),
        status=status,
    )


@pytest.mark.parametrize(
    ("day", "start_month", "name", "start", "end"),
    [
        ("2025-04-01", 4, "2025-26", "2025-04-01", "2026-03-31"),
        ("2026-03-31", 4, "2025-26", "2025-04-01", "2026-03-31"),
        ("2025-01-15", 4, "2024-25", "2024-04-01", "2025-03-31"),
        ("1999-12-31", 4, "1999-00", "1999-04-01", "2000-03-31"),
        ("2025-08-31", 9, "2024-25", "2024-09-01", "2025-08-31"),
        ("2025-06-30", 1, "2025", "2025-01-01", "2025-12-31"),
        ("2024-02-29", 3, "2023-24", "2023-03-01", "2024-02-29"),
    ],
)
def test_performance_year(day: str, start_month: int, name: str, start: str, end: str) -> None:
    year = performance_year(date.fromisoformat(day), start_month)
    assert (year.name, year.start.isoformat(), year.end.isoformat()) == (name, start, end)


def test_year_names_round_trip() -> None:
    assert parse_year_name("2025-26", 4) == year_starting(2025, 4)
    assert parse_year_name("2025-27", 4) is None
    assert parse_year_name("25-26", 4) is None
    assert parse_year_name("2025", 1) == year_starting(2025, 1)


def test_points_follow_the_policy() -> None:
    podcast = entry("2025-05-01", "podcast", "1.5")
    custom = entry("2025-05-01", "other", "3.25", category="on-the-job")
    assert entry_points(podcast, CATALOGUE, "catalogue") == 2
    assert entry_points(custom, CATALOGUE, "catalogue") == Decimal("3.25")
    assert entry_points(podcast, CATALOGUE, "hours") == Decimal("1.5")


@pytest.mark.parametrize(
    ("today", "left"),
    [
        ("2025-03-31", 12),
        ("2025-04-01", 12),
        ("2025-11-28", 5),
        ("2026-03-31", 1),
        ("2026-04-01", 0),
    ],
)
def test_months_left(today: str, left: int) -> None:
    assert months_left(year_starting(2025, 4), date.fromisoformat(today)) == left


@pytest.mark.parametrize(
    ("joined", "target"),
    [
        (None, 30),
        ("2025-04-01", 30),
        ("2024-01-01", 30),
        ("2025-09-15", 18),
        ("2026-03-02", 3),
        ("2026-04-01", 0),
    ],
)
def test_target_is_pro_rated_for_joiners(joined: str | None, target: int) -> None:
    config = Config(name="A", joined=date.fromisoformat(joined) if joined else None)
    assert year_target(config, year_starting(2025, 4)) == target


def test_year_totals() -> None:
    journal = Journal(
        config=Config(name="A"),
        catalogue=CATALOGUE,
        goals=(),
        reviews=(),
        entries=(
            entry("2025-05-01", "podcast", "1"),  # formal, 2 points
            entry("2025-06-10", "job-shadowing", "7"),  # on-the-job, 5 points
            entry("2025-07-01", "other", "2.5", "relationships"),  # 2.5 points
            entry("2025-08-01", "project-14-hours", "14"),  # on-the-job, 20 points
            entry("2026-02-01", "conference", "7", status="planned"),
            entry("2026-04-02", "book", "6"),  # next year
        ),
    )
    totals = year_totals(journal, year_starting(2025, 4), date(2025, 11, 28))
    assert totals.points == Decimal("29.5")
    assert totals.hours == Decimal("24.5")
    assert totals.entries == 4
    assert (totals.planned_points, totals.planned_entries) == (Decimal(10), 1)
    assert totals.remaining == Decimal("0.5")
    assert totals.months_left == 5
    assert totals.pace == Decimal("0.1")
    assert totals.by_category["on-the-job"].points == 25
    assert totals.by_category["on-the-job"].share == Decimal(25) / Decimal("29.5")
    assert totals.by_category["relationships"].hours == Decimal("2.5")
    assert totals.by_category["formal"].guide == Decimal("0.1")
    assert [year.name for year in years_of(journal, date(2025, 11, 28))] == ["2025-26", "2026-27"]


def test_exact_decimal_sums() -> None:
    entries = tuple(entry(f"2025-05-{day:02d}", "other", "0.1", "formal") for day in range(1, 31))
    journal = Journal(Config(name="A"), CATALOGUE, entries, (), ())
    assert year_totals(journal, year_starting(2025, 4), date(2026, 1, 1)).points == 3


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_supported_date_has_a_performance_year(start_month: int) -> None:
    # Dates outside FIRST_YEAR to LAST_YEAR are refused by the check: the arithmetic of
    # years must hold at both ends of the range, whatever month the years start in.
    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    journal = Journal(
        Config(name="A", year_start_month=start_month, joined=last),
        CATALOGUE,
        (
            entry(first.isoformat(), "podcast", "1"),
            entry(last.isoformat(), "podcast", "1", status="planned"),
        ),
        (),
        (),
    )
    years = years_of(journal, date(2026, 1, 1))
    assert first in years[0] and last in years[-1]
    assert [year_totals(journal, year, last).planned_entries for year in years][-1] == 1
    assert parse_year_name(years[-1].name, start_month) == years[-1]
