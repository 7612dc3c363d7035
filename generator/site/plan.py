"""Plan the portfolio site: which pages exist, at which paths, with what on them.

Pure: a journal and a day in, a list of `Page`s out. Rendering them is `render`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from msgspec import Struct
from msgspec.structs import replace

from ..journal.actions import Target, carried_out
from ..journal.compute import (
    PerformanceYear,
    YearTotals,
    counts_for,
    entries_in,
    performance_year,
    year_totals,
    years_of,
)
from ..journal.goal_progress import goal_progress
from ..journal.markdown import render
from ..journal.standing import Standing, standing, year_figures
from ..journal.year_scope import reviewed_year, reviews_of
from ..model import GCS, Entry, Journal, Review
from .charts import YearCharts, year_charts
from .coverage_page import coverage_page
from .entry_pages import EntryPages, entry_view
from .formats import long_date
from .label_pages import label_pages
from .outline import demote_headings
from .review_pack import PACK_LEVEL, pack_view
from .scheme_pages import SchemeView, scheme_pages, scheme_views
from .views import (
    ActionView,
    EntryView,
    GoalView,
    Link,
    Page,
    ReviewView,
    YearView,
    action_anchor,
    goal_url,
    new_page,
    pack_url,
    review_url,
)


class _Summary(Struct, frozen=True):
    """The views that the summing-up pages and the review packs are made of."""

    ordered: list[EntryView]
    goals: list[GoalView]
    years: list[YearView]
    reviews: list[ReviewView]


ViewOf = Callable[[Entry, str], "EntryView"]
Markdown = Callable[[str, str], str]
REVIEW_LEVEL = 3  # of the headings in a review's notes, on its page
# On the reviews' index: below its title (h1), the year (h2) and the review's title (h3).
REVIEWS_INDEX_LEVEL = 4


class YearFacts(Struct, frozen=True):
    """A year's figures and charts: the same on its page and in its review pack."""

    totals: YearTotals
    standing: Standing  # the verdict on the day the site is built for
    charts: YearCharts


Totals = Callable[[Journal, PerformanceYear, date], YearTotals]
FactsOf = Callable[[Journal, PerformanceYear, date], YearFacts]


def facts_once(totals: Totals) -> FactsOf:
    """A year's facts, made once for its page and its review pack (from the same journal
    and day): a long career's packs would otherwise count and chart each year again."""
    return _FactsMemo(totals)


@dataclass(slots=True)
class _FactsMemo:
    """The facts of the years of one journal, the last asked about (one is held at most)."""

    totals: Totals
    journal: Journal | None = None
    made: dict[tuple[PerformanceYear, date], YearFacts] = field(default_factory=dict)

    def __call__(self, journal: Journal, year: PerformanceYear, today: date) -> YearFacts:
        if journal is not self.journal:
            self.journal, self.made = journal, {}
        facts = self.made.get((year, today))
        if facts is None:
            counted = self.totals(journal, year, today)
            figures = year_figures(journal, counted)
            verdict = standing(figures, today)
            charts = year_charts(figures, year.start, today, verdict.expected)
            facts = self.made[year, today] = YearFacts(counted, verdict, charts)
        return facts


class Makers(Struct, frozen=True):
    """How planning gets an entry's view (given its reflection's HTML), a goal's or
    review's HTML (given its text and heading prefix) and a year's facts: made afresh, or
    kept from before."""

    view_of: ViewOf
    markdown: Markdown
    facts: FactsOf


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

    return Makers(
        view_of, lambda text, prefix: render(text, anchor_prefix=prefix), facts_once(year_totals)
    )


def _summarise(
    journal: Journal, today: date, makers: Makers, reflections: Mapping[str, str]
) -> _Summary:
    views = {
        entry.path: makers.view_of(entry, reflections[entry.path]) for entry in journal.entries
    }
    return _Summary(
        [views[entry.path] for entry in journal.entries],
        _goal_views(journal, views, makers.markdown, today),
        _year_views(journal, views, today, makers.facts),
        _review_views(journal, journal.reviews, _below_notes(makers.markdown), views),
    )


