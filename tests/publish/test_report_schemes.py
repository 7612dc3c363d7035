"""`pdp report` and `pdp export` for a journal with two schemes besides `gcs`: one whose years
start in January, counted in hours with a cap, and one that counts only the entries that
name it."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ..conftest import TODAY
from ..helpers import run_pdp

FIXTURE = Path(__file__).parent / "fixtures" / "schemes"

GCS_YEARS = """\
2025-26  1 April 2025 to 31 March 2026
  Points    23.5 of 30 (78%)  6.5 short
  Status    Behind: the year ended 6.5 points short of the target
  Hours     27 in 4 entries done
  Mix       Learning through relationships is 2 points above the guide
  70:20:10                         points  share  guide
  On-the-job learning                  15    64%    70%
  Learning through relationships      6.5    28%    20%
  Formal learning                       2     9%    10%
  Includes 1 private entry (6.5 points) that the published portfolio leaves out: \
see `pdp report --publish`.

2026-27  1 April 2026 to 31 March 2027
  Points    0 of 30 (0%)  30 to go: 6 a month for 5 months
  Status    Behind: 20 points behind an even pace, with 2 points planned
  Hours     No entries done yet; 1 planned (2 points)
  Mix       No points yet to compare with the 70:20:10 guide
  70:20:10                         points  share  guide
  On-the-job learning                   0     0%    70%
  Learning through relationships        0     0%    20%
  Formal learning                       0     0%    10%
"""

BODY = """\
Professional body CPD [body], hours, years from January

2025  1 January 2025 to 31 December 2025
  Hours     11 of 20 (55%)  9 short
  Status    Behind: the year ended 9 hours short of the target
  Entries   3 entries done
  Capped    9.5 hours left out by caps

2026  1 January 2026 to 31 December 2026
  Hours     12.5 of 20 (63%)  7.5 to go: 3.8 a month for 2 months
  Status    Behind: 6 hours behind an even pace, with 1 hour planned
  Entries   2 entries done; 1 planned (1 hour)
  Includes 1 private entry (6.5 hours) that the published portfolio leaves out: \
see `pdp report --publish`.
"""

CIPR = """\
Chartered PR CPD [cipr], points, years from September

2025-26  1 September 2025 to 31 August 2026
  Points    20 of 40 (50%)  20 short
  Status    Behind: the year ended 20 points short of the target
  Entries   2 entries done

2026-27  1 September 2026 to 31 August 2027
  Points    0 of 40 (0%)  40 to go: 4 a month for 10 months
  Status    Behind: 10 points behind an even pace
  Entries   No entries done yet
