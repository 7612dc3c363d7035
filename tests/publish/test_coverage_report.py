"""`pdp report --coverage`: the coverage page's matrix as text and JSON, from a journal with
a list of its own (disciplines) and the shipped one (behaviours)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from generator.cli import run

from ..conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "coverage"

TEXT = """\
Coverage of the frameworks: points (done entries) by performance year

Source: Team development framework 2026, Regional Communications Team
Disciplines       2025-26  2026-27
Press             7.5 (1)    2 (1)
Campaigns         7.5 (1)     none
Without evidence   0 of 2   1 of 2

Source: Success Profiles: Civil Service Behaviours, Cabinet Office
Success Profiles behaviours    2025-26  2026-27
Seeing the big picture            none    2 (1)
Changing and improving            none     none
Making effective decisions        none     none
Leadership                        none     none
Communicating and influencing     none     none
Working together               7.5 (1)     none
Developing self and others        none     none
Managing a quality service        none     none
Delivering at pace                none     none
Without evidence                8 of 9   8 of 9

Goals without evidence in 2026-27:
  Evaluate a campaign from outcomes (campaign-evaluation): no entry names Campaigns (Disciplines)
  Evaluate a campaign from outcomes (campaign-evaluation): no entry names Working together \
(Success Profiles behaviours)
"""


def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> str:
    root = tmp_path / "coverage"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out = io.StringIO()
    assert run(["report", "--coverage", *options], out, io.StringIO()) == 0
    return out.getvalue()


def test_the_text_report_is_each_framework_by_year_then_the_goals_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report(tmp_path, monkeypatch) == TEXT


def test_the_json_report_gives_each_terms_points_and_entries_by_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(report(tmp_path, monkeypatch, "--format", "json"))
    assert document["years"] == ["2025-26", "2026-27"]
    assert document["current_year"] == "2026-27"
    disciplines, behaviours = document["frameworks"]
    assert disciplines == {
        "field": "disciplines",
        "title": "Disciplines",
        "source": "Team development framework 2026, Regional Communications Team",
        "terms": [
            {
                "id": "press",
                "name": "Press",
                "years": {
                    "2025-26": {"points": 7.5, "entries": 1},
                    "2026-27": {"points": 2, "entries": 1},
                },
            },
            {
                "id": "campaigns",
                "name": "Campaigns",
                "years": {
                    "2025-26": {"points": 7.5, "entries": 1},
                    "2026-27": {"points": 0, "entries": 0},  # the planned course is no evidence
                },
            },
        ],
    }
    assert [term["id"] for term in behaviours["terms"]][:2] == [
        "seeing-the-big-picture",
        "changing-and-improving",
    ]
    assert document["goals_without_evidence"] == [
        {"goal": "campaign-evaluation", "field": "disciplines", "id": "campaigns"},
        {"goal": "campaign-evaluation", "field": "behaviours", "id": "working-together"},
    ]


def test_one_year_gives_its_column_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = report(tmp_path, monkeypatch, "--year", "2025-26")
    assert (
        "Disciplines       2025-26\nPress             7.5 (1)\nCampaigns         7.5 (1)\n" in text
    )
