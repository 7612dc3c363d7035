"""The journal's data: plain, immutable values that every stage passes along.

This module imports nothing of the package, so every other module can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

from msgspec import Struct, field

CATEGORIES: tuple[str, ...] = ("on-the-job", "relationships", "formal")
CATEGORY_LABELS: Mapping[str, str] = {
    "on-the-job": "On-the-job learning",
    "relationships": "Learning through relationships",
    "formal": "Formal learning",
}
OTHER_ACTIVITY = "other"

Severity = Literal["error", "warning"]


class Problem(Struct, frozen=True):
    """One thing wrong with the journal, pinned to a file, line and field."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    field: str
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


class Activity(Struct, frozen=True):
    """An activity of the catalogue: what it is, its 70:20:10 category, its points value."""

    id: str
    name: str
    category: str
    points: Decimal


class Term(Struct, frozen=True):
    """One item of a framework's list: its id, as entries write it, and its name."""

    id: str
    name: str


class Vocabulary(Struct, frozen=True):
    """A framework's list (the communication disciplines, the behaviours): the front-matter
    field that names its ids, its title, the document it comes from, and its terms."""

    field: str
    title: str
    source: str
    terms: tuple[Term, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(term.id for term in self.terms)


GCS = "gcs"  # the built-in scheme: the Government Communication Service's, from the config


class Scheme(Struct, frozen=True):
    """A CPD scheme an entry can count towards: its year, its target, and how it counts.

    `gcs` is built from the configuration's top-level keys; others are declared under
    `[schemes.ID]` (see journal.config and journal.schemes)."""

    id: str
    name: str
    year_start_month: int = 4
    target: Decimal = Decimal(30)
    unit: str = "points"  # "points" or "hours": how figures are labelled
    use_catalogue: bool = True  # catalogue activities earn the catalogue's points
    per_hour: Decimal = Decimal(1)  # points an hour where no value applies
    values: Mapping[str, Decimal] = field(default_factory=dict)  # activity id -> points
    # At most so many points a year from a category or an activity id, earliest entries first.
    caps: Mapping[str, Decimal] = field(default_factory=dict)
    include: str = "all"  # "all" done entries, or only those "listed" in `schemes:`


class Config(Struct, frozen=True):
    """A journal project's settings (`pdp.toml` or `[tool.pdp]`)."""

    name: str
    role: str = ""
    line_manager: str = ""
    joined: date | None = None
    year_start_month: int = 4
    target: Decimal = Decimal(30)
    guide: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            "on-the-job": Decimal(70),
            "relationships": Decimal(20),
            "formal": Decimal(10),
        }
    )
    points_policy: str = "catalogue"
    theme: str = "default"
    site_title: str = ""
    publish_planned: bool = True
    publish_calendar: bool = False  # the published portfolio offers calendar.ics
    search_engines: bool = False
    build_time: bool = False
    activities: Mapping[str, Activity] = field(default_factory=dict)
    # The frameworks' lists, shipped or the journal's own (see journal.frameworks); none:
    # the fields that name them are not checked against a list.
    frameworks: tuple[Vocabulary, ...] = ()
    schemes: Mapping[str, Scheme] = field(default_factory=dict)  # declared, besides `gcs`
    primary: str = GCS  # the scheme the dashboard leads with

    def vocabulary(self, name: str) -> Vocabulary | None:
        """The framework's list that the field `name` names ids of, if loaded."""
        return next((v for v in self.frameworks if v.field == name), None)

    @property
    def title(self) -> str:
        return self.site_title or f"{self.name}: CPD portfolio"

    @property
    def scheme_ids(self) -> tuple[str, ...]:
        """Every scheme's id: the built-in one, then those declared."""
        return (GCS, *self.schemes)


class ActionRef(Struct, frozen=True):
    """A review's agreed action that an entry says it carries out, as written
    (`REVIEW#NUMBER`), and where: for messages about it."""

    text: str
    line: int
    column: int


class Entry(Struct, frozen=True):
    """One learning activity: the facts from its front matter and its reflection."""

    path: str
    slug: str
    title: str
    date: date
    activity: str
    category: str
    hours: Decimal
    goals: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    private_evidence: tuple[str, ...] = ()
    status: str = "done"
    private: bool = False
    body: str = ""
    body_line: int = 1
    carries_out: tuple[ActionRef, ...] = ()  # the review actions it carries out
    disciplines: tuple[str, ...] = ()  # ids of the communication disciplines it develops
    behaviours: tuple[str, ...] = ()  # ids of the Success Profiles behaviours it develops
    schemes: tuple[str, ...] = ()  # the schemes it counts for, if only some (see Scheme)

    @property
    def done(self) -> bool:
        return self.status == "done"


class Goal(Struct, frozen=True):
    """A development objective of the PDP."""

    id: str
    path: str
    title: str
    gap: str = ""
    objective: str = ""
    measure: str = ""
    target_date: date | None = None
    status: str = "in-progress"
    private: bool = False
    body: str = ""
    body_line: int = 1
    disciplines: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()


Day = date  # for a field of Review, whose own field `date` hides the type's name


class Review(Struct, frozen=True):
    """Notes of a review conversation with the line manager."""

    slug: str
    path: str
    date: date
    title: str = ""
    reviewer: str = ""
    goals: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    private: bool = False
    body: str = ""
    body_line: int = 1
    year: str = ""  # the performance year it reviews, if it says; see journal.year_scope
    next_review: Day | None = None  # the next conversation, if agreed


class Journal(Struct, frozen=True):
    """Everything valid that was read from a journal project."""

    config: Config
    catalogue: Mapping[str, Activity]
    entries: tuple[Entry, ...]  # sorted by date, then path
    goals: tuple[Goal, ...]
    reviews: tuple[Review, ...]
