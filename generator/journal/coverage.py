"""How a journal's learning covers the profession's frameworks: for each discipline and
behaviour, the points and the done entries that name it in each performance year, and the
goals that name one with no evidence in the current year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from msgspec import Struct

from ..model import Entry, Goal, Journal, Term, Vocabulary
from .compute import PerformanceYear, entries_in, entry_points, performance_year, years_of
from .schema import GOAL_CLOSED


class Cell(Struct, frozen=True):
    """One term in one year: the points and the number of done entries that name it."""

    points: Decimal
    entries: int

    @property
    def gap(self) -> bool:
        return self.entries == 0


class Row(Struct, frozen=True):
    """One term of a framework, with a cell per year (in the order of `Coverage.years`)."""

    term: Term
    cells: tuple[Cell, ...]


class FrameworkCoverage(Struct, frozen=True):
    """A framework's list and its rows, in the list's order."""

    vocabulary: Vocabulary
    rows: tuple[Row, ...]

    def gaps(self, index: int) -> int:
        """How many of the framework's terms have no evidence in the year at `index`."""
        return sum(1 for row in self.rows if row.cells[index].gap)


class Flag(Struct, frozen=True):
    """A goal still worked towards that names a term with no evidence in the current year."""

    goal: Goal
    vocabulary: Vocabulary
    term: Term


class Coverage(Struct, frozen=True):
    """The matrix: every framework by every performance year, and the goals flagged."""

    years: tuple[PerformanceYear, ...]
    current: PerformanceYear
    frameworks: tuple[FrameworkCoverage, ...]
    flags: tuple[Flag, ...]


def coverage(journal: Journal, today: date) -> Coverage:
    """The coverage of the journal's frameworks in every year it has (see `years_of`) up to
    the current one."""
    current = performance_year(today, journal.config.year_start_month)
    # A later year holds planned entries only: its gaps would say nothing yet.
    years = tuple(year for year in years_of(journal, today) if year.start <= current.start)
    done = [entry for entry in journal.entries if entry.done]
    by_year = [entries_in(done, year) for year in years]
    frameworks = tuple(
        FrameworkCoverage(
            vocabulary,
            tuple(
                Row(term, _cells(journal, vocabulary, term, by_year)) for term in vocabulary.terms
            ),
        )
        for vocabulary in journal.config.frameworks
    )
    flags = _flags(journal.goals, frameworks, years.index(current))  # years_of has it
    return Coverage(years, current, frameworks, flags)


def _cells(
    journal: Journal, vocabulary: Vocabulary, term: Term, by_year: Sequence[Sequence[Entry]]
) -> tuple[Cell, ...]:
    policy = journal.config.points_policy
    cells: list[Cell] = []
    for entries in by_year:
        naming = [entry for entry in entries if term.id in _named(entry, vocabulary.field)]
        points = sum(
            (entry_points(entry, journal.catalogue, policy) for entry in naming), Decimal(0)
        )
        cells.append(Cell(points, len(naming)))
    return tuple(cells)


def _flags(
    goals: Sequence[Goal], frameworks: Sequence[FrameworkCoverage], index: int
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    for goal in goals:
        if goal.status in GOAL_CLOSED:
            continue
        for framework in frameworks:
            rows = {row.term.id: row for row in framework.rows}
            for term_id in _named(goal, framework.vocabulary.field):
                row = rows.get(term_id)
                if row is not None and row.cells[index].gap:
                    flags.append(Flag(goal, framework.vocabulary, row.term))
    return tuple(flags)


def _named(item: Entry | Goal, field: str) -> tuple[str, ...]:
    """The ids of a framework's field that an entry or goal names (none for another field)."""
    if field == "disciplines":
        return item.disciplines
    if field == "behaviours":
        return item.behaviours
    return ()
