"""The benchmarks' generated journals are journals pdp accepts, at every size they are run at."""

from __future__ import annotations

import random

import pytest

from generator.journal.schema import FIRST_YEAR, LAST_YEAR

from .conftest import REPOSITORY


def test_the_largest_benchmark_journal_has_only_supported_dates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(REPOSITORY / "benchmarks"))  # as the scripts run there
    from generate import schedule

    # 10,000 entries (run.py's largest default size), some 50 a performance year.
    days = [day for _, day, _ in schedule(random.Random(1), 10_000)]
    assert len(days) == 10_000
    assert min(days).year >= FIRST_YEAR and max(days).year <= LAST_YEAR