def _below_notes(markdown: Markdown) -> Markdown:
    """Review notes as their page shows them: below its title (h1) and "Notes" (h2)."""
    return lambda text, prefix: demote_headings(markdown(text, prefix), REVIEW_LEVEL)


def summary_pages(
    journal: Journal, today: date, shared: EntryPages, makers: Makers | None = None
) -> list[Page]:
    """The pages that sum entries up: dashboard, years, goals, labels, reviews, catalogue.
    They show no reflection, so they need none rendered."""
    summary = _summarise(
        journal, today, makers or fresh_makers(shared), dict.fromkeys(shared.slugs, "")
    )
    current = next((year for year in summary.years if year.current), summary.years[-1])
    views = {view.entry.path: view for view in summary.ordered}
    schemes = scheme_views(journal, views, today)
    return [
        *_summary_pages(
            shared.common,
            journal,
            current,
            summary,
            schemes,
        ),
        coverage_page(shared.common, journal, today, summary.goals),
        *scheme_pages(shared.common, schemes),
    ]


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
    view = _year_view(journal, views, year, today, makers.facts, year == current)
    following = performance_year(year.end + timedelta(days=1), start_month)
    planned = [
        makers.view_of(entry, "")
        for entry in entries_in(journal.entries, following)
        if not entry.done
    ]

    def markdown(text: str, prefix: str) -> str:
        return demote_headings(makers.markdown(text, prefix), PACK_LEVEL)

    looking_back = reviews_of(journal.reviews, year, start_month)
    # The entries that carry out actions, of any year: the pack says which of its reviews'
    # actions are done (most years have no review: no entry need be looked at).
    actors = (
        {entry.path: makers.view_of(entry, "") for entry in journal.entries if entry.carries_out}
        if looking_back
        else {}
    )
    reviews = _review_views(journal, looking_back, markdown, actors)
    pack = pack_view(journal, view, reviews, (following, planned), today)
    return new_page(shared.common, view.pack_url, "pack.html", pack.title, pack=pack)


def _summary_pages(
    common: Mapping[str, Any],
    journal: Journal,
    current: YearView,
    summary: _Summary,
    schemes: Sequence[SchemeView],
) -> list[Page]:
    years, goals, reviews = summary.years, summary.goals, summary.reviews
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
            schemes=schemes,
            # The scheme the dashboard leads with, if not the built-in one.
            lead=schemes[0] if schemes and schemes[0].scheme.id != GCS else None,
        ),
        new_page(common, "years/index.html", "years.html", "Performance years", years=years),
        new_page(common, "goals/index.html", "goals.html", "Goals", goals=goals),
        new_page(
            common,
            "reviews/index.html",
            "reviews.html",
            "Reviews",
            reviews=reviews,
            years=_reviews_by_year(reviews),
        ),
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
    pages.extend(_review_pages(common, reviews))
    return pages + label_pages(common, summary.ordered)


def _review_pages(common: Mapping[str, Any], reviews: Sequence[ReviewView]) -> list[Page]:
    """A page per review: its notes in full and its actions with the entries behind them."""
    return [
        new_page(
            common,
            view.url,
            "review.html",
            f"{view.review.title or 'Review'}, {long_date(view.review.date)}",
            item=view,
            source=view.review.path,
        )
        for view in reviews
    ]


