"""Plan the portfolio site: which pages exist, at which paths, with what on them.

Pure: a journal and a day in, a list of `Page`s out. Rendering them is `render`'s job.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from ..journal.compute import (
    ZERO,
    PerformanceYear,
    YearTotals,
    entries_in,
    entry_points,
    performance_year,
    year_totals,
    years_of,
)
from ..journal.history import History
from ..journal.markdown import PLAIN_TEXT, render
from ..journal.names import slugify
from ..model import CATEGORY_LABELS, OTHER_ACTIVITY, Activity, Entry, Goal, Journal, Review
from .formats import long_date

EVIDENCE_DIR = "evidence"


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page: where it goes, the template that renders it, and what it shows."""

    path: str
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # the journal file it comes from, for error messages


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry with what its pages show about it."""

    entry: Entry
    url: str
    points: Decimal
    year: str
    activity: str
    goals: tuple[Link, ...]
    skills: tuple[Link, ...]
    tags: tuple[Link, ...]
    evidence: tuple[Link, ...]
    private_evidence: tuple[Link, ...]
    html: Markup
    written: str = ""  # when the reflection was first committed and last changed


@dataclass(frozen=True, slots=True)
class GoalView:
    goal: Goal
    url: str
    html: Markup
    entries: tuple[EntryView, ...]
    points: Decimal


@dataclass(frozen=True, slots=True)
class GoalHeading:
    goal: Goal
    url: str


@dataclass(frozen=True, slots=True)
class ReviewView:
    review: Review
    anchor: str
    goals: tuple[Link, ...]
    html: Markup


@dataclass(frozen=True, slots=True)
class YearView:
    totals: YearTotals
    url: str
    pack_url: str
    done: tuple[EntryView, ...]
    planned: tuple[EntryView, ...]
    months: tuple[tuple[str, Decimal], ...]
    current: bool


@dataclass(frozen=True, slots=True)
class SiteOptions:
    publish: bool
    built: str = ""  # when the site was built, shown only if configured


def entry_url(entry: Entry) -> str:
    return f"entries/{entry.slug}.html"


def pack_url(year: PerformanceYear) -> str:
    return f"pack/{year.name}.html"


def label_url(kind: str, label: str) -> str:
    return f"{kind}/{slugify(label) or 'other'}.html"


def goal_url(goal: Goal) -> str:
    return f"goals/{goal.id}.html"


def evidence_url(path: str) -> str:
    """Where an evidence file (a project-relative path under journal/) is published."""
    return f"{EVIDENCE_DIR}/{path.removeprefix('journal/')}"


@dataclass(frozen=True, slots=True)
class _Summary:
    """The views that the summing-up pages and the review packs are made of."""

    ordered: list[EntryView]
    goals: list[GoalView]
    years: list[YearView]
    reviews: list[ReviewView]


ViewOf = Callable[[Entry, str], "EntryView"]
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
    """A year's review pack: planned from the year's own entries, goals' headings and
    reviews, all it shows, so that it can be made as soon as its year's reflections are, and
    an edit in another year leaves it as it was."""
    makers = makers or fresh_makers(shared)
    views = {
        entry.path: makers.view_of(entry, reflections[entry.path])
        for entry in entries_in(journal.entries, year)
    }
    current = performance_year(today, journal.config.year_start_month)
    view = _year_view(journal, views, year, today, makers.totals, year == current)
    behind: dict[str, list[EntryView]] = {}
    for done in view.done:
        for goal_id in dict.fromkeys(done.entry.goals):
            behind.setdefault(goal_id, []).append(done)
    evidence = [
        (GoalHeading(goal, goal_url(goal)), behind[goal.id])
        for goal in journal.goals
        if goal.id in behind
    ]
    reviews = _review_views(
        journal, [r for r in journal.reviews if r.date in year], makers.markdown
    )
    return _page(
        shared.common,
        view.pack_url,
        "pack.html",
        f"Review pack {year.name}",
        year=view,
        goals=evidence,
        reviews=reviews,
    )


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
        _page(
            common,
            "index.html",
            "dashboard.html",
            "Dashboard",
            year=current,
            recent=[view for view in reversed(current.done)][:5],
            goals=goals,
            years=years,
        ),
        _page(common, "years/index.html", "years.html", "Performance years", years=years),
        _page(common, "goals/index.html", "goals.html", "Goals", goals=goals),
        _page(common, "reviews/index.html", "reviews.html", "Reviews", reviews=reviews),
        _page(
            common,
            "catalogue.html",
            "catalogue.html",
            "Activity catalogue",
            activities=sorted(journal.catalogue.values(), key=lambda a: a.points),
        ),
    ]
    for year in years:
        pages.append(
            _page(
                common,
                year.url,
                "year.html",
                f"Performance year {year.totals.year.name}",
                year=year,
            )
        )
    for goal in goals:
        pages.append(
            _page(common, goal.url, "goal.html", goal.goal.title, goal=goal, source=goal.goal.path)
        )
    for kind, title in (("skills", "Skills"), ("tags", "Tags")):
        groups = _labels(ordered, kind)
        pages.append(
            _page(common, f"{kind}/index.html", "labels.html", title, kind=kind, groups=groups)
        )
        for label, entries in groups:
            pages.append(
                _page(
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


NAVIGATION: tuple[Link, ...] = (
    Link("index.html", "Dashboard"),
    Link("years/index.html", "Years"),
    Link("goals/index.html", "Goals"),
    Link("skills/index.html", "Skills"),
    Link("tags/index.html", "Tags"),
    Link("reviews/index.html", "Reviews"),
    Link("catalogue.html", "Catalogue"),
)


def _page(
    common: Mapping[str, Any],
    path: str,
    template: str,
    title: str,
    source: str = "",
    **context: Any,
) -> Page:
    root = "../" * path.count("/")
    return Page(
        path,
        template,
        title,
        {**common, **context, "root": root, "path": path, "title": title},
        source,
    )


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every page shows of the site and its member: `site` in templates.

    An object rather than a dict: Jinja2 looks a name up as an attribute first, and a
    dict's miss costs an exception on every use; `site["title"]` reads it as well.
    """

    title: str
    name: str
    role: str
    line_manager: str
    publish: bool
    noindex: bool  # asks search engines not to index the site
    built: str  # when the site was built, if shown
    target: Decimal


