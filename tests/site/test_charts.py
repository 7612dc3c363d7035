"""The charts' geometry: figures in, coordinates in each chart's viewBox out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from msgspec.structs import replace

from generator.journal.standing import YearFigures
from generator.site.charts import (
    Segment,
    Span,
    Tick,
    line_chart,
    mix_bar,
    month_rows,
    months_chart,
    nice_top,
    progress_bar,
    year_charts,
)

D = Decimal
GUIDE = {"on-the-job": D("0.7"), "relationships": D("0.2"), "formal": D("0.1")}
START = date(2025, 4, 1)
YEAR = YearFigures(
    done=D(12),
    planned=D(5),
    target=D(30),
    first=START,
    last=date(2026, 3, 31),
    done_by_day=((date(2025, 4, 10), D(10)), (date(2025, 6, 1), D(2))),
    mix={name: (D(0), share) for name, share in GUIDE.items()},
    planned_by_day=((date(2025, 5, 20), D(5)),),
)
MID_JUNE = date(2025, 6, 15)


def test_a_progress_bar_fits_done_and_planned_points_with_markers() -> None:
    bar = progress_bar(D(24), D(31), D(30), D(20))
    # 55 points across 640: a point is 11.64 wide.
    assert (bar.done, bar.over, bar.planned) == (Span(0, 279.3), Span(279.3, 0), Span(279.3, 360.7))
    assert (bar.target, bar.expected, bar.times, bar.far_over) == (349.1, 232.7, D("0.8"), False)


def test_a_year_far_past_its_target_shows_how_far() -> None:
    bar = progress_bar(D(99), D(0), D(30), None)
    assert (bar.done, bar.over, bar.target) == (Span(0, 193.9), Span(193.9, 446.1), 193.9)
    assert (bar.times, bar.far_over, bar.expected) == (D("3.3"), True, None)
    met = progress_bar(D(30), D(0), D(30), D(30))
    assert (met.done, met.over, met.target, met.far_over) == (
        Span(0, 640),
        Span(640, 0),
        640,
        False,
    )
    assert progress_bar(D(45), D(0), D(30), None).far_over  # exactly 1.5 times


def test_a_year_without_a_target_or_points_draws_nothing() -> None:
    bar = progress_bar(D(0), D(0), D(0), None)
    assert (bar.done, bar.over, bar.planned, bar.target, bar.times) == (
        Span(0, 0),
        Span(0, 0),
        Span(0, 0),
        0.0,
        D(0),
    )


def test_month_rows_sum_points_and_say_which_months_are_to_come() -> None:
    rows = month_rows(YEAR, START, MID_JUNE)
    assert [(row.short, row.name) for row in rows[:2]] == [
        ("Apr", "April 2025"),
        ("May", "May 2025"),
    ]
    assert [(row.done, row.planned, row.cumulative) for row in rows[:4]] == [
        (D(10), D(0), D(10)),
        (D(0), D(5), D(10)),
        (D(2), D(0), D(12)),
        (D(0), D(0), D(12)),
    ]
    assert [row.to_come for row in rows] == [False] * 3 + [True] * 9
    assert rows[0].pace == D(30) * 30 / 365  # by 30 April
    assert rows[-1].pace == 30


def test_the_line_chart_steps_up_on_each_entrys_day() -> None:
    chart = line_chart(YEAR, START, MID_JUNE)
    # x: 588 wide from 40 for 365 days; y: 208 high up from 232 for 30 points.
    assert chart.done == ("40.0,232.0 54.5,232.0 54.5,162.7 138.3,162.7 138.3,148.8 162.4,148.8")
    # The planned entry of May, not done by mid June, is drawn from today, dashed.
    assert chart.planned == "162.4,148.8 162.4,114.1 628.0,114.1"
    assert chart.pace == "40.0,232.0 628.0,24.0"
    assert (chart.target, chart.future) == (24.0, Span(162.4, 465.6))
    assert chart.levels == (Tick(232, "0"), Tick(162.7, "10"), Tick(93.3, "20"), Tick(24, "30"))
    assert [tick.label for tick in chart.months] == [
        "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"
    ]  # fmt: skip
    assert chart.months[0] == Tick(64.2, "Apr")


def test_an_ended_year_has_no_future_and_a_pro_rated_pace_starts_late() -> None:
    joined = replace(YEAR, first=date(2025, 6, 1), planned_by_day=(), planned=D(0))
    chart = line_chart(joined, START, date(2026, 5, 1))
    assert chart.future is None
    assert chart.planned == ""
    assert chart.pace == "138.3,232.0 628.0,24.0"  # from 1 June
    assert chart.done.endswith(" 628.0,148.8")


def test_the_months_chart_stacks_planned_points_on_done_ones() -> None:
    chart = months_chart(month_rows(YEAR, START, MID_JUNE), D(30), START)
    # Up to 10 points in 188 from 212; an even month is 2.5 points.
    assert chart.levels[-1] == Tick(24, "10")
    assert chart.pace == 165.0
    april, may = chart.bars[:2]
    assert (april.x, april.width, april.done, april.planned, april.label) == (
        47.4,
        34.3,
        Span(24, 188),
        Span(24, 0),
        18,
    )
    assert (may.done, may.planned) == (Span(212, 0), Span(118, 94))
    pro_rated = months_chart(month_rows(YEAR, START, MID_JUNE), D(30), date(2025, 6, 3))
    assert pro_rated.pace == 212 - 188 * 3 / 10  # 30 over the 10 months from June
    assert months_chart(month_rows(YEAR, START, MID_JUNE), D(0), START).pace is None


def test_the_mix_is_one_bar_above_the_guides() -> None:
    mix = {
        name: (D(points), share)
        for (name, share), points in zip(GUIDE.items(), (17, 5, 2), strict=True)
    }
    bar = mix_bar(mix)
    assert [(s.name, s.x, s.width) for s in bar.done] == [
        ("on-the-job", 0, 453.3),
        ("relationships", 453.3, 133.4),
        ("formal", 586.7, 53.3),
    ]
    assert bar.guide == (
        Segment("on-the-job", 0, 448, D("0.7")),
        Segment("relationships", 448, 128, D("0.2")),
        Segment("formal", 576, 64, D("0.1")),
    )
    assert mix_bar({name: (D(0), share) for name, share in GUIDE.items()}).done == ()


@pytest.mark.parametrize(
    ("value", "top"),
    [("0", (1, 1)), ("7", (8, 2)), ("30", (30, 10)), ("30.5", (40, 10)), ("101", (125, 25))],
)
def test_axes_end_on_a_round_number(value: str, top: tuple[int, int]) -> None:
    assert nice_top(D(value)) == top


def test_year_charts_mark_today_only_while_the_year_runs() -> None:
    assert year_charts(YEAR, START, MID_JUNE, D(6)).progress.expected is not None
    assert year_charts(YEAR, START, date(2026, 3, 31), D(30)).progress.expected is None
    assert year_charts(YEAR, START, date(2025, 3, 31), D(0)).progress.expected is None
