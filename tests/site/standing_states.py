"""The four fixture journals of a year's standing, one per status, each with the day it is
judged on (`PDP_TODAY`) and what its dashboard and `pdp report` say of 2026-27."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STANDING = Path(__file__).parent / "fixtures" / "standing"


@dataclass(frozen=True, slots=True)
class State:
    name: str  # the fixture's folder under fixtures/standing/
    today: date
    status: str
    sentence: str


STATES: tuple[State, ...] = (
    State("target-met", date(2027, 1, 15), "Target met", "Target met in September, 37 points"),
    State("ahead", date(2026, 9, 30), "Ahead", "7 points ahead of an even pace"),
    State(
        "on-track",
        date(2026, 9, 30),
        "On track",
        "1 point behind an even pace, with 10 points planned",
    ),
    State(
        "behind",
        date(2027, 1, 31),
        "Behind",
        "13 points behind an even pace, with 10 points planned",
    ),
)


def copy_state(state: State, folder: Path) -> Path:
    """A copy of the state's journal project in `folder`, which commands may write caches in."""
    root = folder / state.name
    shutil.copytree(STANDING / state.name, root)
    return root
