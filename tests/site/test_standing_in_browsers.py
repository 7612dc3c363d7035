"""The dashboard's verdict as a reader sees it, on a phone, in each of the four states a year
can be in: the same status and sentence as `pdp report --format json` gives for the day."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from generator.cli import run
from generator.journal.load import find_project
from generator.site.build import build_site

from .browsing import tab
from .standing_states import STATES, State, copy_state

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.tools


def reported_year(root: Path, day: date, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `pdp report --format json` says, on the day, of the year the day falls in."""
    monkeypatch.setenv("PDP_TODAY", day.isoformat())
    out, err = io.StringIO(), io.StringIO()
    assert run(["report", "--format", "json", "-C", str(root)], out, err) == 0, err.getvalue()
    years = json.loads(out.getvalue())["years"]
    now = [year for year in years if year["start"] <= day.isoformat() <= year["end"]]
    assert len(now) == 1, years
    year: dict[str, Any] = now[0]
    return year


@pytest.mark.parametrize("state", STATES, ids=[state.name for state in STATES])
def test_the_dashboard_shows_what_the_report_says(
    state: State, browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_state(state, tmp_path)
    site = tmp_path / "site"
    built = build_site(find_project(root), state.today, publish=False, output=site, cache=False)
    assert built.site is not None, built.problems
    year = reported_year(root, state.today, monkeypatch)
    assert (year["status"], year["sentence"]) == (state.status, state.sentence)
    with tab(browser, viewport={"width": 360, "height": 800}) as page:
        page.goto((site / "index.html").as_uri())
        tag = page.locator("main .verdict .verdict-tag")
        sentence = page.locator("main .verdict .verdict-sentence")
        assert tag.is_visible() and sentence.is_visible()
        # The words as written: a style may set the tag in capitals.
        shown = ((tag.text_content() or "").strip(), (sentence.text_content() or "").strip())
        assert shown == (state.status, state.sentence)
