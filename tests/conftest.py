"""Shared test helpers: fixture paths, a fixed day, and a journal project builder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parent.parent
TODAY = date(2026, 11, 28)


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture journal project into a temporary folder and return its root."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / "projects" / name, target, symlinks=True)
        return target

    return make
