"""What one build keeps for the next in the same process (watch mode): rendered
reflections by their text, entry views by entry, pages by what they show, the export's lines
and the years' totals. Each is used only while everything it was made from is the same, so a
build that reuses gives what a fresh one would; a one-off build keeps nothing but the
reflections it saves to the disk cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import jinja2
from msgspec import Struct
from msgspec.structs import replace

from ..journal.compute import (
    PerformanceYear,
    YearTotals,
    entries_in,
    entry_record,
    entry_records,
    year_totals,
)
from ..model import Entry, Journal
from .entry_pages import EntryPages, entry_view
from .export import EXPORT_COLUMNS, csv_line, csv_row, export_csv
from .link_check import LinkMemo
from .page_cache import Note, Previous
from .plan import Makers, ViewOf, facts_once, fresh_makers
from .reflection_cache import Reflections, Rendered
from .render import PageMemo, render_page
from .theme import Templates
from .views import EntryView, Link, Page

_ViewKey = tuple[int, str]


class EntryMade(NamedTuple):
    """What making an entry's page gives."""

    key: str  # the reflection's cache key
    reflection: Rendered
    fresh: bool  # whether the reflection was rendered now
    page: bytes  # empty where the page is written already
    note: Note | None = None  # the page's note for the next build (see `previous`)
    taken: bool = False  # whether the page was taken from the last build
    # Where written already: its links (as written) to files unknown to the check that
    # made it, and the file each leads to; None for a page taken from the last build, whose
    # links were found sound then (checked again only if the site's files are not the same).
    unresolved: tuple[tuple[str, str], ...] | None = None
    written: bool = False  # written already by whoever made it


_Neighbours = tuple[Link | None, Link | None]


@dataclass(slots=True)
class EntryMemo:
    """What each entry's page came to in the last build, reused for the very same entry
    object while everything else its page shows is unchanged: the settings every entry
    page shares, and its neighbours."""

    basis: EntryPages | None = None
    made: dict[str, tuple[Entry, _Neighbours, EntryMade]] = field(default_factory=dict)

    def start(self, shared: EntryPages) -> None:
        """Begin a build: what was made with other shared settings is dropped."""
        basis = replace(shared, neighbours={})
        if basis != self.basis:
            self.basis, self.made = basis, {}

    def get(self, entry: Entry, shared: EntryPages) -> EntryMade | None:
        kept = self.made.get(entry.path)
        if kept is None or kept[0] is not entry or kept[1] != shared.neighbours[entry.path]:
            return None
        return kept[2]

    def keep(self, entry: Entry, shared: EntryPages, made: EntryMade) -> None:
        self.made[entry.path] = (entry, shared.neighbours[entry.path], made._replace(fresh=False))

    def forget_all_but(self, paths: Iterable[str]) -> None:
        for path in self.made.keys() - set(paths):
            del self.made[path]


@dataclass(slots=True)
class ViewMemo:
    """Entry views of the last build, reused for the same entry object with the same HTML
    while all else a view shows (activities, goal titles, points rules, dates from git) is
    unchanged."""

    basis: tuple[object, ...] = ()
    before: dict[_ViewKey, tuple[Entry, EntryView]] = field(default_factory=dict)
    now: dict[_ViewKey, tuple[Entry, EntryView]] = field(default_factory=dict)

    def view_of(self, shared: EntryPages) -> ViewOf:
        """The view function for one build: views it makes are kept for the next."""
        basis = (
            shared.catalogue,
            shared.goal_titles,
            shared.policy,
            shared.start_month,
            shared.history,
            shared.schemes,
        )
        self.before = self.now if basis == self.basis else {}
        self.now, self.basis = {}, basis

        def view_of(entry: Entry, html: str) -> EntryView:
            key = (id(entry), html)
            kept = self.now.get(key) or self.before.get(key)
            if kept is None or kept[0] is not entry:
                kept = (entry, entry_view(entry, shared, html))
            self.now[key] = kept
            return kept[1]

        return view_of


class LastBuild(Struct, frozen=True):
    """What watch mode's short way (`remake.remake_reflections`) needs of the last build that
    made a whole site: its journal and plan, what it rendered with, and what its link check
    knew."""

    journal: Journal
    today: date
    shared: EntryPages
    makers: Makers
    templates: Templates
    reflections: Mapping[str, str]  # entry path -> its reflection's HTML
    existing: frozenset[str]
    sources: Mapping[str, str]
    bodies: Mapping[str, tuple[str, int]]


@dataclass(slots=True)
class Reuse:
    """What one build keeps for the next: reflections by content, pages by what they show."""

    reflections: Reflections = field(default_factory=Reflections)
    pages: PageMemo = field(default_factory=PageMemo)
    remember: bool = False  # keep pages for another build (watch mode), not only reflections
    csv_basis: tuple[object, ...] = ()
    csv_lines: dict[int, tuple[Entry, str]] = field(default_factory=dict)
    year_totals: dict[PerformanceYear, tuple[tuple[object, ...], YearTotals]] = field(
        default_factory=dict
    )
    links: LinkMemo = field(default_factory=LinkMemo)
    views: ViewMemo = field(default_factory=ViewMemo)
    entries: EntryMemo = field(default_factory=EntryMemo)
    previous: Previous | None = None  # a one-off build's pages of the last build
    # The last build, if it made a whole site: in watch mode, and for a one-off build that
    # keeps it for the next (`last_build`), each year's reflections handed to `keep_year`
    # once its review pack is made (which writes them as they pile up, so that a one-off
    # build still never holds every reflection at once).
    last: LastBuild | None = None
    keep_year: Callable[[str, Mapping[str, str]], None] | None = None

    def render(self, env: jinja2.Environment, page: Page) -> bytes:
        return self.pages.render(env, page) if self.remember else render_page(env, page)

    def export(self, journal: Journal) -> bytes:
        """The site's entries.csv; in watch mode, each entry's line is kept while the entry
        and the points rules are the same."""
        if not self.remember:
            return export_csv(entry_records(journal)).encode("utf-8")
        basis = (journal.catalogue, journal.config)
        before = self.csv_lines if basis == self.csv_basis else {}
        self.csv_basis, self.csv_lines = basis, {}
        for entry in journal.entries:
            kept = before.get(id(entry))
            if kept is None or kept[0] is not entry:
                kept = (entry, csv_row(entry_record(entry, journal.catalogue, journal.config)))
            self.csv_lines[id(entry)] = kept
        lines = (self.csv_lines[id(entry)][1] for entry in journal.entries)
        return (csv_line(EXPORT_COLUMNS) + "".join(lines)).encode("utf-8")

    def totals(self, journal: Journal, year: PerformanceYear, today: date) -> YearTotals:
        """A year's totals, kept while its entries, the rules and the day are the same."""
        basis = (entries_in(journal.entries, year), journal.catalogue, journal.config, today)
        kept = self.year_totals.get(year)
        if kept is None or kept[0] != basis:
            kept = self.year_totals[year] = (basis, year_totals(journal, year, today))
        return kept[1]

    def makers(self, shared: EntryPages) -> Makers:
        """Views and goals' and reviews' HTML: kept from the last build in watch mode."""
        if not self.remember:
            return fresh_makers(shared)
        return Makers(
            self.views.view_of(shared),
            lambda text, prefix: self.reflections.render(text, None, prefix),
            facts_once(self.totals),
        )
