"""The geometry of a year's charts: its progress bar, its cumulative points against an even
pace, its points by month and its 70:20:10 mix, as coordinates in each chart's viewBox.

Pure functions of a year's figures and the day; templates only place what they give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from msgspec import Struct

from ..journal.compute import ZERO
from ..journal.standing import YearFigures, expected_points
from ..model import CATEGORIES

WIDE = 640  # the viewBox width of the wide charts: they scale with the page
LINE_HEIGHT = 260
MONTHS_HEIGHT = 240
# Room round the plot of the line and months charts for the axes' labels.
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 24, 28
# Above this many times the target, the progress bar says "3.3 times the target".
TIMES_FROM = Decimal("1.5")


class Span(Struct, frozen=True):
    x: float
    width: float


class Tick(Struct, frozen=True):
    """A label on an axis, at its place along it."""

    at: float
    label: str


class ProgressBar(Struct, frozen=True):
    """Done points up to the target, past it, and planned, on a scale that fits them all."""

    width: float
    done: Span  # up to the target
    over: Span  # past the target
    planned: Span
    target: float  # x of the target
    expected: float | None  # x of the points an even pace reaches today, while the year runs
    times: Decimal  # done points as a multiple of the target (0 without a target)

    @property
    def far_over(self) -> bool:
        """Far enough past the target to say it as a multiple: "3.3 times the target"."""
        return self.times >= TIMES_FROM


class MonthRow(Struct, frozen=True):
    """A month of the year, with the figures its chart and table show."""

    start: date
    done: Decimal
    planned: Decimal
    cumulative: Decimal  # done points by the month's end
    pace: Decimal  # the points an even pace to the target reaches by the month's end
    to_come: bool  # it starts after today

    @property
    def short(self) -> str:
        return f"{self.start:%b}"

    @property
    def name(self) -> str:
        return f"{self.start:%B %Y}"


class LineChart(Struct, frozen=True):
    """Cumulative points through the year against the even-pace line to the target."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    done: str  # the points of an SVG polyline
    planned: str  # from the last done point; empty without planned entries
    pace: str
    target: float  # y of the target
    future: Span | None  # the days to come, greyed
    months: tuple[Tick, ...]  # x of each month's label
    month_lines: tuple[float, ...]  # x where each month after the first starts
    levels: tuple[Tick, ...]  # y of each level line, labelled with its points


class MonthBar(Struct, frozen=True):
    row: MonthRow
    x: float
    width: float
    done: Span  # along y: from the top of the bar, its height
    planned: Span  # stacked on the done points
    label: float  # y of the value above the bar


class MonthsChart(Struct, frozen=True):
    width: float
    height: float
    left: float
    right: float
    baseline: float
    bars: tuple[MonthBar, ...]
    pace: float | None  # y of an even month's points, without a target none
    levels: tuple[Tick, ...]


class Segment(Struct, frozen=True):
    name: str
    x: float
    width: float
    share: Decimal


class MixBar(Struct, frozen=True):
    """The year's points by category as one stacked bar, above the guide's as another."""

    width: float
    done: tuple[Segment, ...]
    guide: tuple[Segment, ...]


class YearCharts(Struct, frozen=True):
    progress: ProgressBar
    rows: tuple[MonthRow, ...]
    line: LineChart
    months: MonthsChart
    mix: MixBar


def year_charts(figures: YearFigures, start: date, today: date, expected: Decimal) -> YearCharts:
    """Every chart of the year that starts on `start`, on `today`."""
    rows = month_rows(figures, start, today)
    running = start <= today < figures.last
    return YearCharts(
        progress_bar(figures.done, figures.planned, figures.target, expected if running else None),
        rows,
        line_chart(figures, start, today),
        months_chart(rows, figures.target, figures.first),
        mix_bar(figures.mix),
    )


def _at(value: float) -> float:
    return round(value, 1)


def progress_bar(
    done: Decimal, planned: Decimal, target: Decimal, expected: Decimal | None, width: int = WIDE
) -> ProgressBar:
    """A bar whose scale fits the target and every point done or planned, so that a year far
    past its target shows how far."""
    scale = max(target, done + planned) or Decimal(1)

    def x(value: Decimal) -> float:
        return _at(width * float(value / scale))

    met = x(min(done, target))
    return ProgressBar(
        width,
        Span(0, met),
        Span(met, _at(x(done) - met)),
        Span(x(done), _at(x(done + planned) - x(done))),
        x(target),
        None if expected is None else x(expected),
        done / target if target > 0 else ZERO,
    )


def month_starts(start: date) -> list[date]:
    """The first days of the twelve months of the year that starts on `start`."""
    months = []
    month = start
    for _ in range(12):
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def month_rows(figures: YearFigures, start: date, today: date) -> tuple[MonthRow, ...]:
    starts = month_starts(start)
    done = _by_month(starts, figures.done_by_day)
    planned = _by_month(starts, figures.planned_by_day)
    rows = []
    total = ZERO
    for index, first in enumerate(starts):
        total += done[index]
        last = starts[index + 1] - timedelta(days=1) if index < 11 else figures.last
        rows.append(
            MonthRow(
                first,
                done[index],
                planned[index],
                total,
                expected_points(figures, last),
                first > today,
            )
        )
    return tuple(rows)


def _by_month(starts: Sequence[date], days: Iterable[tuple[date, Decimal]]) -> list[Decimal]:
    sums = [ZERO] * len(starts)
    for day, points in days:
        index = sum(1 for first in starts if first <= day) - 1
        if index >= 0:
            sums[index] += points
    return sums


