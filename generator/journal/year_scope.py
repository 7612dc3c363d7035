"""What belongs to a performance year beyond its entries: the reviews that look back on it,
the goals worked on during it, and the year a review pack is made for by default.

Pure functions of the journal and the day.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from msgspec import Struct

from ..model import Goal, Journal, Review
from .compute import (
    PerformanceYear,
    entries_in,
    parse_year_name,
    performance_year,
    year_starting,
)
from .goal_progress import active
from .schema import FIRST_YEAR, LAST_YEAR

# The first months of a performance year in which the last year's end-of-year review is
# held (April to June for a year that starts in April).
REVIEW_SEASON_MONTHS = 3
# How a review's title says that it is an end-of-year review.
END_OF_YEAR = re.compile(r"\b(?:end[\s-]+of[\s-]+(?:the[\s-]+)?year|year[\s-]*end)\b", re.I)
_FIRST_YEAR = re.compile(r"\s*(\d{4})")
_EXAMPLE_YEAR = 2025


def in_review_season(day: date, start_month: int) -> bool:
    """Whether a day falls in the first three months of its performance year."""
    return (day.month - start_month) % 12 < REVIEW_SEASON_MONTHS


def reviewed_year(review: Review, start_month: int) -> PerformanceYear:
    """The year a review looks back on: the one it names; else, for an end-of-year review held
    in the first three months of a year, the year before; else the year of its date."""
    if review.year:
        named = parse_year_name(review.year, start_month)
        if named is not None:
            return named
    year = performance_year(review.date, start_month)
    if END_OF_YEAR.search(review.title) and in_review_season(review.date, start_month):
        return performance_year(year.start.replace(year=year.start.year - 1), start_month)
    return year


def reviews_of(reviews: Iterable[Review], year: PerformanceYear, start_month: int) -> list[Review]:
    """The reviews that look back on a year, in the order given (by date)."""
    return [review for review in reviews if reviewed_year(review, start_month) == year]


def year_name_problem(text: str, start_month: int) -> tuple[str, str] | None:
    """Why a review's `year:` does not name a performance year, and what to write: None if it
    does."""
    first = _FIRST_YEAR.match(text)
    starts = int(first.group(1)) if first else None
    if starts is None or not FIRST_YEAR <= starts <= LAST_YEAR:
        starts = None  # nothing to go by, or a year no date of the journal can fall in
    elif parse_year_name(text, start_month) is not None:
        return None
    example = year_starting(starts or _EXAMPLE_YEAR, start_month).name
    return (
        f"expected a performance year written like {example}, got '{text}'",
        f"write the year the performance year starts in"
        f"{'' if start_month == 1 else ' and the next'}: year: {example}",
    )


class PackYear(Struct, frozen=True):
    """The year a review pack is made for, and why that one."""

    year: PerformanceYear
    reason: str


def default_pack_year(today: date, start_month: int) -> PackYear:
    """The current performance year; in its first three months, the year just ended, whose
    end-of-year review is held then."""
    current = performance_year(today, start_month)
    if not in_review_season(today, start_month):
        return PackYear(current, "the current performance year")
    ended = performance_year(current.start.replace(year=current.start.year - 1), start_month)
    season = f"{_month(start_month)} to {_month(start_month + REVIEW_SEASON_MONTHS - 1)}"
    return PackYear(
        ended,
        f"the year just ended, reviewed from {season}; --year {current.name} for the current year",
    )


def _month(number: int) -> str:
    return date(2000, (number - 1) % 12 + 1, 1).strftime("%B")


def goals_of_year(journal: Journal, year: PerformanceYear, reviews: Sequence[Review]) -> list[Goal]:
    """The goals worked on during a year, active ones first: an active goal from the first
    time an entry or a review names it (a goal nothing names, from the start); an achieved
    or dropped one in a year with an entry for it, or among `reviews` (the year's)."""
    in_year = {goal_id for entry in entries_in(journal.entries, year) for goal_id in entry.goals}
    in_year.update(goal_id for review in reviews for goal_id in review.goals)
    first = first_named(journal, {goal.id for goal in journal.goals if active(goal)})
    worked = [
        goal
        for goal in journal.goals
        if goal.id in in_year or (active(goal) and first.get(goal.id, year.start) <= year.end)
    ]
    return sorted(worked, key=lambda goal: not active(goal))


def first_named(journal: Journal, goal_ids: Collection[str]) -> dict[str, date]:
    """The day each of these goals was first named, by an entry or a review, if it was."""
    first: dict[str, date] = {}
    for review in journal.reviews:
        for goal_id in review.goals:
            if goal_id in goal_ids and review.date < first.get(goal_id, date.max):
                first[goal_id] = review.date
    unseen = set(goal_ids)
    for entry in journal.entries:  # by date: each goal's first entry is the first seen
        if not unseen:  # asked for each pack: most journals name every goal early on
            break
        for goal_id in unseen.intersection(entry.goals):
            unseen.discard(goal_id)
            first[goal_id] = min(first.get(goal_id, entry.date), entry.date)
    return first
