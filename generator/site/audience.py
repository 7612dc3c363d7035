"""What the site says of who reads it: the date a published portfolio stands at, and
where the member's own figures differ from those their reviewer sees."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct

from ..journal.compute import entry_points, performance_year
from ..journal.history import History
from ..model import Journal
from .formats import figure, long_date


def as_at(journal: Journal, history: History) -> str:
    """The day the portfolio stands at: its latest done entry's date, or the latest day one
    of its entries was committed if later. Never the day of the build, so that two builds of
    the same journal are the same, byte for byte."""
    done = [entry for entry in journal.entries if entry.done]
    days = [entry.date for entry in done]
    days.extend(history.dates[entry.path][1] for entry in done if entry.path in history.dates)
    return long_date(max(days)) if days else ""


class Difference(Struct, frozen=True):
    """A year whose points the reviewer sees lower than the member does."""

    year: str
    shown: str  # the reviewer's points, with their unit
    own: str  # the member's
    left_out: str  # how many private entries, and "is" or "are"


def reviewer_differences(journal: Journal) -> tuple[Difference, ...]:
    """For the member's own build: each year whose points the published portfolio shows
    lower, because private entries done in it are left out, newest year first."""
    config = journal.config
    totals: dict[str, list[Decimal]] = {}  # by year: all points, private points
    left_out: dict[str, int] = {}
    for entry in journal.entries:
        if not entry.done:
            continue
        name = performance_year(entry.date, config.year_start_month).name
        points = entry_points(entry, journal.catalogue, config.points_policy)
        year = totals.setdefault(name, [Decimal(0), Decimal(0)])
        year[0] += points
        if entry.private:
            year[1] += points
            left_out[name] = left_out.get(name, 0) + 1
    return tuple(
        Difference(
            name,
            _points(own - private),
            figure(own),
            "1 private entry is"
            if left_out[name] == 1
            else f"{left_out[name]} private entries are",
        )
        for name, (own, private) in sorted(totals.items(), reverse=True)
        if private
    )


# The member's note is on every page: it names this many of the newest years, and counts
# the rest, so that a long career's note stays a few lines long.
NOTE_YEARS = 2


class ReviewerNote(Struct, frozen=True):
    """What the member's own build says on every page of the totals their reviewer sees."""

    newest: tuple[Difference, ...] = ()
    earlier: int = 0  # how many older years differ too

    @property
    def earlier_text(self) -> str:
        years = "1 earlier year" if self.earlier == 1 else f"{self.earlier} earlier years"
        return f"Your reviewer also sees fewer points for {years}." if self.earlier else ""


NO_NOTE = ReviewerNote()  # the published portfolio's


def reviewer_note(differences: Sequence[Difference]) -> ReviewerNote:
    """The note of `differences` (newest year first)."""
    return ReviewerNote(tuple(differences[:NOTE_YEARS]), max(len(differences) - NOTE_YEARS, 0))


def _points(value: Decimal) -> str:
    text = figure(value)
    return f"{text} point" if text == "1" else f"{text} points"
