"""The README's screenshots: the example journal's dashboard and a goal page, from a fresh
build for a fixed day, taken in Chromium. `make screenshots` runs it; so does
`PDP_TODAY=2026-11-28 .venv/bin/python docs/screenshots.py`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from generator.journal.compute import performance_year
from generator.journal.load import find_project
from generator.model import Journal
from generator.site.build import build_site

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
# A laptop's browser window; a longer page is cut at the height, so the top of it shows.
WIDTH, HEIGHT = 1100, 1300


def main(argv: list[str] | None = None) -> int:
    options = _arguments().parse_args(argv)
    day = _day(options.today)
    if day is None:
        print("screenshots: set PDP_TODAY=YYYY-MM-DD (or --today) for a fixed day", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        built = build_site(find_project(REPOSITORY), day, publish=False, output=site, cache=False)
        journal = built.checked.journal
        if built.site is None or journal is None:
            print("screenshots: the example journal does not build: run pdp check", file=sys.stderr)
            return 1
        goal = options.goal or busiest_goal(journal, day)
        shots = {"dashboard.png": site / "index.html", "goal.png": site / "goals" / f"{goal}.html"}
        _take(shots, options.output, options.chromium)
    for name in shots:
        print(options.output / name)
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Take the README's screenshots.")
    parser.add_argument("--today", help="the day to build for (default: PDP_TODAY)")
    parser.add_argument("--goal", help="the goal page to show, by id (default: the busiest)")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "docs")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM)
    return parser


def _day(given: str | None) -> date | None:
    text = given or os.environ.get("PDP_TODAY")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def busiest_goal(journal: Journal, day: date) -> str:
    """The goal still in progress with the most done entries in the day's performance year
    (the first by id among equals): the goal page with the most to show."""
    year = performance_year(day, journal.config.year_start_month)
    counts = Counter(
        goal
        for entry in journal.entries
        if entry.done and entry.date in year
        for goal in entry.goals
    )
    goals = [goal for goal in journal.goals if goal.status == "in-progress"] or journal.goals
    return min(goals, key=lambda goal: (-counts[goal.id], goal.id)).id


def _take(shots: dict[str, Path], output: Path, chromium: Path) -> None:
    """Each page in the light scheme at the window's size, written as a PNG."""
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(
                viewport={"width": WIDTH, "height": HEIGHT},
                color_scheme="light",
                reduced_motion="reduce",
            )
            for name, path in shots.items():
                page.goto(path.as_uri())
                page.screenshot(path=output / name, animations="disabled", caret="hide")
        finally:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
