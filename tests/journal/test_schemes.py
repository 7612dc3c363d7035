"""Several schemes from one journal: each scheme's years, what each entry earns in it, its caps,
the entries it counts, its pro-rated target and its sentences. Every expected figure below was
worked out by hand from the scheme's rules, not by the code under test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from msgspec.structs import replace

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.compute import counts_for, year_starting, year_totals, years_of
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.schemes import (
    count_year,
    current_years,
    earned,
    entry_points_by_scheme,
    gcs_scheme,
    scheme_report,
    scheme_year,
    scheme_years_of,
    schemes_of,
)
from generator.journal.standing import AHEAD, BEHIND, NOT_STARTED, ON_TRACK, TARGET_MET
from generator.model import GCS, Config, Entry, Journal, Scheme

from ..conftest import REPOSITORY, TODAY

D = Decimal
CATALOGUE = parse_catalogue(shipped_catalogue_text())
JANUARY = Scheme("cal", "Calendar-year scheme", year_start_month=1, target=D(30))
MARCH = Scheme("mar", "March scheme", year_start_month=3, target=D(30))


def entry(
    day: str,
    activity: str = "other",
    hours: str = "1",
    *,
    status: str = "done",
    schemes: tuple[str, ...] = (),
) -> Entry:
    """An entry; a custom (`other`) one is on-the-job learning."""
    known = CATALOGUE.get(activity)
    return Entry(
        path=f"journal/entries/{day}-{activity}-{hours}.md",
        slug=f"{day}-{activity}-{hours}",
        title=activity,
        date=date.fromisoformat(day),
        activity=activity,
        category=known.category if known else "on-the-job",
        hours=D(hours),
        status=status,
        schemes=schemes,
    )


def journal(
    *entries: Entry,
    schemes: tuple[Scheme, ...] = (),
    joined: str | None = None,
    policy: str = "catalogue",
) -> Journal:
    config = Config(
        name="Sam Rivera",
        joined=date.fromisoformat(joined) if joined else None,
        points_policy=policy,
        schemes={scheme.id: scheme for scheme in schemes},
    )
    ordered = tuple(sorted(entries, key=lambda e: (e.date, e.path)))
    return Journal(config, CATALOGUE, ordered, (), ())


def scheme_of(found: Journal, scheme_id: str) -> Scheme:
    return next(scheme for scheme in schemes_of(found.config) if scheme.id == scheme_id)


# -- years: January, March and April, on and around their first and last days ----------------

# Each entry's hours are a power of two, so that a year's total names the entries in it.
EDGES = journal(
    *(
        entry(day, hours=str(2**power))
        for power, day in enumerate(
            [
                "2024-12-31",  # 1: the day before a January year
                "2025-01-01",  # 2: a January year's first day
                "2025-02-28",  # 4: a March year's last day
                "2025-03-01",  # 8: a March year's first day
                "2025-03-31",  # 16: an April year's last day
                "2025-04-01",  # 32: an April year's first day
                "2025-12-31",  # 64: a January year's last day
                "2026-01-01",  # 128: the day after it
                "2026-02-28",  # 256: a March year's last day
                "2026-03-01",  # 512: the day after it
                "2026-03-31",  # 1024: an April year's last day
                "2026-04-01",  # 2048: the day after it
            ]
        )
    ),
    schemes=(JANUARY, MARCH),
)


@pytest.mark.parametrize(
    ("scheme_id", "expected"),
    [
        (
            "cal",
            [
                ("2024", "2024-01-01", "2024-12-31", 1, 1),
                ("2025", "2025-01-01", "2025-12-31", 2 + 4 + 8 + 16 + 32 + 64, 6),
                ("2026", "2026-01-01", "2026-12-31", 128 + 256 + 512 + 1024 + 2048, 5),
            ],
        ),
        (
            "mar",
            [
                ("2024-25", "2024-03-01", "2025-02-28", 1 + 2 + 4, 3),
                ("2025-26", "2025-03-01", "2026-02-28", 8 + 16 + 32 + 64 + 128 + 256, 6),
                ("2026-27", "2026-03-01", "2027-02-28", 512 + 1024 + 2048, 3),
            ],
        ),
        (
            GCS,
            [
                ("2024-25", "2024-04-01", "2025-03-31", 1 + 2 + 4 + 8 + 16, 5),
                ("2025-26", "2025-04-01", "2026-03-31", 32 + 64 + 128 + 256 + 512 + 1024, 6),
                ("2026-27", "2026-04-01", "2027-03-31", 2048, 1),
            ],
        ),
    ],
)
def test_each_scheme_counts_the_entries_of_its_own_years(
    scheme_id: str, expected: list[tuple[str, str, str, int, int]]
) -> None:
    as_decimals = [(name, start, end, D(points), n) for name, start, end, points, n in expected]
    found = [
        (
            item.totals.year.name,
            item.totals.year.start.isoformat(),
            item.totals.year.end.isoformat(),
            item.totals.points,
            item.totals.entries,
        )
        for item in scheme_report(EDGES, scheme_of(EDGES, scheme_id), TODAY)
    ]
    assert found == as_decimals


@pytest.mark.parametrize(
    ("scheme", "entries", "today", "expected"),
    [
        (JANUARY, [entry("2020-06-01"), entry("2025-02-01")], TODAY, ["2020", "2025", "2026"]),
        (MARCH, [entry("2025-02-28")], date(2025, 3, 1), ["2024-25", "2025-26"]),
        (MARCH, [], date(2026, 2, 28), ["2025-26"]),
        (None, [], date(2026, 3, 31), ["2025-26"]),
        (None, [entry("2027-05-01", status="planned")], TODAY, ["2026-27", "2027-28"]),
        # Only the entries that count for a scheme give it a year.
        (
            replace(JANUARY, include="listed"),
            [entry("2021-07-01"), entry("2023-07-01", schemes=("cal",))],
            TODAY,
            ["2023", "2026"],
        ),
        (None, [entry("2021-07-01", schemes=("cal",))], TODAY, ["2026-27"]),
    ],
    ids=["gaps", "march", "march-empty", "april-empty", "planned", "listed", "named-elsewhere"],
)
def test_a_schemes_years_are_those_with_entries_for_it_and_the_current_one(
    scheme: Scheme | None, entries: list[Entry], today: date, expected: list[str]
) -> None:
    declared = (JANUARY,) if scheme is None else (scheme,)
    found = journal(*entries, schemes=declared)
    chosen = gcs_scheme(found.config) if scheme is None else scheme
    assert [year.name for year in scheme_years_of(found, chosen, today)] == expected


# -- what an entry earns: values, the catalogue, points an hour --------------------------------

EARNING = [
    entry("2025-05-01", "podcast", "1.5"),  # catalogue: 2
    entry("2025-06-01", "conference", "7"),  # catalogue: 10
    entry("2025-07-01", "other", "3"),
    entry("2025-08-01", "book", "4"),  # catalogue: 5
]


@pytest.mark.parametrize(
    ("scheme", "policy", "expected"),
    [
        (None, "catalogue", ["2", "10", "3", "5"]),
        (None, "hours", ["1.5", "7", "3", "4"]),
        (
            Scheme("vals", "V", values={"conference": D(6), "other": D(1)}),
            "catalogue",
            ["2", "6", "1", "5"],
        ),
        (
            Scheme("hourly", "H", use_catalogue=False, per_hour=D(2)),
            "catalogue",
            ["3", "14", "6", "8"],
        ),
        (
            Scheme("mixed", "M", use_catalogue=False, per_hour=D("0.5"), values={"book": D(4)}),
            "catalogue",
            ["0.75", "3.5", "1.5", "4"],
        ),
    ],
    ids=["gcs", "gcs-hours-policy", "values", "per-hour", "per-hour-and-values"],
)
def test_an_entry_earns_the_schemes_value_the_catalogues_or_its_hours(
    scheme: Scheme | None, policy: str, expected: list[str]
) -> None:
    found = journal(*EARNING, schemes=() if scheme is None else (scheme,), policy=policy)
    chosen = gcs_scheme(found.config) if scheme is None else scheme
    assert [earned(item, chosen, CATALOGUE) for item in EARNING] == [D(x) for x in expected]
    totals = scheme_year(found, chosen, year_starting(2025, 4), TODAY).totals
    assert totals.points == sum((D(x) for x in expected), D(0))
    assert totals.hours == D("15.5")


# -- caps: on a category and on an activity id, the earliest entries first ---------------------

CAPPED = Scheme("capped", "Capped", caps={"formal": D(10), "webinar": D(3)})
CAPPED_ENTRIES = [
    entry("2025-04-10", "webinar"),  # 2 of formal's 10 and webinar's 3
    entry("2025-05-10", "webinar"),  # 2, but webinar has 1 left
    entry("2025-06-10", "book"),  # 5: formal has 7 left
    entry("2025-07-10", "webinar"),  # 2: webinar has none left (formal 2)
    entry("2025-08-10", "conference"),  # 10: formal has 2 left
    entry("2025-09-10", "job-shadowing"),  # 5: on-the-job, no cap
    entry("2025-05-01", "podcast", status="planned"),  # 2, after the done ones: formal is spent
    entry("2026-04-02", "webinar"),  # the next year: caps start again
]


def test_caps_pass_the_earliest_done_entries_then_the_planned_ones() -> None:
    found = journal(*CAPPED_ENTRIES, schemes=(CAPPED,))
    year = scheme_year(found, CAPPED, year_starting(2025, 4), TODAY)
    assert [
        (item.entry.date.isoformat(), item.entry.activity, item.points, item.capped)
        for item in year.counted
    ] == [
        ("2025-04-10", "webinar", D(2), D(0)),
        ("2025-05-10", "webinar", D(1), D(1)),
        ("2025-06-10", "book", D(5), D(0)),
        ("2025-07-10", "webinar", D(0), D(2)),
        ("2025-08-10", "conference", D(2), D(8)),
        ("2025-09-10", "job-shadowing", D(5), D(0)),
        ("2025-05-01", "podcast", D(0), D(2)),
    ]
    totals = year.totals
    assert (totals.points, totals.entries, totals.hours) == (D(15), 6, D(6))
    assert (totals.planned_points, totals.planned_entries) == (D(0), 1)
    assert totals.by_category["formal"].points == 10
    assert totals.by_category["on-the-job"].points == 5
    assert year.capped == 1 + 2 + 8  # the planned entry's 2 are not left out of anything yet
    following = scheme_year(found, CAPPED, year_starting(2026, 4), TODAY)
    assert [(item.points, item.capped) for item in following.counted] == [(D(2), D(0))]
    # The built-in scheme has no caps: every entry counts in full.
    assert scheme_year(found, gcs_scheme(found.config), year_starting(2025, 4), TODAY).capped == 0


@pytest.mark.parametrize(
    ("cap", "expected", "planned_points", "capped"),
    [
        (D(25), [(10, 0), (10, 0), (5, 5)], 5, 0),  # the planned entry has what is left
        (D(12), [(10, 0), (2, 8), (0, 10)], 0, 8),
        (D(0), [(0, 10), (0, 10), (0, 10)], 0, 20),
    ],
)
def test_a_planned_entry_counts_against_what_the_done_ones_leave(
    cap: Decimal, expected: list[tuple[int, int]], planned_points: int, capped: int
) -> None:
    scheme = Scheme("mentor", "Mentoring capped", caps={"coach-mentor": cap})
    entries = [
        entry("2025-04-05", "coach-mentor", status="planned"),  # 10, the earliest by date
        entry("2025-09-01", "coach-mentor"),  # 10
        entry("2025-10-01", "coach-mentor"),  # 10
    ]
    counted = count_year(journal(*entries).entries, scheme, CATALOGUE)
    assert [item.entry.status for item in counted] == ["done", "done", "planned"]
    assert [(item.points, item.capped) for item in counted] == [(D(a), D(b)) for a, b in expected]
    year = scheme_year(journal(*entries, schemes=(scheme,)), scheme, year_starting(2025, 4), TODAY)
    assert (year.totals.planned_points, year.capped) == (D(planned_points), D(capped))


def test_each_scheme_caps_within_its_own_years_for_the_export() -> None:
    scheme = replace(JANUARY, caps={"webinar": D(3)})
    entries = [
        entry("2025-11-01", "webinar"),  # January year 2025: 2 of 3
        entry("2025-12-01", "webinar"),  # 1 left
        entry("2026-01-05", "webinar"),  # January year 2026: 2 of 3 (the same April year)
    ]
    points = entry_points_by_scheme(journal(*entries, schemes=(scheme,)))
    paths = [item.path for item in entries]
    assert [points["cal"][path] for path in paths] == [2, 1, 2]
    assert [points[GCS][path] for path in paths] == [2, 2, 2]


# -- which entries count: include = "listed", and entries that name their schemes ---------------

PROF = Scheme("prof", "Listed only", include="listed")
BODY = Scheme("body", "Every entry", include="all")
NAMING = [
    entry("2025-05-01", hours="1"),
    entry("2025-06-01", hours="2", schemes=(GCS,)),
    entry("2025-07-01", hours="4", schemes=("prof",)),
    entry("2025-08-01", hours="8", schemes=(GCS, "prof")),
    entry("2025-09-01", hours="16", schemes=("body",)),
    entry("2025-10-01", hours="32", schemes=("prof", "body")),
]


@pytest.mark.parametrize(
    ("scheme_id", "points", "entries"),
    [
        (GCS, 1 + 2 + 8, 3),  # those naming no scheme, or gcs
        ("prof", 4 + 8 + 32, 3),  # only those naming it
        ("body", 1 + 16 + 32, 3),  # those naming no scheme, or it
    ],
)
def test_a_scheme_counts_the_entries_naming_it_and_if_it_counts_all_those_naming_none(
    scheme_id: str, points: int, entries: int
) -> None:
    found = journal(*NAMING, schemes=(PROF, BODY))
    totals = scheme_year(found, scheme_of(found, scheme_id), year_starting(2025, 4), TODAY).totals
    assert (totals.points, totals.entries) == (D(points), entries)


def test_the_built_in_figures_leave_out_entries_that_name_only_other_schemes() -> None:
    found = journal(*NAMING, schemes=(PROF, BODY))
    totals = year_totals(found, year_starting(2025, 4), TODAY)
    assert (totals.points, totals.entries) == (D(1 + 2 + 8), 3)


@pytest.mark.parametrize(
    ("named", "scheme_id", "include", "counts"),
    [
        ((), GCS, "all", True),
        ((), "prof", "listed", False),
        ((GCS,), GCS, "all", True),
        ((GCS,), "body", "all", False),
        (("prof",), GCS, "all", False),
        (("prof",), "prof", "listed", True),
        ((GCS, "prof"), "prof", "listed", True),
        ((GCS, "prof"), "body", "all", False),
    ],
)
def test_counts_for(named: tuple[str, ...], scheme_id: str, include: str, counts: bool) -> None:
    assert counts_for(entry("2025-05-01", schemes=named), scheme_id, include) is counts


# -- a member who joined during a year: each scheme's target pro-rated, rounded up -------------


@pytest.mark.parametrize(
    ("joined", "month", "target", "first", "expected"),
    [
        ("2025-06-03", 4, 30, 2025, 25),  # June to March: 10 months of 12
        ("2025-06-03", 1, 35, 2025, 21),  # June to December: 7 months, 20.42 rounded up
        ("2025-06-03", 3, 22, 2025, 17),  # June to February: 9 months, 16.5 rounded up
        ("2025-06-03", 9, 60, 2024, 15),  # June to August: 3 months
        ("2025-06-03", 1, 35, 2026, 35),  # the year after: in full
        ("2025-06-03", 1, 35, 2024, 0),  # a year before joining: nothing
        ("2025-06-03", 3, 22, 2024, 0),  # March 2024 to February 2025: before joining
        ("2025-01-01", 1, 35, 2025, 35),  # joined on the year's first day
        ("2025-12-31", 1, 35, 2025, 3),  # on its last: 1 month, 2.92 rounded up
        ("2026-02-28", 3, 22, 2025, 2),  # a March year's last day: 1 month, 1.83 rounded up
        ("2025-02-28", 3, 22, 2024, 2),  # the same, a year earlier
        ("2025-02-28", 3, 22, 2025, 22),  # the day before the year: in full
        ("2025-03-01", 3, 22, 2025, 22),
    ],
)
def test_a_joiners_target_is_pro_rated_in_each_scheme(
    joined: str, month: int, target: int, first: int, expected: int
) -> None:
    scheme = Scheme("s", "S", year_start_month=month, target=D(target))
    found = journal(schemes=(scheme,), joined=joined)
    year = scheme_year(found, scheme, year_starting(first, month), TODAY)
    assert year.totals.target == expected


def test_a_joiners_pace_counts_from_the_joining_month_in_each_scheme() -> None:
    found = journal(schemes=(JANUARY,), joined="2025-06-03")
    before = scheme_year(found, JANUARY, year_starting(2025, 1), date(2025, 5, 31)).standing
    assert (before.status, before.sentence) == (
        NOT_STARTED,
        "the target counts from 1 June 2025, the month of joining",
    )
    gcs = scheme_year(found, gcs_scheme(found.config), year_starting(2025, 4), date(2025, 5, 31))
    assert gcs.standing.sentence == "the target counts from 1 June 2025, the month of joining"


# -- a scheme counted in hours says so ---------------------------------------------------------

HOURS = Scheme("body", "Body", year_start_month=1, target=D(73), unit="hours", use_catalogue=False)


@pytest.mark.parametrize(
    ("entries", "today", "status", "sentence", "mix"),
    [
        # 10 of 365 days gone: an even pace has reached 2 of 73 hours; the band is 7.3.
        (
            [entry("2026-01-05", "job-shadowing", "6")],  # 6 hours, not the catalogue's 5
            date(2026, 1, 10),
            ON_TRACK,
            "4 hours ahead of an even pace",
            "On-the-job learning is 2 hours above the guide",  # 6 against 4.2
        ),
        (
            [entry("2026-01-05", "job-shadowing", "1")],
            date(2026, 1, 10),
            ON_TRACK,
            "1 hour behind an even pace",
            "The mix is in line with the 70:20:10 guide",
        ),
        (
            [],
            date(2026, 1, 10),
            ON_TRACK,
            "2 hours behind an even pace",
            "No hours yet to compare with the 70:20:10 guide",
        ),
        # 60 days gone: 12 hours; 1 done is 11 behind, beyond the band.
        (
            [
                entry("2026-01-05", "job-shadowing", "1"),
                entry("2026-06-01", "webinar", "5", status="planned"),
            ],
            date(2026, 3, 1),
            BEHIND,
            "11 hours behind an even pace, with 5 hours planned",
            "The mix is in line with the 70:20:10 guide",
        ),
        # 31 days gone: 6.2 hours; 14 done is 7.8 ahead, beyond the band.
        (
            [entry("2026-01-05", "job-shadowing", "14")],
            date(2026, 1, 31),
            AHEAD,
            "8 hours ahead of an even pace",
            "On-the-job learning is 4 hours above the guide",  # 14 against 9.8
        ),
        (
            [entry("2026-01-05", "job-shadowing", "6")],
            date(2027, 1, 1),
            BEHIND,
            "the year ended 67 hours short of the target",
            "On-the-job learning is 2 hours above the guide",
        ),
        (
            [entry("2026-03-02", "job-shadowing", "73")],
            date(2026, 4, 1),
            TARGET_MET,
            "target met in March, 73 hours",
            "On-the-job learning is 22 hours above the guide",  # 73 against 51.1
        ),
    ],
)
def test_a_scheme_in_hours_speaks_of_hours(
    entries: list[Entry], today: date, status: str, sentence: str, mix: str
) -> None:
    found = journal(*entries, schemes=(HOURS,))
    standing = scheme_year(found, HOURS, year_starting(2026, 1), today).standing
    assert (standing.status, standing.sentence, standing.mix_note) == (status, sentence, mix)


# -- the built-in scheme is today's figures -----------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Journal:
    checked = open_journal(find_project(REPOSITORY), TODAY)
    assert checked.journal is not None
    return checked.journal


@pytest.mark.parametrize("declared", [False, True], ids=["no-schemes", "as-declared"])
def test_the_built_in_scheme_gives_the_example_journals_figures_of_every_year(
    example: Journal, declared: bool
) -> None:
    found = example if declared else replace(example, config=replace(example.config, schemes={}))
    gcs = gcs_scheme(found.config)
    years = years_of(found, TODAY)
    assert len(years) >= 3
    assert scheme_years_of(found, gcs, TODAY) == years
    for year in years:
        assert scheme_year(found, gcs, year, TODAY).totals == year_totals(found, year, TODAY)


def test_the_primary_scheme_leads() -> None:
    found = journal(schemes=(JANUARY, MARCH))
    assert [scheme.id for scheme in schemes_of(found.config)] == [GCS, "cal", "mar"]
    led = replace(found, config=replace(found.config, primary="mar"))
    assert [scheme.id for scheme in schemes_of(led.config)] == ["mar", GCS, "cal"]
    assert [(item.scheme.id, item.totals.year.name) for item in current_years(led, TODAY)] == [
        ("mar", "2026-27"),
        (GCS, "2026-27"),
        ("cal", "2026"),
    ]
