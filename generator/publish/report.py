"""The year report and the catalogue as `pdp report` and `pdp catalogue` print them: text
for people or JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..journal.compute import YearTotals
from ..model import CATEGORY_LABELS, Activity, Config
from ..site.formats import figure, long_date, number, percent


def report_json(config: Config, years: Iterable[YearTotals]) -> str:
    def category(total: Any) -> dict[str, Any]:
        return {
            "points": number(total.points),
            "hours": number(total.hours),
            "share": float(number(total.share)),
            "guide": float(number(total.guide)),
        }

    return (
        json.dumps(
            {
                "member": config.name,
                "target": number(config.target),
                "years": [
                    {
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
                        "planned": {
                            "points": number(totals.planned_points),
                            "entries": totals.planned_entries,
                        },
                        "by_category": {
                            name: category(total) for name, total in totals.by_category.items()
                        },
                    }
                    for totals in years
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def year_text(totals: YearTotals) -> str:
    year = totals.year
    lines = [f"{year.name}  {long_date(year.start)} to {long_date(year.end)}"]
    progress = f"{percent(totals.points / totals.target)}" if totals.target else "no target"
    lines.append(
        f"  Points    {figure(totals.points)} of {figure(totals.target)} ({progress})"
        + _pace_text(totals)
    )
    planned = ""
    if totals.planned_entries:
        planned = f"; {totals.planned_entries} planned ({figure(totals.planned_points)} points)"
    entries = "entry" if totals.entries == 1 else "entries"
    lines.append(f"  Hours     {figure(totals.hours)} in {totals.entries} {entries} done" + planned)
    lines.append(f"  {'70:20:10':<32}{'points':>7}{'share':>7}{'guide':>7}")
    for name, total in totals.by_category.items():
        lines.append(
            f"  {CATEGORY_LABELS[name]:<32}{figure(total.points):>7}"
            f"{percent(total.share):>7}{percent(total.guide):>7}"
        )
    return "\n".join(lines) + "\n"


def _pace_text(totals: YearTotals) -> str:
    if totals.remaining == 0:
        return "  target met"
    if totals.pace is None:
        return f"  {figure(totals.remaining)} short"
    months = "month" if totals.months_left == 1 else "months"
    return (
        f"  {figure(totals.remaining)} to go: {figure(totals.pace, 1)} a month for "
        f"{totals.months_left} {months}"
    )


def report_text(config: Config, years: Iterable[YearTotals]) -> str:
    who = ", ".join(part for part in (config.name, config.role) if part)
    return who + "\n\n" + "\n".join(year_text(totals) for totals in years)


def catalogue_json(catalogue: Mapping[str, Activity]) -> str:
    return (
        json.dumps(
            [
                {"id": a.id, "name": a.name, "category": a.category, "points": number(a.points)}
                for a in catalogue.values()
            ],
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def catalogue_text(catalogue: Mapping[str, Activity]) -> str:
    width = max(len(activity.id) for activity in catalogue.values())
    lines = [f"{'id':<{width}}  {'points':>6}  {'category':<13}  name"]
    ordered = sorted(catalogue.values(), key=lambda a: a.points)
    for activity in ordered:
        lines.append(
            f"{activity.id:<{width}}  {figure(activity.points):>6}  "
            f"{activity.category:<13}  {activity.name}"
        )
    return "\n".join(lines) + "\n"
