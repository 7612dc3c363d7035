"""Plan the portfolio site: which pages exist, at which paths, with what on them.

Pure: a journal and a day in, a list of `Page`s out. Rendering them is `render`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from ..journal.compute import (
    ZERO,
    PerformanceYear,
    YearTotals,
    entries_in,
    performance_year,
    year_totals,
    years_of,
)
from ..journal.markdown import render
from ..journal.year_scope import reviews_of
from ..model import Entry, Journal, Review
from .entry_pages import EntryPages, entry_view
from .outline import demote_headings
from .review_pack import pack_view
from .views import (
    EntryView,
    GoalView,
    Link,
    Page,
    ReviewView,
    YearView,
    goal_url,
    new_page,
    pack_url,
)


@dataclass(frozen=True, slots=True)
class _Summary:
    """The views that the summing-up pages and the review packs are made of."""

    ordered: list[EntryView]
    goals: list[GoalView]
    years: list[YearView]
    reviews: list[ReviewView]


ViewOf = Callable[[Entry, str], "EntryView"]
# The level of the headings in a review pack's reflections and review notes: below the
# pack's title (h1), its sections (h2) and each entry's or review's own heading (h3).
PACK_LEVEL = 4
Markdown = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class Makers:
    """How planning gets an entry's view (given its reflection's HTML) and a goal's or
    review's HTML (given its text and heading prefix): made afresh, or kept from before."""

    view_of: ViewOf
    markdown: Markdown
    totals: Callable[[Journal, PerformanceYear, date], YearTotals] = year_totals


def fresh_makers(shared: EntryPages) -> Makers:
    """Makers for one build, which makes each entry's view once: the pages that list
    entries come first, with no reflection, then the review pack that shows the entry's
    reflection (its last page), with a copy of the view that has it."""
    listed: dict[str, tuple[Entry, EntryView]] = {}  # until shown with the reflection

    def view_of(entry: Entry, html: str) -> EntryView:
        kept = listed.pop(entry.path, None) if html else listed.get(entry.path)
        if kept is not None and kept[0] is entry:
            return replace(kept[1], html=Markup(html)) if html else kept[1]
        view = entry_view(entry, shared, html)
        if not html:
            listed[entry.path] = (entry, view)
        return view

    return Makers(view_of, lambda text, prefix: render(text, anchor_prefix=prefix))


def _summarise(
    journal: Journal, today: date, makers: Makers, reflections: Mapping[str, str]
) -> _Summary:
    views = {
        entry.path: makers.view_of(entry, reflections[entry.path]) for entry in journal.entries
    }
    return _Summary(
        [views[entry.path] for entry in journal.entries],
        _goal_views(journal, views, makers.markdown),
        _year_views(journal, views, today, makers.totals),
        _review_views(journal, journal.reviews, makers.markdown),
    )


def summary_pages(
    journal: Journal, today: date, shared: EntryPages, makers: Makers | None = None
) -> list[Page]:
    """The pages that sum entries up: dashboard, years, goals, labels, reviews, catalogue.
    They show no reflection, so they need none rendered."""
    summary = _summarise(
        journal, today, makers or fresh_makers(shared), dict.fromkeys(shared.slugs, "")
    )
    current = next((year for year in summary.years if year.current), summary.years[-1])
    return _summary_pages(
        shared.common,
        journal,
        current,
        summary.years,
        summary.goals,
        summary.reviews,
        summary.ordered,
    )


def pack_page(
    journal: Journal,
    year: PerformanceYear,
    today: date,
    shared: EntryPages,
    reflections: Mapping[str, str],
    makers: Makers | None = None,
) -> Page:
    """A year's review pack: planned from the year's own entries (with their reflections),
    the reviews that look back on it, the goals, and the next year's planned entries (with
    none), all it shows, so that it can be made as soon as its year's reflections are, and
    an edit of another year's reflection leaves it as it was."""
    makers = makers or fresh_makers(shared)
    start_month = journal.config.year_start_month
    views = {
        entry.path: makers.view_of(entry, demote_headings(reflections[entry.path], PACK_LEVEL))
        for entry in entries_in(journal.entries, year)
    }
    current = performance_year(today, start_month)
    view = _year_view(journal, views, year, today, makers.totals, year == current)
    following = performance_year(year.end + timedelta(days=1), start_month)
    planned = [
        makers.view_of(entry, "")
        for entry in entries_in(journal.entries, following)
        if not entry.done
    ]

    def markdown(text: str, prefix: str) -> str:
        return demote_headings(makers.markdown(text, prefix), PACK_LEVEL)

    reviews = _review_views(journal, reviews_of(journal.reviews, year, start_month), markdown)
    pack = pack_view(journal, view, reviews, (following, planned), today)
    return new_page(shared.common, view.pack_url, "pack.html", pack.title, pack=pack)


