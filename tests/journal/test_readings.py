"""What a member meant by a date, hours or a list written another way: the readings behind
the hints that give a member's own value back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.journal.readings import (
    DateReading,
    HoursReading,
    read_date,
    read_hours,
    read_list,
    spoken_date,
)


@pytest.mark.parametrize(
    ("written", "reading"),
    [
        ("14/06/2026", DateReading(date(2026, 6, 14))),
        ("4/6/2026", DateReading(date(2026, 6, 4), date(2026, 4, 6))),
        ("06/07/2026", DateReading(date(2026, 7, 6), date(2026, 6, 7))),
        ("06/06/2026", DateReading(date(2026, 6, 6))),
        ("14.06.2026", DateReading(date(2026, 6, 14))),
        ("14-06-2026", DateReading(date(2026, 6, 14))),
        ("14/06/26", DateReading(date(2026, 6, 14))),
        ("06/14/2026", DateReading(date(2026, 6, 14))),  # 14 is no month: only one reading
        ("14 June 2026", DateReading(date(2026, 6, 14))),
        ("14 Jun 2026", DateReading(date(2026, 6, 14))),
        ("14th of June, 2026", DateReading(date(2026, 6, 14))),
        ("Sunday 14 June 2026", DateReading(date(2026, 6, 14))),
        ("June 14, 2026", DateReading(date(2026, 6, 14))),
        ("Sept 1 2026", DateReading(date(2026, 9, 1))),
        ("2026/06/14", DateReading(date(2026, 6, 14))),
        ("2026-6-14", DateReading(date(2026, 6, 14))),
        ("2026-06-14 10:30:00", DateReading(date(2026, 6, 14))),
        ("2026-06-14T10:30", DateReading(date(2026, 6, 14))),
        ("\u201c14/06/2026\u201d", DateReading(date(2026, 6, 14))),
        (" '14/06/2026' ", DateReading(date(2026, 6, 14))),
        ("31/02/2026", None),
        ("14/13/2026", None),
        ("14/06-2026", None),
        ("14 Juno 2026", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_read_date(written: str, reading: DateReading | None) -> None:
    assert read_date(written) == reading


@pytest.mark.parametrize(
    ("written", "reading"),
    [
        ("2h15", HoursReading(Decimal("2.25"), "2 hours 15 minutes")),
        ("1h30m", HoursReading(Decimal("1.5"), "1 hour 30 minutes")),
        ("2 hours 15 minutes", HoursReading(Decimal("2.25"), "2 hours 15 minutes")),
        ("1 hour and 30 mins", HoursReading(Decimal("1.5"), "1 hour 30 minutes")),
        ("90 mins", HoursReading(Decimal("1.5"), "90 minutes")),
        ("45 min", HoursReading(Decimal("0.75"), "45 minutes")),
        ("20 minutes", HoursReading(Decimal("0.33"), "20 minutes", rounded=True)),
        ("1:30", HoursReading(Decimal("1.5"), "1 hour 30 minutes")),
        ("0:45", HoursReading(Decimal("0.75"), "45 minutes")),
        ("1:30:00", HoursReading(Decimal("1.5"), "1 hour 30 minutes")),
        ("2 hours", HoursReading(Decimal("2"))),
        ("1 hour", HoursReading(Decimal("1"))),
        ("1.5h", HoursReading(Decimal("1.5"))),
        ("1,5 hrs", HoursReading(Decimal("1.5"))),
        ("1,5", HoursReading(Decimal("1.5"))),
        ("\u201c1.5\u201d", HoursReading(Decimal("1.5"))),
        ("'2'", HoursReading(Decimal("2"))),
        ("0", None),
        ("2h75", None),
        ("0 min", None),
        ("1,500", None),
        ("a morning", None),
        ("", None),
    ],
)
def test_read_hours(written: str, reading: HoursReading | None) -> None:
    assert read_hours(written) == reading


@pytest.mark.parametrize(
    ("written", "flow"),
    [
        ("crisis, media", "[crisis, media]"),
        ("media-handling", "[media-handling]"),
        ("certificate.pdf", "[certificate.pdf]"),
        ("Crisis communication,  ", "[Crisis communication]"),
        ("2025", '["2025"]'),
        ("yes, no", '["yes", "no"]'),
        ("a: b", '["a: b"]'),
        ('say "hi"', '["say \\"hi\\""]'),
    ],
)
def test_read_list(written: str, flow: str) -> None:
    assert read_list(written) == flow


def test_spoken_date() -> None:
    assert spoken_date(date(2026, 7, 6)) == "6 July 2026"
    assert spoken_date(date(2026, 6, 7), year=False) == "7 June"
