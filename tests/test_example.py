"""The example journal shipped in journal/ is realistic, and `pdp check` finds nothing wrong
in it but what it is there to show: a goal past its target date. Its goals show each state
the site shows: on track, past its target date, and without evidence this year."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest

from generator.cli import run
from generator.journal.compute import entry_points, performance_year, year_totals, years_of
from generator.journal.goal_progress import goal_progress
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.model import CATEGORIES, OTHER_ACTIVITY, Journal

from .conftest import REPOSITORY, TODAY


@pytest.fixture(scope="module")
def journal() -> Journal:
    checked = open_journal(find_project(REPOSITORY), TODAY)
    assert [problem.code for problem in checked.problems] == ["W008"]  # the overdue goal
    assert checked.journal is not None
    return checked.journal


def test_check_shows_the_overdue_goal_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out = io.StringIO()
    assert run(["-C", str(REPOSITORY), "check"], out, io.StringIO()) == 0
    path = Path(os.path.relpath(REPOSITORY / "journal/goals/people-leadership.md")).as_posix()
    assert out.getvalue().startswith(
        f"{path}:6:14: warning[W008] target_date: the target date 2026-10-31 has passed and "
        "the goal is still in-progress\n"
    )
    assert out.getvalue().endswith("checked: 0 errors, 1 warning\n")
    assert run(["-C", str(REPOSITORY), "check", "--strict"], io.StringIO(), io.StringIO()) == 1


def test_size_and_variety(journal: Journal) -> None:
    assert len(journal.entries) >= 25
    assert len(journal.goals) >= 3
    assert len(journal.reviews) >= 2
    start_month = journal.config.year_start_month
    assert len({performance_year(e.date, start_month) for e in journal.entries}) >= 2
    assert set(CATEGORIES) <= {entry.category for entry in journal.entries}
    values = {
        journal.catalogue[e.activity].points
        for e in journal.entries
        if e.activity != OTHER_ACTIVITY
    }
    assert {2, 5, 10, 20, 30} <= values
    assert any(entry.activity == OTHER_ACTIVITY for entry in journal.entries)
    assert any(not entry.done for entry in journal.entries)
    assert sum(entry.private for entry in journal.entries) >= 1
    assert any(entry.evidence for entry in journal.entries)
    assert sum(bool(entry.goals) for entry in journal.entries) >= 20


def test_full_years_reach_the_target(journal: Journal) -> None:
    years = years_of(journal, TODAY)
    finished = [year for year in years if year.end < TODAY]
    assert finished
    for year in finished:
        totals = year_totals(journal, year, TODAY)
        assert totals.points >= totals.target, year.name


def test_goals_have_evidence(journal: Journal) -> None:
    for goal in journal.goals:
        linked = [e for e in journal.entries if goal.id in e.goals and e.done]
        assert linked, goal.id
        assert (
            sum(entry_points(e, journal.catalogue, journal.config.points_policy) for e in linked)
            > 0
        )


@pytest.mark.parametrize("day", [TODAY, date(2026, 12, 4)])
def test_goals_show_each_state(journal: Journal, day: date) -> None:
    year = performance_year(day, journal.config.year_start_month)
    states = {
        item.goal.id: (item.overdue, item.no_evidence_in_year)
        for item in goal_progress(journal, year, day)
        if item.goal.status == "in-progress"
    }
    assert states == {
        "leading-a-network": (False, False),
        "people-leadership": (True, False),
        "senior-briefing": (False, False),
        "working-with-operators": (False, True),
    }
