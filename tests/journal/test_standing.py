"""A year's standing: its status against an even pace, its sentence and its mix note, at the
edges of the year and of the band."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from msgspec.structs import replace

from generator.journal.compute import performance_year, year_totals
from generator.journal.standing import (
    AHEAD,
    BEHIND,
    NOT_STARTED,
    ON_TRACK,
    TARGET_MET,
    YearFigures,
    expected_points,
    mix_note,
    standing,
    year_figures,
)
from generator.model import Config, Entry, Journal

D = Decimal
GUIDE = {"on-the-job": D("0.7"), "relationships": D("0.2"), "formal": D("0.1")}
YEAR = YearFigures(
    done=D(0),
    planned=D(0),
    target=D(30),
    first=date(2025, 4, 1),
    last=date(2026, 3, 31),  # 365 days
    done_by_day=(),
    mix={name: (D(0), share) for name, share in GUIDE.items()},
)


def figures(done: str, planned: str = "0", **changes: object) -> YearFigures:
    return replace(YEAR, done=D(done), planned=D(planned), **changes)


def judged(year: YearFigures, today: date) -> tuple[str, Decimal, str]:
    found = standing(year, today)
    return found.status, found.expected, found.sentence


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 3, 31), D(0)),  # before the year
        (date(2025, 4, 1), D(30) / 365),  # its first day counts as gone
        (date(2025, 9, 30), D(30) * 183 / 365),
        (date(2026, 3, 30), D(30) * 364 / 365),
        (date(2026, 3, 31), D(30)),  # its last day: the whole target
        (date(2026, 4, 1), D(30)),  # an ended year expects the target
    ],
)
def test_expected_points_count_today_as_gone(today: date, expected: Decimal) -> None:
    assert expected_points(YEAR, today) == expected


def test_on_the_edges_of_the_band_a_year_is_on_track() -> None:
    # 73 days gone of 365: an even pace has reached 6 points; the band is 3 either side.
    today = date(2025, 6, 12)
    assert expected_points(YEAR, today) == 6
    assert judged(figures("9"), today) == (ON_TRACK, D(6), "3 points ahead of an even pace")
    assert judged(figures("3"), today) == (ON_TRACK, D(6), "3 points behind an even pace")
    assert judged(figures("6"), today) == (ON_TRACK, D(6), "on an even pace")
    assert judged(figures("9.01"), today) == (AHEAD, D(6), "3 points ahead of an even pace")
    assert judged(figures("2.99", planned="5"), today) == (
        BEHIND,
        D(6),
        "3 points behind an even pace, with 5 points planned",
    )


def test_on_the_first_day_one_point_is_on_track_and_four_ahead() -> None:
    first = date(2025, 4, 1)
    assert standing(figures("1"), first).sentence == "1 point ahead of an even pace"
    assert standing(figures("1"), first).status == ON_TRACK
    assert standing(figures("4"), first).status == AHEAD
    assert standing(figures("0"), first).status == ON_TRACK


def test_target_met_says_in_which_month() -> None:
    days = ((date(2025, 5, 2), D(20)), (date(2026, 1, 16), D(16)), (date(2026, 3, 1), D(63)))
    met = standing(figures("99", done_by_day=days), date(2026, 3, 31))
    assert (met.status, met.sentence) == (TARGET_MET, "target met in January, 99 points")
    exactly = standing(figures("30", done_by_day=((date(2025, 4, 1), D(30)),)), date(2025, 4, 1))
    assert (exactly.status, exactly.sentence) == (TARGET_MET, "target met in April, 30 points")


def test_an_ended_year_short_of_the_target_is_behind_however_close() -> None:
    after = date(2026, 4, 1)
    ended = standing(figures("29"), after)
    assert (ended.status, ended.expected) == (BEHIND, D(30))
    assert ended.sentence == "the year ended 1 point short of the target"
    # On the last day there is still time: within the band is on track.
    assert standing(figures("29"), date(2026, 3, 31)).status == ON_TRACK


def test_a_pro_rated_year_counts_its_pace_from_the_joining_month() -> None:
    config = Config(name="Jo", joined=date(2024, 6, 3))
    journal = Journal(config, {}, (), (), ())
    year = performance_year(date(2024, 6, 3), 4)
    figures_ = year_figures(journal, year_totals(journal, year, date(2024, 6, 3)))
    assert (figures_.target, figures_.first, figures_.last) == (
        D(25),
        date(2024, 6, 1),
        date(2025, 3, 31),
    )
    # 1 June to 31 March is 304 days; by 30 June, 30 of them are gone.
    assert expected_points(figures_, date(2024, 6, 30)) == D(25) * 30 / 304
    assert expected_points(figures_, date(2024, 5, 31)) == 0
    assert judged(figures_, date(2024, 5, 31)) == (
        NOT_STARTED,
        D(0),
        "the target counts from 1 June 2024, the month of joining",
    )


def test_a_year_not_yet_begun_has_not_started() -> None:
    before = date(2025, 3, 31)
    assert judged(figures("0", planned="20"), before) == (
        NOT_STARTED,
        D(0),
        "the year starts on 1 April 2025",
    )
    assert standing(figures("0"), before).said == "The year starts on 1 April 2025"
    # Its first day has begun: an even pace is the judge from then on.
    assert standing(figures("0"), date(2025, 4, 1)).status == ON_TRACK


def test_a_year_the_member_joined_in_counts_from_its_first_day_when_joined_then() -> None:
    journal = Journal(Config(name="Jo", joined=date(2024, 4, 15)), {}, (), (), ())
    year = performance_year(date(2024, 4, 15), 4)
    figures_ = year_figures(journal, year_totals(journal, year, date(2024, 3, 1)))
    assert (figures_.first, figures_.joined) == (date(2024, 4, 1), False)
    assert standing(figures_, date(2024, 3, 1)).sentence == "the year starts on 1 April 2024"


@pytest.mark.parametrize(
    ("done", "status", "sentence"),
    [
        ("1", AHEAD, "less than 1 point ahead of an even pace"),
        ("0.3", BEHIND, "less than 1 point behind an even pace"),
        ("0.6", ON_TRACK, "on an even pace"),
    ],
)
def test_a_small_target_off_its_pace_by_under_half_a_point_says_so(
    done: str, status: str, sentence: str
) -> None:
    # A target of 2.5 over March: by the 8th an even pace reaches 20/31 of a point, and the
    # band either side is a quarter of a point.
    march = figures(done, target=D("2.5"), first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert judged(march, date(2026, 3, 8)) == (status, D("2.5") * 8 / 31, sentence)


def test_year_figures_take_done_entries_by_day() -> None:
    entry = Entry("a.md", "a", "A", date(2025, 5, 1), "other", "formal", D("2.5"))
    planned = replace(entry, path="b.md", slug="b", status="planned", hours=D(4))
    journal = Journal(Config(name="Jo"), {}, (entry, planned), (), ())
    year = performance_year(entry.date, 4)
    figures_ = year_figures(journal, year_totals(journal, year, date(2025, 6, 1)))
    assert figures_.done_by_day == [(date(2025, 5, 1), D("2.5"))]
    assert (figures_.done, figures_.planned) == (D("2.5"), D(4))
    assert figures_.mix["formal"] == (D("2.5"), D("0.1"))


@pytest.mark.parametrize(
    ("points", "note"),
    [
        ((71, 18, 12), "Learning through relationships is 2 points below the guide"),
        ((17, 5, 2), "The mix is in line with the 70:20:10 guide"),  # all within a point
        ((15, 6, 3), "On-the-job learning is 2 points below the guide"),
        ((20, 0, 10), "Formal learning is 7 points above the guide"),
        ((0, 0, 0), "No points yet to compare with the 70:20:10 guide"),
        ((15, "3.5", "1.5"), "On-the-job learning is 1 point above the guide"),  # exactly 1
        ((17, "4.5", "2.5"), "The mix is in line with the 70:20:10 guide"),  # 0.5 and less
    ],
)
def test_mix_note_names_the_category_furthest_from_the_guide(
    points: tuple[int | str, ...], note: str
) -> None:
    mix = {name: (D(p), GUIDE[name]) for name, p in zip(GUIDE, points, strict=True)}
    assert mix_note(mix, sum((D(p) for p in points), D(0))) == note


def test_on_the_last_day_the_band_still_holds() -> None:
    last = date(2026, 3, 31)
    assert judged(figures("27"), last) == (ON_TRACK, D(30), "3 points behind an even pace")
    assert judged(figures("26.99"), last) == (BEHIND, D(30), "3 points behind an even pace")
    assert judged(figures("30"), last)[0] == TARGET_MET


def test_a_pro_rated_year_is_judged_against_its_own_target_and_band() -> None:
    journal = Journal(Config(name="Jo", joined=date(2024, 6, 3)), {}, (), (), ())
    year = performance_year(date(2024, 6, 3), 4)
    empty = year_figures(journal, year_totals(journal, year, date(2024, 6, 3)))
    halfway = date(2024, 10, 30)  # 152 of the 304 days from 1 June: 12.5 of 25 points
    on = replace(empty, done=D("12.5"))
    assert judged(on, halfway) == (ON_TRACK, D("12.5"), "on an even pace")
    # The band is a tenth of the pro-rated 25: 2.5 either side.
    assert judged(replace(empty, done=D(15)), halfway)[0] == ON_TRACK
    assert judged(replace(empty, done=D("15.01")), halfway)[0] == AHEAD
    assert judged(replace(empty, done=D(10)), halfway)[0] == ON_TRACK
    assert judged(replace(empty, done=D("9.99")), halfway)[0] == BEHIND


def test_a_year_before_the_member_joined_needs_no_points() -> None:
    config = Config(name="Jo", joined=date(2025, 6, 3))
    journal = Journal(config, {}, (), (), ())
    year = performance_year(date(2024, 6, 3), 4)
    found = standing(
        year_figures(journal, year_totals(journal, year, date(2025, 6, 3))), date(2025, 6, 3)
    )
    assert (found.status, found.sentence) == (TARGET_MET, "no points needed this year, 0 points")


def test_the_sentence_said_on_its_own_starts_with_a_capital() -> None:
    ended = standing(figures("29"), date(2026, 4, 1))
    assert ended.said == "The year ended 1 point short of the target"
    assert standing(figures("9"), date(2025, 6, 12)).said == "3 points ahead of an even pace"
