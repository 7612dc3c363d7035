"""Problems as the commands show them: lines of text for people, JSON for programs, and
GitHub Actions annotations for pull requests.

Showing a problem reads its fields alone: a `Problem` as a check finds it, or a
`KeptProblem` as a check with nothing changed reads it back, without the model's classes
(`cli.check_fast`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

PathShower = Callable[[str], str]


class ShownProblem(Protocol):
    """What showing a problem reads of it."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def severity(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str: ...


class KeptProblem(NamedTuple):
    """A problem as a manifest keeps it: the fields of `model.Problem`, in its order."""

    path: str
    line: int
    column: int
    severity: str
    code: str
    field: str
    message: str
    hint: str = ""


# Control characters, which YAML escapes such as "\0" or "\e" can put in any value.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text for a terminal: control characters written as the YAML escapes that make them."""
    return _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04X}", text)


def problem_line(item: ShownProblem, show: PathShower) -> str:
    field = f" {visible(item.field)}:" if item.field else ""
    text = (
        f"{visible(show(item.path))}:{item.line}:{item.column}: "
        f"{item.severity}[{item.code}]{field} {visible(item.message)}"
    )
    return text + (f"\n    hint: {visible(item.hint)}" if item.hint else "")


def problems_text(problems: Iterable[ShownProblem], show: PathShower) -> str:
    return "".join(problem_line(item, show) + "\n" for item in problems)


def summary_line(errors: int, warnings: int, files: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not errors and not warnings:
        return f"{count(files, 'file')} checked: no problems"
    return f"{count(files, 'file')} checked: {count(errors, 'error')}, {count(warnings, 'warning')}"


def problems_json(problems: Iterable[ShownProblem], show: PathShower) -> str:
    def record(item: ShownProblem) -> dict[str, Any]:
        return {
            "path": show(item.path),
            "line": item.line,
            "column": item.column,
            "code": item.code,
            "field": item.field,
            "message": item.message,
            "hint": item.hint,
        }

    items = list(problems)
    return (
        json.dumps(
            {
                "errors": [record(p) for p in items if p.severity == "error"],
                "warnings": [record(p) for p in items if p.severity == "warning"],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def github_annotations(problems: Iterable[ShownProblem], show: PathShower) -> str:
    """Problems as GitHub Actions workflow commands, which annotate the files in a pull
    request."""

    def escape(text: str, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    lines = []
    for item in problems:
        field = f"{item.field}: " if item.field else ""
        hint = f" (hint: {item.hint})" if item.hint else ""
        lines.append(
            f"::{item.severity} file={visible(escape(show(item.path), True))},line={item.line},"
            f"col={item.column},title={escape(f'pdp {item.code}', True)}::"
            f"{visible(escape(field + item.message + hint))}\n"
        )
    return "".join(lines)
