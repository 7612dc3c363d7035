"""What a member most likely meant by a date, hours or a list that pdp cannot take as written.

Pure functions: text in, a reading (or None) out. A hint built from a reading gives the
member's own value back in the form the format needs; nothing here changes what is accepted.
Dates are read the UK way, day first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from msgspec import Struct

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# A month by its name or the first three letters of it ("Sept" too), in lower case.
_MONTH_NUMBERS: Mapping[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTHS, 1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTHS, 1)},
    "sept": 9,
}
# Quotes a value pasted from a word processor may come wrapped in, straight or curly.
_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?:[Tt ].*)?")
_DAY_MONTH_YEAR = re.compile(
    _WEEKDAY + r"(\d{1,2})" + _ORDINAL + r"\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{4})", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    _WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})" + _ORDINAL + r",?\s+(\d{4})", re.IGNORECASE
)

_HOUR_WORD = r"(?:h|hr|hrs|hour|hours)\.?"
_MINUTE_WORD = r"(?:m|min|mins|minute|minutes)\.?"
_HOURS_AND_MINUTES = re.compile(
    r"(\d+)\s*" + _HOUR_WORD + r"\s*(?:,\s*|and\s+)?(\d+)\s*(?:" + _MINUTE_WORD + ")?",
    re.IGNORECASE,
)
_HOURS_ONLY = re.compile(r"(\d+(?:[.,]\d+)?)\s*" + _HOUR_WORD, re.IGNORECASE)
_MINUTES_ONLY = re.compile(r"(\d+)\s*" + _MINUTE_WORD, re.IGNORECASE)
_CLOCK = re.compile(r"(\d+):([0-5]\d)(?::([0-5]\d))?")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d{1,2})")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
# A list item YAML reads as plain text inside [ ]: anything else is put in quotes.
_PLAIN_ITEM = re.compile(r"[A-Za-z_][\w .'/()+-]*")


class DateReading(Struct, frozen=True):
    """A date read day first; `other` is the month-first reading when the text allows both."""

    day: date
    other: date | None = None


class HoursReading(Struct, frozen=True):
    """Hours read from a time written another way: the decimal, and what was read, in words
    ("2 hours 15 minutes"; empty when the decimal says it all)."""

    hours: Decimal
    words: str = ""
    rounded: bool = False


def unquoted(text: str) -> str:
    """The text without the quotes (straight or curly) it is wholly wrapped in."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        return text[1:-1].strip()
    return text


def spoken_date(day: date, year: bool = True) -> str:
    """A date as people say it in the UK: '6 July 2026' (or '6 July')."""
    spoken = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{spoken} {day.year}" if year else spoken


def read_date(text: str) -> DateReading | None:
    """The date a member meant by `text`, read day first; None if it cannot be read."""
    text = unquoted(text)
    if match := _YEAR_FIRST.fullmatch(text):
        return _reading(int(match[1]), int(match[3]), int(match[4]))
    if match := _DAY_FIRST.fullmatch(text):
        return _day_first(int(match[1]), int(match[3]), match[4])
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        return _named(match[2], int(match[1]), int(match[3]))
    if match := _MONTH_DAY_YEAR.fullmatch(text):
        return _named(match[1], int(match[2]), int(match[3]))
    return None


def _day_first(first: int, second: int, year_text: str) -> DateReading | None:
    # A two-digit year is this century's: no member records learning from the 1900s.
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    day_first = _reading(year, second, first)
    month_first = _reading(year, first, second)
    if day_first is None or month_first is None or first == second:
        # Only one reading is a date (06/14/2026 can only be 14 June), or both are the same.
        return day_first or month_first
    return DateReading(day_first.day, month_first.day)


def _named(month_name: str, day: int, year: int) -> DateReading | None:
    month = _MONTH_NUMBERS.get(month_name.lower())
    return None if month is None else _reading(year, month, day)


def _reading(year: int, month: int, day: int) -> DateReading | None:
    try:
        return DateReading(date(year, month, day))
    except ValueError:
        return None


def read_hours(text: str) -> HoursReading | None:
    """The decimal hours a member meant by `text` (2h15, 90 mins, 1:30, 1,5); None if it
    cannot be read or is no time at all."""
    text = unquoted(text)
    if match := _HOURS_AND_MINUTES.fullmatch(text):
        return _time(int(match[1]), int(match[2]), 0)
    if match := _CLOCK.fullmatch(text):
        return _time(int(match[1]), int(match[2]), int(match[3] or 0))
    if match := _MINUTES_ONLY.fullmatch(text):
        return _time(0, int(match[1]), 0)
    if match := _HOURS_ONLY.fullmatch(text):
        return _decimal(match[1].replace(",", "."))
    if match := _DECIMAL_COMMA.fullmatch(text):
        return _decimal(f"{match[1]}.{match[2]}")
    if _DECIMAL.fullmatch(text):  # a number in quotes, curly ones perhaps
        return _decimal(text)
    return None


def _time(hours: int, minutes: int, seconds: int) -> HoursReading | None:
    if minutes >= 60 and hours:
        return None  # 2h75 is not a time anyone writes; better say nothing than guess
    total = Decimal(hours * 3600 + minutes * 60 + seconds) / 3600
    if total <= 0:
        return None
    shown = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    parts = [_count(hours, "hour"), _count(minutes, "minute"), _count(seconds, "second")]
    words = " ".join(part for part in parts if part)
    return HoursReading(_plain(shown), words, rounded=shown != total)


def _decimal(text: str) -> HoursReading | None:
    value = Decimal(text)
    return HoursReading(_plain(value)) if value > 0 else None


def _count(number: int, unit: str) -> str:
    if not number:
        return ""
    return f"{number} {unit}" + ("" if number == 1 else "s")


def _plain(value: Decimal) -> Decimal:
    """A decimal without trailing zeros and never in scientific notation (2, not 2.00 or 2E0)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def read_list(text: str) -> str:
    """A value written as one piece of text, as the YAML list it stands for: 'a, b' -> [a, b]."""
    items = [item.strip() for item in unquoted(text).split(",")]
    return "[" + ", ".join(_flow_item(item) for item in items if item) + "]"


def _flow_item(item: str) -> str:
    if _PLAIN_ITEM.fullmatch(item) and item.lower() not in _YAML_WORDS:
        return item
    return json.dumps(item, ensure_ascii=False)


# Plain words YAML 1.1 reads as something other than text: a list item of them needs quotes.
_YAML_WORDS = frozenset(("yes", "no", "true", "false", "on", "off", "y", "n", "null", "nan", "inf"))