def _common(journal: Journal, options: SiteOptions) -> dict[str, Any]:
    """What every page shows: the site, the navigation, the category names."""
    return {"site": _site_info(journal, options), "nav": NAVIGATION, "labels": CATEGORY_LABELS}


def _site_info(journal: Journal, options: SiteOptions) -> SiteInfo:
    config = journal.config
    return SiteInfo(
        title=config.title,
        name=config.name,
        role=config.role,
        line_manager=config.line_manager,
        publish=options.publish,
        noindex=not config.search_engines,
        built=options.built if config.build_time else "",
        target=config.target,
    )


@dataclass(frozen=True, slots=True)
class EntryPages:
    """What rendering an entry's page needs beyond the entry: small enough to send to a
    worker process with each batch of entries."""

    common: Mapping[str, Any]
    catalogue: Mapping[str, Activity]
    goal_titles: Mapping[str, str]
    slugs: Mapping[str, str]
    policy: str
    start_month: int
    neighbours: Mapping[str, tuple[Link | None, Link | None]]
    history: History = field(default_factory=History)
    # The published site's: files of the journal it leaves out (see `privacy.withheld`).
    withheld: frozenset[str] = frozenset()


def entry_pages_of(
    journal: Journal,
    options: SiteOptions,
    history: History | None = None,
    withheld: frozenset[str] = frozenset(),
) -> EntryPages:
    entries = journal.entries
    links = [Link(entry_url(entry), entry.title) for entry in entries]
    neighbours = {
        entry.path: (links[i - 1] if i else None, links[i + 1] if i + 1 < len(links) else None)
        for i, entry in enumerate(entries)
    }
    return EntryPages(
        common=_common(journal, options),
        catalogue=journal.catalogue,
        goal_titles={goal.id: goal.title for goal in journal.goals},
        slugs={entry.path: entry.slug for entry in entries},
        policy=journal.config.points_policy,
        start_month=journal.config.year_start_month,
        neighbours=neighbours,
        history=history or History(),
        withheld=withheld,
    )


def entry_view(entry: Entry, shared: EntryPages, html: str) -> EntryView:
    """An entry with its links, its points and its reflection's HTML.

    The view's entry has no body: pages show the reflection as HTML, and a page that lists
    the entry is then unchanged by an edit of its reflection alone.
    """
    activity = (
        shared.catalogue[entry.activity].name
        if entry.activity != OTHER_ACTIVITY
        else "Custom activity"
    )
    return EntryView(
        entry=replace(entry, body="", body_line=1),
        url=entry_url(entry),
        points=entry_points(entry, shared.catalogue, shared.policy),
        year=performance_year(entry.date, shared.start_month).name,
        activity=activity,
        goals=tuple(Link(f"goals/{goal}.html", shared.goal_titles[goal]) for goal in entry.goals),
        skills=tuple(Link(label_url("skills", s), s) for s in entry.skills),
        tags=tuple(Link(label_url("tags", t), t) for t in entry.tags),
        evidence=tuple(Link(evidence_url(p), posixpath.basename(p)) for p in entry.evidence),
        private_evidence=tuple(
            Link(evidence_url(p), posixpath.basename(p)) for p in entry.private_evidence
        ),
        html=Markup(html),
        written=_written(entry, shared.history),
    )


def _written(entry: Entry, history: History) -> str:
    if entry.path in history.dates:
        first, last = history.dates[entry.path]
        if first == last:
            return f"first committed {long_date(first)} (from git)"
        return f"first committed {long_date(first)}, last changed {long_date(last)} (from git)"
    return history.note or "not committed to git yet"


def entry_page(view: EntryView, shared: EntryPages) -> Page:
    previous, following = shared.neighbours[view.entry.path]
    return _page(
        shared.common,
        view.url,
        "entry.html",
        view.entry.title,
        view=view,
        previous=previous,
        next=following,
        source=view.entry.path,
    )


def link_map(
    entry: Entry, slugs: Mapping[str, str], withheld: Collection[str] = ()
) -> Callable[[str], str | None]:
    """Links in a reflection to another entry's file, or to its evidence, go to their pages;
    those to a file `withheld` from the site are shown as their text alone."""
    folder = posixpath.dirname(entry.path)
    evidence = set(entry.evidence) | set(entry.private_evidence)

    def relink(href: str) -> str | None:
        target, _, fragment = href.partition("#")
        if not target or ":" in target:
            return None
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved in slugs:
            return f"../entries/{slugs[resolved]}.html" + (f"#{fragment}" if fragment else "")
        if resolved in evidence:
            return "../" + evidence_url(resolved)
        if resolved in withheld:
            return PLAIN_TEXT
        return None

    return relink


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
