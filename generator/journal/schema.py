"""The journal format, declared once as data.

Validation, error messages, `pdp new` and the format reference (`docs/format.md`) are all
derived from these tables, so a field is described in exactly one place.
"""

from __future__ import annotations

from datetime import date

from msgspec import Struct

from ..model import CATEGORIES, GCS, OTHER_ACTIVITY


class Kind(Struct, frozen=True):
    """A type of value, with the phrase used to say what was expected."""

    name: str
    expected: str


TEXT = Kind("text", "text")
DATE = Kind("date", "a date written YYYY-MM-DD")
HOURS = Kind("hours", "a number of hours more than 0, written like 1.5")
NUMBER = Kind("number", "a number")
MONTH = Kind("month", "a month number from 1 (January) to 12 (December)")
FLAG = Kind("flag", "true or false")
CHOICE = Kind("choice", "one of")
TEXT_LIST = Kind("text-list", "a list of text")
ID_LIST = Kind("id-list", "a list of ids")
PATH_LIST = Kind("path-list", "a list of file paths")
ACTION_LIST = Kind(
    "action-list", "a list of review actions, each the review's id, # and the action's number"
)
ID = Kind("id", "an id")
TABLE = Kind("table", "a table")

GOAL_STATUSES: tuple[str, ...] = ("not-started", "in-progress", "achieved", "dropped")
# A goal in these statuses is no longer worked towards: its target date no longer matters.
GOAL_CLOSED: tuple[str, ...] = ("achieved", "dropped")
ENTRY_STATUSES: tuple[str, ...] = ("done", "planned")

# Words members write for a choice, by the choice they mean: a wrong value's hint names the
# choice it means before one it looks like (a goal 'done' is 'achieved', not 'in-progress').
# Case, spaces, underscores and hyphens do not matter: 'to do' is 'to-do'.
Synonyms = tuple[tuple[str, tuple[str, ...]], ...]
GOAL_STATUS_WORDS: Synonyms = (
    ("not-started", ("new", "to-do", "todo", "not-yet-started", "planned", "pending", "waiting")),
    (
        "in-progress",
        ("ongoing", "started", "active", "underway", "open", "current", "doing", "wip"),
    ),
    (
        "achieved",
        ("done", "complete", "completed", "finished", "met", "reached", "accomplished"),
    ),
    ("dropped", ("abandoned", "cancelled", "canceled", "stopped", "withdrawn", "removed")),
)
ENTRY_STATUS_WORDS: Synonyms = (
    ("done", ("complete", "completed", "finished", "attended", "achieved", "delivered")),
    (
        "planned",
        ("plan", "planning", "to-do", "todo", "upcoming", "future", "scheduled", "booked"),
    ),
)
POINTS_POLICIES: tuple[str, ...] = ("catalogue", "hours")
SCHEME_UNITS: tuple[str, ...] = ("points", "hours")
SCHEME_INCLUDES: tuple[str, ...] = ("all", "listed")

# Keys that front-matter libraries use for themselves; a journal that sets them breaks them.
RESERVED_KEYS: tuple[str, ...] = ("content", "handler")

MAX_HOURS = 1000
MAX_FILE_BYTES = 1_048_576
MAX_NESTING = 20
# The years a date may fall in. A date's performance year reaches into the year before or
# after it, which Python's dates allow only inside years 1 to 9999. No member's record needs
# more; the benchmarks' journals of 10,000 entries (some 50 a year) reach back to the 1800s.
FIRST_YEAR = 1000
LAST_YEAR = 2999
SUPPORTED_YEARS = f"the years {FIRST_YEAR} to {LAST_YEAR}"


