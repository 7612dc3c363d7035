"""Goals: a broken goal file is reported once, in itself and first; a goal past its target
date is warned about (W008), on the day the check runs; and each goal's evidence is counted."""

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
from generator.journal.compute import ZERO, performance_year
from generator.journal.document import parse_document
from generator.journal.goal_progress import Evidence, active, goal_progress, overdue
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.validate import validate_goal
from generator.model import Config, Entry, Goal, Journal

from ..conftest import TODAY
from ..helpers import example

_HANDLING = "journal/goals/media-handling.md"
_W008_HINT = (
    "    hint: if you reached it, write status: achieved (or status: dropped if you gave it "
    "up); if not, move target_date to a later date\n"
)


def check(root: Path, monkeypatch: pytest.MonkeyPatch, day: date = TODAY, *options: str) -> str:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", day.isoformat())
    out = io.StringIO()
    run(["check", *options], out, io.StringIO())
    return out.getvalue()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# -- one broken goal file, one error ------------------------------------------------------


def test_a_goal_with_a_wrong_status_is_reported_once_with_the_status_it_means(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    edit(root / _HANDLING, "status: achieved", "status: done")
    out = check(root, monkeypatch)
    assert out.startswith(
        f"{_HANDLING}:7:9: error[V005] status: expected one of 'not-started', 'in-progress', "
        "'achieved', 'dropped', got 'done'\n"
        "    hint: did you mean 'achieved'?\n"
    )
    assert "V009" not in out  # nothing from the entries and reviews that link it
    assert out.count("error[") == 1
    assert ": 1 error, " in out.splitlines()[-1]


def test_the_entries_linking_a_broken_goal_still_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    before = _linking(root)
    edit(root / _HANDLING, "status: achieved", "status: done")
    assert len(before) >= 2
    assert _linking(root) == before


def _linking(root: Path) -> list[str]:
    """The entries and reviews that are valid and link media-handling."""
    journal = open_journal(find_project(root), TODAY).journal
    assert journal is not None
    entries = [entry.path for entry in journal.entries if "media-handling" in entry.goals]
    reviews = [review.path for review in journal.reviews if "media-handling" in review.goals]
    return entries + reviews


@pytest.mark.parametrize(
    "front",
    [
        "no front matter at all\n",  # F004: the file cannot be read as a goal at all
        "---\ntitle: [unclosed\n---\n",  # F006
        "---\ntitle: Media\nstatus: finished\n---\n",  # V005
    ],
)
def test_a_goal_file_that_cannot_be_read_is_still_known_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front: str
) -> None:
    root = example(tmp_path)
    (root / _HANDLING).write_text(front, "utf-8")
    out = check(root, monkeypatch)
    assert out.startswith(f"{_HANDLING}:")
    assert out.count("error[") == 1
    assert "unknown goal" not in out


def test_a_goal_file_misnamed_is_known_by_the_id_its_hint_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    (root / _HANDLING).rename(root / "journal/goals/Media Handling.md")
    out = check(root, monkeypatch)
    assert out.startswith(
        "journal/goals/Media Handling.md:1:1: error[V012] 'Media Handling' cannot be a goal id\n"
        "    hint: rename the file to 'media-handling.md': lower-case letters, digits and "
        "hyphens\n"
    )
    assert out.count("error[") == 1


def test_a_goal_that_does_not_exist_is_still_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    linking = _linking(root)
    (root / _HANDLING).unlink()
    out = check(root, monkeypatch)
    unknown = [line for line in out.splitlines() if "error[V009]" in line]
    assert [line.split(":")[0] for line in unknown] == sorted(linking)
    assert all(line.endswith("goals: unknown goal 'media-handling'") for line in unknown)


def test_goals_problems_come_before_the_entries_and_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    entry = root / "journal/entries/2024-25/2024-07-10-press-office-shadowing-day.md"
    edit(entry, "activity: job-shadowing", "activity: job-shadowin")
    edit(root / "journal/goals/short-form-video.md", "status: dropped", "status: cancelled")
    edit(root / "pdp.toml", "target = 30", "target = 30\ntarget_points = 30")
    lines = [line for line in check(root, monkeypatch).splitlines() if "error[" in line]
    assert [line.split(":")[0] for line in lines] == [
        "pdp.toml",
        "journal/goals/short-form-video.md",
        "journal/entries/2024-25/2024-07-10-press-office-shadowing-day.md",
    ]


# -- hints from the nearest choice, in meaning and in spelling ------------------------------

_GOAL = "---\ntitle: Lead\nstatus: {}\n---\n"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("done", "achieved"),
        ("Completed", "achieved"),
        ("finished", "achieved"),
        ("complted", "achieved"),  # a typo of a word for it
        ("abandoned", "dropped"),
        ("cancelled", "dropped"),
        ("ongoing", "in-progress"),
        ("started", "in-progress"),
        ("active", "in-progress"),
        ("in progress", "in-progress"),
        ("In_Progress", "in-progress"),
        ("acheived", "achieved"),  # a typo of the choice itself
        ("to do", "not-started"),
    ],
)
def test_a_goal_status_hint_names_the_status_meant(written: str, meant: str) -> None:
    document = parse_document("journal/goals/lead.md", _GOAL.format(written).encode())
    goal, problems = validate_goal(document, TODAY)
    assert goal is None
    assert [(p.code, p.field, p.hint) for p in problems] == [
        ("V005", "status", f"did you mean '{meant}'?")
    ]


