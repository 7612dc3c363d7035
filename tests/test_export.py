"""`pdp export` and the annotations for CI: formats other programs read."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from generator.cli import run
from generator.formats import export_csv
from generator.model import Problem

from .conftest import REPOSITORY, TODAY


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_csv_round_trips_with_the_report_totals(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, REPOSITORY, "export")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["date", "title", "activity", "category", "status", "hours",
                             "points", "goals", "year", "private"]
    points: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["status"] == "done":
            points[row["year"]] += Decimal(row["points"])
    report = json.loads(pdp(monkeypatch, REPOSITORY, "report", "--format", "json")[1])
    assert {year["year"]: Decimal(str(year["points"])) for year in report["years"]
            if year["points"]} == dict(points)
    assert any(row["private"] == "yes" for row in rows)


def test_published_export_and_site_csv_leave_out_private_entries(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("hostile")
    code, out, _ = pdp(monkeypatch, root, "export", "--publish", "--format", "json")
    records = json.loads(out)
    assert code == 0
    assert [record["title"] for record in records] == [
        "</title><script>alert('title')</script>", "Public entry"]
    assert pdp(monkeypatch, root, "build", "--publish", "-o", "out")[0] == 0
    site_csv = (root / "out/entries.csv").read_text("utf-8")
    assert "PRIVATE-ENTRY-MARKER" not in site_csv
    assert len(list(csv.DictReader(io.StringIO(site_csv)))) == 2


def test_export_to_a_file_never_replaces_a_journal_file(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("small")
    code, out, _ = pdp(monkeypatch, root, "export", "-o", "out/entries.csv")
    assert (code, out) == (0, "wrote 3 entries to out/entries.csv\n")
    assert (root / "out/entries.csv").read_text("utf-8").startswith("date,title,")
    target = "journal/entries/2025-26/2025-05-01-webinar.md"
    before = (root / target).read_text("utf-8")
    code, _, err = pdp(monkeypatch, root, "export", "-o", target)
    assert code == 2
    assert err.startswith(f"pdp: error: will not write over {target}")
    assert (root / target).read_text("utf-8") == before


def test_spreadsheet_formulas_are_written_as_text() -> None:
    text = export_csv([{"date": "2025-01-01", "title": "=HYPERLINK(\"x\")", "activity": "-x",
                        "category": "formal", "status": "done", "hours": Decimal("1.5"),
                        "points": Decimal(2), "goals": ("a", "b"), "year": "2024-25",
                        "private": False}])
    assert text.splitlines()[1] == \
        "2025-01-01,\"'=HYPERLINK(\"\"x\"\")\",'-x,formal,done,1.5,2,a; b,2024-25,no"


def test_github_annotations(project: Callable[[str], Path],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, project("messy"), "check", "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == 7
    assert lines[1] == ("::error file=journal/entries/2025/typo.md,line=4,col=11,"
                        "title=pdp V007::activity: unknown activity 'bok' "
                        "(hint: did you mean 'book'?)")


def test_github_annotations_escape_what_would_break_them() -> None:
    from generator.formats import github_annotations

    item = Problem("a,b:c.md", 2, 3, "warning", "W001", "x", "50% done\nnext", "")
    assert github_annotations([item], str) == (
        "::warning file=a%2Cb%3Ac.md,line=2,col=3,title=pdp W001::x: 50%25 done%0Anext\n")
