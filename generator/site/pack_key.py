"""The key of a year's review pack, found from what the pack is made of rather than from its
views: a pack shows every reflection of its year, so planning its views costs as much as
the year's entry pages, and after one edit all but one pack are as they were.

A pack is made from its year's entries and their reflections' HTML, the next year's planned
entries, and what the whole site shares: the configuration, the goals and the reviews, the
entries that carry out reviews' actions, the day, the settings every entry page shows, the
files links may lead to and the templates (`basis`, as in every page's key). Anything else a
pack shows is derived from those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from msgspec.structs import replace

from ..journal.compute import PerformanceYear, entries_in, performance_year
from ..journal.goal_progress import active
from ..journal.year_scope import first_named
from ..model import Journal
from .entry_pages import EntryPages
from .page_cache import PageKeys


def pack_basis(
    basis: bytes, journal: Journal, shared: EntryPages, known: frozenset[str], today: date
) -> bytes:
    """What every pack of one build is made with, as a digest."""
    everything: tuple[Any, ...] = (
        "pack",
        journal.config,
        journal.catalogue,
        journal.goals,
        journal.reviews,
        today,
        replace(shared, neighbours={}, withheld=frozenset()),
        sorted(shared.withheld),
        sorted(known),
        first_named(journal, {goal.id for goal in journal.goals if active(goal)}),
        # Of any year: each pack says which of its reviews' actions they carry out.
        tuple(entry for entry in journal.entries if entry.carries_out),
    )
    return PageKeys(basis).digest(everything)


def pack_key(
    basis: bytes, journal: Journal, year: PerformanceYear, reflections: Mapping[str, str]
) -> bytes:
    """The key of `year`'s pack: its entries, as written and as rendered, and the next
    year's planned entries, under the build's `pack_basis`."""
    in_year = entries_in(journal.entries, year)
    following = performance_year(year.end + timedelta(days=1), journal.config.year_start_month)
    planned = [entry for entry in entries_in(journal.entries, following) if not entry.done]
    made = (year, in_year, [reflections[entry.path] for entry in in_year], planned)
    return PageKeys(basis).digest(made)
