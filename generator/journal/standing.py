"""A performance year's standing: whether its points are ahead of, on or behind an even pace
to the target (or the year has not started), in a status and a sentence, and its 70:20:10 mix
in one sentence.

Pure functions of a year's figures and the day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from msgspec import Struct

from ..model import CATEGORIES, CATEGORY_LABELS, GCS, Entry, Journal
from .compute import ZERO, YearTotals, counts_for, entries_in, entry_points

TARGET_MET = "Target met"
AHEAD = "Ahead"
ON_TRACK = "On track"
BEHIND = "Behind"
NOT_STARTED = "Not started"
# A year under way is in one of the first four; a year whose first day is to come, the last.
STATUSES: tuple[str, ...] = (TARGET_MET, AHEAD, ON_TRACK, BEHIND, NOT_STARTED)
# Within this share of the target either side of an even pace, a year is on track.
BAND = Decimal("0.1")
# A category within this many points of its guide share is in line with the guide.
MIX_TOLERANCE = Decimal(1)


class YearFigures(Struct, frozen=True):
    """What a year's standing is judged from."""

    done: Decimal  # points of done entries
    planned: Decimal  # points of planned entries
    target: Decimal  # pro-rated for a member who joined during the year
    first: date  # the first day counted towards the target: the year's, or the joining month's
    last: date  # the year's last day
    done_by_day: Sequence[tuple[date, Decimal]]  # each done entry's day and points
    mix: Mapping[str, tuple[Decimal, Decimal]]  # category -> (points, guide share 0 to 1)
    planned_by_day: Sequence[tuple[date, Decimal]] = ()  # each planned entry's day and points
    joined: bool = False  # `first` is the joining month's first day, not the year's
    unit: str = "points"  # what the figures count: a scheme's points or hours


class Standing(Struct, frozen=True):
    status: str  # one of STATUSES
    expected: Decimal  # the points an even pace to the target reaches by the day
    sentence: str  # "4 points ahead of an even pace"
    mix_note: str  # "Formal learning is 2 points below the guide"

    @property
    def said(self) -> str:
        """The sentence as it reads on its own: "Target met in January, 99 points"."""
        return self.sentence[:1].upper() + self.sentence[1:]


def year_figures(
    journal: Journal,
    totals: YearTotals,
    counted: Sequence[tuple[Entry, Decimal]] | None = None,
    unit: str = "points",
) -> YearFigures:
    """A year's figures from its totals and the entries that count, with their points (by
    default the built-in scheme's): the pace counts from the month a member joined in, the
    month the pro-rated target counts from."""
    year = totals.year
    joined = journal.config.joined
    first = year.start
    if joined is not None and year.start < joined <= year.end:
        first = joined.replace(day=1)
    if counted is None:
        policy = journal.config.points_policy
        counted = [
            (entry, entry_points(entry, journal.catalogue, policy))
            for entry in entries_in(journal.entries, year)
            if counts_for(entry, GCS)
        ]
    done: list[tuple[date, Decimal]] = []
    planned: list[tuple[date, Decimal]] = []
    for entry, worth in counted:
        (done if entry.done else planned).append((entry.date, worth))
    mix = {name: (total.points, total.guide) for name, total in totals.by_category.items()}
    return YearFigures(
        totals.points,
        totals.planned_points,
        totals.target,
        first,
        year.end,
        done,
        mix,
        planned,
        joined=first != year.start,
        unit=unit,
    )


def expected_points(figures: YearFigures, today: date) -> Decimal:
    """The target times the share of the counted days gone, today counted as gone."""
    if today < figures.first:
        return ZERO
    if today >= figures.last:
        return figures.target
    days = (figures.last - figures.first).days + 1
    gone = (today - figures.first).days + 1
    return figures.target * gone / days


def standing(figures: YearFigures, today: date) -> Standing:
    """The year's status on `today`, its sentence, and its mix note."""
    expected = expected_points(figures, today)
    return Standing(
        *_status(figures, expected, today),
        mix_note=mix_note(figures.mix, figures.done, figures.unit),
    )


def _status(figures: YearFigures, expected: Decimal, today: date) -> tuple[str, Decimal, str]:
    done, target = figures.done, figures.target
    if today < figures.first:
        return NOT_STARTED, expected, _starts(figures)
    if done >= target:
        return TARGET_MET, expected, _met(figures)
    gap = done - expected
    if today > figures.last:  # no time left to catch up: short is behind
        return (
            BEHIND,
            expected,
            f"the year ended {_points(target - done, figures.unit)} short of the target",
        )
    band = target * BAND
    status = AHEAD if gap > band else BEHIND if -gap > band else ON_TRACK
    return status, expected, _pace(gap, figures.planned, status != ON_TRACK, figures.unit)


def _starts(figures: YearFigures) -> str:
    day = f"{figures.first.day} {figures.first:%B %Y}"
    if figures.joined:
        return f"the target counts from {day}, the month of joining"
    return f"the year starts on {day}"


def _met(figures: YearFigures) -> str:
    unit = figures.unit
    if figures.target <= 0:
        return f"no {unit} needed this year, {_points(figures.done, unit)}"
    total = ZERO
    for day, points in sorted(figures.done_by_day):
        total += points
        if total >= figures.target:
            return f"target met in {day:%B}, {_points(figures.done, unit)}"
    return f"target met, {_points(figures.done, unit)}"  # figures given without their days


def _pace(gap: Decimal, planned: Decimal, off_pace: bool, unit: str = "points") -> str:
    """How far from an even pace, in whole points; a year ahead or behind by less than half a
    point (its target so small the band is narrower) is never said to be on an even pace."""
    shown = _whole(abs(gap))
    side = "ahead of" if gap > 0 else "behind"
    if shown == 0 and off_pace:
        sentence = f"less than {_points(Decimal(1), unit)} {side} an even pace"
    elif shown == 0:
        sentence = "on an even pace"
    else:
        sentence = f"{_points(shown, unit)} {side} an even pace"
    if gap < 0 and planned > 0:
        sentence += f", with {_points(planned, unit)} planned"
    return sentence


def mix_note(
    mix: Mapping[str, tuple[Decimal, Decimal]], done: Decimal, unit: str = "points"
) -> str:
    """One sentence on the category furthest, in points, from its share of the guide; in
    line when every category is within a point of it."""
    guide = ":".join(_number(mix[name][1] * 100) for name in CATEGORIES if name in mix)
    if done <= 0:
        return f"No {unit} yet to compare with the {guide} guide"
    gaps = {name: points - done * share for name, (points, share) in mix.items()}
    furthest = max(gaps, key=lambda name: abs(gaps[name]))
    off = _whole(abs(gaps[furthest]))
    if abs(gaps[furthest]) < MIX_TOLERANCE or off == 0:
        return f"The mix is in line with the {guide} guide"
    side = "above" if gaps[furthest] > 0 else "below"
    return f"{CATEGORY_LABELS.get(furthest, furthest)} is {_points(off, unit)} {side} the guide"


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    """A number as people write it: no trailing zeros, at most two decimals."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


def _points(value: Decimal, unit: str = "points") -> str:
    """'1 point', '2.5 hours': a figure and its unit."""
    return f"{_number(value)} {unit.removesuffix('s') if value == 1 else unit}"
