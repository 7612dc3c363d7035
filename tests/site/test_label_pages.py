"""The skills and tags pages: the skills profile (bars by points, in all years and in each),
tags as chips, and each skill's or tag's own page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.journal.load import find_project
from generator.site.build import build_site

from ..conftest import TODAY

ENTRIES = {
    "2024-25/2024-06-10-course.md": """---
title: Evaluation course
date: 2024-06-10
activity: other
category: formal
hours: 10
skills: [Evaluation, Writing]
tags: [course]
---
Learned.
""",
    "2025-26/2025-06-10-clinic.md": """---
title: Writing clinic
date: 2025-06-10
activity: other
category: formal
hours: 2
skills: [Writing]
tags: [course, writing]
---
Wrote.
""",
    "2026-27/2026-12-20-planned.md": """---
title: Writing for the web
date: 2026-12-20
activity: other
category: formal
hours: 3
skills: [Writing]
status: planned
---
To come.
""",
}


@pytest.fixture
def site(project: Callable[[str], Path]) -> Path:
    root = project("small")
    for name, text in ENTRIES.items():
        path = root / "journal" / "entries" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = build_site(find_project(root), TODAY, publish=False, output=root / "out")
    assert result.site is not None, result.problems
    return root / "out"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def bars(html: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each profile's heading, and its bars: the skill, its figures, its bar's width."""
    found = []
    for heading, items in re.findall(
        r"<h2 [^>]*>(.*?)</h2>\n<ul class=\"skill-bars\">(.*?)</ul>", html, re.S
    ):
        rows = re.findall(
            r'<li><a href="[^"]+">([^<]+)</a> <span class="skill-figures">([^<]+)</span>\n'
            r'<svg .*?<rect class="bar" x="0" y="0" width="([^"]+)"',
            items,
        )
        found.append((text(heading), rows))
    return found


def test_the_skills_profile_has_bars_by_points_in_all_years_and_each(site: Path) -> None:
    page = (site / "skills" / "index.html").read_text(encoding="utf-8")
    assert bars(page) == [
        (
            "All years",
            [
                ("Writing", "12 points · 2 entries", "100.0"),
                ("Evaluation", "10 points · 1 entry", "83.3"),
            ],
        ),
        ("2025-26", [("Writing", "2 points · 1 entry", "100.0")]),
        (
            "2024-25",
            [
                ("Evaluation", "10 points · 1 entry", "100.0"),
                ("Writing", "10 points · 1 entry", "100.0"),
            ],
        ),
    ]
    chips = re.findall(
        r'<a class="chip" href="([^"]+)">([^<]+) <span class="count">\((\d+)\)</span></a>', page
    )
    assert chips == [
        ("../skills/evaluation.html", "Evaluation", "1"),
        ("../skills/writing.html", "Writing", "3"),
    ]


def test_tags_are_chips(site: Path) -> None:
    page = (site / "tags" / "index.html").read_text(encoding="utf-8")
    assert "skill-bars" not in page
    assert re.findall(r'<a class="chip" href="([^"]+)">([^<]+) <span', page) == [
        ("../tags/course.html", "course"),
        ("../tags/writing.html", "writing"),
    ]


def test_a_skill_s_page_sums_its_done_entries(site: Path) -> None:
    page = (site / "skills" / "writing.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="facts-line">(.*?)</p>', page)
    assert line is not None
    assert text(line.group(1)) == "12 points from 2 done entries; 1 planned"
    assert '<table class="entries stacked">' in page
