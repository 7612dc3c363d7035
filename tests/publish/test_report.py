"""`pdp report`: the member's own figures say how much private work they include;
`--publish` gives the reviewer's figures, those the published build shows; `--goals` lists
each goal with its evidence."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator.cli import run
from generator.journal.compute import counts_for, entry_points, performance_year
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.model import GCS
from generator.site.build import build_site

from ..conftest import REPOSITORY, TODAY
from ..helpers import example


def pdp(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def report(root: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> Any:
    code, out, err = pdp(root, monkeypatch, "report", "--format", "json", *options)
    assert (code, err) == (0, "")
    return json.loads(out)


def private_done(root: Path) -> dict[str, tuple[int, Decimal]]:
    """The private done entries of each year of a journal, and their points."""
    journal = open_journal(find_project(root), TODAY).journal
    assert journal is not None
    found: dict[str, tuple[int, Decimal]] = {}
    for entry in journal.entries:
        if entry.private and entry.done:
            year = performance_year(entry.date, journal.config.year_start_month).name
            count, points = found.get(year, (0, Decimal(0)))
            worth = entry_points(entry, journal.catalogue, journal.config.points_policy)
            found[year] = (count + 1, points + worth)
    return found


def test_the_own_report_says_what_private_entries_it_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private = private_done(REPOSITORY)
    assert private  # the example journal has a private entry
    code, out, _ = pdp(REPOSITORY, monkeypatch, "report")
    assert code == 0
    years, idle = out.split("\n\nActive goals without evidence this year\n")
    years = years.split("\n\nProfessional body CPD (example) [body]")[0]  # the other scheme
    assert idle == (
        "  working-with-operators: Work with the transport operators' communications teams "
        "before things go wrong (latest evidence 25 June 2025)\n"
    )
    blocks = [block.splitlines() for block in years.split("\n\n")[1:]]
    assert len(blocks) == len(report(REPOSITORY, monkeypatch)["years"])
    for lines in blocks:
        count, points = private.get(lines[0][:7], (0, Decimal(0)))
        if not count:
            assert lines[-1].startswith("  Formal learning ")
            continue
        entries = "private entry" if count == 1 else "private entries"
        assert lines[-2].startswith("  Formal learning ")
        assert lines[-1] == (
            f"  Includes {count} {entries} ({points} points) that the published portfolio "
            "leaves out: see `pdp report --publish`."
        )


def test_the_json_report_gives_each_years_private_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own = report(REPOSITORY, monkeypatch)
    assert own["published"] is False
    private = private_done(REPOSITORY)
    for year in own["years"]:
        count, points = private.get(year["year"], (0, Decimal(0)))
        assert (year["private_entries"], year["private_points"]) == (count, points)


def test_the_published_report_leaves_out_what_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own = {y["year"]: y for y in report(REPOSITORY, monkeypatch)["years"]}
    shown = report(REPOSITORY, monkeypatch, "--publish")
    assert shown["published"] is True
    assert any(year["private_entries"] for year in own.values())
    for year in shown["years"]:
        assert (year["private_entries"], year["private_points"]) == (0, 0)
        mine = own[year["year"]]
        assert year["points"] == mine["points"] - mine["private_points"]
        assert year["entries"] == mine["entries"] - mine["private_entries"]
    _, text, _ = pdp(REPOSITORY, monkeypatch, "report", "--publish")
    assert text.startswith(
        "Alex Morgan, Senior Communications Officer, Department for Transport\n"
        "The published portfolio, as the reviewer sees it: private content left out\n\n"
    )
    assert "private entr" not in text


def test_the_published_report_leaves_out_planned_entries_the_portfolio_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    config = root / "pdp.toml"
    text = config.read_text("utf-8").replace(
        "target = 30\n", "target = 30\npublish_planned = false\n", 1
    )
    config.write_text(text, "utf-8")
    years = report(root, monkeypatch, "--publish")["years"]
    assert [year["planned"] for year in years] == [{"points": 0, "entries": 0}] * len(years)


def _page_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))
    return re.sub(r"\s+", " ", text)


def test_the_published_report_has_the_published_builds_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    site = tmp_path / "published"
    assert build_site(find_project(root), TODAY, True, site, cache=False).site is not None
    years = report(root, monkeypatch, "--publish")["years"]
    journal = open_journal(find_project(root), TODAY).journal
    assert journal is not None
    others = {entry.title for entry in journal.entries if not counts_for(entry, GCS)}
    done: dict[str, list[Decimal]] = defaultdict(list)
    with (site / "entries.csv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            if row["status"] == "done" and row["title"] not in others:
                done[row["year"]].append(Decimal(row["points"]))
    for year in years:
        name, points, target = year["year"], year["points"], year["target"]
        assert (sum(done[name], Decimal(0)), len(done[name])) == (points, year["entries"])
        figure = f" {points} of {target} points "
        assert figure in _page_text(site / "years" / f"{name}.html"), name
        assert figure in _page_text(site / "pack" / f"{name}.html"), name
    current = next(year for year in years if year["year"] == "2026-27")
    assert f" {current['points']} of {current['target']} points " in _page_text(site / "index.html")


# -- goals and their evidence ---------------------------------------------------------------


@pytest.fixture
def goals_project(project: Callable[[str], Path]) -> Path:
    """The small journal with a target date for its goal, a planned entry for it, and a
    private goal past its target date with no evidence."""
    root = project("small")
    goal = root / "journal/goals/evaluation.md"
    goal.write_text(
        goal.read_text("utf-8").replace("status:", "target_date: 2027-03-31\nstatus:"), "utf-8"
    )
    (root / "journal/goals/press.md").write_text(
        "---\ntitle: Handle press calls\nstatus: not-started\ntarget_date: 2026-06-30\n"
        "private: true\n---\n",
        "utf-8",
    )
    (root / "journal/entries/2027-02-10-course.md").write_text(
        "---\ntitle: Evaluation course\ndate: 2027-02-10\nactivity: webinar\nhours: 1\n"
        "status: planned\ngoals: [evaluation]\n---\n",
        "utf-8",
    )
    return root


_EVALUATION = (
    "evaluation: Evaluate campaigns with data\n"
    "  in-progress, target date 31 March 2027\n"
    "  {year}   {in_year}\n"
    "  all time  18.5 points in 3 entries done; 1 planned (2 points); latest 20 January 2026\n"
)
_PRESS = (
    "press: Handle press calls\n"
    "  not-started, private, overdue since 30 June 2026\n"
    "  {year}   no evidence {when}\n"
    "  all time  none done\n"
)


def test_goals_are_listed_with_their_evidence(
    goals_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = pdp(goals_project, monkeypatch, "report", "--goals")
    assert (code, err) == (0, "")
    assert out == (
        "Sam Rivera, Campaigns Officer\n\n"
        + _EVALUATION.format(year="2026-27", in_year="no evidence this year; 1 planned (2 points)")
        + "\n"
        + _PRESS.format(year="2026-27", when="this year")
    )


def test_goals_of_another_year(goals_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = pdp(goals_project, monkeypatch, "report", "--goals", "--year", "2025-26")
    assert out == (
        "Sam Rivera, Campaigns Officer\n\n"
        + _EVALUATION.format(year="2025-26", in_year="18.5 points in 3 entries done")
        + "\n"
        + _PRESS.format(year="2025-26", when="in 2025-26")
    )


def test_published_goals_leave_out_private_goals(
    goals_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = pdp(goals_project, monkeypatch, "report", "--goals", "--publish")
    assert out.endswith(
        "\n\n"
        + _EVALUATION.format(year="2026-27", in_year="no evidence this year; 1 planned (2 points)")
    )
    assert "press" not in out


def test_goals_as_json(goals_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = report(goals_project, monkeypatch, "--goals")
    nothing = {"points": 0, "entries": 0, "planned": {"points": 0, "entries": 0}}
    assert (listed["member"], listed["published"], listed["year"]) == (
        "Sam Rivera",
        False,
        "2026-27",
    )
    assert listed["goals"] == [
        {
            "id": "evaluation",
            "title": "Evaluate campaigns with data",
            "status": "in-progress",
            "target_date": "2027-03-31",
            "overdue": False,
            "private": False,
            "no_evidence_in_year": True,
            "in_year": {
                "points": 0,
                "entries": 0,
                "planned": {"points": 2, "entries": 1},
                "latest": None,
            },
            "all_time": {
                "points": 18.5,
                "entries": 3,
                "planned": {"points": 2, "entries": 1},
                "latest": "2026-01-20",
            },
        },
        {
            "id": "press",
            "title": "Handle press calls",
            "status": "not-started",
            "target_date": "2026-06-30",
            "overdue": True,
            "private": True,
            "no_evidence_in_year": True,
            "in_year": {**nothing, "latest": None},
            "all_time": {**nothing, "latest": None},
        },
    ]


def test_a_journal_without_goals_says_so(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    (root / "journal/goals/evaluation.md").unlink()
    for path in (root / "journal").rglob("*.md"):
        path.write_text(path.read_text("utf-8").replace("goals: [evaluation]\n", ""), "utf-8")
    assert pdp(root, monkeypatch, "report", "--goals") == (
        0,
        "Sam Rivera, Campaigns Officer\n\nNo goals yet: add them in journal/goals/.\n",
        "",
    )


def test_the_year_report_ends_with_the_active_goals_without_evidence(
    goals_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = pdp(goals_project, monkeypatch, "report")
    assert out.endswith(
        "\n\nActive goals without evidence this year\n"
        "  evaluation: Evaluate campaigns with data (latest evidence 20 January 2026)\n"
        "  press: Handle press calls (no evidence yet)\n"
    )
    _, out, _ = pdp(goals_project, monkeypatch, "report", "--publish")
    assert out.endswith(
        "\n\nActive goals without evidence this year\n"
        "  evaluation: Evaluate campaigns with data (latest evidence 20 January 2026)\n"
    )
    _, out, _ = pdp(goals_project, monkeypatch, "report", "--year", "2025-26")
    assert out.endswith(
        "\n\nActive goals without evidence in 2025-26\n"
        "  press: Handle press calls (no evidence yet)\n"
    )


def test_the_json_year_report_gives_the_active_goals_without_evidence(
    goals_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report(goals_project, monkeypatch)["goals_without_evidence"] == {
        "year": "2026-27",
        "goals": [
            {
                "id": "evaluation",
                "title": "Evaluate campaigns with data",
                "status": "in-progress",
                "overdue": False,
                "latest": "2026-01-20",
            },
            {
                "id": "press",
                "title": "Handle press calls",
                "status": "not-started",
                "overdue": True,
                "latest": None,
            },
        ],
    }
    found = report(goals_project, monkeypatch, "--year", "2025-26")["goals_without_evidence"]
    assert found == {"year": "2025-26", "goals": [found["goals"][0]]}
    assert found["goals"][0]["id"] == "press"
