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
from generator.model import Problem
from generator.site.export import EXPORT_COLUMNS, csv_line, export_csv

from ..conftest import REPOSITORY, TODAY


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_csv_round_trips_with_the_report_totals(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, REPOSITORY, "export")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "date",
        "title",
        "activity",
        "category",
        "status",
        "hours",
        "points",
        "goals",
        "year",
        "private",
        "points_gcs",
        "points_body",
    ]
    points: dict[str, Decimal] = defaultdict(Decimal)
    hours: dict[str, Decimal] = defaultdict(Decimal)  # the body's, in January years
    for row in rows:
        if row["status"] == "done" and row["points_gcs"]:
            points[row["year"]] += Decimal(row["points_gcs"])
        if row["status"] == "done" and row["points_body"]:
            hours[row["date"][:4]] += Decimal(row["points_body"])
    report = json.loads(pdp(monkeypatch, REPOSITORY, "report", "--format", "json")[1])
    assert {
        year["year"]: Decimal(str(year["points"])) for year in report["years"] if year["points"]
    } == dict(points)
    body = next(scheme for scheme in report["schemes"] if scheme["id"] == "body")
    assert {
        year["year"]: Decimal(str(year["points"])) for year in body["years"] if year["points"]
    } == dict(hours)
    assert any(row["private"] == "yes" for row in rows)
    assert any(row["points_gcs"] == "" for row in rows)  # an entry only for the body's scheme


def test_published_export_and_site_csv_leave_out_private_entries(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("hostile")
    code, out, _ = pdp(monkeypatch, root, "export", "--publish", "--format", "json")
    records = json.loads(out)
    assert code == 0
    assert [record["title"] for record in records] == [
        "</title><script>alert('title')</script>",
        "Public entry",
    ]
    assert pdp(monkeypatch, root, "build", "--publish", "-o", "out")[0] == 0
    site_csv = (root / "out/entries.csv").read_text("utf-8")
    assert "PRIVATE-ENTRY-MARKER" not in site_csv
    assert len(list(csv.DictReader(io.StringIO(site_csv)))) == 2


def test_export_to_a_file_never_replaces_a_journal_file(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
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
    text = export_csv(
        [
            {
                "date": "2025-01-01",
                "title": '=HYPERLINK("x")',
                "activity": "-x",
                "category": "formal",
                "status": "done",
                "hours": Decimal("1.5"),
                "points": Decimal(2),
                "goals": ("a", "b"),
                "year": "2024-25",
                "private": False,
            }
        ]
    )
    assert (
        text.splitlines()[1]
        == '2025-01-01,"\'=HYPERLINK(""x"")",\'-x,formal,done,1.5,2,a; b,2024-25,no'
    )


def test_github_annotations(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = pdp(monkeypatch, project("messy"), "check", "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == 8
    assert lines[2] == (
        "::error file=journal/entries/2025/typo.md,line=4,col=11,"
        "title=pdp V007::activity: unknown activity 'bok' "
        "(hint: did you mean 'book'?)"
    )


def test_github_annotations_escape_what_would_break_them() -> None:
    from generator.journal.problems import github_annotations

    item = Problem("a,b:c.md", 2, 3, "warning", "W001", "x", "50% done\nnext", "")
    assert github_annotations([item], str) == (
        "::warning file=a%2Cb%3Ac.md,line=2,col=3,title=pdp W001::x: 50%25 done%0Anext\n"
    )


@pytest.mark.parametrize("value", ["", " ~", " null", " Null"])
def test_an_empty_private_field_fails_closed(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    root = project("hostile")
    secret = root / "journal/entries/secret.md"
    secret.write_text(secret.read_text("utf-8").replace("private: true", f"private:{value}"))
    (root / "journal/goals/unsure.md").write_text(
        f"---\ntitle: UNSURE-GOAL-MARKER\nprivate:{value}\n---\n"
    )
    (root / "journal/reviews").mkdir()
    (root / "journal/reviews/unsure.md").write_text(
        f"---\ndate: 2025-10-02\ntitle: UNSURE-REVIEW-MARKER\nprivate:{value}\n---\n"
    )
    code, out, _ = pdp(monkeypatch, root, "check")
    column = 10 if value else 9  # the value, or where it would be
    expected = (
        "private: expected true or false, got nothing\n"
        "    hint: write private: true or private: false\n"
    )
    assert code == 1
    assert out == (
        f"journal/goals/unsure.md:3:{column}: error[V002] {expected}"
        "journal/entries/public.md:1:1: warning[W010] goals: a done entry that serves none "
        "of your goals\n"
        "    hint: if it served one, name it, as in `goals: [safety]` (your active goals: "
        "safety)\n"
        f"journal/entries/secret.md:6:{column}: error[V002] {expected}"
        f"journal/reviews/unsure.md:4:{column}: error[V002] {expected}"
        "7 files checked: 3 errors, 1 warning\n"
    )
    # What cannot be read as public is left out of what a reviewer gets.
    code, out, _ = pdp(monkeypatch, root, "export", "--publish")
    assert "PRIVATE-ENTRY-MARKER" not in out
    assert pdp(monkeypatch, root, "build", "--publish", "-o", "out")[0] == 1
    assert not (root / "out").exists()


def test_journal_files_named_as_evidence_are_not_published(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("hostile")
    public = root / "journal/entries/public.md"
    public.write_text(
        public.read_text("utf-8").replace(
            "evidence: [certificate.txt]",
            "evidence: [certificate.txt, secret.md, ../goals/safety.md]",
        )
    )
    code, _, err = pdp(monkeypatch, root, "build", "--publish", "-o", "out")
    assert code == 1
    assert [line.split(": ", 1)[0] for line in err.splitlines() if "error[" in line] == [
        "journal/entries/public.md:6:29",
        "journal/entries/public.md:6:40",
    ]
    assert "is a journal file (an entry, goal or review), which is never evidence" in err
    assert not (root / "out").exists()


def test_the_site_csv_writes_formulas_as_text_as_the_export_does(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    entry = root / "journal/entries/2025-26/2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text("utf-8").replace(
            '"Webinar: evaluation basics"', '\'=HYPERLINK("http://example.com", "x")\''
        )
    )
    code, exported, _ = pdp(monkeypatch, root, "export")
    assert code == 0
    assert pdp(monkeypatch, root, "build", "-o", "out")[0] == 0
    site_csv = (root / "out/entries.csv").read_text("utf-8")
    # The site's CSV has the export's columns but those of points per scheme.
    assert site_csv == "".join(
        csv_line(row[: len(EXPORT_COLUMNS)]) for row in csv.reader(io.StringIO(exported))
    )
    title = next(csv.DictReader(io.StringIO(site_csv)))["title"]
    assert title == '\'=HYPERLINK("http://example.com", "x")'


@pytest.mark.parametrize("value", ["!!bool true", "&flag true"], ids=["tag", "anchor"])
def test_a_private_field_that_cannot_be_read_keeps_the_entry_private(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    root = project("hostile")
    secret = root / "journal/entries/secret.md"
    secret.write_text(secret.read_text("utf-8").replace("private: true", f"private: {value}"))
    code, out, _ = pdp(monkeypatch, root, "check")
    assert code == 1 and ("error[Y001]" in out or "error[Y002]" in out)
    code, out, _ = pdp(monkeypatch, root, "export", "--publish")
    assert "PRIVATE-ENTRY-MARKER" not in out
    assert "PRIVATE-ENTRY-MARKER" in pdp(monkeypatch, root, "export")[1]  # still the member's