def _summary_pages(
    common: Mapping[str, Any],
    journal: Journal,
    current: YearView,
    years: Sequence[YearView],
    goals: Sequence[GoalView],
    reviews: Sequence[ReviewView],
    ordered: Sequence[EntryView],
) -> list[Page]:
    pages = [
        new_page(
            common,
            "index.html",
            "dashboard.html",
            "Dashboard",
            year=current,
            recent=[view for view in reversed(current.done)][:5],
            goals=goals,
            years=years,
        ),
        new_page(common, "years/index.html", "years.html", "Performance years", years=years),
        new_page(common, "goals/index.html", "goals.html", "Goals", goals=goals),
        new_page(common, "reviews/index.html", "reviews.html", "Reviews", reviews=reviews),
        new_page(
            common,
            "catalogue.html",
            "catalogue.html",
            "Activity catalogue",
            activities=sorted(journal.catalogue.values(), key=lambda a: a.points),
        ),
    ]
    for year in years:
        pages.append(
            new_page(
                common,
                year.url,
                "year.html",
                f"Performance year {year.totals.year.name}",
                year=year,
            )
        )
    for goal in goals:
        pages.append(
            new_page(
                common, goal.url, "goal.html", goal.goal.title, goal=goal, source=goal.goal.path
            )
        )
    return pages + _label_pages(common, ordered)


def _label_pages(common: Mapping[str, Any], ordered: Sequence[EntryView]) -> list[Page]:
    """The skills and tags: an index of each, and a page per skill or tag."""
    pages = []
    for kind, title in (("skills", "Skills"), ("tags", "Tags")):
        groups = _labels(ordered, kind)
        pages.append(
            new_page(common, f"{kind}/index.html", "labels.html", title, kind=kind, groups=groups)
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
                )
            )
    return pages


def _goal_views(
    journal: Journal, views: Mapping[str, EntryView], markdown: Markdown
) -> list[GoalView]:
    behind_goal: dict[str, list[EntryView]] = {}
    for view in views.values():
        for goal_id in dict.fromkeys(view.entry.goals):
            behind_goal.setdefault(goal_id, []).append(view)
    goals = []
    for goal in journal.goals:
        behind = tuple(behind_goal.get(goal.id, ()))
        points = sum((v.points for v in behind if v.entry.done), ZERO)
        goals.append(
            GoalView(goal, goal_url(goal), Markup(markdown(goal.body, "r-")), behind, points)
        )
    return goals


def _year_views(
    journal: Journal,
    views: Mapping[str, EntryView],
    today: date,
    totals: Callable[[Journal, PerformanceYear, date], YearTotals],
) -> list[YearView]:
    current = performance_year(today, journal.config.year_start_month)
    return [
        _year_view(journal, views, year, today, totals, year == current)
        for year in years_of(journal, today)
    ]


def _year_view(
    journal: Journal,
    views: Mapping[str, EntryView],
    year: PerformanceYear,
    today: date,
    totals: Callable[[Journal, PerformanceYear, date], YearTotals],
    current: bool,
) -> YearView:
    in_year = [views[entry.path] for entry in entries_in(journal.entries, year)]
    done = tuple(view for view in in_year if view.entry.done)
    return YearView(
        totals=totals(journal, year, today),
        url=f"years/{year.name}.html",
        pack_url=pack_url(year),
        done=done,
        planned=tuple(view for view in in_year if not view.entry.done),
        months=_months(year, done),
        current=current,
    )


def _months(year: PerformanceYear, done: Iterable[EntryView]) -> tuple[tuple[str, Decimal], ...]:
    totals: dict[tuple[int, int], Decimal] = {}
    month = date(year.start.year, year.start.month, 1)
    for _ in range(12):
        totals[(month.year, month.month)] = ZERO
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for view in done:
        key = (view.entry.date.year, view.entry.date.month)
        totals[key] += view.points
    return tuple((date(y, m, 1).strftime("%b %Y"), points) for (y, m), points in totals.items())


def _review_views(
    journal: Journal, reviews: Iterable[Review], markdown: Markdown
) -> list[ReviewView]:
    titles = {goal.id: goal.title for goal in journal.goals}
    return [
        ReviewView(
            review,
            f"review-{review.slug}",
            tuple(Link(f"goals/{g}.html", titles[g]) for g in review.goals),
            Markup(markdown(review.body, f"{review.slug}-")),
        )
        for review in reviews
    ]


def _labels(views: Sequence[EntryView], kind: str) -> list[tuple[Link, list[EntryView]]]:
    groups: dict[str, tuple[Link, list[EntryView]]] = {}
    for view in views:
        for label in getattr(view, kind):
            groups.setdefault(label.url, (label, []))[1].append(view)
    return sorted(groups.values(), key=lambda group: group[0].text.lower())