"""

HEADING = "Sam Rivera, Campaigns Officer\n\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "schemes"
    shutil.copytree(FIXTURE, copy)
    return copy


def pdp(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    return run_pdp(*argv)


def shown(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    code, out, err = pdp(root, monkeypatch, *argv)
    assert (code, err) == (0, "")
    return out


def test_the_text_report_shows_the_primary_schemes_years_then_each_other_scheme(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shown(root, monkeypatch, "report") == HEADING + GCS_YEARS + "\n" + BODY + "\n" + CIPR


def test_another_primary_scheme_comes_first_and_gcs_is_headed(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = root / "pdp.toml"
    config.write_text(
        config.read_text("utf-8").replace("\n\n", '\nprimary = "body"\n\n', 1), "utf-8"
    )
    text = shown(root, monkeypatch, "report")
    gcs = "GCS CPD [gcs], points, years from April\n\n" + GCS_YEARS
    assert text == HEADING + BODY + "\n" + gcs + "\n" + CIPR
    document = json.loads(shown(root, monkeypatch, "report", "--format", "json"))
    # The top-level years are those of the scheme the report leads with.
    assert (document["scheme"], document["target"]) == ("body", 20)
    assert [year["year"] for year in document["years"]] == ["2025", "2026"]
    assert [year | {"capped": 0} for year in document["years"]] == [
        year | {"capped": 0} for year in document["schemes"][0]["years"]
    ]


def test_one_scheme_and_one_year_of_it(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shown(root, monkeypatch, "report", "--scheme", "body") == HEADING + BODY
    assert shown(root, monkeypatch, "report", "--scheme", "gcs") == HEADING + GCS_YEARS
    assert shown(root, monkeypatch, "report", "--scheme", "cipr", "--year", "2025-26") == (
        HEADING + CIPR.split("\n\n2026-27")[0] + "\n"
    )


def test_a_year_is_that_year_of_each_scheme_whose_years_are_named_so(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = shown(root, monkeypatch, "report", "--year", "2026")
    assert (
        text
        == HEADING
        + "Professional body CPD [body], hours, years from January\n\n"
        + (BODY.split("\n\n", 2)[2])
    )
    text = shown(root, monkeypatch, "report", "--year", "2026-27")
    assert text.count("\n2026-27  ") == 2
    assert "[body]" not in text
    code, out, err = pdp(root, monkeypatch, "report", "--scheme", "body", "--year", "2025-26")
    assert (code, out) == (2, "")
    assert (
        err
        == "pdp: error: '2025-26' is not a performance year name\n  hint: name a year like 2026\n"
    )
    code, out, err = pdp(root, monkeypatch, "report", "--year", "2025-27")
    assert (code, out) == (2, "")
    assert err == (
        "pdp: error: '2025-27' is not a performance year name\n"
        "  hint: name a year like 2026-27 or 2026\n"
    )


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("bdy", "did you mean 'body'?"),
        ("ciprr", "did you mean 'cipr'?"),
        ("xyz", "the schemes are: gcs, body, cipr"),
    ],
)
def test_an_unknown_scheme_is_a_usage_error(
    root: Path, monkeypatch: pytest.MonkeyPatch, name: str, hint: str
) -> None:
    code, out, err = pdp(root, monkeypatch, "report", "--scheme", name)
    assert (code, out) == (2, "")
    assert err == f"pdp: error: '{name}' is not a scheme of this journal\n  hint: {hint}\n"


def test_scheme_goes_with_the_year_report_only(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = pdp(root, monkeypatch, "report", "--goals", "--scheme", "body")
    assert (code, out) == (2, "")
    assert err == (
        "pdp: error: --scheme picks a scheme of the year report, not of --goals or --coverage\n"
        "  hint: leave out --scheme\n"
    )


def _figures(year: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("year", "points", "target", "entries", "status", "capped")
    return (*(year[key] for key in keys), year["private_entries"], year["private_points"])


def test_the_json_report_gives_each_schemes_years_with_what_caps_left_out(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(shown(root, monkeypatch, "report", "--format", "json"))
    schemes = document["schemes"]
    assert [(s["id"], s["name"], s["unit"]) for s in schemes] == [
        ("gcs", "GCS CPD", "points"),
        ("body", "Professional body CPD", "hours"),
        ("cipr", "Chartered PR CPD", "points"),
    ]
    assert [[_figures(year) for year in s["years"]] for s in schemes] == [
        [
            ("2025-26", 23.5, 30, 4, "Behind", 0, 1, 6.5),
            ("2026-27", 0, 30, 0, "Behind", 0, 0, 0),
        ],
        [
            ("2025", 11, 20, 3, "Behind", 9.5, 0, 0),
            ("2026", 12.5, 20, 2, "Behind", 0, 1, 6.5),
        ],
        [
            ("2025-26", 20, 40, 2, "Behind", 0, 0, 0),
            ("2026-27", 0, 40, 0, "Behind", 0, 0, 0),
        ],
    ]
    body_2026 = schemes[1]["years"][1]
    assert {key: body_2026[key] for key in ("start", "end", "sentence", "planned")} == {
        "start": "2026-01-01",
        "end": "2026-12-31",
        "sentence": "6 hours behind an even pace, with 1 hour planned",
        "planned": {"points": 1, "entries": 1},
    }
    # The top-level years are as before: the built-in scheme's, without `capped`.
    assert [year | {"capped": 0} for year in document["years"]] == schemes[0]["years"]
    assert set(schemes[1]["years"][0]) == set(document["years"][0]) | {"capped"}


def test_the_published_report_counts_each_scheme_on_the_published_view(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(shown(root, monkeypatch, "report", "--publish", "--format", "json"))
    body = document["schemes"][1]["years"]
    assert [_figures(year) for year in body] == [
        ("2025", 11, 20, 3, "Behind", 9.5, 0, 0),
        ("2026", 6, 20, 1, "Behind", 0, 0, 0),
    ]
    assert "private entr" not in shown(root, monkeypatch, "report", "--publish")


def test_one_scheme_as_json_leads_with_that_scheme(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = shown(root, monkeypatch, "report", "--scheme", "body", "--format", "json")
    document = json.loads(text)
    assert (document["scheme"], [s["id"] for s in document["schemes"]]) == ("body", ["body"])
    assert [year["year"] for year in document["years"]] == ["2025", "2026"]


EXPORT = """\
date,title,activity,category,status,hours,points,goals,year,private,\
points_gcs,points_body,points_cipr
2025-05-01,Webinar: evaluation basics,webinar,formal,done,1,2,,2025-26,no,2,1,
2025-09-12,Cross-government evaluation group,working-group,on-the-job,done,12,10,,2025-26,no,\
10,10,10
2025-11-03,Shadowing the press desk,job-shadowing,on-the-job,done,7.5,5,,2025-26,no,5,0,
2026-01-20,Mentoring a new starter,other,relationships,done,6.5,6.5,,2025-26,yes,6.5,6.5,
2026-06-10,Communications conference,conference,formal,done,7,10,,2026-27,no,,6,10
2026-12-01,Webinar: audience insight,webinar,formal,planned,1,2,,2026-27,no,2,1,
"""


def test_the_export_has_a_points_column_per_scheme(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shown(root, monkeypatch, "export") == EXPORT
    records = json.loads(shown(root, monkeypatch, "export", "--format", "json"))
    assert [
        (r["points"], r["points_gcs"], r["points_body"], r["points_cipr"]) for r in records
    ] == [
        (2, 2, 1, None),
        (10, 10, 10, 10),
        (5, 5, 0, None),
        (6.5, 6.5, 6.5, None),
        (10, None, 6, 10),
        (2, 2, 1, None),
    ]


def test_the_published_export_leaves_out_the_private_entry(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = list(csv.DictReader(io.StringIO(shown(root, monkeypatch, "export", "--publish"))))
    assert [(row["title"], row["points_body"]) for row in rows] == [
        ("Webinar: evaluation basics", "1"),
        ("Cross-government evaluation group", "10"),
        ("Shadowing the press desk", "0"),
        ("Communications conference", "6"),
        ("Webinar: audience insight", "1"),
    ]
