"""`make screenshots`: docs/screenshots.py builds the example journal for a fixed day and
writes the README's pictures of its dashboard and a goal page."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPOSITORY
from .site_tools import require_tools

SCRIPT = REPOSITORY / "docs" / "screenshots.py"


def screenshots(*argv: str, today: str | None) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "PDP_TODAY"}
    if today is not None:
        env["PDP_TODAY"] = today
    return subprocess.run(
        [sys.executable, str(SCRIPT), *argv],
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_day_must_be_fixed(tmp_path: Path) -> None:
    done = screenshots("--output", str(tmp_path), today=None)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "screenshots: set PDP_TODAY=YYYY-MM-DD (or --today) for a fixed day\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.tools
def test_the_dashboard_and_a_goal_page_are_pictured(tmp_path: Path) -> None:
    require_tools("playwright", "chromium")
    done = screenshots("--output", str(tmp_path), today="2026-11-28")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'dashboard.png'}\n{tmp_path / 'goal.png'}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dashboard.png", "goal.png"]
    assert png_size(tmp_path / "dashboard.png") == (1100, 1300)
    assert png_size(tmp_path / "goal.png") == (1100, 1300)


def test_the_make_target_takes_them_for_a_fixed_day() -> None:
    makefile = (REPOSITORY / "Makefile").read_text("utf-8")
    assert "\tPDP_TODAY=$(SCREENSHOT_DAY) $(BIN)/python docs/screenshots.py\n" in makefile
    assert "\nSCREENSHOT_DAY := 2026-11-28\n" in makefile


def test_the_readme_shows_both_pictures() -> None:
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    shown = re.findall(r"^!\[[^\]]+\]\(([^)]+)\)$", readme, re.MULTILINE)
    assert shown == ["docs/dashboard.png", "docs/goal.png"]
    assert [png_size(REPOSITORY / path) for path in shown] == [(1100, 1300)] * 2
    assert "portfolio on 28 November 2026: the dashboard" in readme