def _goal_views(
    journal: Journal, views: Mapping[str, EntryView], markdown: Markdown, today: date
) -> list[GoalView]:
    """The goals, active ones first, each with its evidence this performance year, its
    entries by date and the reviews that discussed it."""
    year = performance_year(today, journal.config.year_start_month)
    behind: dict[str, list[EntryView]] = {}
    for view in sorted(views.values(), key=lambda view: (view.entry.date, view.url)):
        for goal_id in dict.fromkeys(view.entry.goals):
            behind.setdefault(goal_id, []).append(view)
    discussed: dict[str, list[Link]] = {}
    for review in journal.reviews:
        title = f"{review.title or 'Review'}, {long_date(review.date)}"
        for goal_id in dict.fromkeys(review.goals):
            discussed.setdefault(goal_id, []).append(Link(review_url(review), title))
    return [
        GoalView(
            item.goal,
            goal_url(item.goal),
            Markup(markdown(item.goal.body, "r-")),
            tuple(behind.get(item.goal.id, ())),
            item,
            year.name,
            tuple(discussed.get(item.goal.id, ())),
        )
        for item in goal_progress(journal, year, today)
    ]


def _year_views(
    journal: Journal,
    views: Mapping[str, EntryView],
    today: date,
    facts_of: FactsOf,
) -> list[YearView]:
    current = performance_year(today, journal.config.year_start_month)
    return [
        _year_view(journal, views, year, today, facts_of, year == current)
        for year in years_of(journal, today)
    ]


def _year_view(
    journal: Journal,
    views: Mapping[str, EntryView],
    year: PerformanceYear,
    today: date,
    facts_of: FactsOf,
    current: bool,
) -> YearView:
    every = entries_in(journal.entries, year)
    in_year = [views[entry.path] for entry in every if counts_for(entry, GCS)]
    done = tuple(view for view in in_year if view.entry.done)
    facts = facts_of(journal, year, today)
    return YearView(
        totals=facts.totals,
        url=f"years/{year.name}.html",
        pack_url=pack_url(year),
        done=done,
        planned=tuple(view for view in in_year if not view.entry.done),
        current=current,
        standing=facts.standing,
        charts=facts.charts,
        elsewhere=tuple(views[entry.path] for entry in every if not counts_for(entry, GCS)),
    )


def _review_views(
    journal: Journal,
    reviews: Sequence[Review],
    markdown: Markdown,
    views: Mapping[str, EntryView] | None = None,
) -> list[ReviewView]:
    """The reviews' views; with the entries' `views`, each action with the entries that
    carry it out."""
    titles = {goal.id: goal.title for goal in journal.goals}
    start_month = journal.config.year_start_month
    behind = {}
    if views is not None and reviews:
        behind = carried_out(entry for entry in journal.entries if entry.carries_out)
    return [
        ReviewView(
            review,
            f"review-{review.slug}",
            tuple(Link(f"goals/{g}.html", titles[g]) for g in review.goals),
            Markup(markdown(review.body, f"{review.slug}-")),
            review_url(review),
            reviewed_year(review, start_month).name,
            _action_views(review, behind, views) if views is not None else (),
        )
        for review in reviews
    ]


def _action_views(
    review: Review, behind: Mapping[Target, list[Entry]], views: Mapping[str, EntryView]
) -> tuple[ActionView, ...]:
    actions = []
    for number, text in enumerate(review.actions, 1):
        entries = behind.get(Target(review.slug, number), ())
        actions.append(
            ActionView(
                number,
                text,
                action_anchor(number),
                done=tuple(views[entry.path] for entry in entries if entry.done),
                planned=tuple(views[entry.path] for entry in entries if not entry.done),
            )
        )
    return tuple(actions)


def _reviews_by_year(reviews: Sequence[ReviewView]) -> list[tuple[str, list[ReviewView]]]:
    """The reviews by the performance year they look back on, the latest year and review
    first, each with its notes' headings below its title on the index."""
    years: dict[str, list[ReviewView]] = {}
    for view in sorted(reviews, key=lambda view: (view.year, view.review.date), reverse=True):
        notes = Markup(demote_headings(view.html, REVIEWS_INDEX_LEVEL))
        years.setdefault(view.year, []).append(replace(view, html=notes))
    return list(years.items())
