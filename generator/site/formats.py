"""What the commands print: problems, year reports and the catalogue, as text or JSON."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..journal.compute import YearTotals
from ..model import CATEGORY_LABELS, Activity, Config, Problem

PathShower = Callable[[str], str]

# Control characters, which YAML escapes such as "\0" or "\e" can put in any value.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def number(value: Decimal, places: int = 4) -> int | float:
    """A JSON number: whole numbers as integers, others rounded to `places` decimals."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


@functools.lru_cache(maxsize=4096)  # pages show the same few figures thousands of times
def figure(value: Decimal, places: int = 2) -> str:
    """A number for people: no trailing zeros, at most `places` decimals."""
    shown = number(value, places)
    return f"{shown:,}" if isinstance(shown, int) else f"{shown:,.{places}f}".rstrip("0")


def visible(text: str) -> str:
    """Text for a terminal: control characters written as the YAML escapes that make them."""
    return _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04X}", text)


def problem_line(item: Problem, show: PathShower) -> str:
    field = f" {visible(item.field)}:" if item.field else ""
    text = (f"{visible(show(item.path))}:{item.line}:{item.column}: "
            f"{item.severity}[{item.code}]{field} {visible(item.message)}")
    return text + (f"\n    hint: {visible(item.hint)}" if item.hint else "")


def problems_text(problems: Iterable[Problem], show: PathShower) -> str:
    return "".join(problem_line(item, show) + "\n" for item in problems)


def summary_line(errors: int, warnings: int, files: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not errors and not warnings:
        return f"{count(files, 'file')} checked: no problems"
    return f"{count(files, 'file')} checked: {count(errors, 'error')}, " \
           f"{count(warnings, 'warning')}"


def problems_json(problems: Iterable[Problem], show: PathShower) -> str:
    def record(item: Problem) -> dict[str, Any]:
        return {"path": show(item.path), "line": item.line, "column": item.column,
                "code": item.code, "field": item.field, "message": item.message,
                "hint": item.hint}

    items = list(problems)
    return json.dumps({
        "errors": [record(p) for p in items if p.severity == "error"],
        "warnings": [record(p) for p in items if p.severity == "warning"],
    }, indent=2, ensure_ascii=False) + "\n"


def report_json(config: Config, years: Iterable[YearTotals]) -> str:
    def category(total: Any) -> dict[str, Any]:
        return {"points": number(total.points), "hours": number(total.hours),
                "share": float(number(total.share)), "guide": float(number(total.guide))}

    return json.dumps({
        "member": config.name,
        "target": number(config.target),
        "years": [{
            "year": totals.year.name,
            "start": totals.year.start.isoformat(),
            "end": totals.year.end.isoformat(),
            "points": number(totals.points),
            "hours": number(totals.hours),
            "entries": totals.entries,
            "target": number(totals.target),
            "remaining": number(totals.remaining),
            "months_left": totals.months_left,
            "pace": None if totals.pace is None else number(totals.pace, 2),
            "planned": {"points": number(totals.planned_points),
                        "entries": totals.planned_entries},
            "by_category": {name: category(total)
                            for name, total in totals.by_category.items()},
        } for totals in years],
    }, indent=2, ensure_ascii=False) + "\n"


@functools.cache  # pure, and asked for every row of every entry table (a day is small)
def long_date(day: date) -> str:
    """A date as people write it: 14 June 2025."""
    return f"{day.day} {day:%B %Y}"


def percent(share: Decimal) -> str:
    """A fraction as a whole percentage."""
    return f"{number(share * 100, 0)}%"


def year_text(totals: YearTotals) -> str:
    year = totals.year
    lines = [f"{year.name}  {long_date(year.start)} to {long_date(year.end)}"]
    progress = f"{percent(totals.points / totals.target)}" if totals.target else "no target"
    lines.append(f"  Points    {figure(totals.points)} of {figure(totals.target)} ({progress})"
                 + _pace_text(totals))
    planned = ""
    if totals.planned_entries:
        planned = (f"; {totals.planned_entries} planned "
                   f"({figure(totals.planned_points)} points)")
    entries = "entry" if totals.entries == 1 else "entries"
    lines.append(f"  Hours     {figure(totals.hours)} in {totals.entries} {entries} done"
                 + planned)
    lines.append(f"  {'70:20:10':<32}{'points':>7}{'share':>7}{'guide':>7}")
    for name, total in totals.by_category.items():
        lines.append(f"  {CATEGORY_LABELS[name]:<32}{figure(total.points):>7}"
                     f"{percent(total.share):>7}{percent(total.guide):>7}")
    return "\n".join(lines) + "\n"


def _pace_text(totals: YearTotals) -> str:
    if totals.remaining == 0:
        return "  target met"
    if totals.pace is None:
        return f"  {figure(totals.remaining)} short"
    months = "month" if totals.months_left == 1 else "months"
    return (f"  {figure(totals.remaining)} to go: {figure(totals.pace, 1)} a month for "
            f"{totals.months_left} {months}")


def report_text(config: Config, years: Iterable[YearTotals]) -> str:
    who = ", ".join(part for part in (config.name, config.role) if part)
    return who + "\n\n" + "\n".join(year_text(totals) for totals in years)


def catalogue_json(catalogue: Mapping[str, Activity]) -> str:
    return json.dumps([{"id": a.id, "name": a.name, "category": a.category,
                        "points": number(a.points)} for a in catalogue.values()],
                      indent=2, ensure_ascii=False) + "\n"


def catalogue_text(catalogue: Mapping[str, Activity]) -> str:
    width = max(len(activity.id) for activity in catalogue.values())
    lines = [f"{'id':<{width}}  {'points':>6}  {'category':<13}  name"]
    ordered = sorted(catalogue.values(), key=lambda a: a.points)
    for activity in ordered:
        lines.append(f"{activity.id:<{width}}  {figure(activity.points):>6}  "
                     f"{activity.category:<13}  {activity.name}")
    return "\n".join(lines) + "\n"


EXPORT_COLUMNS = ("date", "title", "activity", "category", "status", "hours", "points",
                  "goals", "year", "private")


def export_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Entries as plain records with the export's columns, in order."""
    return [{column: row[column] for column in EXPORT_COLUMNS} for row in rows]


def export_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV for spreadsheets: goals joined with '; ', numbers as written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # one writer: this runs per entry
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_cells(row) for row in rows)
    return buffer.getvalue()


def csv_row(row: Mapping[str, Any]) -> str:
    """One record as a line of the export's CSV."""
    return csv_line(_cells(row))


def _cells(row: Mapping[str, Any]) -> list[str]:
    return [_cell(row[column]) for column in EXPORT_COLUMNS]


def csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(number(value))
    cell = str(value)
    # A spreadsheet runs a cell that starts with these as a formula: quote it as text.
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def export_json(rows: Iterable[Mapping[str, Any]]) -> str:
    records = [{column: (number(value) if isinstance(value, Decimal) else
                         list(value) if isinstance(value, tuple) else value)
                for column, value in row.items()} for row in export_rows(rows)]
    return json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n"


def github_annotations(problems: Iterable[Problem], show: PathShower) -> str:
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
            f"{visible(escape(field + item.message + hint))}\n")
    return "".join(lines)
