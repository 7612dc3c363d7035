"""Hints in the member's own terms: the value they wrote, put the way the format needs it.

Where pdp can read what was meant (`14/06/2026`, `2h15`, `tags: a, b`), the hint gives that
value back; where it cannot, a general hint says the form, with the schema's example.
"""

from __future__ import annotations

import json

from .front_matter import Node, Scalar
from .readings import read_date, read_hours, read_list, spoken_date, unquoted
from .schema import MAX_HOURS, Field, unsupported_date

# Curly quotes that wrap a whole value: (openers, closers), the straight quote of the kind
# closing too. English opens with “ and closes with ”, German opens with „ and closes with “.
_CURLY_PAIRS = (("\u201c\u201d\u201e", '\u201c\u201d"'), ("\u2018\u2019\u201a", "\u2018\u2019'"))


def date_hint(field: Field, written: str, lead: str = "write") -> str:
    """The date as YYYY-MM-DD, read day first from what was written; ambiguity said."""
    reading = read_date(written)
    if reading is None or unsupported_date(reading.day, written) is not None:
        return f"write the date as YYYY-MM-DD (year, month, day), e.g. {field.example_line()}"
    hint = f"{lead}: {field.name}: {reading.day.isoformat()}"
    if reading.other is None:
        return hint
    return (
        f"{hint}, read as {spoken_date(reading.day)} (UK day first); if you meant "
        f"{spoken_date(reading.other, year=False)}, write {reading.other.isoformat()}"
    )


def hours_hint(field: Field, written: str, otherwise: str) -> str:
    """The time as decimal hours, read from what was written (2h15 is 2.25); else `otherwise`."""
    reading = read_hours(written)
    if reading is None or reading.hours > MAX_HOURS:
        return otherwise
    said = reading.words + (", rounded" if reading.rounded else "")
    shown = f" ({said})" if said else ""
    return f"write the time as a decimal number of hours: {field.name}: {reading.hours}{shown}"


def list_hint(field: Field, node: Node) -> str:
    """A single value as the list it stands for: `goals: a, b` is `goals: [a, b]`."""
    if isinstance(node, Scalar) and unquoted(node.text):
        return f"write it in square brackets: {field.name}: {read_list(node.text)}"
    return f"write it in square brackets: {field.example_line()}"


def curly_wrapped(text: str) -> bool:
    """True for text wholly wrapped in curly quotes (or opened by one, closed by a straight
    one of its kind), as a word processor writes a quotation."""
    if len(text) < 3:
        return False
    return any(text[0] in openers and text[-1] in closers for openers, closers in _CURLY_PAIRS)


def curly_warning(field: Field, text: str, in_list: bool) -> tuple[str, str]:
    """The message and hint for a value wrapped in curly quotes, kept as written."""
    inner = text[1:-1]
    straight = json.dumps(inner, ensure_ascii=False)
    kept = "'" + text.replace("'", "''") + "'"
    lead = "" if in_list else f"{field.name}: "
    return (
        f"{text} is wrapped in curly quotes: YAML keeps them as part of the text",
        f"to leave them out, use straight quotes: {lead}{straight}; "
        f"to keep them, put the whole value in straight quotes: {lead}{kept}",
    )
