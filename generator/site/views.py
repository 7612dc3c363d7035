"""What the site's pages are made of: the pages themselves, the views of entries, goals,
reviews and years that they show, their addresses, and what every page shows of the site."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from msgspec import Struct, field

from ..journal.compute import PerformanceYear, YearTotals
from ..journal.goal_progress import GoalProgress, active
from ..journal.history import History
from ..journal.names import slugify
from ..journal.standing import Standing
from ..model import CATEGORY_LABELS, Entry, Goal, Journal, Review
from .audience import NO_NOTE, ReviewerNote, as_at, reviewer_differences, reviewer_note
from .calendar import offered
from .charts import YearCharts

EVIDENCE_DIR = "evidence"


class Page(Struct, frozen=True):
    """One HTML page: where it goes, the template that renders it, and what it shows."""

    path: str
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # the journal file it comes from, for error messages


class Link(Struct, frozen=True):
    url: str
    text: str


class EntryView(Struct, frozen=True):
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
    actions: tuple[CarriedOut, ...] = ()  # the review actions it carries out
    # The schemes it counts for, when the journal has schemes besides the built-in one;
    # `points` is the built-in scheme's, none when the entry names only other schemes.
    schemes: tuple[Link, ...] = ()
    counted: bool = True  # it counts for the built-in scheme


class GoalView(Struct, frozen=True):
    """A goal with what its pages show: its evidence this performance year (`year`) and in
    all, its entries by date, and the reviews that discussed it."""

    goal: Goal
    url: str
    html: Markup
    entries: tuple[EntryView, ...]
    progress: GoalProgress
    year: str
    reviews: tuple[Link, ...] = ()

    @property
    def points(self) -> Decimal:
        """The points of its done entries, in all years."""
        return self.progress.all_time.points

    @property
    def active(self) -> bool:
        return active(self.goal)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What needs the member's attention, as its tags say it."""
        found = (
            (self.progress.no_evidence_in_year, "No evidence this year"),
            (self.progress.overdue, "Target date passed"),
        )
        return tuple(text for shown, text in found if shown)


class CarriedOut(Struct, frozen=True):
    """A review's agreed action, as the page of an entry that carries it out shows it."""

    url: str  # the action on its review's page
    action: str
    review: str  # the review's title and date


class ActionView(Struct, frozen=True):
    """A review's agreed action, with the entries that carry it out."""

    number: int
    text: str
    anchor: str
    done: tuple[EntryView, ...] = ()
    planned: tuple[EntryView, ...] = ()

    @property
    def status(self) -> str:
        return "Done" if self.done else "Open"

    @property
    def private_only(self) -> bool:
        """Done by private entries alone: the published portfolio shows the action open."""
        return bool(self.done) and all(view.entry.private for view in self.done)


class ReviewView(Struct, frozen=True):
    review: Review
    anchor: str
    goals: tuple[Link, ...]
    html: Markup
    url: str = ""  # the review's own page
    year: str = ""  # the performance year it looks back on
    actions: tuple[ActionView, ...] = ()

    @property
    def done(self) -> int:
        """How many of its actions are done."""
        return sum(1 for action in self.actions if action.done)


class YearView(Struct, frozen=True):
    totals: YearTotals
    url: str
    pack_url: str
    done: tuple[EntryView, ...]
    planned: tuple[EntryView, ...]
    current: bool
    standing: Standing  # the verdict on the day the site is built for
    charts: YearCharts
    # Entries of the year that name only other schemes: not in the year's figures, so not
    # in its tables, but listed so that the year page shows every entry of its months.
    elsewhere: tuple[EntryView, ...] = ()


class SiteOptions(Struct, frozen=True):
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


def review_url(review: Review) -> str:
    return f"reviews/{review.slug}.html"


def action_anchor(number: int) -> str:
    return f"action-{number}"


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
    Link("coverage.html", "Coverage"),
    Link("catalogue.html", "Catalogue"),
)


# The navigation's section of the pages of each folder: an entry's or a pack's is its year's.
SECTIONS = {
    "years": "years/index.html",
    "entries": "years/index.html",
    "pack": "years/index.html",
    "goals": "goals/index.html",
    "skills": "skills/index.html",
    "tags": "tags/index.html",
    "reviews": "reviews/index.html",
    "schemes": "index.html",  # reached from the dashboard's section of schemes
}
HOME = Link("index.html", "Home")
SCHEMES = Link("index.html#schemes", "Your CPD schemes")  # the dashboard's section


def section_of(path: str) -> str:
    """The address of the navigation's link to the section a page is in."""
    folder, _, _ = path.rpartition("/")
    return SECTIONS.get(folder, path)


def breadcrumbs(path: str, context: Mapping[str, Any]) -> tuple[Link, ...]:
    """The way down to a page below a section's index: none for a top-level page or an index."""
    folder, _, name = path.rpartition("/")
    if not folder or name == "index.html" or folder not in SECTIONS:
        return ()
    if folder == "schemes":
        return (HOME, SCHEMES)
    section = next(link for link in NAVIGATION if link.url == SECTIONS[folder])
    crumbs = [HOME, section]
    year = context["view"].year if folder == "entries" else ""
    if folder == "pack":
        year = name.removesuffix(".html")
    if year:
        crumbs.append(Link(f"years/{year}.html", year))
    return tuple(crumbs)


def new_page(
    common: Mapping[str, Any],
    path: str,
    template: str,
    title: str,
    source: str = "",
    **context: Any,
) -> Page:
    root = "../" * path.count("/")
    where = {"section": section_of(path), "crumbs": breadcrumbs(path, context)}
    return Page(
        path,
        template,
        title,
        {**common, **context, **where, "root": root, "path": path, "title": title},
        source,
    )


class SiteInfo(Struct, frozen=True):
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
    as_at: str = ""  # the published portfolio's day: see `audience.as_at`
    # The member's own build: the years whose points their reviewer sees lower.
    reviewer: ReviewerNote = NO_NOTE
    calendar: bool = False  # whether the site offers calendar.ics


def common_context(
    journal: Journal, options: SiteOptions, history: History | None = None
) -> dict[str, Any]:
    """What every page shows: the site, the navigation, the category names."""
    return {
        "site": site_info(journal, options, history or History()),
        "nav": NAVIGATION,
        "labels": CATEGORY_LABELS,
    }


def site_info(journal: Journal, options: SiteOptions, history: History) -> SiteInfo:
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
        as_at=as_at(journal, history) if options.publish else "",
        reviewer=NO_NOTE if options.publish else reviewer_note(reviewer_differences(journal)),
        calendar=offered(config, options.publish),
    )
