"""The coverage of the frameworks as `pdp report --coverage` prints it: the coverage page's
matrix, as text for people or JSON for programs."""

from __future__ import annotations

import json
from typing import Any

from ..journal.compute import PerformanceYear
from ..journal.coverage import Cell, Coverage, FrameworkCoverage, Row
from ..site.formats import figure, number

NONE = "none"  # a cell without evidence, as the page marks it too


def only_year(found: Coverage, year: PerformanceYear) -> Coverage:
    """The coverage with the one column of `year` (none for a year it does not have)."""
    index = [i for i, each in enumerate(found.years) if each == year]
    frameworks = tuple(
        FrameworkCoverage(
            framework.vocabulary,
            tuple(Row(row.term, tuple(row.cells[i] for i in index)) for row in framework.rows),
        )
        for framework in found.frameworks
    )
    return Coverage(tuple(found.years[i] for i in index), found.current, frameworks, found.flags)


def coverage_text(found: Coverage) -> str:
    """Each framework as a table of its terms by year, then the goals flagged."""
    names = [year.name for year in found.years]
    lines = ["Coverage of the frameworks: points (done entries) by performance year", ""]
    for framework in found.frameworks:
        lines.extend(_framework_lines(framework, names))
        lines.append("")
    if found.flags:
        lines.append(f"Goals without evidence in {found.current.name}:")
        lines.extend(
            f"  {flag.goal.title} ({flag.goal.id}): no entry names {flag.term.name} "
            f"({flag.vocabulary.title})"
            for flag in found.flags
        )
    else:
        lines.append(
            f"Every goal's disciplines and behaviours have evidence in {found.current.name}."
        )
    return "\n".join(lines) + "\n"


def _framework_lines(framework: FrameworkCoverage, names: list[str]) -> list[str]:
    vocabulary = framework.vocabulary
    rows = [(row.term.name, [_cell_text(cell) for cell in row.cells]) for row in framework.rows]
    gaps = [f"{framework.gaps(i)} of {len(framework.rows)}" for i in range(len(names))]
    rows.append(("Without evidence", gaps))
    first = max(len(vocabulary.title), *(len(name) for name, _ in rows))
    widths = [max(len(name), *(len(cells[i]) for _, cells in rows)) for i, name in enumerate(names)]
    header = [
        vocabulary.title.ljust(first),
        *(n.rjust(w) for n, w in zip(names, widths, strict=True)),
    ]
    lines = [f"Source: {vocabulary.source}", "  ".join(header).rstrip()]
    for name, cells in rows:
        row = [name.ljust(first), *(c.rjust(w) for c, w in zip(cells, widths, strict=True))]
        lines.append("  ".join(row).rstrip())
    return lines


def _cell_text(cell: Cell) -> str:
    return NONE if cell.gap else f"{figure(cell.points)} ({cell.entries})"


def coverage_json(found: Coverage) -> str:
    """The matrix as JSON: every framework's terms with their points and entries per year."""
    document: dict[str, Any] = {
        "years": [year.name for year in found.years],
        "current_year": found.current.name,
        "frameworks": [_framework_json(framework, found) for framework in found.frameworks],
        "goals_without_evidence": [
            {"goal": flag.goal.id, "field": flag.vocabulary.field, "id": flag.term.id}
            for flag in found.flags
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _framework_json(framework: FrameworkCoverage, found: Coverage) -> dict[str, Any]:
    vocabulary = framework.vocabulary
    return {
        "field": vocabulary.field,
        "title": vocabulary.title,
        "source": vocabulary.source,
        "terms": [
            {
                "id": row.term.id,
                "name": row.term.name,
                "years": {
                    year.name: {"points": number(cell.points), "entries": cell.entries}
                    for year, cell in zip(found.years, row.cells, strict=True)
                },
            }
            for row in framework.rows
        ],
    }
