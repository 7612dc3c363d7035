"""`pdp pack`: the year it packs, where it writes, and the review pack's PDF as a reviewer
opens it (A4, numbered, the year's figures and reviews, bookmarks, no half-empty pages)."""

from __future__ import annotations

import io
import json
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.cli import run

from ..conftest import REPOSITORY, TODAY
from ..helpers import example
from ..site_tools import require_tools

A4 = (595, 842)  # points
BOTTOM_MARGIN = 20 / 25.4 * 72  # the running footer is printed below this (20 mm)


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str, today: date = TODAY) -> Any:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", today.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )


def test_pack_writes_into_dist_which_the_new_projects_gitignore_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp(monkeypatch, tmp_path, "init")
    monkeypatch.setenv("PATH", "/nonexistent")  # no Chromium: the zip alone
    code, out, _ = pdp(monkeypatch, tmp_path, "pack")
    assert code == 0
    assert out.splitlines()[0] == "packing the 2026-27 review pack: the current performance year"
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.zip"))
    assert written == ["dist/your-name-2026-27-portfolio.zip"]
    assert f"packed 17 files into {written[0]} (private" in out
    assert git(tmp_path, "init", "-q").returncode == 0
    assert git(tmp_path, "check-ignore", "-q", written[0]).returncode == 0
    untracked = git(tmp_path, "status", "--porcelain", "--untracked-files=all").stdout
    assert "dist/" not in untracked and "journal/" in untracked
    assert "/dist/" in (REPOSITORY / ".gitignore").read_text("utf-8").splitlines()


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (
            date(2026, 6, 30),
            "packing the 2025-26 review pack: the year just ended, reviewed from April to "
            "June; --year 2026-27 for the current year",
        ),
        (date(2026, 7, 1), "packing the 2026-27 review pack: the current performance year"),
    ],
)
def test_pack_says_which_year_it_packs_and_why(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, today: date, said: str
) -> None:
    root = project("small")
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out, _ = pdp(monkeypatch, root, "pack", today=today)
    assert code == 0
    assert out.splitlines()[0] == said
    year = said.split()[2]
    with zipfile.ZipFile(root / f"dist/sam-rivera-{year}-portfolio.zip") as bundle:
        assert f"pack/{year}.html" in bundle.namelist()
    code, out, _ = pdp(monkeypatch, root, "pack", "--year", "2025-26", today=today)
    assert (code, out.splitlines()[0]) == (
        0,
        "packed 21 files into dist/sam-rivera-2025-26-portfolio.zip (private content left "
        "out; SHA256SUMS lists every file)",
    )


@dataclass(frozen=True)
class Printed:
    """The example journal's 2025-26 review pack, as `pdp pack` printed it."""

    pages: list[str]  # each page's text
    lowest: list[float]  # each page's lowest line of text above the footer, from the bottom
    sizes: list[tuple[float, float]]
    outline: list[tuple[int, str, int]]  # bookmarks: depth, title, page index
    metadata: dict[str, str]
    report: dict[str, Any]  # `pdp report --publish --format json` of the year


def _outline(reader: Any, items: list[Any], depth: int = 0) -> Iterator[tuple[int, str, int]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item, depth + 1)
        else:
            title = unicodedata.normalize("NFKC", str(item.title))
            yield depth, title, reader.get_destination_page_number(item)


def _lowest(page: Any) -> float:
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        height = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and height > BOTTOM_MARGIN:
            heights.append(height)

    page.extract_text(visitor_text=visit)
    return min(heights)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    require_tools("chromium")
    from pypdf import PdfReader

    root = example(tmp_path_factory.mktemp("pack"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        code, out, err = pdp(monkeypatch, root, "pack", "--year", "2025-26")
        assert code == 0, err
        assert out.endswith(
            "printed the 2025-26 review pack to dist/alex-morgan-2025-26-portfolio.pdf\n"
        )
        _, report, _ = pdp(
            monkeypatch, root, "report", "--publish", "--year", "2025-26", "--format", "json"
        )
    reader = PdfReader(root / "dist/alex-morgan-2025-26-portfolio.pdf")
    return Printed(
        [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages],
        [_lowest(page) for page in reader.pages],
        [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages],
        list(_outline(reader, reader.outline)),
        {key: str(value) for key, value in (reader.metadata or {}).items()},
        json.loads(report)["years"][0],
    )


@pytest.mark.tools
def test_every_page_is_a4_and_numbered(printed: Printed) -> None:
    assert len(printed.pages) > 10
    for width, height in printed.sizes:
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1
    total = len(printed.pages)
    for number, text in enumerate(printed.pages, 1):
        assert f"Page {number} of {total}" in text
        assert "Alex Morgan" in text and "CPD review pack 2025-26" in text


@pytest.mark.tools
def test_the_pdf_has_a_title_an_author_and_bookmarks(printed: Printed) -> None:
    assert printed.metadata["/Title"] == "CPD review pack 2025-26: Alex Morgan"
    assert printed.metadata["/Author"] == "Alex Morgan"
    assert printed.outline[0] == (0, "CPD review pack 2025-26", 0)
    sections = [title for depth, title, _ in printed.outline if depth == 1]
    assert sections == [
        "Contents",
        "Summary",
        "Entries",
        "Goals",
        "Reflections and evidence",
        "Review conversations",
        "The plan ahead",
        "Sign-off",
    ]
    entry = printed.outline.index(
        next(item for item in printed.outline if item[1].startswith("First solo weekend"))
    )
    assert [item[:2] for item in printed.outline[entry : entry + 3]] == [
        (2, "First solo weekend on the out-of-hours press rota"),
        (3, "What I did"),
        (3, "What I learned"),
    ]


@pytest.mark.tools
def test_the_cover_holds_the_years_points_as_the_report_gives_them(printed: Printed) -> None:
    points, target = printed.report["points"], printed.report["target"]
    assert (points, target) == (99, 30)
    cover = printed.pages[0]
    assert f"Points {points} of {target} points Target met" in cover.replace("\n", " ")
    assert "Performance year 2025-26: 1 April 2025 to 31 March 2026" in cover


@pytest.mark.tools
def test_the_pack_holds_the_reviews_of_its_year_and_ends_with_the_sign_off(
    printed: Printed,
) -> None:
    text = "\n".join(printed.pages)
    assert "End-of-year review, 2025-26" in text
    assert "End-of-year review, 2024-25" not in text
    last = printed.pages[-1]
    assert "Sign-off" in last and "Signature" in last and "Priya Shah" in last
    assert printed.outline[-3][1:] == ("Sign-off", len(printed.pages) - 1)


@pytest.mark.tools
def test_no_page_is_less_than_half_full_but_where_a_section_ends(printed: Printed) -> None:
    starts = {page for depth, _, page in printed.outline if depth == 1}
    last = len(printed.pages) - 1
    ends = {page - 1 for page in starts} | {last}
    half_empty = [
        number + 1
        for number, lowest in enumerate(printed.lowest)
        if number != 0 and number not in ends and lowest > A4[1] / 2
    ]
    assert half_empty == []
    assert len(ends) >= 6  # each section starts a page of its own
