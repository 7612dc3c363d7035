"""The CPD schemes a journal counts for: a page per scheme (its rules, and each of its years
with the entries that counted and what its caps left out), and what the dashboard shows of
each scheme's current year.

Only a journal that declares schemes besides the built-in one has them: its site is
otherwise as it was.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from msgspec import Struct

from ..journal.compute import YearTotals, performance_year
from ..journal.schemes import SchemeYear, scheme_report, schemes_of
from ..journal.standing import Standing
from ..model import CATEGORY_LABELS, Journal, Scheme
from .charts import ProgressBar, progress_bar
from .formats import amount
from .views import EntryView, Page, new_page

SCHEMES_DIR = "schemes"


class SchemeRow(Struct, frozen=True):
    """An entry as a scheme counted it: what it earned, counted, and its caps left out."""

    view: EntryView
    earned: Decimal
    counted: Decimal
    capped: Decimal


class SchemeYearView(Struct, frozen=True):
    """One of a scheme's years: its figures and standing, and the entries that count.

    It holds entries only through their views, whose entries have no body: a page that
    shows it is then unchanged by an edit of a reflection alone."""

    totals: YearTotals
    standing: Standing
    capped: Decimal  # the done entries' points its caps left out
    current: bool
    done: tuple[SchemeRow, ...]
    planned: tuple[SchemeRow, ...]
    bar: ProgressBar

    @property
    def anchor(self) -> str:
        return f"year-{self.totals.year.name}"


class SchemeView(Struct, frozen=True):
    """A scheme with its page's address, its rules in words and its years, newest first."""

    scheme: Scheme
    url: str
    rules: tuple[tuple[str, str], ...]
    current: SchemeYearView
    years: tuple[SchemeYearView, ...]


def scheme_url(scheme: Scheme) -> str:
    return f"{SCHEMES_DIR}/{scheme.id}.html"


def scheme_views(journal: Journal, views: Mapping[str, EntryView], today: date) -> list[SchemeView]:
    """Every scheme, the primary first, if the journal declares any besides the built-in
    one; none otherwise."""
    if not journal.config.schemes:
        return []
    return [_scheme_view(journal, scheme, views, today) for scheme in schemes_of(journal.config)]


def _scheme_view(
    journal: Journal, scheme: Scheme, views: Mapping[str, EntryView], today: date
) -> SchemeView:
    now = performance_year(today, scheme.year_start_month)
    years = [
        _year_view(found, views, today, found.totals.year == now)
        for found in reversed(scheme_report(journal, scheme, today))
    ]
    current = next(view for view in years if view.current)
    return SchemeView(
        scheme, scheme_url(scheme), scheme_rules(journal, scheme, now.name), current, tuple(years)
    )


def _year_view(
    found: SchemeYear, views: Mapping[str, EntryView], today: date, current: bool
) -> SchemeYearView:
    rows = [
        SchemeRow(views[item.entry.path], item.points + item.capped, item.points, item.capped)
        for item in found.counted
    ]
    totals = found.totals
    running = totals.year.start <= today <= totals.year.end
    return SchemeYearView(
        totals,
        found.standing,
        found.capped,
        current,
        tuple(row for row in rows if row.view.entry.done),
        tuple(row for row in rows if not row.view.entry.done),
        progress_bar(
            totals.points,
            totals.planned_points,
            totals.target,
            found.standing.expected if running else None,
        ),
    )


def scheme_rules(journal: Journal, scheme: Scheme, year_name: str) -> tuple[tuple[str, str], ...]:
    """The scheme's rules as a summary list shows them: each a key and its value in words."""
    unit = scheme.unit
    last = (scheme.year_start_month + 10) % 12 + 1
    months = f"{calendar.month_name[scheme.year_start_month]} to {calendar.month_name[last]}"
    rate = f"{amount(scheme.per_hour, unit)} for each hour recorded"
    if scheme.use_catalogue:
        rate = f"Catalogue activities earn their catalogue value; custom activities {rate}"
    else:
        rate = rate[:1].upper() + rate[1:]
    rules = [
        ("Year", f"{months} (this year: {year_name})"),
        ("Target", f"{amount(scheme.target, unit)} a year"),
        ("How entries earn", rate),
    ]
    if scheme.values:
        rules.append(("Activity values", _by_key(journal, scheme.values, unit, "")))
    if scheme.caps:
        rules.append(("Caps", _by_key(journal, scheme.caps, unit, "at most ")))
    rules.append(("Entries counted", _included(scheme)))
    return tuple(rules)


def _by_key(journal: Journal, values: Mapping[str, Decimal], unit: str, lead: str) -> str:
    """Values by category or activity id, each named as people read it."""
    parts = []
    for key, value in values.items():
        activity = journal.catalogue.get(key)
        name = CATEGORY_LABELS.get(key) or (activity.name if activity else key)
        a_year = " a year" if lead else ""
        parts.append(f"{name}: {lead}{amount(value, unit)}{a_year}")
    return "; ".join(parts)


def _included(scheme: Scheme) -> str:
    if scheme.include == "listed":
        return f"Only the entries that name it: schemes: [{scheme.id}]"
    return "Every entry, except those that name only other schemes"


def scheme_pages(common: Mapping[str, Any], schemes: Sequence[SchemeView]) -> list[Page]:
    """A page per scheme."""
    return [
        new_page(common, view.url, "scheme.html", view.scheme.name, item=view) for view in schemes
    ]
