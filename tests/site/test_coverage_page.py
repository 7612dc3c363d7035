"""The coverage page: the example journal's disciplines and behaviours by performance year,
gaps marked, the goals without evidence this year flagged, and the page in the navigation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.journal.load import find_project
from generator.site.build import build_site

from ..conftest import TODAY
from ..helpers import example


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("coverage")
    root = example(folder)
    build_site(find_project(root), TODAY, publish=False, output=folder / "site")
    return folder / "site"


def _row(html: str, name: str) -> list[str]:
    """A row's cells as text, each with its class."""
    row = re.search(rf'<tr><th scope="row">{name}</th>(.*?)</tr>', html, re.DOTALL)
    assert row is not None, name
    cells = re.findall(
        r'<td class="([^"]*)"><span class="coverage-year">[^<]*</span>(.*?)</td>', row[1]
    )
    return [f"{kind}: {text}" for kind, text in cells]


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        (
            "Media",
            [
                "number: 35&#160;points, 5&#160;entries",
                "number: 24&#160;points, 2&#160;entries",
                "number coverage-gap: none",
            ],
        ),
        (
            "Internal communication",
            ["number coverage-gap: none", "number coverage-gap: none", "number coverage-gap: none"],
        ),
        (
            "Leadership",
            [
                "number: 20&#160;points, 1&#160;entry",
                "number coverage-gap: none",
                "number: 7&#160;points, 2&#160;entries",
            ],
        ),
    ],
)
def test_each_row_gives_a_terms_points_and_entries_per_year_and_marks_gaps(
    site: Path, name: str, cells: list[str]
) -> None:
    html = (site / "coverage.html").read_text("utf-8")
    assert '<th scope="col" class="number coverage-current">2026-27</th></tr>' in html
    assert _row(html, name) == cells


def test_the_goals_without_evidence_this_year_are_flagged_with_links(site: Path) -> None:
    html = (site / "coverage.html").read_text("utf-8")
    assert "<h2>Goals without evidence in 2026-27</h2>" in html
    assert re.findall(
        r'<li><a href="(goals/[^"]+)">[^<]*</a>: no entry this year names ([^<]*)</li>', html
    ) == [
        ("goals/leading-a-network.html", "Internal communication (Communication disciplines)"),
        ("goals/senior-briefing.html", "Making effective decisions (Success Profiles behaviours)"),
        ("goals/working-with-operators.html", "External affairs (Communication disciplines)"),
    ]


def test_each_framework_cites_its_source_and_counts_its_gaps(site: Path) -> None:
    html = (site / "coverage.html").read_text("utf-8")
    assert (
        '<p class="coverage-source">Source: Success Profiles: Civil Service Behaviours, '
        "Cabinet Office</p>"
    ) in html
    assert (
        '<tfoot><tr><th scope="row">Without evidence</th><td class="number">'
        '<span class="coverage-year">2024-25: </span>1 of 7</td>'
    ) in html


def test_every_page_links_to_the_coverage_page(site: Path) -> None:
    assert '<li><a href="coverage.html">Coverage</a></li>' in (site / "index.html").read_text()
    assert '<a href="../coverage.html"' in (site / "goals" / "index.html").read_text()
    here = '<li><a href="coverage.html" aria-current="page">Coverage</a></li>'
    assert here in (site / "coverage.html").read_text()
