"""The goal warnings at their boundaries: a goal is past its target date from the day after
it; evidence counts in a performance year from its first day to its last, and only when done;
and `pdp check` warns of a done entry that serves no goal (W010), in a journal with goals."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from msgspec.structs import replace

from generator.cli import run
from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.compute import performance_year
from generator.journal.goal_progress import GoalProgress, goal_progress, unserved
from generator.model import Config, Entry, Goal, Journal

from ..conftest import TODAY

YEAR = performance_year(TODAY, 4)  # 2026-27: 1 April 2026 to 31 March 2027
LEAD = Goal("lead", "journal/goals/lead.md", "Lead", target_date=date(2027, 6, 30))


def _entry(day: date, goals: tuple[str, ...] = ("lead",), status: str = "done") -> Entry:
    name = f"{day.isoformat()}-{status}"
    return Entry(
        f"journal/entries/{name}.md",
        name,
        name,
        day,
        "webinar",
        "formal",
        Decimal(1),
        goals,
        status=status,
    )


def _progress(*entries: Entry, goal: Goal = LEAD, today: date = TODAY) -> GoalProgress:
    catalogue = parse_catalogue(shipped_catalogue_text())
    journal = Journal(Config(name="A"), catalogue, entries, (goal,), ())
    [found] = goal_progress(journal, YEAR, today)
    return found


# -- target date ----------------------------------------------------------------------------


def test_a_goal_whose_target_date_is_today_is_not_overdue() -> None:
    assert not _progress(goal=replace(LEAD, target_date=TODAY)).overdue


def test_a_goal_whose_target_date_was_yesterday_is_overdue() -> None:
    assert _progress(goal=replace(LEAD, target_date=date(2026, 11, 27))).overdue


def test_an_achieved_goal_past_its_target_date_is_not_overdue() -> None:
    goal = replace(LEAD, target_date=date(2026, 11, 27), status="achieved")
    assert not _progress(goal=goal).overdue


# -- evidence this year ---------------------------------------------------------------------


def test_evidence_on_the_first_day_of_the_year_counts() -> None:
    found = _progress(_entry(date(2026, 4, 1)))
    assert (found.in_year.entries, found.no_evidence_in_year) == (1, False)
    assert found.in_year.latest == date(2026, 4, 1)


def test_evidence_on_the_last_day_of_the_year_before_does_not() -> None:
    found = _progress(_entry(date(2026, 3, 31)))
    assert (found.in_year.entries, found.no_evidence_in_year) == (0, True)
    assert (found.in_year.latest, found.all_time.latest) == (None, date(2026, 3, 31))


def test_evidence_on_the_last_day_of_the_year_counts() -> None:
    found = _progress(_entry(date(2027, 3, 31)))
    assert (found.in_year.entries, found.no_evidence_in_year) == (1, False)


def test_evidence_on_the_first_day_of_the_next_year_does_not() -> None:
    assert _progress(_entry(date(2027, 4, 1))).no_evidence_in_year


def test_planned_evidence_alone_is_no_evidence() -> None:
    found = _progress(_entry(date(2027, 1, 10), status="planned"))
    assert found.no_evidence_in_year
    assert (found.in_year.entries, found.in_year.planned_entries) == (0, 1)
    assert found.in_year.latest is None and found.all_time.latest is None


def test_the_latest_evidence_is_the_latest_done_entry() -> None:
    found = _progress(
        _entry(date(2025, 5, 1)),
        _entry(date(2026, 6, 1)),
        _entry(date(2026, 5, 1)),
        _entry(date(2027, 2, 1), status="planned"),
    )
    assert (found.in_year.latest, found.all_time.latest) == (date(2026, 6, 1), date(2026, 6, 1))


@pytest.mark.parametrize("status", ["achieved", "dropped"])
def test_a_closed_goal_without_evidence_is_not_warned_about(status: str) -> None:
    assert not _progress(goal=replace(LEAD, status=status)).no_evidence_in_year


# -- W010: a done entry that serves no goal -------------------------------------------------

_GOALS = (
    LEAD,
    Goal("press", "journal/goals/press.md", "Press", status="achieved"),
    Goal("video", "journal/goals/video.md", "Video", status="not-started"),
)


def _w010(entries: tuple[Entry, ...], goals: tuple[Goal, ...] = _GOALS) -> list[str]:
    ids = {goal.id for goal in goals}
    return [
        f"{p.path}:{p.line}:{p.column} {p.severity} {p.code} {p.field}: {p.message} | {p.hint}"
        for p in unserved(entries, goals, ids)
    ]


def test_a_done_entry_that_serves_no_goal_is_warned_about_naming_the_active_goals() -> None:
    assert _w010((_entry(date(2026, 5, 1), goals=()),)) == [
        "journal/entries/2026-05-01-done.md:1:1 warning W010 goals: a done entry that serves "
        "none of your goals | if it served one, name it, as in `goals: [lead]` (your active "
        "goals: lead, video)"
    ]


def test_a_planned_entry_or_one_that_serves_a_goal_is_not() -> None:
    entries = (_entry(date(2027, 1, 5), goals=(), status="planned"), _entry(date(2026, 5, 1)))
    assert _w010(entries) == []


def test_a_journal_without_goals_gets_no_warning() -> None:
    entries = tuple(_entry(date(2026, 5, day), goals=()) for day in range(1, 4))
    assert unserved(entries, (), frozenset()) == []


def test_with_every_goal_closed_the_hint_names_them_all() -> None:
    goals = (replace(LEAD, status="achieved"), _GOALS[1])
    [warning] = _w010((_entry(date(2026, 5, 1), goals=()),), goals)
    assert warning.endswith("as in `goals: [lead]` (your goals: lead, press)")


def test_goal_files_that_do_not_validate_still_count_as_goals() -> None:
    [warning] = unserved((_entry(date(2026, 5, 1), goals=()),), (), {"press", "lead"})
    assert (
        warning.hint == "if it served one, name it, as in `goals: [lead]` (your goals: lead, press)"
    )


def test_pdp_check_warns_of_a_done_entry_that_serves_no_goal(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    folder = root / "journal/entries/2026-27"
    folder.mkdir()
    (folder / "2026-06-01-rota.md").write_text(
        "---\ntitle: Press rota\ndate: 2026-06-01\nactivity: other\ncategory: on-the-job\n"
        "hours: 3\n---\nI applied the lines.\n",
        "utf-8",
    )
    (folder / "2026-12-10-course.md").write_text(  # planned: not warned about
        "---\ntitle: Course\ndate: 2026-12-10\nactivity: webinar\nhours: 1\nstatus: planned\n---\n",
        "utf-8",
    )
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out = io.StringIO()
    assert run(["check", "--no-cache"], out, io.StringIO()) == 0
    assert out.getvalue() == (
        "journal/entries/2026-27/2026-06-01-rota.md:1:1: warning[W010] goals: a done entry "
        "that serves none of your goals\n"
        "    hint: if it served one, name it, as in `goals: [evaluation]` (your active goals: "
        "evaluation)\n"
        "8 files checked: 0 errors, 1 warning\n"
    )
    (root / "journal/goals/evaluation.md").unlink()
    for path in root.rglob("*.md"):
        path.write_text(path.read_text("utf-8").replace("goals: [evaluation]\n", ""), "utf-8")
    out = io.StringIO()
    run(["check", "--no-cache"], out, io.StringIO())
    assert out.getvalue() == "7 files checked: no problems\n"  # no goals: no reminders