def test_a_status_nothing_like_any_keeps_the_example_hint() -> None:
    document = parse_document("journal/goals/lead.md", _GOAL.format("banana").encode())
    assert [p.hint for p in validate_goal(document, TODAY)[1]] == ["write: status: in-progress"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [("completed", "done"), ("finished", "done"), ("scheduled", "planned"), ("to-do", "planned")],
)
def test_an_entry_status_hint_names_the_status_meant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, meant: str
) -> None:
    root = example(tmp_path)
    entry = root / "journal/entries/2024-25/2024-07-10-press-office-shadowing-day.md"
    edit(entry, "hours:", f"status: {written}\nhours:")
    out = check(root, monkeypatch)
    assert f"got '{written}'\n    hint: did you mean '{meant}'?\n" in out


# -- W008: an active goal past its target date ----------------------------------------------


def _goal_text(status: str, target: str = "2026-03-31") -> bytes:
    return (
        f"---\ntitle: Lead\ngap: Never led\ntarget_date: {target}\nstatus: {status}\n---\n".encode()
    )


def _warnings(status: str, today: date, target: str = "2026-03-31") -> list[str]:
    document = parse_document("journal/goals/lead.md", _goal_text(status, target))
    goal, problems = validate_goal(document, today)
    assert goal is not None
    return [f"{p.line}:{p.column} {p.code} {p.field}: {p.message} | {p.hint}" for p in problems]


def test_an_active_goal_past_its_target_date_is_warned_about() -> None:
    assert _warnings("in-progress", date(2026, 4, 1)) == [
        "4:14 W008 target_date: the target date 2026-03-31 has passed and the goal is still "
        "in-progress | if you reached it, write status: achieved (or status: dropped if you "
        "gave it up); if not, move target_date to a later date"
    ]
    assert _warnings("not-started", date(2026, 4, 1))[0].startswith("4:14 W008")


def test_on_its_target_date_a_goal_is_not_overdue() -> None:
    assert _warnings("in-progress", date(2026, 3, 31)) == []


@pytest.mark.parametrize("status", ["achieved", "dropped"])
def test_a_goal_achieved_or_dropped_is_never_overdue(status: str) -> None:
    assert _warnings(status, date(2030, 1, 1)) == []


def test_a_goal_without_a_target_date_is_never_overdue() -> None:
    document = parse_document("journal/goals/lead.md", b"---\ntitle: Lead\n---\n")
    assert validate_goal(document, date(2999, 1, 1))[1] == []


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["cache", "no cache"])
def test_the_warning_follows_the_day_the_check_runs_on(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, cache: tuple[str, ...]
) -> None:
    root = project("small")
    edit(root / "journal/goals/evaluation.md", "status:", "target_date: 2026-03-31\nstatus:")
    warning = (
        "journal/goals/evaluation.md:3:14: warning[W008] target_date: the target date "
        "2026-03-31 has passed and the goal is still in-progress\n" + _W008_HINT
    )
    before, after = date(2026, 3, 31), date(2026, 4, 1)
    assert check(root, monkeypatch, before, *cache) == "6 files checked: no problems\n"
    assert check(root, monkeypatch, after, *cache) == (
        warning + "6 files checked: 0 errors, 1 warning\n"
    )
    assert check(root, monkeypatch, before, *cache) == "6 files checked: no problems\n"
    assert check(root, monkeypatch, after, *cache).startswith(warning)


# -- the evidence behind each goal ----------------------------------------------------------


def test_active_and_overdue() -> None:
    goal = Goal("lead", "journal/goals/lead.md", "Lead", target_date=date(2026, 3, 31))
    assert active(goal)
    assert not overdue(goal, date(2026, 3, 31))
    assert overdue(goal, date(2026, 4, 1))
    for status in ("achieved", "dropped"):
        assert not active(replace(goal, status=status))
        assert not overdue(replace(goal, status=status), date(2030, 1, 1))
    assert not overdue(replace(goal, target_date=None), date(2030, 1, 1))


def _entry(name: str, day: date, goals: tuple[str, ...], status: str = "done") -> Entry:
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


def test_each_goal_counts_its_done_and_planned_entries_in_the_year_and_in_all() -> None:
    goals = (
        Goal("dropped", "journal/goals/dropped.md", "Dropped", status="dropped"),
        Goal("done", "journal/goals/done.md", "Done", status="achieved"),
        Goal("lead", "journal/goals/lead.md", "Lead", target_date=date(2026, 10, 31)),
        Goal("new", "journal/goals/new.md", "New", status="not-started"),
    )
    entries = (
        _entry("old", date(2025, 5, 1), ("lead", "done")),
        _entry("twice", date(2026, 5, 1), ("lead", "lead")),  # counted once
        _entry("now", date(2026, 6, 1), ("lead",)),
        _entry("next", date(2027, 1, 10), ("lead", "new"), status="planned"),
        _entry("later", date(2027, 6, 1), ("lead",), status="planned"),
        _entry("gone", date(2026, 7, 1), ("deleted-goal",)),
    )
    catalogue = parse_catalogue(shipped_catalogue_text())
    journal = Journal(Config(name="A"), catalogue, entries, goals, ())
    listed = goal_progress(journal, performance_year(TODAY, 4), TODAY)
    assert [item.goal.id for item in listed] == ["lead", "new", "done", "dropped"]
    lead, new, done, dropped = listed
    two = catalogue["webinar"].points * 2
    assert (lead.overdue, new.overdue, done.overdue) == (True, False, False)
    assert lead.in_year == Evidence(two, 2, two / 2, 1, date(2026, 6, 1))
    assert lead.all_time == Evidence(two * 3 / 2, 3, two, 2, date(2026, 6, 1))
    assert new.in_year == Evidence(ZERO, 0, two / 2, 1) and new.no_evidence_in_year
    assert done.in_year == Evidence() and not done.no_evidence_in_year  # achieved: no matter
    assert done.all_time == Evidence(two / 2, 1, latest=date(2025, 5, 1))
    assert dropped.all_time == Evidence() and not dropped.no_evidence_in_year
