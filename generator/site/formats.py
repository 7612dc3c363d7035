"""Numbers and dates as people read them: the templates' filters, and the commands' text."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

# A performance year's name, such as 2025-26, wherever a member's text names one.
YEAR_NAME = re.compile(r"(?<![\d-])\d{4}-\d{2}(?![\d-])")


def number(value: Decimal, places: int = 4) -> int | float:
    """A JSON number: whole numbers as integers, others rounded to `places` decimals."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


@functools.lru_cache(maxsize=4096)  # pages show the same few figures thousands of times
def figure(value: Decimal, places: int = 2) -> str:
    """A number for people: no trailing zeros, at most `places` decimals."""
    shown = number(value, places)
    return f"{shown:,}" if isinstance(shown, int) else f"{shown:,.{places}f}".rstrip("0")


def amount(value: Decimal, unit: str) -> str:
    """A figure with its unit, a scheme's points or hours: '1 hour', '2.5 points'."""
    shown = figure(value)
    return f"{shown} {unit.removesuffix('s') if shown == '1' else unit}"


@functools.cache  # pure, and asked for every row of every entry table (a day is small)
def long_date(day: date) -> str:
    """A date as people write it: 14 June 2025."""
    return f"{day.day} {day:%B %Y}"


def percent(share: Decimal) -> str:
    """A fraction as a whole percentage."""
    return f"{number(share * 100, 0)}%"


def year_names(text: str) -> Markup:
    """Text, escaped, with each performance year's name kept on one line: a line may break
    after the hyphen of "2025-26" otherwise."""
    return Markup(YEAR_NAME.sub(r'<span class="year-name">\g<0></span>', str(escape(text))))
