"""The entries export: `entries.csv` on the site, and `pdp export` as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .formats import number

EXPORT_COLUMNS = (
    "date",
    "title",
    "activity",
    "category",
    "status",
    "hours",
    "points",
    "goals",
    "year",
    "private",
)


def export_rows(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS
) -> list[dict[str, Any]]:
    """Entries as plain records with the export's columns, in order."""
    return [{column: row[column] for column in columns} for row in rows]


def export_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS) -> str:
    """A CSV for spreadsheets: goals joined with '; ', numbers as written, nothing for none."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # one writer: this runs per entry
    writer.writerow(columns)
    writer.writerows(_cells(row, columns) for row in rows)
    return buffer.getvalue()


def csv_row(row: Mapping[str, Any]) -> str:
    """One record as a line of the export's CSV."""
    return csv_line(_cells(row))


def _cells(row: Mapping[str, Any], columns: Sequence[str] = EXPORT_COLUMNS) -> list[str]:
    return [_cell(row[column]) for column in columns]


def csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(number(value))
    cell = str(value)
    # A spreadsheet runs a cell that starts with these as a formula: quote it as text.
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def export_json(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS) -> str:
    records = [
        {
            column: (
                number(value)
                if isinstance(value, Decimal)
                else list(value)
                if isinstance(value, tuple)
                else value
            )
            for column, value in row.items()
        }
        for row in export_rows(rows, columns)
    ]
    return json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n"
