"""What a year's review pack shows beyond the year's view: its standing, the goals worked on,
each entry's evidence, the plan ahead, and its running footer for print."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from markupsafe import Markup
from msgspec import Struct

from ..journal.compute import ZERO, PerformanceYear
from ..journal.goal_progress import active
from ..journal.standing import Standing
from ..journal.year_scope import goals_of_year
from ..model import Goal, Journal
from .views import EntryView, Link, ReviewView, YearView, goal_url

PACK_TITLE = "CPD review pack {year}"
# The level of the headings in a review pack's reflections and review notes: below the
# pack's title (h1), its sections (h2) and each entry's or review's own heading (h3).
PACK_LEVEL = 4
# What evidence files are, by their ending: what a reviewer is told of each.
EVIDENCE_KINDS: Mapping[str, str] = {
    ".pdf": "PDF document",
    ".txt": "text file",
    ".md": "text file",
    ".csv": "spreadsheet (CSV)",
    ".xlsx": "spreadsheet (Excel)",
    ".ods": "spreadsheet (OpenDocument)",
    ".docx": "document (Word)",
    ".odt": "document (OpenDocument)",
    ".pptx": "slides (PowerPoint)",
    ".odp": "slides (OpenDocument)",
    ".svg": "image (SVG)",
    ".png": "image (PNG)",
    ".jpg": "image (JPEG)",
    ".jpeg": "image (JPEG)",
    ".gif": "image (GIF)",
    ".webp": "image (WebP)",
    ".html": "web page",
    ".mp3": "audio",
    ".mp4": "video",
    ".zip": "zip archive",
}


class EvidenceItem(Struct, frozen=True):
    """An evidence file as the pack lists it: whether the reviewer's zip holds it."""

    link: Link
    kind: str
    published: bool


class PackEntry(Struct, frozen=True):
    view: EntryView
    evidence: tuple[EvidenceItem, ...]


class PackGoal(Struct, frozen=True):
    """A goal worked on during the year, with the year's entries for it."""

    goal: Goal
    url: str
    active: bool
    done: tuple[EntryView, ...]
    planned: tuple[EntryView, ...]
    points: Decimal


class PackView(Struct, frozen=True):
    """Everything a review pack shows."""

    title: str
    year: YearView
    standing: Standing
    as_at: date
    entries: tuple[PackEntry, ...]
    goals: tuple[PackGoal, ...]
    numbers: Mapping[str, int]  # goal id -> its number in the pack, from 1
    reviews: tuple[ReviewView, ...]
    following: PerformanceYear  # the year after
    following_planned: tuple[EntryView, ...]
    footer: Markup  # the running footer of printed pages: a style sheet


def pack_view(
    journal: Journal,
    year: YearView,
    reviews: Sequence[ReviewView],
    following: tuple[PerformanceYear, Sequence[EntryView]],
    today: date,
) -> PackView:
    """The pack of a year from its view, its reviews (those that look back on it, with their
    notes) and the next year with its planned entries."""
    totals = year.totals
    title = PACK_TITLE.format(year=totals.year.name)
    in_year = (*year.done, *year.planned)
    goals = goals_of_year(journal, totals.year, [view.review for view in reviews])
    return PackView(
        title=title,
        year=year,
        standing=year.standing,
        as_at=min(today, totals.year.end),
        entries=tuple(PackEntry(view, evidence_of(view)) for view in year.done),
        goals=tuple(_pack_goal(goal, in_year) for goal in goals),
        numbers={goal.id: number for number, goal in enumerate(goals, 1)},
        reviews=tuple(reviews),
        following=following[0],
        following_planned=tuple(following[1]),
        footer=running_footer(journal.config.name, title),
    )


def _pack_goal(goal: Goal, in_year: Sequence[EntryView]) -> PackGoal:
    serving = [view for view in in_year if goal.id in view.entry.goals]
    done = tuple(view for view in serving if view.entry.done)
    return PackGoal(
        goal,
        goal_url(goal),
        active(goal),
        done,
        tuple(view for view in serving if not view.entry.done),
        sum((view.points for view in done), ZERO),
    )


def evidence_of(view: EntryView) -> tuple[EvidenceItem, ...]:
    """An entry's evidence files: those published, then those kept private (shown in the
    member's own build alone: the published journal has none)."""
    return tuple(
        EvidenceItem(link, evidence_kind(link.url), published)
        for links, published in ((view.evidence, True), (view.private_evidence, False))
        for link in links
    )


def evidence_kind(path: str) -> str:
    ending = posixpath.splitext(path)[1].lower()
    return EVIDENCE_KINDS.get(ending, f"{ending[1:].upper()} file" if ending else "file")


def running_footer(member: str, title: str) -> Markup:
    """The member's name and the pack's title in the margins of every printed page (the page
    numbers are the theme's)."""
    return Markup(
        "@page { "
        f"@bottom-left {{ content: {css_string(member)}; }} "
        f"@bottom-center {{ content: {css_string(title)}; }} "
        "}"
    )


def css_string(text: str) -> str:
    """Text as a CSS string: anything but letters, digits and plain punctuation escaped, so
    that no text can end the string or the style sheet."""
    escaped = "".join(
        char if char.isalnum() or char in " .,-'()" else f"\\{ord(char):06x}" for char in text
    )
    return f'"{escaped}"'
