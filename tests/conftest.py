"""Shared test helpers: fixture paths, a fixed day, and a journal project builder."""

from __future__ import annotations

import errno
import os
import shutil
import socket
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


def _resolve_as_in_python_3_13(self: Path, strict: bool = False) -> Path:
    """Path.resolve as Python 3.13 has it: a loop of links raises only when strict."""
    return Path(os.path.realpath(self, strict=strict))


def _resolve_as_in_python_3_11(self: Path, strict: bool = False) -> Path:
    """Path.resolve as Python 3.11 and 3.12 have it: a loop of links raises RuntimeError."""
    resolved = Path(os.path.realpath(self, strict=strict))
    try:
        os.stat(resolved)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {err.filename!r}") from err
    return resolved


@pytest.fixture(params=["python 3.11", "python 3.13"])
def link_loops(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways Path.resolve meets a loop of links, whichever Python runs the tests: before
    3.13 it raises, since it does not."""
    monkeypatch.setattr(
        Path,
        "resolve",
        _resolve_as_in_python_3_13
        if request.param == "python 3.13"
        else _resolve_as_in_python_3_11,
    )
    return str(request.param)


def ipv6_loopback() -> bool:
    """Whether this machine can listen on IPv6's loopback address."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True
