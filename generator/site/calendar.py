"""`calendar.ics`: what comes next, as an iCalendar file (RFC 5545) for any calendar app.

Planned entries on their days, active goals' target dates, the next reviews that reviews
agreed, and the end of each scheme's current year and of its next with what is still needed.
Every event is all-day. Its UID comes from the journal item's id and the kind of event, so
importing the file again updates the events instead of adding them twice; nothing in it
depends on the clock, so the same journal on the same day gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from msgspec import Struct

from ..journal.compute import entry_points, performance_year, year_starting
from ..journal.goal_progress import active
from ..journal.schemes import SchemeYear, scheme_year, schemes_of
from ..model import GCS, Config, Entry, Goal, Journal, Review, Scheme
from .formats import amount, figure, long_date

CALENDAR_FILE = "calendar.ics"
PRODUCT_ID = "-//pdp//CPD journal//EN"
UID_DOMAIN = "pdp.cpd-journal"  # names the calendar's maker, so UIDs differ from others'
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded


class Event(Struct, frozen=True):
    """One all-day event: its UID's parts, its day, and its text."""

    kind: str  # planned, goal, review or year-end
    item: str  # the id of the journal item it comes from
    day: date
    summary: str
    description: str = ""

    @property
    def uid(self) -> str:
        return f"{self.kind}.{self.item}@{UID_DOMAIN}"


def offered(config: Config, publish: bool) -> bool:
    """Whether a site has `calendar.ics`: the member's own build always, the published
    portfolio only when the configuration says so."""
    return not publish or config.publish_calendar


def calendar_events(journal: Journal, today: date) -> list[Event]:
    """Every event of the journal's calendar, by day, then kind and item."""
    events = [
        *_planned(journal),
        *_goals(journal.goals),
        *_reviews(journal.reviews),
        *_year_ends(journal, today),
    ]
    return sorted(events, key=lambda event: (event.day, event.kind, event.item))


def calendar_text(journal: Journal, today: date, events: Sequence[Event] | None = None) -> str:
    """The journal's calendar as iCalendar text: CRLF line ends, long lines folded; of
    `events` if they are found already."""
    if events is None:
        events = calendar_events(journal, today)
    stamp = _stamp(journal, today)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(journal.config.title)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event_lines(event: Event, stamp: str) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{event.uid}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}"
    yield f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}"
    yield f"SUMMARY:{escape_text(event.summary)}"
    if event.description:
        yield f"DESCRIPTION:{escape_text(event.description)}"
    yield "TRANSP:TRANSPARENT"  # a reminder, not time taken: leaves the day free
    yield "END:VEVENT"


def _stamp(journal: Journal, today: date) -> str:
    """DTSTAMP: the day of the journal's latest record up to today (the day itself if it
    has none), so the stamp moves only when the journal does, never with the clock."""
    days = [entry.date for entry in journal.entries if entry.date <= today]
    days.extend(review.date for review in journal.reviews if review.date <= today)
    return f"{max(days, default=today):%Y%m%d}T000000Z"


def _planned(journal: Journal) -> Iterator[Event]:
    for entry in journal.entries:
        if not entry.done:
            yield Event("planned", entry.slug, entry.date, entry.title, _plan_text(entry, journal))


def _plan_text(entry: Entry, journal: Journal) -> str:
    points = entry_points(entry, journal.catalogue, journal.config.points_policy)
    text = f"Planned CPD: {amount(entry.hours, 'hours')}, {amount(points, 'points')}."
    if entry.goals:
        text += "\nGoals: " + ", ".join(entry.goals) + "."
    return text


def _goals(goals: Iterable[Goal]) -> Iterator[Event]:
    for goal in goals:
        if goal.target_date is not None and active(goal):
            about = "\n".join(
                f"{label}: {text}"
                for label, text in (("Objective", goal.objective), ("Measure", goal.measure))
                if text
            )
            yield Event("goal", goal.id, goal.target_date, f"Goal due: {goal.title}", about)


def _reviews(reviews: Iterable[Review]) -> Iterator[Event]:
    for review in reviews:
        if review.next_review is not None:
            summary = "PDP review" + (f" with {review.reviewer}" if review.reviewer else "")
            agreed = f"Agreed at the review of {long_date(review.date)}"
            agreed += f" ({review.title})." if review.title else "."
            actions = "".join(f"\n- {action}" for action in review.actions)
            text = agreed + ("\nActions agreed:" + actions if actions else "")
            yield Event("review", review.slug, review.next_review, summary, text)


def _year_ends(journal: Journal, today: date) -> Iterator[Event]:
    """The end of each scheme's current year and of its next, with what is still needed.
    The built-in scheme's events keep the UIDs they had before schemes were declared."""
    declared = bool(journal.config.schemes)
    for scheme in schemes_of(journal.config):
        current = performance_year(today, scheme.year_start_month)
        following = year_starting(current.start.year + 1, scheme.year_start_month)
        for year in (current, following):
            found = scheme_year(journal, scheme, year, today)
            yield _year_end(found, _year_label(scheme, declared))


def _year_label(scheme: Scheme, declared: bool) -> str:
    """How a year's end names its scheme: the built-in one as "CPD" unless others are
    declared beside it."""
    return "CPD" if scheme.id == GCS and not declared else scheme.name


def _year_end(found: SchemeYear, label: str) -> Event:
    scheme, totals = found.scheme, found.totals
    year, unit = totals.year, scheme.unit
    if totals.remaining:
        summary = f"{label} year {year.name} ends: {amount(totals.remaining, unit)} to go"
    else:
        summary = f"{label} year {year.name} ends: target met"
    text = f"{figure(totals.points)} of {amount(totals.target, unit)} done"
    if found.capped:
        text += f" ({amount(found.capped, unit)} left out by caps)"
    if totals.planned_points:  # planned entries its caps leave nothing to count add none
        text += f"; {figure(totals.planned_points)} more planned"
    item = year.name if scheme.id == GCS else f"{scheme.id}.{year.name}"
    return Event("year-end", item, year.end, summary, text + ".")


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line ends escaped."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded (RFC 5545 3.1): no line longer than 75 octets, continued
    lines starting with a space, never splitting a character's UTF-8 bytes."""
    parts: list[str] = []
    size, start, limit = 0, 0, LINE_OCTETS
    for index, char in enumerate(line):
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(line[start:index])
            size, start, limit = 0, index, LINE_OCTETS - 1  # the leading space takes one
        size += width
    parts.append(line[start:])
    return "\r\n ".join(parts)
