"""Front-matter values by the kind their field declares in `schema`, with every problem.

`Fields` reads one document's front matter: each value converted (text, a date, hours, a
flag, a choice, a list) or reported with the line and column it was written at.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..model import Problem
from ..suggest import did_you_mean
from .codes import problem
from .document import Document
from .front_matter import Node, Scalar, Sequence, describe
from .hints import curly_warning, curly_wrapped, date_hint, hours_hint, list_hint
from .schema import (
    ACTION_LIST,
    CHOICE,
    DATE,
    FLAG,
    HOURS,
    ID,
    ID_LIST,
    MAX_HOURS,
    PATH_LIST,
    TEXT,
    TEXT_LIST,
    Field,
    Schema,
    unsupported_date,
)

_PLAIN_HOURS = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_SEXAGESIMAL = re.compile(r"[-+]?\d+(?::[0-5]?\d)+(?:\.\d*)?")
_DATE_ONLY = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)")
# The YAML 1.1 words for true: a flag is true for these and false for its other words.
TRUE = ("true", "yes", "on", "y")
FALSE = ("false", "no", "off", "n")
# A whole number with leading zeros: YAML 1.1 reads 010 as octal (8) and 08 as text.
_LEADING_ZERO = re.compile(r"0+[1-9]\d*")


def _leading_zero(text: str, tag: str) -> str | None:
    """Why YAML reads a number written with leading zeros otherwise than as its decimal value."""
    if not _LEADING_ZERO.fullmatch(text):
        return None
    if tag == "str":
        return f"{text} starts with 0, so YAML reads it as text, not as a number"
    octal = int(text, 8)  # YAML 1.1 reads a leading 0 as octal only when every digit is 0-7
    if octal == int(text):
        return None
    return f"{text} starts with 0, so YAML reads it as the octal number {octal}, not {int(text)}"


class Fields:
    """Converts a document's front matter by a schema, collecting problems."""

    def __init__(self, doc: Document, schema: Schema) -> None:
        self.doc = doc
        self.schema = schema
        self.problems: list[Problem] = []
        self.values: dict[str, Any] = {}
        self.fields = doc.fields or {}
        self._check_unknown()
        for field in schema.fields:
            self.values[field.name] = self._convert(field)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def ok(self, *names: str) -> bool:
        return all(self.values[name] is not None for name in names)

    def line_of(self, name: str) -> tuple[int, int]:
        if name in self.fields:
            node = self.fields[name][1]
            return node.line, node.column
        return self.doc.body_line - 1, 1

    def report(
        self, code: str, name: str, message: str, hint: str = "", at: Node | None = None
    ) -> None:
        line, column = (at.line, at.column) if at is not None else self.line_of(name)
        self.problems.append(problem(code, self.doc.path, line, column, name, message, hint))

    def _check_unknown(self) -> None:
        for name, (key, _) in self.fields.items():
            if self.schema.field(name) is None:
                known = ", ".join(self.schema.names())
                self.problems.append(
                    problem(
                        "W001",
                        self.doc.path,
                        key.line,
                        key.column,
                        name,
                        f"unknown field '{name}' is ignored",
                        did_you_mean(
                            name, self.schema.names(), f"the {self.schema.name} fields are: {known}"
                        ),
                    )
                )

    def _convert(self, field: Field) -> Any:
        if field.name not in self.fields:
            if field.required:
                self.report(
                    "V001",
                    field.name,
                    f"'{field.name}' is required",
                    f"add the line: {field.example_line()}",
                )
            return None
        node = self.fields[field.name][1]
        if node.refused:  # an anchor, alias or tag: already reported, nothing to read
            return None
        if field.kind in (TEXT_LIST, ID_LIST, PATH_LIST, ACTION_LIST):
            return self._list(field, node)
        if not isinstance(node, Scalar):
            kind = "a list" if isinstance(node, Sequence) else "a mapping"
            return self.report(
                "V002",
                field.name,
                f"expected {field.expected()}, got {kind}",
                f"write: {field.example_line()}",
            )
        if node.tag == "null" and not field.required and field.kind is not FLAG:
            return None  # an empty flag is an error: `private:` must not pass for public
        return self._scalar(field, node)

    def _scalar(self, field: Field, node: Scalar) -> Any:
        kind = field.kind
        if kind is TEXT or kind is ID:
            return self._text(field, node)
        if kind is DATE:
            return self._date(field, node)
        if kind is HOURS:
            return self._hours(field, node)
        if kind is FLAG:
            return self._flag(field, node)
        assert kind is CHOICE, f"no converter for {kind.name}"
        return self._choice(field, node)

    def _wrong(self, field: Field, node: Scalar, hint: str = "", code: str = "V002") -> None:
        if node.tag == "null":
            got = "nothing"
        elif node.quoted:
            got = f'the text "{node.text}"'
        elif node.tag == "str":
            got = f"'{node.text}'"
        else:
            got = f"{node.text}, which YAML reads as {describe(node)}"
        self.report(
            code,
            field.name,
            f"expected {field.expected()}, got {got}",
            hint or f"write: {field.example_line()}",
            at=node,
        )

    def _text(self, field: Field, node: Scalar) -> str | None:
        if node.tag == "str" and node.text.strip():
            if field.kind is TEXT and not node.quoted and curly_wrapped(node.text.strip()):
                self._curly(field, node, in_list=False)
            return node.text.strip()
        if node.tag == "str" or node.tag == "null":
            return self._wrong(field, node)
        return self._wrong(field, node, f'put it in quotes: {field.name}: "{node.text}"')

    def _curly(self, field: Field, node: Scalar, in_list: bool) -> None:
        message, hint = curly_warning(field, node.text.strip(), in_list)
        self.report("W009", field.name, message, hint, at=node)

    def _date(self, field: Field, node: Scalar) -> date | None:
        match = _DATE_ONLY.fullmatch(node.text)
        if node.tag == "timestamp" and match is None:
            hint = date_hint(field, node.text, "write only the date")
            return self._wrong(field, node, hint, code="V003")
        # 2025-6-14 is text to YAML, so other front-matter tools would not read it as a date.
        if match is None or len(node.text) != 10:
            return self._wrong(field, node, date_hint(field, node.text), code="V003")
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError as err:
            return self.report(
                "V003",
                field.name,
                f"{node.text} is not a real date ({err})",
                "check the month (1-12) and the day of the month",
                at=node,
            )
        unsupported = unsupported_date(day, node.text)
        if unsupported is not None:
            return self.report("V003", field.name, unsupported, "check the year", at=node)
        return day

    def _hours(self, field: Field, node: Scalar) -> Decimal | None:
        text = node.text.strip()
        hint = f"write the time as a decimal number of hours: {field.example_line()}"
        if node.quoted or node.tag not in ("int", "float", "str"):
            return self._wrong(
                field,
                node,
                f"remove the quotes: {field.name}: {text}"
                if node.tag == "str" and _PLAIN_HOURS.fullmatch(text)
                else hours_hint(field, text, hint),
                code="V004",
            )
        if _SEXAGESIMAL.fullmatch(text):
            return self.report(
                "V004",
                field.name,
                f"{text} is read by YAML as a base-60 number, not as hours and minutes",
                hours_hint(
                    field, text, "write the time as a decimal number of hours (2:30 is 2.5)"
                ),
                at=node,
            )
        if text.lstrip("+-").lower() in (".nan", ".inf"):
            return self.report("V004", field.name, f"{text} is not a finite number", hint, at=node)
        if text.startswith("-") or text.startswith("+"):
            sign = "negative" if text.startswith("-") else "signed"
            return self.report(
                "V004",
                field.name,
                f"hours cannot be {sign} ({text})",
                "write the time spent as a number more than 0",
                at=node,
            )
        if (misread := _leading_zero(text, node.tag)) is not None:
            without = f"write it without the leading zero: {field.name}: {text.lstrip('0')}"
            return self.report("V004", field.name, misread, without, at=node)
        if not _PLAIN_HOURS.fullmatch(text):
            return self._hours_notation(field, node, hint)
        try:
            hours = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return self._wrong(field, node, hint, code="V004")
        if hours <= 0 or hours > MAX_HOURS:
            return self.report(
                "V004",
                field.name,
                f"hours must be more than 0 and at most {MAX_HOURS}, got {text}",
                "record each activity as its own entry" if hours else hint,
                at=node,
            )
        return hours

    def _hours_notation(self, field: Field, node: Scalar, hint: str) -> None:
        try:
            value = float(node.text)
        except ValueError:
            return self._wrong(field, node, hours_hint(field, node.text, hint), code="V004")
        if not math.isfinite(value):
            return self.report(
                "V004", field.name, f"{node.text} is too large to be a finite number", hint, at=node
            )
        return self.report(
            "V004", field.name, f"{node.text} is in scientific notation", hint, at=node
        )

    def _flag(self, field: Field, node: Scalar) -> bool | None:
        if node.tag == "bool":
            return node.text.lower() in TRUE
        word = node.text.strip().lower()
        if node.quoted and word in TRUE + FALSE:
            truth = "true" if word in TRUE else "false"
            return self._wrong(field, node, f"remove the quotes: {field.name}: {truth}")
        return self._wrong(field, node, f"write {field.name}: true or {field.name}: false")

    def _choice(self, field: Field, node: Scalar) -> str | None:
        if node.tag == "str" and node.text in field.choices:
            return node.text
        return self._wrong(
            field,
            node,
            did_you_mean(
                node.text, field.choices, f"write: {field.example_line()}", field.synonyms
            ),
            code="V005",
        )

    def _list(self, field: Field, node: Node) -> tuple[Scalar, ...] | None:
        if isinstance(node, Scalar) and node.tag == "null":
            return ()
        if not isinstance(node, Sequence):
            return self.report(
                "V002",
                field.name,
                f"expected {field.expected()}",
                list_hint(field, node),
            )
        items: list[Scalar] = []
        for item in node.items:
            if isinstance(item, Scalar) and item.tag == "str" and item.text.strip():
                if field.kind is TEXT_LIST and not item.quoted and curly_wrapped(item.text):
                    self._curly(field, item, in_list=True)
                items.append(item)
            elif isinstance(item, Scalar):
                self._wrong(field, item, f'put it in quotes: "{item.text}"')
            else:
                self.report(
                    "V002",
                    field.name,
                    f"expected {field.expected()}, got a nested list or mapping",
                    f"write: {field.example_line()}",
                    at=item,
                )
        return tuple(items)
