"""Several CPD schemes from one journal: what each entry earns in each scheme, after its caps,
and each scheme's years against its own target.

The built-in scheme `gcs` follows the configuration's top-level keys, so its figures are
those of `compute.year_totals`; the others are declared under `[schemes.ID]`. Pure functions
of the journal and the day; exact decimal arithmetic throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from msgspec import Struct

from ..model import GCS, OTHER_ACTIVITY, Activity, Config, Entry, Journal, Scheme
from .compute import (
    ZERO,
    PerformanceYear,
    YearTotals,
    counts_for,
    entries_in,
    performance_year,
    totals_of,
    year_end,
    year_target,
    years_with,
)
from .standing import Standing, standing, year_figures

GCS_NAME = "GCS CPD"


class Counted(Struct, frozen=True):
    """An entry as a scheme counts it: the points it counts, and those its caps left out."""

    entry: Entry
    points: Decimal
    capped: Decimal = ZERO


class SchemeYear(Struct, frozen=True):
    """A scheme's year: its totals and standing, the points its caps left out, and how it
    counted each entry of the year (done ones first, each in date order)."""

    scheme: Scheme
    totals: YearTotals
    standing: Standing
    capped: Decimal
    counted: tuple[Counted, ...]


def gcs_scheme(config: Config) -> Scheme:
    """The built-in scheme, as the configuration's top-level keys set it."""
    return Scheme(
        GCS,
        GCS_NAME,
        year_start_month=config.year_start_month,
        target=config.target,
        use_catalogue=config.points_policy == "catalogue",
    )


def schemes_of(config: Config) -> tuple[Scheme, ...]:
    """Every scheme of the journal: the primary first, then the others as declared, the
    built-in one before them."""
    every = [gcs_scheme(config), *config.schemes.values()]
    return tuple(sorted(every, key=lambda scheme: scheme.id != config.primary))


def scheme_named(config: Config, scheme_id: str) -> Scheme | None:
    return next((s for s in schemes_of(config) if s.id == scheme_id), None)


def earned(entry: Entry, scheme: Scheme, catalogue: Mapping[str, Activity]) -> Decimal:
    """What an entry earns in a scheme before caps: the scheme's value for its activity, or
    the catalogue's (if the scheme uses it), or its hours at the scheme's rate."""
    if entry.activity in scheme.values:
        return scheme.values[entry.activity]
    if scheme.use_catalogue and entry.activity != OTHER_ACTIVITY:
        return catalogue[entry.activity].points
    return entry.hours * scheme.per_hour


def count_year(
    entries: Sequence[Entry], scheme: Scheme, catalogue: Mapping[str, Activity]
) -> tuple[Counted, ...]:
    """How a scheme counts a year's entries: done entries first and in date order, so that
    the earliest pass a cap and later ones are capped; planned ones count against what the
    done ones leave."""
    used: dict[str, Decimal] = {}
    counted = []
    ordered = [e for e in entries if e.done] + [e for e in entries if not e.done]
    for entry in ordered:
        if not counts_for(entry, scheme.id, scheme.include):
            continue
        worth = earned(entry, scheme, catalogue)
        allowed = worth
        capping = [key for key in (entry.category, entry.activity) if key in scheme.caps]
        for key in capping:
            allowed = min(allowed, max(ZERO, scheme.caps[key] - used.get(key, ZERO)))
        for key in capping:
            used[key] = used.get(key, ZERO) + allowed
        counted.append(Counted(entry, allowed, worth - allowed))
    return tuple(counted)


def scheme_year(journal: Journal, scheme: Scheme, year: PerformanceYear, today: date) -> SchemeYear:
    counted = count_year(entries_in(journal.entries, year), scheme, journal.catalogue)
    pairs = [(item.entry, item.points) for item in counted]
    target = year_target(journal.config, year, scheme.target)
    totals = totals_of(pairs, journal.config, year, target, today)
    found = standing(year_figures(journal, totals, pairs, scheme.unit), today)
    capped = sum((item.capped for item in counted if item.entry.done), ZERO)
    return SchemeYear(scheme, totals, found, capped, counted)


def scheme_years_of(journal: Journal, scheme: Scheme, today: date) -> list[PerformanceYear]:
    """The scheme's years with an entry that counts for it, and its current year, oldest
    first."""
    entries = [e for e in journal.entries if counts_for(e, scheme.id, scheme.include)]
    return years_with(entries, scheme.year_start_month, today)


def scheme_report(journal: Journal, scheme: Scheme, today: date) -> list[SchemeYear]:
    """Every year of a scheme, oldest first."""
    return [
        scheme_year(journal, scheme, year, today)
        for year in scheme_years_of(journal, scheme, today)
    ]


def current_years(journal: Journal, today: date) -> list[SchemeYear]:
    """Each scheme's current year, the primary first: what the dashboard shows."""
    return [
        scheme_year(journal, scheme, performance_year(today, scheme.year_start_month), today)
        for scheme in schemes_of(journal.config)
    ]


def entry_points_by_scheme(journal: Journal) -> dict[str, dict[str, Decimal]]:
    """Each scheme's points for each entry that counts for it (after caps), by entry path:
    for the export's column per scheme."""
    points: dict[str, dict[str, Decimal]] = {}
    for scheme in schemes_of(journal.config):
        found: dict[str, Decimal] = {}
        month, index = scheme.year_start_month, 0
        entries = journal.entries
        while index < len(entries):
            year = performance_year(entries[index].date, month)
            end = year_end(entries, year, index)
            for item in count_year(entries[index:end], scheme, journal.catalogue):
                found[item.entry.path] = item.points
            index = end
        points[scheme.id] = found
    return points
