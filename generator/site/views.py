"""What the site's pages are made of: the pages themselves, the views of entries, goals,
reviews and years that they show, their addresses, and what every page shows of the site."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from ..journal.compute import PerformanceYear, YearTotals
from ..journal.names import slugify
from ..model import CATEGORY_LABELS, Entry, Goal, Journal, Review

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


NAVIGATION: tuple[Link, ...] = (
    Link("index.html", "Dashboard"),
    Link("years/index.html", "Years"),
    Link("goals/index.html", "Goals"),
    Link("skills/index.html", "Skills"),
    Link("tags/index.html", "Tags"),
    Link("reviews/index.html", "Reviews"),
    Link("catalogue.html", "Catalogue"),
)


def new_page(
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


def common_context(journal: Journal, options: SiteOptions) -> dict[str, Any]:
    """What every page shows: the site, the navigation, the category names."""
    return {"site": site_info(journal, options), "nav": NAVIGATION, "labels": CATEGORY_LABELS}


def site_info(journal: Journal, options: SiteOptions) -> SiteInfo:
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