def nice_top(value: Decimal) -> tuple[int, int]:
    """A round top for an axis that shows `value`, and the step of its level lines."""
    top = max(int(value.to_integral_value(rounding=ROUND_CEILING)), 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top <= step * 5:
            return -(-top // step) * step, step
    step = -(-top // 5000) * 1000
    return -(-top // step) * step, step


def _levels(top: int, step: int, y: _Scale) -> tuple[Tick, ...]:
    return tuple(Tick(y(Decimal(level)), str(level)) for level in range(0, top + 1, step))


class _Scale:
    """Points to y in a plot from `bottom` up to `top` for `most` points."""

    def __init__(self, bottom: float, top: float, most: int) -> None:
        self.bottom, self.height, self.most = bottom, bottom - top, most

    def __call__(self, points: Decimal) -> float:
        return _at(self.bottom - self.height * float(points) / self.most)


def line_chart(figures: YearFigures, start: date, today: date) -> LineChart:
    """Steps of cumulative done points up to today, then planned ones dashed, against the
    straight line of an even pace from the first counted day to the target."""
    width, height = WIDE, LINE_HEIGHT
    right, bottom = width - RIGHT, height - BOTTOM
    days = (figures.last - start).days + 1
    top, step = nice_top(max(figures.target, figures.done + figures.planned))
    y = _Scale(bottom, TOP, top)

    def x(day: date) -> float:
        gone = min(max((day - start).days, 0), days)
        return _at(LEFT + (right - LEFT) * gone / days)

    now = min(max(today + timedelta(days=1), start), figures.last + timedelta(days=1))
    done, reached = _steps(start, figures.done_by_day, ZERO, now, x, y)
    later = [(max(day, now), points) for day, points in figures.planned_by_day]
    planned = _steps(now, later, reached, figures.last + timedelta(days=1), x, y)[0]
    starts = month_starts(start)
    ends = [*starts[1:], figures.last + timedelta(days=1)]
    return LineChart(
        width,
        height,
        LEFT,
        right,
        TOP,
        bottom,
        done,
        planned if later else "",
        f"{x(figures.first)},{y(ZERO)} {x(ends[-1])},{y(figures.target)}",
        y(figures.target),
        Span(x(now), _at(right - x(now))) if now <= figures.last else None,
        tuple(Tick(_at((x(a) + x(b)) / 2), f"{a:%b}") for a, b in zip(starts, ends, strict=True)),
        tuple(x(first) for first in starts[1:]),
        _levels(top, step, y),
    )


def _steps(
    since: date,
    days: Iterable[tuple[date, Decimal]],
    total: Decimal,
    until: date,
    x: Callable[[date], float],
    y: _Scale,
) -> tuple[str, Decimal]:
    """The points of a stepped line from `total` on `since`, rising on each day by its points,
    flat to `until`; and the total it reaches."""
    points = [f"{x(since)},{y(total)}"]
    for day, worth in sorted(days):
        if not since <= day < until:
            continue
        points.append(f"{x(day)},{y(total)}")
        total += worth
        points.append(f"{x(day)},{y(total)}")
    points.append(f"{x(until)},{y(total)}")
    # The line only goes right and up, so a repeated point follows itself: drop it.
    return " ".join(dict.fromkeys(points)), total


def months_chart(rows: Sequence[MonthRow], target: Decimal, first: date) -> MonthsChart:
    """A bar a month, done points with planned ones stacked on them, against an even
    month's share of the target (counted from the month a member joined in)."""
    width, height = WIDE, MONTHS_HEIGHT
    right, bottom = width - RIGHT, height - BOTTOM
    counted = sum(1 for row in rows if row.start >= first.replace(day=1)) or 1
    pace = target / counted
    top, step = nice_top(max([pace, *(row.done + row.planned for row in rows)]))
    y = _Scale(bottom, TOP, top)
    slot = (right - LEFT) / len(rows)
    bars = []
    for index, row in enumerate(rows):
        done_top = y(row.done)
        planned_top = y(row.done + row.planned)
        bars.append(
            MonthBar(
                row,
                _at(LEFT + slot * index + slot * 0.15),
                _at(slot * 0.7),
                Span(done_top, _at(bottom - done_top)),
                Span(planned_top, _at(done_top - planned_top)),
                _at(planned_top - 6),
            )
        )
    return MonthsChart(
        width,
        height,
        LEFT,
        right,
        bottom,
        tuple(bars),
        y(pace) if target > 0 else None,
        _levels(top, step, y),
    )


def mix_bar(mix: Mapping[str, tuple[Decimal, Decimal]], width: int = WIDE) -> MixBar:
    """The done points' shares and the guide's, each as one bar of segments in the order of
    the categories."""
    names = [name for name in CATEGORIES if name in mix]
    done = sum((mix[name][0] for name in names), ZERO)
    shares = {name: mix[name][0] / done if done else ZERO for name in names}
    return MixBar(
        width,
        _segments(names, shares, width),
        _segments(names, {name: mix[name][1] for name in names}, width),
    )


def _segments(
    names: Sequence[str], shares: Mapping[str, Decimal], width: int
) -> tuple[Segment, ...]:
    segments = []
    gone = ZERO
    for name in names:
        start = _at(width * float(gone))
        gone += shares[name]
        segments.append(Segment(name, start, _at(width * float(gone) - start), shares[name]))
    return tuple(segment for segment in segments if segment.width > 0)
