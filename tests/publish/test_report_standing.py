"""`pdp report` gives each year's verdict as the dashboard does: its status, the points an
even pace reaches by the day, the sentence, and the mix in one sentence."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import run

from ..conftest import TODAY
from ..helpers import add_planned_next_year


def pdp(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    assert run(list(argv), out, err) == 0, err.getvalue()
    return out.getvalue()


def test_the_text_report_gives_each_years_verdict_and_mix(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = pdp(project("small"), monkeypatch, "report").split("\n\n")
    assert blocks[1].splitlines()[1:5] == [
        "  Points    18.5 of 30 (62%)  11.5 short",
        "  Status    Behind: the year ended 11.5 points short of the target",
        "  Hours     19.5 in 3 entries done",
        "  Mix       On-the-job learning is 3 points below the guide",
    ]
    # 28 November is the 242nd day of 365: an even pace has reached 19.89 points.
    assert blocks[2].splitlines()[2:5] == [
        "  Status    Behind: 20 points behind an even pace",
        "  Hours     No entries done yet",
        "  Mix       No points yet to compare with the 70:20:10 guide",
    ]


def test_a_year_not_yet_begun_has_not_started(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    add_planned_next_year(root)
    block = pdp(root, monkeypatch, "report", "--year", "2027-28").split("\n\n")[1]
    assert block.splitlines()[:4] == [
        "2027-28  1 April 2027 to 31 March 2028",
        "  Points    0 of 30 (0%)  30 to go: 2.5 a month for 12 months",
        "  Status    Not started: the year starts on 1 April 2027",
        "  Hours     No entries done yet; 1 planned (10 points)",
    ]
    [year] = json.loads(pdp(root, monkeypatch, "report", "--format", "json", "--year", "2027-28"))[
        "years"
    ]
    assert {key: year[key] for key in ("status", "expected", "sentence")} == {
        "status": "Not started",
        "expected": 0,
        "sentence": "The year starts on 1 April 2027",
    }


def test_an_ended_year_without_entries_says_none_were_done(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = pdp(project("small"), monkeypatch, "report", "--year", "2024-25")
    assert "  Hours     No entries done\n" in text


def test_a_met_target_is_said_once(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    (root / "pdp.toml").write_text('name = "Sam Rivera"\ntarget = 12\n', "utf-8")
    text = pdp(root, monkeypatch, "report", "--year", "2025-26")
    assert "  Status    Target met in September, 18.5 points\n" in text


def test_the_json_report_gives_each_years_status_expected_sentence_and_mix_note(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    years = json.loads(pdp(project("small"), monkeypatch, "report", "--format", "json"))["years"]
    verdicts = [
        {key: year[key] for key in ("year", "status", "expected", "sentence", "mix_note")}
        for year in years
    ]
    assert verdicts == [
        {
            "year": "2025-26",
            "status": "Behind",
            "expected": 30,
            "sentence": "The year ended 11.5 points short of the target",
            "mix_note": "On-the-job learning is 3 points below the guide",
        },
        {
            "year": "2026-27",
            "status": "Behind",
            "expected": 19.89,
            "sentence": "20 points behind an even pace",
            "mix_note": "No points yet to compare with the 70:20:10 guide",
        },
    ]
    assert years[0]["points"] == 18.5  # the fields from before are kept
