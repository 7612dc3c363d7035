"""The coverage page: the frameworks' matrix by performance year, and the goals flagged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..journal.coverage import coverage
from ..model import Journal
from .views import GoalView, Page, new_page

COVERAGE_PAGE = "coverage.html"


def coverage_page(
    common: Mapping[str, Any], journal: Journal, today: date, goals: Sequence[GoalView]
) -> Page:
    """The page of the journal's coverage of its frameworks, goals linked to their pages."""
    return new_page(
        common,
        COVERAGE_PAGE,
        "coverage.html",
        "Coverage of the frameworks",
        coverage=coverage(journal, today),
        goal_urls={view.goal.id: view.url for view in goals},
    )
