"""The coverage of the frameworks: points and done entries per term and performance year,
and the goals that name a term with no evidence in the current year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.coverage import Cell, coverage
from generator.journal.frameworks import shipped_frameworks
from generator.model import Config, Entry, Goal, Journal

TODAY = date(2026, 11, 28)  # in 2026-27


def entry(day: str, hours: str, disciplines: tuple[str, ...] = (), **more: object) -> Entry:
    return Entry(
        path=f"journal/entries/{day}.md",
        slug=day,
        title=day,
        date=date.fromisoformat(day),
        activity=str(more.pop("activity", "other")),
        category="formal",
        hours=Decimal(hours),
        disciplines=disciplines,
        **more,  # type: ignore[arg-type]
    )


def journal(*entries: Entry, goals: tuple[Goal, ...] = ()) -> Journal:
    return Journal(
        Config(name="Alex", frameworks=shipped_frameworks()),
        parse_catalogue(shipped_catalogue_text()),
        tuple(sorted(entries, key=lambda e: (e.date, e.path))),
        goals,
        (),
    )


ENTRIES = (
    entry("2025-04-01", "3", ("media",)),  # the first day of 2025-26
    entry("2026-03-31", "4", ("media", "digital")),  # the last day of 2025-26
    entry("2026-04-01", "2.5", ("media",), behaviours=("leadership",)),
    entry("2026-05-01", "1", ("media",), activity="podcast"),  # the catalogue's 2 points
    entry("2026-06-01", "9", ("media",), status="planned"),  # planned: not evidence
    entry("2027-05-01", "5", ("media",), status="planned"),  # a later year: not shown
)


@pytest.mark.parametrize(
    ("field", "term", "cells"),
    [
        ("disciplines", "media", [Cell(Decimal(7), 2), Cell(Decimal("4.5"), 2)]),
        ("disciplines", "digital", [Cell(Decimal(4), 1), Cell(Decimal(0), 0)]),
        ("disciplines", "marketing", [Cell(Decimal(0), 0), Cell(Decimal(0), 0)]),
        ("behaviours", "leadership", [Cell(Decimal(0), 0), Cell(Decimal("2.5"), 1)]),
    ],
)
def test_each_cell_holds_the_points_and_done_entries_of_its_term_and_year(
    field: str, term: str, cells: list[Cell]
) -> None:
    found = coverage(journal(*ENTRIES), TODAY)
    assert [year.name for year in found.years] == ["2025-26", "2026-27"]
    [framework] = [f for f in found.frameworks if f.vocabulary.field == field]
    [row] = [row for row in framework.rows if row.term.id == term]
    assert list(row.cells) == cells
    assert [cell.gap for cell in cells] == [cell.entries == 0 for cell in cells]


def test_the_gaps_of_a_year_count_its_terms_without_evidence() -> None:
    disciplines, behaviours = coverage(journal(*ENTRIES), TODAY).frameworks
    assert [disciplines.gaps(0), disciplines.gaps(1)] == [5, 6]
    assert [behaviours.gaps(0), behaviours.gaps(1)] == [9, 8]


def _goal(goal_id: str, status: str, disciplines: tuple[str, ...]) -> Goal:
    return Goal(
        goal_id, f"journal/goals/{goal_id}.md", goal_id, status=status, disciplines=disciplines
    )


@pytest.mark.parametrize(
    ("status", "disciplines", "flagged"),
    [
        ("in-progress", ("digital",), ["digital"]),  # evidence last year only
        ("not-started", ("media", "marketing"), ["marketing"]),
        ("in-progress", ("media",), []),
        ("achieved", ("digital",), []),  # no longer worked towards
        ("dropped", ("marketing",), []),
    ],
)
def test_a_goal_is_flagged_for_each_term_with_no_evidence_this_year(
    status: str, disciplines: tuple[str, ...], flagged: list[str]
) -> None:
    goal = _goal("press", status, disciplines)
    found = coverage(journal(*ENTRIES, goals=(goal,)), TODAY)
    assert found.current.name == "2026-27"
    assert [(flag.goal.id, flag.term.id) for flag in found.flags] == [
        ("press", term) for term in flagged
    ]


def test_a_journal_with_no_lists_has_no_rows_and_no_flags() -> None:
    bare = Journal(
        Config(name="Alex"), {}, ENTRIES[:1], (_goal("g", "in-progress", ("media",)),), ()
    )
    found = coverage(bare, TODAY)
    assert (found.frameworks, found.flags) == ((), ())