def unsupported_date(day: date, written: str) -> str | None:
    """Why a date (`written` as the member wrote it) cannot be used: it lies outside the
    supported years. None for a date that can."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return f"{written} is outside the dates pdp supports: {SUPPORTED_YEARS}"


# What `private` means, the same for entries, goals and reviews: where pdp cannot tell, the
# file is taken as private.
PRIVATE_DOC = (
    "Kept out of the published portfolio. Any value but true or false, an empty "
    "one (`private:`, `~`, `null`) too, is an error, and such a file is never "
    "published."
)


class Field(Struct, frozen=True):
    """One key of front matter or configuration."""

    name: str
    kind: Kind
    doc: str
    example: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str = ""
    synonyms: Synonyms = ()  # other words for the choices, for hints

    def expected(self) -> str:
        if self.kind is CHOICE:
            return "one of " + ", ".join(f"'{c}'" for c in self.choices)
        return self.kind.expected

    def example_line(self) -> str:
        return f"{self.name}: {self.example}"


class Schema(Struct, frozen=True):
    """The fields of one kind of journal file (or of the configuration)."""

    name: str
    folder: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for item in self.fields:
            if item.name == name:
                return item
        return None

    def names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)


# Entries and goals name the frameworks they develop, each from its list (see
# journal.frameworks): shipped in the package, or the journal's own.
FRAMEWORK_FIELDS_OF = (
    Field(
        "disciplines",
        ID_LIST,
        "Ids of the communication disciplines of the Government Communication Service's "
        "functional standard that it develops: `strategic-communication`, `media`, "
        "`marketing`, `internal-communication`, `external-affairs`, `data-and-insight`, "
        "`digital`; or of the journal's own list, "
        "`journal/frameworks/disciplines.toml`. The coverage page counts them.",
        "[media, digital]",
    ),
    Field(
        "behaviours",
        ID_LIST,
        "Ids of the Civil Service Success Profiles behaviours that it develops: "
        "`seeing-the-big-picture`, `changing-and-improving`, `making-effective-decisions`, "
        "`leadership`, `communicating-and-influencing`, `working-together`, "
        "`developing-self-and-others`, `managing-a-quality-service`, `delivering-at-pace`; "
        "or of the journal's own list, `journal/frameworks/behaviours.toml`.",
        "[working-together]",
    ),
)

ENTRY = Schema(
    "entry",
    "journal/entries",
    "One Markdown file per learning activity, in any sub-folder of `journal/entries/`. "
    "The body is the reflection: what you did, what you learned, how you applied it.",
    (
        Field(
            "title",
            TEXT,
            "What the activity was, in a few words.",
            '"Podcast on crisis messaging"',
            required=True,
        ),
        Field("date", DATE, "The day it was done, or is planned for.", "2025-06-14", required=True),
        Field(
            "activity",
            ID,
            f"An activity id from the catalogue (`pdp catalogue`), or `{OTHER_ACTIVITY}` "
            "for an activity that is not in it.",
            "podcast",
            required=True,
        ),
        Field("hours", HOURS, "Time spent, in hours.", "1.5", required=True),
        Field(
            "category",
            CHOICE,
            f"The 70:20:10 category. Required when the activity is `{OTHER_ACTIVITY}`; "
            "otherwise it must agree with the catalogue.",
            "formal",
            choices=CATEGORIES,
        ),
        Field("goals", ID_LIST, "Ids of the PDP goals this activity serves.", "[media-handling]"),
        Field(
            "carries_out",
            ACTION_LIST,
            "The agreed actions of reviews that this activity carries out: each the review's "
            "id (its file name in `journal/reviews/`, without `.md`), `#` and the action's "
            "number in the review's `actions` list, counting from 1. The review's page shows "
            "the action as done, with this entry. Add new actions at the end of a review's "
            "list, so that the numbers entries use stay the same.",
            "[2025-10-02-mid-year-review#1]",
        ),
        Field("skills", TEXT_LIST, "Skills practised.", "[Crisis communication]"),
        Field("tags", TEXT_LIST, "Free labels for finding entries again.", "[podcast]"),
        *FRAMEWORK_FIELDS_OF,
        Field(
            "schemes",
            ID_LIST,
            f"The CPD schemes it counts for, if only some: `{GCS}` (the built-in Government "
            "Communication Service scheme) and the ids of the configuration's "
            "`[schemes.ID]` tables. Without it, the entry counts for every scheme whose "
            "`include` is `all`.",
            f"[{GCS}, cipr]",
            default="every scheme with include = all",
        ),
        Field(
            "evidence",
            PATH_LIST,
            "Files kept in the journal (certificates, slides), relative to the entry.",
            "[certificate.pdf]",
        ),
        Field(
            "private_evidence",
            PATH_LIST,
            "Evidence files kept for yourself: shown in your own build, never published.",
            "[feedback-notes.txt]",
        ),
        Field(
            "status",
            CHOICE,
            "Only done entries count towards the year's points.",
            "done",
            choices=ENTRY_STATUSES,
            default="done",
            synonyms=ENTRY_STATUS_WORDS,
        ),
        Field("private", FLAG, PRIVATE_DOC, "true", default="false"),
    ),
)

GOAL = Schema(
    "goal",
    "journal/goals",
    "One Markdown file per PDP objective in `journal/goals/`; the file name is the goal's id. "
    "The body is free text.",
    (
        Field(
            "title",
            TEXT,
            "The goal, in a few words.",
            '"Handle live media interviews"',
            required=True,
        ),
        Field("gap", TEXT, "The skill gap it closes.", '"No experience of live broadcast"'),
        Field(
            "objective",
            TEXT,
            "What you will be able to do.",
            '"Act as a spokesperson on regional radio"',
        ),
        Field(
            "measure",
            TEXT,
            "How success will be measured.",
            '"Two live interviews, reviewed with my line manager"',
        ),
        Field("target_date", DATE, "When you aim to reach it.", "2026-03-31"),
        Field(
            "status",
            CHOICE,
            "Where the goal stands.",
            "in-progress",
            choices=GOAL_STATUSES,
            default="in-progress",
            synonyms=GOAL_STATUS_WORDS,
        ),
        *FRAMEWORK_FIELDS_OF,
        Field("private", FLAG, PRIVATE_DOC, "true", default="false"),
    ),
)

REVIEW = Schema(
    "review",
    "journal/reviews",
    "One Markdown file per review conversation in `journal/reviews/`. The body holds the notes.",
    (
        Field("date", DATE, "The day of the conversation.", "2025-10-02", required=True),
        Field("title", TEXT, "A name for the review.", '"Mid-year review"'),
        Field("reviewer", TEXT, "Who you reviewed with.", '"Sam Patel"'),
        Field("goals", ID_LIST, "Ids of the goals discussed.", "[media-handling]"),
        Field(
            "actions", TEXT_LIST, "The actions you agreed.", '["Shadow the press office for a day"]'
        ),
        Field(
            "year",
            TEXT,
            "The performance year the conversation reviews, named as pdp names years (like "
            "2025-26, or 2025 for a year that starts in January). Without it: the year of "
            "its date, except that an end-of-year review (its title says end of year or "
            "year-end) held in the first three months of a year reviews the year before. "
            "The year's review pack shows the reviews of that year.",
            "2025-26",
            default="by its date",
        ),
        Field(
            "next_review",
            DATE,
            "The day agreed for the next review conversation: `pdp calendar` and the site's "
            "`calendar.ics` put it in your calendar.",
            "2026-04-15",
        ),
        Field("private", FLAG, PRIVATE_DOC, "true", default="false"),
    ),
)

CONFIG = Schema(
    "configuration",
    "pdp.toml",
    "`pdp.toml` at the top of the journal project, or the `[tool.pdp]` table of its "
    "`pyproject.toml`.",
    (
        Field(
            "name", TEXT, "Your name, as the portfolio shows it.", '"Alex Morgan"', required=True
        ),
        Field("role", TEXT, "Your role.", '"Senior Communications Officer"'),
        Field("line_manager", TEXT, "Who reviews your PDP.", '"Sam Patel"'),
        Field(
            "joined",
            DATE,
            "When you joined, if during a performance year: that year's target is "
            "pro-rated to the months left.",
            "2024-09-02",
        ),
        Field(
            "year_start_month", MONTH, "The month the performance year starts.", "4", default="4"
        ),
        Field("target", NUMBER, "CPD points needed each performance year.", "30", default="30"),
        Field(
            "guide",
            TABLE,
            "The 70:20:10 guide: percentage of points per category, adding up to 100.",
            "{ on-the-job = 70, relationships = 20, formal = 10 }",
            default="70:20:10",
        ),
        Field(
            "points_policy",
            CHOICE,
            "`catalogue`: a catalogue activity earns its points value and a custom one a "
            "point an hour; `hours`: every activity earns a point an hour.",
            '"catalogue"',
            choices=POINTS_POLICIES,
            default="catalogue",
        ),
        Field(
            "theme",
            TEXT,
            "The site theme: a folder of `themes/` in the project (any file there replaces "
            "the shipped theme's file of the same name), or a shipped theme.",
            '"default"',
            default="default",
        ),
        Field(
            "site_title",
            TEXT,
            "The portfolio's title.",
            '"Alex Morgan: CPD portfolio"',
            default="NAME: CPD portfolio",
        ),
        Field(
            "publish_planned",
            FLAG,
            "Whether the published portfolio shows planned entries.",
            "true",
            default="true",
        ),
        Field(
            "publish_calendar",
            FLAG,
            "Whether the published portfolio offers `calendar.ics` (planned entries, goals' "
            "target dates, the next review, the year's end), with nothing private in it. "
            "Your own build always offers it.",
            "false",
            default="false",
        ),
        Field(
            "search_engines",
            FLAG,
            "Let search engines index the site (pages carry `noindex` otherwise).",
            "false",
            default="false",
        ),
        Field(
            "build_time",
            FLAG,
            "Show when the site was built (makes builds differ).",
            "false",
            default="false",
        ),
        Field(
            "activities",
            TABLE,
            "Activities to add to the catalogue, or values to override, keyed by id.",
            '{ press-rota = { name = "Press office rota", category = "on-the-job", points = 5 } }',
        ),
        Field(
            "schemes",
            TABLE,
            "Other CPD schemes the journal counts towards, such as a professional body's, "
            "keyed by id: `[schemes.cipr]` with the keys of the scheme table below. The keys "
            f"above (`year_start_month`, `target`, `guide`, `points_policy`) are the rules of "
            f"the built-in scheme `{GCS}`.",
            '{ cipr = { name = "CIPR CPD", year_start_month = 9, target = 60, unit = "hours" } }',
        ),
        Field(
            "primary",
            ID,
            "The scheme the dashboard and `pdp report` lead with.",
            f'"{GCS}"',
            default=GCS,
        ),
    ),
)

SCHEME = Schema(
    "scheme",
    "pdp.toml",
    "A CPD scheme of the configuration, `[schemes.ID]`: its year, target and way of "
    "counting. Every done entry counts for it (unless the scheme lists only some, or the "
    "entry names its `schemes`), in points of this scheme. Check the rules against the "
    "body's own: pdp ships none but its own.",
    (
        Field(
            "name", TEXT, "The scheme, as pages and reports name it.", '"CIPR CPD"', required=True
        ),
        Field(
            "year_start_month",
            MONTH,
            "The month its year starts. A year that starts in January is named like 2025, "
            "any other like 2025-26.",
            "1",
            default="4",
        ),
        Field("target", NUMBER, "Points (or hours) needed each year.", "60", required=True),
        Field(
            "unit",
            CHOICE,
            "What its figures are called: `points` or `hours`.",
            '"hours"',
            choices=SCHEME_UNITS,
            default="points",
        ),
        Field(
            "use_catalogue",
            FLAG,
            "Whether a catalogue activity earns its catalogue points (as in the built-in "
            "scheme); otherwise it earns `per_hour` for each hour.",
            "false",
            default="true",
        ),
        Field(
            "per_hour",
            NUMBER,
            "Points earned an hour where no catalogue value or `values` entry applies.",
            "1",
            default="1",
        ),
        Field(
            "values",
            TABLE,
            "Points an activity earns in this scheme, by activity id, whatever its hours.",
            "{ conference = 5, coach-mentor = 2 }",
        ),
        Field(
            "caps",
            TABLE,
            "At most so many points a year from a 70:20:10 category or an activity id. "
            "Done entries count in date order, then planned ones, so the earliest pass and the "
            "later are capped.",
            "{ formal = 20, webinar = 6 }",
        ),
        Field(
            "include",
            CHOICE,
            "`all`: every done entry counts; `listed`: only entries whose `schemes` name it.",
            '"all"',
            choices=SCHEME_INCLUDES,
            default="all",
        ),
    ),
)

ACTIVITY = Schema(
    "activity",
    "pdp.toml",
    "A catalogue activity, in the shipped catalogue or in `[activities.ID]` of the configuration.",
    (
        Field(
            "name",
            TEXT,
            "The activity, as the catalogue names it.",
            '"Press office rota"',
            required=True,
        ),
        Field(
            "category",
            CHOICE,
            "The 70:20:10 category.",
            '"on-the-job"',
            required=True,
            choices=CATEGORIES,
        ),
        Field("points", NUMBER, "Points earned by one such activity.", "5", required=True),
    ),
)
