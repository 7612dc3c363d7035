"""A journal written by someone else, with its own mistakes: every one is reported, with its
file and line, and what is valid is still counted correctly."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from generator.cli import run
from generator.journal import open_journal
from generator.load import find_project

from .conftest import FIXTURES, TODAY

EXPECTED = FIXTURES / "projects"


def run_in(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_messy_journal_reports_every_mistake(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_in(project("messy"), monkeypatch, "check")
    assert code == 1
    assert out == (EXPECTED / "messy.check.out").read_text("utf-8")


def test_messy_journal_totals_what_is_valid(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_in(project("messy"), monkeypatch, "report", "--format", "json")
    assert code == 1
    assert json.loads(out) == json.loads((EXPECTED / "messy.report.json").read_text("utf-8"))
    assert err.endswith("pdp: 7 errors in the journal; what is shown counts only the valid "
                        "files\n")


def test_messy_journal_text_report(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert lean.journal.entries == tuple(replace(entry, body="")
                                         for entry in sequential.journal.entries)
    assert (lean.problems, lean.files) == (sequential.problems, sequential.files)
