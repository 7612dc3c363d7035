"""The dashboard's verdict is `pdp report`'s: for a journal in each of the four states, the
status tag and sentence on the built dashboard equal the JSON report's for that year."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from generator.cli import run
from generator.journal.load import find_project
from generator.site.build import build_site

from ..helpers import add_planned_next_year
from .standing_states import STATES, State, copy_state


class _Verdict(HTMLParser):
    """The text of the elements of the verdict's classes: its status tag and its sentence."""

    CLASSES: ClassVar[dict[str, str]] = {"verdict-tag": "status", "verdict-sentence": "sentence"}

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self._in = next((self.CLASSES[name] for name in classes if name in self.CLASSES), None)

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.found[self._in] = self.found.get(self._in, "") + data


def dashboard_verdict(page: Path) -> tuple[str, str]:
    parser = _Verdict()
    parser.feed(page.read_text("utf-8"))
    return parser.found["status"], parser.found["sentence"]


def report_year(root: Path, state: State, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", state.today.isoformat())
    out, err = io.StringIO(), io.StringIO()
    assert run(["report", "--format", "json", "--year", "2026-27"], out, err) == 0, err
    [year] = json.loads(out.getvalue())["years"]
    assert isinstance(year, dict)
    return year


def copy_and_build(state: State, folder: Path) -> Path:
    root = copy_state(state, folder)
    site = folder / "site"
    assert build_site(find_project(root), state.today, False, site, cache=False).site is not None
    return site


@pytest.mark.parametrize("state", STATES, ids=[state.name for state in STATES])
def test_the_dashboard_says_what_the_report_says(
    state: State, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_and_build(state, tmp_path)
    year = report_year(tmp_path / state.name, state, monkeypatch)
    assert (year["status"], year["sentence"]) == (state.status, state.sentence)
    assert dashboard_verdict(site / "index.html") == (state.status, state.sentence)
    assert dashboard_verdict(site / "years" / "2026-27.html") == (state.status, state.sentence)


def _text(page: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text("utf-8")))


def test_a_year_far_past_its_target_says_how_far(tmp_path: Path) -> None:
    state = STATES[0]
    root = copy_state(state, tmp_path)
    (root / "pdp.toml").write_text('name = "Sam Rivera"\ntarget = 10\n', "utf-8")
    site = tmp_path / "site"
    assert build_site(find_project(root), state.today, False, site, cache=False).site is not None
    text = _text(site / "index.html")
    assert " Done: 37 points, 3.7 times the target " in text
    assert " Past the target: 27 points " in text
    assert 'class="bar over"' in (site / "index.html").read_text("utf-8")
    met = _text(copy_and_build(state, tmp_path / "met") / "index.html")
    assert " Done: 37 points, 123% of the target " in met


def _main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_a_met_target_is_said_by_the_verdict_alone(tmp_path: Path) -> None:
    state = STATES[0]
    site = copy_and_build(state, tmp_path)
    for page in (site / "index.html", site / "years" / "2026-27.html"):
        text = _main_text(page.read_text("utf-8"))
        assert text.count("Target met") == 2, page  # the tag and its sentence
        assert " Target met Target met in September, 37 points " in text
        assert '<p class="pace' not in page.read_text("utf-8")


def test_an_ended_year_short_of_its_target_says_so_once(tmp_path: Path) -> None:
    state = STATES[3]
    root = copy_state(state, tmp_path)
    site = tmp_path / "site"
    after = state.today.replace(year=2027, month=4, day=2)
    assert build_site(find_project(root), after, False, site, cache=False).site is not None
    text = _main_text((site / "years" / "2026-27.html").read_text("utf-8"))
    assert text.count("short of the target") == 1
    assert " Behind The year ended 18 points short of the target " in text


def test_the_months_key_shows_planned_points_as_their_bars_do(tmp_path: Path) -> None:
    site = copy_and_build(STATES[2], tmp_path)
    html = (site / "years" / "2026-27.html").read_text("utf-8")
    months = html[html.index('<figure class="chart months-chart">') :]
    months = months[: months.index("</figure>")]
    assert '<pattern id="hatch-months-2026-27" class="hatch"' in months
    assert 'fill="url(#hatch-months-2026-27)"></rect>' in months.split("<figcaption>")[0]
    assert (
        '<li><svg class="swatch-hatch" viewBox="0 0 16 12" width="16" height="12"'
        ' aria-hidden="true" focusable="false"><rect class="planned" x="0.5" y="0.5" width="15"'
        ' height="11" fill="url(#hatch-months-2026-27)"></rect></svg>'
        "Planned (the points above a bar, as +10)</li>"
    ) in months
    assert ">+10</text>" in months
    assert "+N" not in html


def test_the_mix_caption_says_which_bar_is_which(tmp_path: Path) -> None:
    site = copy_and_build(STATES[1], tmp_path)
    text = _main_text((site / "years" / "2026-27.html").read_text("utf-8"))
    assert (
        " The bar above shows the done points by category; the one below, the 70:20:10 guide."
        " The table gives the figures. "
    ) in text


def test_a_year_not_yet_begun_has_not_started_on_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = STATES[1]
    root = copy_state(state, tmp_path)
    add_planned_next_year(root)
    site = tmp_path / "site"
    assert build_site(find_project(root), state.today, False, site, cache=False).site is not None
    page = site / "years" / "2027-28.html"
    verdict = ("Not started", "The year starts on 1 April 2027")
    assert dashboard_verdict(page) == verdict
    text = _main_text(page.read_text("utf-8"))
    assert " No entries done yet. " in text
    assert " No entries done in 2027-28 yet. " in text
    assert "even pace" not in text.split("Points by month")[0]
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", state.today.isoformat())
    out, err = io.StringIO(), io.StringIO()
    assert run(["report", "--format", "json", "--year", "2027-28"], out, err) == 0, err
    [year] = json.loads(out.getvalue())["years"]
    assert (year["status"], year["sentence"]) == verdict
