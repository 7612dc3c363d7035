"""Goals and the evidence behind them: which goals are still worked towards, which are past
their target date, the points and entries linked to each, in a year and in all years, and
the done entries that serve no goal.

Pure functions of the journal and the day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal

from msgspec import Struct

from ..model import Entry, Goal, Journal, Problem
from .codes import problem
from .compute import ZERO, PerformanceYear, entry_points
from .schema import GOAL_CLOSED


def active(goal: Goal) -> bool:
    """Whether a goal is still worked towards: neither achieved nor dropped."""
    return goal.status not in GOAL_CLOSED


def overdue(goal: Goal, today: date) -> bool:
    """Whether an active goal's target date has passed (on the day itself it has not)."""
    return active(goal) and goal.target_date is not None and goal.target_date < today


class Evidence(Struct, frozen=True):
    """What the entries linked to a goal add up to: done ones, and planned ones apart."""

    points: Decimal = ZERO
    entries: int = 0
    planned_points: Decimal = ZERO
    planned_entries: int = 0
    latest: date | None = None  # the date of the latest done entry


class GoalProgress(Struct, frozen=True):
    """A goal, whether it is overdue, and its evidence in one year and in all."""

    goal: Goal
    overdue: bool
    in_year: Evidence
    all_time: Evidence

    @property
    def no_evidence_in_year(self) -> bool:
        """An active goal that no done entry of the year serves."""
        return active(self.goal) and self.in_year.entries == 0


def goal_progress(journal: Journal, year: PerformanceYear, today: date) -> list[GoalProgress]:
    """Every goal of the journal with its evidence: active goals first, then achieved ones,
    then dropped ones, each in the journal's order."""
    linked: dict[str, list[Entry]] = {}
    for entry in journal.entries:
        for goal_id in dict.fromkeys(entry.goals):  # an entry counts once for a goal
            linked.setdefault(goal_id, []).append(entry)
    progress = []
    for goal in sorted(journal.goals, key=_standing):
        entries = linked.get(goal.id, [])
        progress.append(
            GoalProgress(
                goal,
                overdue(goal, today),
                _evidence(journal, (entry for entry in entries if entry.date in year)),
                _evidence(journal, entries),
            )
        )
    return progress


def _standing(goal: Goal) -> int:
    return 0 if active(goal) else 1 + GOAL_CLOSED.index(goal.status)


def _evidence(journal: Journal, entries: Iterable[Entry]) -> Evidence:
    points = {True: ZERO, False: ZERO}
    counts = {True: 0, False: 0}
    latest: date | None = None
    for entry in entries:
        points[entry.done] += entry_points(entry, journal.catalogue, journal.config.points_policy)
        counts[entry.done] += 1
        if entry.done and (latest is None or entry.date > latest):
            latest = entry.date
    return Evidence(points[True], counts[True], points[False], counts[False], latest)


UNSERVED = "W010"


def unserved(
    entries: Iterable[Entry], goals: Sequence[Goal], goal_files: Collection[str]
) -> list[Problem]:
    """A warning for each done entry that serves no goal; none in a journal without goal
    files (`goal_files`: the ids of every goal file, valid or not), which keeps no PDP."""
    if not goal_files:
        return []
    named = [goal.id for goal in goals if active(goal)] or sorted(goal_files)
    example = f"goals: [{named[0]}]"
    which = "your active goals" if any(active(goal) for goal in goals) else "your goals"
    return [
        problem(
            UNSERVED,
            entry.path,
            1,
            1,
            "goals",
            "a done entry that serves none of your goals",
            f"if it served one, name it, as in `{example}` ({which}: {', '.join(named)})",
        )
        for entry in entries
        if entry.done and not entry.goals
    ]
