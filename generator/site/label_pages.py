"""The skills and tags pages: an index of each (the skills as a profile of bars, by points in
all years and in each year), and a page per skill or tag."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from msgspec import Struct

from .views import EntryView, Link, Page, new_page

ZERO = Decimal(0)


class Bar(Struct, frozen=True):
    """A skill or tag with the points and count of its done entries; `width` is its bar's
    length, as a percentage of the longest bar beside it."""

    label: Link
    points: Decimal
    entries: int
    width: Decimal = ZERO


class Profile(Struct, frozen=True):
    """The bars of one span of time: all years, or one performance year."""

    title: str
    bars: tuple[Bar, ...]
    year: bool  # one performance year, not all of them


Groups = Sequence[tuple[Link, Sequence[EntryView]]]


def profiles(groups: Groups) -> tuple[Profile, ...]:
    """The bars of all years, then of each year with a done entry, the latest first."""
    # One pass over each label's entries, not one per year: a long journal has many years.
    by_year: dict[str, list[Bar]] = {}
    every: list[Bar] = []
    for label, views in groups:
        for year, bar in _bars_by_year(label, views).items():
            by_year.setdefault(year, []).append(bar)
        if (bar := total(label, views)).entries:
            every.append(bar)
    each = (Profile(year, _ranked(by_year[year]), True) for year in sorted(by_year, reverse=True))
    return (Profile("All years", _ranked(every), False), *each)


def total(label: Link, views: Sequence[EntryView]) -> Bar:
    """The label's points and count of done entries, in all years."""
    done = [view for view in views if view.entry.done]
    return Bar(label, sum((view.points for view in done), ZERO), len(done))


def _bars_by_year(label: Link, views: Sequence[EntryView]) -> dict[str, Bar]:
    """The label's points and count of done entries in each year it has any."""
    points: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for view in views:
        if view.entry.done:
            points[view.year] = points.get(view.year, ZERO) + view.points
            counts[view.year] = counts.get(view.year, 0) + 1
    return {year: Bar(label, points[year], counts[year]) for year in points}


def _ranked(bars: list[Bar]) -> tuple[Bar, ...]:
    """The bars, most points first, each its length beside the longest."""
    bars.sort(key=lambda bar: (-bar.points, bar.label.text.lower()))
    longest = max((bar.points for bar in bars), default=ZERO)
    return tuple(
        Bar(bar.label, bar.points, bar.entries, _width(bar.points, longest)) for bar in bars
    )


def _width(points: Decimal, longest: Decimal) -> Decimal:
    # A skill with no points still shows a sliver, so that its row is not read as missing.
    if not longest:
        return Decimal(1)
    return max(Decimal(1), (points * 100 / longest).quantize(Decimal("0.1")))


def label_pages(common: Mapping[str, Any], ordered: Sequence[EntryView]) -> list[Page]:
    """The skills and tags: an index of each, and a page per skill or tag."""
    pages = []
    for kind, title in (("skills", "Skills"), ("tags", "Tags")):
        groups = labels_of(ordered, kind)
        pages.append(
            new_page(
                common,
                f"{kind}/index.html",
                "labels.html",
                title,
                kind=kind,
                groups=groups,
                profiles=profiles(groups) if kind == "skills" else (),
            )
        )
        for label, entries in groups:
            pages.append(
                new_page(
                    common,
                    label.url,
                    "label.html",
                    f"{title}: {label.text}",
                    kind=kind,
                    label=label,
                    entries=entries,
                    total=total(label, entries),
                )
            )
    return pages


def labels_of(views: Sequence[EntryView], kind: str) -> list[tuple[Link, list[EntryView]]]:
    groups: dict[str, tuple[Link, list[EntryView]]] = {}
    for view in views:
        for label in getattr(view, kind):
            groups.setdefault(label.url, (label, []))[1].append(view)
    return sorted(groups.values(), key=lambda group: group[0].text.lower())
