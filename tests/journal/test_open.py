"""A journal written by someone else, with its own mistakes: every one is reported, with its
file and line, and what is valid is still counted correctly."""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

import generator.journal.open
from generator.cli import run
from generator.journal.load import find_project
from generator.journal.open import Checked, open_aside, open_journal

from ..conftest import FIXTURES, TODAY
from ..test_progress import Recorded

EXPECTED = FIXTURES / "projects"


def run_in(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_messy_journal_reports_every_mistake(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_in(project("messy"), monkeypatch, "check")
    assert code == 1
    assert out == (EXPECTED / "messy.check.out").read_text("utf-8")


def test_messy_journal_totals_what_is_valid(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_in(project("messy"), monkeypatch, "report", "--format", "json")
    assert code == 1
    assert json.loads(out) == json.loads((EXPECTED / "messy.report.json").read_text("utf-8"))
    assert err.endswith("pdp: 6 errors in the journal; what is shown counts only the valid files\n")


def test_messy_journal_text_report(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run_in(project("messy"), monkeypatch, "report")
    assert out == (EXPECTED / "messy.report.txt").read_text("utf-8")


def test_parallel_check_equals_sequential(project: Callable[[str], Path]) -> None:
    root = project("small")
    template = (root / "journal/entries/2025-26/2025-05-01-webinar.md").read_text("utf-8")
    folder = root / "journal/entries/many"
    folder.mkdir()
    for number in range(600):
        text = template.replace("hours: 1", f"hours: {number % 7 + 1}")
        if number % 50 == 0:
            text = text.replace("activity: webinar", "activity: webinr")
        (folder / f"entry-{number:03d}.md").write_text(text, "utf-8")
    found = find_project(root)
    sequential = open_journal(found, TODAY, jobs=1)
    parallel = open_journal(found, TODAY, jobs=2)
    assert len(sequential.errors) == 12
    assert parallel == sequential
    # A check needs no reflections, so the workers leave them out, and only them.
    lean = open_journal(found, TODAY, jobs=2, bodies=False)
    assert sequential.journal is not None and lean.journal is not None
    assert all(entry.body for entry in sequential.journal.entries)
    assert lean.journal.entries == tuple(
        replace(entry, body="") for entry in sequential.journal.entries
    )
    assert (lean.problems, lean.files) == (sequential.problems, sequential.files)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only where processes fork")
@pytest.mark.parametrize("cache", [False, True])
def test_a_journal_opened_aside_equals_one_opened_here(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: bool
) -> None:
    """Checked once, in a copy of the process, with the same problems, entries and kept
    checks, and counted as one stage."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # as in `pdp build`
    root = project("messy")
    found = find_project(root)
    folder = root / ".pdp-cache" if cache else None
    opened_by = tmp_path / "opened-by"
    opened_by.mkdir()

    def noting(*args: Any, **kwargs: Any) -> Checked:
        (opened_by / str(os.getpid())).touch()
        return open_journal(*args, **kwargs)

    monkeypatch.setattr(generator.journal.open, "open_journal", noting)
    recorded = Recorded()
    with open_aside(found, TODAY, cache=folder, progress=recorded) as opened:
        assert opened is not None
        aside = opened()
        assert opened() is aside  # asked again: not checked again
    (opener,) = [int(pid.name) for pid in opened_by.iterdir()]  # opened once
    assert opener != os.getpid()  # by a copy
    assert (root / ".pdp-cache").exists() == cache  # kept by the copy, for the next run
    counted_here = Recorded()
    here = open_journal(found, TODAY, cache=folder, progress=counted_here)
    assert aside == here and aside.errors
    assert recorded.stages() == counted_here.stages() == [("checking entries", 8, 8)]


def test_a_journal_that_workers_check_is_not_opened_aside(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.journal.open, "PARALLEL_MIN_FILES", 1)
    recorded = Recorded()
    with open_aside(find_project(project("small")), TODAY, jobs=2, progress=recorded) as opened:
        assert opened is None
    assert recorded.calls == []


ENTRY_FRONT = "---\ntitle: Deep\ndate: 2025-06-01\nactivity: webinar\nhours: 1\n---\n"
GOAL_FRONT = "---\ntitle: Deep goal\n---\n"
REVIEW_FRONT = "---\ndate: 2025-10-02\n---\n"
COMMANDS = [("check",), ("report",), ("build", "-o", "out"), ("build", "--publish", "-o", "out")]


def problem_lines(out: str, err: str) -> list[str]:
    return [line for line in (out + err).splitlines() if "error[" in line]


# Bodies nested hundreds deep, and the line of the first content nested past the limit.
@pytest.mark.parametrize(
    ("body", "first"),
    [
        (">" * 600 + " x", 7),
        ("* " * 600 + "x", 7),
        ("\n".join("  " * level + "- x" for level in range(600)), 16),
    ],
    ids=["quotes", "bullets", "indented-lists"],
)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_nesting_hundreds_deep_is_reported_not_a_crash(
    project: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    first: int,
    command: tuple[str, ...],
) -> None:
    root = project("small")
    (root / "journal/entries/2025-26/deep.md").write_text(ENTRY_FRONT + body + "\n")
    code, out, err = run_in(root, monkeypatch, *command)
    assert code == 1, err
    assert problem_lines(out, err) == [
        f"journal/entries/2025-26/deep.md:{first}:1: error[V013] body: content here is "
        "nested too deeply and would be dropped from the page"
    ]
    assert not (root / "out").exists()


@pytest.mark.parametrize(
    ("path", "front"),
    [("goals/deep.md", GOAL_FRONT), ("reviews/deep.md", REVIEW_FRONT)],
    ids=["goal", "review"],
)
def test_goals_and_reviews_nested_too_deeply_are_reported(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, path: str, front: str
) -> None:
    root = project("small")
    (root / "journal" / path).write_text(front + ">" * 600 + " x\n")
    code, out, err = run_in(root, monkeypatch, "check")
    line = front.count("\n") + 1
    assert (code, problem_lines(out, err)) == (
        1,
        [
            f"journal/{path}:{line}:1: error[V013] body: content here is nested too deeply and "
            "would be dropped from the page"
        ],
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_dates_out_of_the_supported_range_are_errors_not_crashes(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    root = project("small")
    journal = root / "journal"
    (journal / "entries/far.md").write_text(
        ENTRY_FRONT.replace("2025-06-01", "9999-12-31\nstatus: planned") + "## Plan\n"
    )
    (journal / "entries/old.md").write_text(
        ENTRY_FRONT.replace("2025-06-01", "0001-01-01") + "I applied it.\n"
    )
    (journal / "goals/far.md").write_text("---\ntitle: Far\ntarget_date: 9999-12-31\n---\n")
    (journal / "reviews/old.md").write_text("---\ndate: 0999-12-31\n---\n")
    code, out, err = run_in(root, monkeypatch, *command)
    assert code == 1, err
    outside = "is outside the dates pdp supports: the years 1000 to 2999"
    assert problem_lines(out, err) == [
        f"journal/goals/far.md:3:14: error[V003] target_date: 9999-12-31 {outside}",
        f"journal/entries/far.md:3:7: error[V003] date: 9999-12-31 {outside}",
        f"journal/entries/old.md:3:7: error[V003] date: 0001-01-01 {outside}",
        f"journal/reviews/old.md:2:7: error[V003] date: 0999-12-31 {outside}",
    ]
