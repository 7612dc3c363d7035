"""`calendar.ics` and `pdp calendar`: what comes next, read back by a calendar library."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import icalendar
import pytest

from generator.cli import run
from generator.site.calendar import fold

from ..conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "calendar"
AWKWARD = "Crisis comms, part 2; the sequel \\ über-Café — naïve 日本語 ✓"
LONG = (
    "Shadowing the regional press desk through a full weekday, from the morning planning "
    "call to the evening bulletin, with notes on every bid, every holding line and every "
    "live interview request I handled"
)
DOMAIN = "@pdp.cpd-journal"
# Every event of the fixture's own calendar on TODAY (2026-11-28): its UID, day, summary.
OWN = [
    ("review.2026-06-01-private-chat", date(2026, 12, 15), "PDP review with Sam Patel"),
    ("planned.2027-01-20-awkward", date(2027, 1, 20), AWKWARD),
    ("planned.2027-01-25-long-title", date(2027, 1, 25), LONG),
    ("goal.secret", date(2027, 2, 1), "Goal due: Move to a new department"),
    (
        "planned.2027-02-15-private-plan",
        date(2027, 2, 15),
        "Interview coaching before my promotion board",
    ),
    ("goal.media", date(2027, 3, 1), "Goal due: Handle live media interviews"),
    ("year-end.2026-27", date(2027, 3, 31), "CPD year 2026-27 ends: 23 points to go"),
    ("review.2026-10-01-mid-year", date(2027, 4, 14), "PDP review with Sam Patel"),
    ("planned.2027-06-01-next-year-course", date(2027, 6, 1), "Media handling course"),
    ("year-end.2027-28", date(2028, 3, 31), "CPD year 2027-28 ends: 30 points to go"),
]
PRIVATE = {
    "review.2026-06-01-private-chat",
    "goal.secret",
    "planned.2027-02-15-private-plan",
}


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "calendar"))


def pdp(
    monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str, today: date = TODAY
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", today.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def events(text: str) -> list[tuple[str, date, str]]:
    """The events of iCalendar text as the icalendar library reads them."""
    calendar = icalendar.Calendar.from_ical(text)
    return [
        (str(event["UID"]), event.decoded("DTSTART"), str(event["SUMMARY"]))
        for event in calendar.walk("VEVENT")
    ]


def uids(text: str) -> list[str]:
    return [uid.removesuffix(DOMAIN) for uid, _, _ in events(text)]


def test_every_event_matches_the_journal(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = pdp(monkeypatch, journal, "calendar")
    assert (code, err) == (0, "")
    assert events(out) == [(uid + DOMAIN, day, summary) for uid, day, summary in OWN]
    calendar = icalendar.Calendar.from_ical(out)
    assert str(calendar["PRODID"]) == "-//pdp//CPD journal//EN"
    assert str(calendar["VERSION"]) == "2.0"
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert "VALUE=DATE" in event.to_ical().decode()  # all-day
        assert (end - start).days == 1
        assert event.decoded("DTSTAMP").isoformat() == "2026-10-01T00:00:00+00:00"


def test_descriptions_give_points_goals_and_actions(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = pdp(monkeypatch, journal, "calendar")[1]
    calendar = icalendar.Calendar.from_ical(out)
    described = {
        str(event["UID"]).removesuffix(DOMAIN): str(event.get("DESCRIPTION", ""))
        for event in calendar.walk("VEVENT")
    }
    assert described["planned.2027-01-20-awkward"] == (
        "Planned CPD: 3 hours, 3 points.\nGoals: media."
    )
    assert described["goal.media"] == (
        "Objective: Act as a spokesperson on regional radio\n"
        "Measure: Two live interviews, reviewed with my line manager"
    )
    assert described["review.2026-10-01-mid-year"] == (
        "Agreed at the review of 1 October 2026 (Mid-year review, 2026-27).\n"
        "Actions agreed:\n- Book the media handling course\n- Ask for a radio slot; by March"
    )
    assert described["year-end.2026-27"] == "7 of 30 points done; 12.5 more planned."
    assert described["year-end.2027-28"] == "0 of 30 points done; 7 more planned."


def test_lines_are_folded_and_text_escaped(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = pdp(monkeypatch, journal, "calendar")[1].encode("utf-8")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends CRLF
    lines = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    assert (
        "SUMMARY:Crisis comms\\, part 2\\; the sequel \\\\ über-Café — naïve 日本語 ✓\r\n"
        in unfolded
    )
    assert f"SUMMARY:{LONG.replace(',', chr(92) + ',')}\r\n" in unfolded
    assert sum(line.startswith(b" ") for line in lines) >= 3  # the long title is folded


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "日本語" * 30
    parts = fold(line).split("\r\n")
    assert [len(part.encode("utf-8")) for part in parts] == [74, 73, 73, 61]
    assert parts[0] + "".join(part.removeprefix(" ") for part in parts[1:]) == line
    assert fold("SUMMARY:short") == "SUMMARY:short"
    exact = "X" * 75
    assert fold(exact) == exact
    assert fold(exact + "Y") == exact + "\r\n Y"


def test_output_is_byte_stable_and_uids_survive_other_edits(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pdp(monkeypatch, journal, "calendar")[1]
    assert pdp(monkeypatch, journal, "calendar")[1] == first
    book = journal / "journal/entries/2026-27/2026-09-10-book.md"
    book.write_text(book.read_text().replace("A book on", "The book on"))
    (journal / "journal/entries/2026-27/2027-03-02-radio-visit.md").write_text(
        "---\ntitle: Radio station visit\ndate: 2027-03-02\nactivity: other\n"
        "category: relationships\nhours: 2\nstatus: planned\n---\n"
    )
    after = uids(pdp(monkeypatch, journal, "calendar")[1])
    before = [uid for uid, _, _ in OWN]
    assert after == [*before[:6], "planned.2027-03-02-radio-visit", *before[6:]]


def test_the_next_day_keeps_every_line_but_what_changed(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = pdp(monkeypatch, journal, "calendar")[1]
    assert pdp(monkeypatch, journal, "calendar", today=date(2026, 11, 29))[1] == today
    next_year = pdp(monkeypatch, journal, "calendar", today=date(2027, 4, 1))[1]
    assert uids(next_year)[-2:] == ["year-end.2027-28", "year-end.2028-29"]


def test_published_calendar_leaves_out_everything_private(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = pdp(monkeypatch, journal, "calendar", "--publish")[1]
    assert uids(out) == [uid for uid, _, _ in OWN if uid not in PRIVATE]
    for private in ("Interview coaching", "new department", "Career chat", "private"):
        assert private not in out


def test_output_file_is_written_and_journal_files_are_refused(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = pdp(monkeypatch, journal, "calendar", "-o", "cal/next.ics")
    assert (code, out, err) == (0, "wrote 10 events to cal/next.ics\n", "")
    assert (journal / "cal/next.ics").read_bytes() == pdp(monkeypatch, journal, "calendar")[
        1
    ].encode("utf-8")
    code, out, err = pdp(monkeypatch, journal, "calendar", "-o", "pdp.toml")
    assert (code, out) == (2, "")
    assert err == (
        "pdp: error: will not write over pdp.toml\n  hint: write the calendar to a .ics file\n"
    )
    assert (journal / "pdp.toml").read_text().startswith('name = "Robin Ng"')


def test_own_site_offers_the_calendar_and_links_it(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, journal, "build", "-o", "out")[0] == 0
    written = (journal / "out/calendar.ics").read_bytes().decode("utf-8")
    assert written == pdp(monkeypatch, journal, "calendar")[1]
    goals = (journal / "out/goals/index.html").read_text()
    assert '<a href="../calendar.ics" download>Add to your calendar</a>' in goals


def test_published_site_offers_it_only_when_configured(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, journal, "build", "--publish", "-o", "out")[0] == 0
    assert not (journal / "out/calendar.ics").exists()
    assert "calendar.ics" not in (journal / "out/goals/index.html").read_text()

    config = journal / "pdp.toml"
    config.write_text(config.read_text() + "publish_calendar = true\n")
    assert pdp(monkeypatch, journal, "build", "--publish", "-o", "out")[0] == 0
    published = (journal / "out/calendar.ics").read_bytes().decode("utf-8")
    assert published == pdp(monkeypatch, journal, "calendar", "--publish")[1]
    assert uids(published) == [uid for uid, _, _ in OWN if uid not in PRIVATE]
    assert "Add to your calendar" in (journal / "out/goals/index.html").read_text()


def test_publish_calendar_must_be_true_or_false(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = journal / "pdp.toml"
    config.write_text(config.read_text() + 'publish_calendar = "yes"\n')
    code, out, _ = pdp(monkeypatch, journal, "check")
    assert code == 1
    assert out.splitlines()[:2] == [
        "pdp.toml:3:1: error[V002] publish_calendar: expected true or false, got 'yes'",
        "    hint: publish_calendar = false",
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "14/04/2027",
            "journal/reviews/2026-10-01-mid-year.md:7:14: error[V003] next_review: expected a "
            "date written YYYY-MM-DD, got '14/04/2027'\n    hint: write: next_review: 2027-04-14",
        ),
        (
            "2027-02-30",
            "journal/reviews/2026-10-01-mid-year.md:7:14: error[V003] next_review: 2027-02-30 "
            "is not a real date (day is out of range for month)\n"
            "    hint: check the month (1-12) and the day of the month",
        ),
        (
            "[2027-04-14]",
            "journal/reviews/2026-10-01-mid-year.md:7:14: error[V002] next_review: expected a "
            "date written YYYY-MM-DD, got a list\n    hint: write: next_review: 2026-04-15",
        ),
    ],
)
def test_next_review_must_be_a_date(
    journal: Path, monkeypatch: pytest.MonkeyPatch, written: str, expected: str
) -> None:
    review = journal / "journal/reviews/2026-10-01-mid-year.md"
    review.write_text(
        review.read_text().replace("next_review: 2027-04-14", f"next_review: {written}")
    )
    code, out, _ = pdp(monkeypatch, journal, "check")
    assert code == 1
    assert out == expected + "\n13 files checked: 1 error, 0 warnings\n"
    # As `pdp export` does: the errors shown, the file left out, the rest given.
    code, out, err = pdp(monkeypatch, journal, "calendar")
    assert code == 0
    assert err.startswith(expected + "\npdp: 1 error in the journal;")
    assert "review.2026-10-01-mid-year" not in uids(out)
    assert len(uids(out)) == len(OWN) - 1
