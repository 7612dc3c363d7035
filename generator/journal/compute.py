"""The rules: points per entry, performance years, and each year's totals against the target.

Pure functions of the journal and the day; exact decimal arithmetic throughout.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from msgspec import Struct

from ..model import CATEGORIES, GCS, OTHER_ACTIVITY, Activity, Config, Entry, Journal

ZERO = Decimal(0)
_YEAR_NAME = re.compile(r"(\d{4})(?:-(\d{2}))?")


class PerformanceYear(Struct, frozen=True):
    name: str
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class CategoryTotal(Struct, frozen=True):
    points: Decimal
    hours: Decimal
    share: Decimal
    guide: Decimal


class YearTotals(Struct, frozen=True):
    """A performance year's figures; only done entries count, planned ones are the plan."""

    year: PerformanceYear
    points: Decimal
    hours: Decimal
    entries: int
    planned_points: Decimal
    planned_entries: int
    target: Decimal
    remaining: Decimal
    months_left: int
    pace: Decimal | None
    by_category: Mapping[str, CategoryTotal]


@functools.cache  # pure, and asked for each entry several times a build
def performance_year(day: date, start_month: int) -> PerformanceYear:
    """The performance year a day falls in (April to March by default)."""
    first = day.year if day.month >= start_month else day.year - 1
    return year_starting(first, start_month)


def year_starting(first: int, start_month: int) -> PerformanceYear:
    start = date(first, start_month, 1)
    following = date(first + 1, start_month, 1)
    name = str(first) if start_month == 1 else f"{first}-{(first + 1) % 100:02d}"
    return PerformanceYear(name, start, following - timedelta(days=1))


def parse_year_name(name: str, start_month: int) -> PerformanceYear | None:
    """The year a name like '2025-26' (or '2025' for calendar years) stands for."""
    match = _YEAR_NAME.fullmatch(name)
    if match is None:
        return None
    year = year_starting(int(match.group(1)), start_month)
    return year if year.name == name else None


def entry_points(entry: Entry, catalogue: Mapping[str, Activity], policy: str) -> Decimal:
    """Points an entry earns: its activity's value, or an hour's point for custom ones."""
    if policy == "hours" or entry.activity == OTHER_ACTIVITY:
        return entry.hours
    return catalogue[entry.activity].points


def counts_for(entry: Entry, scheme: str, include: str = "all") -> bool:
    """Whether an entry counts for a scheme: those it names, if it names any; otherwise
    every scheme that counts all entries (`include`)."""
    if entry.schemes:
        return scheme in entry.schemes
    return include == "all"


def months_left(year: PerformanceYear, today: date) -> int:
    """Months of the year still to come, counting the current one."""
    if today > year.end:
        return 0
    if today < year.start:
        return 12
    return (year.end.year - today.year) * 12 + year.end.month - today.month + 1


def year_target(config: Config, year: PerformanceYear, target: Decimal | None = None) -> Decimal:
    """The year's target (the configuration's, or a scheme's), pro-rated (rounded up) for a
    member who joined during it."""
    full = config.target if target is None else target
    joined = config.joined
    if joined is None or joined <= year.start:
        return full
    if joined > year.end:
        return ZERO
    months = (year.end.year - joined.year) * 12 + year.end.month - joined.month + 1
    return Decimal(math.ceil(full * months / 12))


def years_of(journal: Journal, today: date) -> list[PerformanceYear]:
    """Every year with an entry, and the current year, oldest first."""
    return years_with(journal.entries, journal.config.year_start_month, today)


def years_with(entries: Sequence[Entry], start_month: int, today: date) -> list[PerformanceYear]:
    """Every year of entries sorted by date, and the current year, oldest first."""
    years = {performance_year(today, start_month)}
    index = 0
    while index < len(entries):  # one step a year: entries are sorted by date
        year = performance_year(entries[index].date, start_month)
        years.add(year)
        index = year_end(entries, year, index)
    return sorted(years, key=lambda year: year.start)


def entries_in(entries: Sequence[Entry], year: PerformanceYear) -> Sequence[Entry]:
    """The entries of a year, from entries sorted by date (a slice, found by bisection)."""
    first = bisect.bisect_left(entries, year.start, key=_date_of)
    return entries[first : year_end(entries, year)]


def year_end(entries: Sequence[Entry], year: PerformanceYear, start: int = 0) -> int:
    """The index, in entries sorted by date, just after the year's last (looking from
    `start` on)."""
    return bisect.bisect_right(entries, year.end, lo=start, key=_date_of)


def _date_of(entry: Entry) -> date:
    return entry.date


def year_totals(journal: Journal, year: PerformanceYear, today: date) -> YearTotals:
    config = journal.config
    in_year = [entry for entry in entries_in(journal.entries, year) if counts_for(entry, GCS)]
    return totals_of(
        [
            (entry, entry_points(entry, journal.catalogue, config.points_policy))
            for entry in in_year
        ],
        config,
        year,
        year_target(config, year),
        today,
    )


def totals_of(
    counted: Sequence[tuple[Entry, Decimal]],
    config: Config,
    year: PerformanceYear,
    target: Decimal,
    today: date,
) -> YearTotals:
    """A year's totals from its entries that count and the points each counts."""
    done = [(entry, worth) for entry, worth in counted if entry.done]
    planned = [(entry, worth) for entry, worth in counted if not entry.done]

    def points_of(items: Iterable[tuple[Entry, Decimal]]) -> Decimal:
        return sum((worth for _, worth in items), ZERO)

    points = points_of(done)
    remaining = max(ZERO, target - points)
    left = months_left(year, today)
    by_category = {}
    for category in CATEGORIES:
        chosen = [(entry, worth) for entry, worth in done if entry.category == category]
        category_points = points_of(chosen)
        by_category[category] = CategoryTotal(
            points=category_points,
            hours=sum((entry.hours for entry, _ in chosen), ZERO),
            share=category_points / points if points else ZERO,
            guide=config.guide[category] / 100,
        )
    return YearTotals(
        year=year,
        points=points,
        hours=sum((entry.hours for entry, _ in done), ZERO),
        entries=len(done),
        planned_points=points_of(planned),
        planned_entries=len(planned),
        target=target,
        remaining=remaining,
        months_left=left,
        pace=remaining / left if left else None,
        by_category=by_category,
    )


def entry_records(journal: Journal) -> list[dict[str, object]]:
    """One record per entry, oldest first: the facts and the points, for export."""
    return [entry_record(entry, journal.catalogue, journal.config) for entry in journal.entries]


def entry_record(
    entry: Entry, catalogue: Mapping[str, Activity], config: Config
) -> dict[str, object]:
    return {
        "date": entry.date.isoformat(),
        "title": entry.title,
        "activity": entry.activity,
        "category": entry.category,
        "status": entry.status,
        "hours": entry.hours,
        "points": entry_points(entry, catalogue, config.points_policy),
        "goals": entry.goals,
        "year": performance_year(entry.date, config.year_start_month).name,
        "private": entry.private,
    }
