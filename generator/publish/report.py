"""The year report and the catalogue as `pdp report` and `pdp catalogue` print them: text
for people or JSON for programs.

The member's own report counts what is private too, and says how much of it the published
portfolio leaves out; `pdp report --publish` counts what the reviewer sees (the published
view of `journal.privacy`, as `pdp build --publish` makes it). Goals and their evidence
(`pdp report --goals`) come from `journal.goal_progress`; the year report ends with the
active goals that no done entry of its year serves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from msgspec import Struct

from ..journal.compute import ZERO, PerformanceYear, YearTotals, year_totals, years_of
from ..journal.goal_progress import Evidence, GoalProgress
from ..journal.privacy import published
from ..journal.standing import Standing, standing, year_figures
from ..model import CATEGORY_LABELS, GCS, Activity, Config, Journal, Scheme
from ..site.formats import figure, long_date, number, percent


class YearReport(Struct, frozen=True):
    """A year's totals and standing, and the done entries and points in them that the
    published portfolio leaves out (none in the published report)."""

    totals: YearTotals
    standing: Standing
    private_entries: int = 0
    private_points: Decimal = ZERO
    capped: Decimal = ZERO  # points of done entries a scheme's caps left out


class SchemeBlock(Struct, frozen=True):
    """A scheme's years in the report (see publish.scheme_report)."""

    scheme: Scheme
    years: tuple[YearReport, ...]


def year_reports(
    journal: Journal, today: date, publish: bool, only: PerformanceYear | None = None
) -> list[YearReport]:
    """The report's years (`only` that one): those of the published view of the journal
    with `publish`, as the reviewer sees them; otherwise the member's own, with what the
    published view leaves out of each."""
    shown = published(journal)
    if publish:
        years = [only] if only else years_of(shown, today)
        return [_year_report(shown, year_totals(shown, year, today), today) for year in years]
    reports = []
    for year in [only] if only else years_of(journal, today):
        own, public = year_totals(journal, year, today), year_totals(shown, year, today)
        reports.append(
            _year_report(
                journal, own, today, own.entries - public.entries, own.points - public.points
            )
        )
    return reports


def _year_report(
    journal: Journal, totals: YearTotals, today: date, entries: int = 0, points: Decimal = ZERO
) -> YearReport:
    """A year's report, with its standing as the dashboard and the review pack show it."""
    return YearReport(totals, standing(year_figures(journal, totals), today), entries, points)


def report_json(
    config: Config,
    years: Iterable[YearReport],
    publish: bool = False,
    idle: IdleGoals | None = None,
    schemes: Sequence[SchemeBlock] | None = None,
) -> str:
    """The report for programs: `years` are those of the scheme the report leads with (the
    primary, or the one `--scheme` names: the built-in scheme's unless the configuration
    says otherwise, as before schemes came), `schemes` each scheme's, with the points its
    caps left out."""
    target, lead = config.target, GCS
    if schemes:
        years, target, lead = schemes[0].years, schemes[0].scheme.target, schemes[0].scheme.id
    document: dict[str, Any] = {
        "member": config.name,
        "target": number(target),
        "scheme": lead,
        "published": publish,
        "years": [_year_json(report) for report in years],
    }
    if schemes is not None:
        document["schemes"] = [
            {
                "id": block.scheme.id,
                "name": block.scheme.name,
                "unit": block.scheme.unit,
                "years": [
                    _year_json(report) | {"capped": number(report.capped)} for report in block.years
                ],
            }
            for block in schemes
        ]
    if idle is not None:
        document["goals_without_evidence"] = _idle_json(idle)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _year_json(report: YearReport) -> dict[str, Any]:
    def category(total: Any) -> dict[str, Any]:
        return {
            "points": number(total.points),
            "hours": number(total.hours),
            "share": float(number(total.share)),
            "guide": float(number(total.guide)),
        }

    totals = report.totals
    return {
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
        "by_category": {name: category(total) for name, total in totals.by_category.items()},
        "status": report.standing.status,
        "expected": number(report.standing.expected, 2),
        "sentence": report.standing.said,
        "mix_note": report.standing.mix_note,
        "private_entries": report.private_entries,
        "private_points": number(report.private_points),
    }


def year_text(report: YearReport) -> str:
    totals = report.totals
    lines = [year_heading(totals.year), figures_line("Points", totals)]
    lines.append(f"  Status    {verdict_text(report.standing)}")
    planned = ""
    if totals.planned_entries:
        planned = f"; {totals.planned_entries} planned ({figure(totals.planned_points)} points)"
    lines.append(f"  Hours     {_done_text(totals)}" + planned)
    lines.append(f"  Mix       {report.standing.mix_note}")
    lines.append(f"  {'70:20:10':<32}{'points':>7}{'share':>7}{'guide':>7}")
    for name, total in totals.by_category.items():
        lines.append(
            f"  {CATEGORY_LABELS[name]:<32}{figure(total.points):>7}"
            f"{percent(total.share):>7}{percent(total.guide):>7}"
        )
    if report.private_entries:
        lines.append(
            private_line(report.private_entries, f"{figure(report.private_points)} points")
        )
    return "\n".join(lines) + "\n"


def year_heading(year: PerformanceYear) -> str:
    """A year's first line: "2025-26  1 April 2025 to 31 March 2026"."""
    return f"{year.name}  {long_date(year.start)} to {long_date(year.end)}"


def figures_line(label: str, totals: YearTotals) -> str:
    """The year's figure against its target, and the pace that the rest needs."""
    progress = percent(totals.points / totals.target) if totals.target else "no target"
    shown = f"{figure(totals.points)} of {figure(totals.target)} ({progress})"
    return f"  {label:<10}{shown}" + pace_text(totals)


def private_line(entries: int, amount_text: str) -> str:
    """What of the year the published portfolio leaves out."""
    private = "private entry" if entries == 1 else "private entries"
    return (
        f"  Includes {entries} {private} ({amount_text}) that the published portfolio "
        "leaves out: see `pdp report --publish`."
    )


def _done_text(totals: YearTotals) -> str:
    """The hours of the done entries: "12.5 in 3 entries done", or that none is done."""
    if totals.entries == 0:
        return "No entries done yet" if totals.months_left else "No entries done"
    entries = "entry" if totals.entries == 1 else "entries"
    return f"{figure(totals.hours)} in {totals.entries} {entries} done"


def verdict_text(found: Standing) -> str:
    """The status and its sentence, without saying "target met" twice."""
    if found.sentence.lower().startswith(found.status.lower()):
        return found.said
    return f"{found.status}: {found.sentence}"


def pace_text(totals: YearTotals) -> str:
    if totals.remaining == 0:
        return "  target met"
    if totals.pace is None:
        return f"  {figure(totals.remaining)} short"
    months = "month" if totals.months_left == 1 else "months"
    return (
        f"  {figure(totals.remaining)} to go: {figure(totals.pace, 1)} a month for "
        f"{totals.months_left} {months}"
    )


def heading(config: Config, publish: bool) -> str:
    """Who the report is of and, for the published one, that it is what the reviewer sees."""
    who = ", ".join(part for part in (config.name, config.role) if part)
    if publish:
        who += "\nThe published portfolio, as the reviewer sees it: private content left out"
    return who + "\n\n"


def goals_json(
    config: Config, year: PerformanceYear, goals: Iterable[GoalProgress], publish: bool = False
) -> str:
    def evidence(found: Evidence) -> dict[str, Any]:
        return {
            "points": number(found.points),
            "entries": found.entries,
            "planned": {"points": number(found.planned_points), "entries": found.planned_entries},
            "latest": None if found.latest is None else found.latest.isoformat(),
        }

    def goal(item: GoalProgress) -> dict[str, Any]:
        target = item.goal.target_date
        return {
            "id": item.goal.id,
            "title": item.goal.title,
            "status": item.goal.status,
            "target_date": None if target is None else target.isoformat(),
            "overdue": item.overdue,
            "private": item.goal.private,
            "no_evidence_in_year": item.no_evidence_in_year,
            "in_year": evidence(item.in_year),
            "all_time": evidence(item.all_time),
        }

    document = {
        "member": config.name,
        "published": publish,
        "year": year.name,
        "goals": [goal(item) for item in goals],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def goals_text(
    config: Config,
    year: PerformanceYear,
    goals: Sequence[GoalProgress],
    current: bool,
    publish: bool = False,
) -> str:
    """Each goal: its status and target date, and its evidence in `year` (the `current` one,
    or another) and in all years."""
    if not goals:
        return heading(config, publish) + "No goals yet: add them in journal/goals/.\n"
    width = max(len(year.name), len("all time"))
    this_year = "this year" if current else f"in {year.name}"
    blocks = []
    for item in goals:
        goal = item.goal
        in_year = _evidence_text(item.in_year)
        if item.no_evidence_in_year:
            in_year = in_year.replace("none done", f"no evidence {this_year}", 1)
        blocks.append(
            f"{goal.id}: {goal.title}\n  {_standing_text(item)}\n"
            f"  {year.name:<{width}}  {in_year}\n"
            f"  {'all time':<{width}}  {_evidence_text(item.all_time, latest=True)}\n"
        )
    return heading(config, publish) + "\n".join(blocks)


def _standing_text(item: GoalProgress) -> str:
    goal = item.goal
    parts = [goal.status] + (["private"] if goal.private else [])
    if goal.target_date is None:
        parts.append("no target date")
    elif item.overdue:
        parts.append(f"overdue since {long_date(goal.target_date)}")
    else:
        parts.append(f"target date {long_date(goal.target_date)}")
    return ", ".join(parts)


def _evidence_text(found: Evidence, latest: bool = False) -> str:
    """The evidence in words; with `latest`, the date of the latest done entry too."""
    if found.entries:
        entries = "entry" if found.entries == 1 else "entries"
        text = f"{figure(found.points)} points in {found.entries} {entries} done"
    else:
        text = "none done"
    if found.planned_entries:
        text += f"; {found.planned_entries} planned ({figure(found.planned_points)} points)"
    if latest and found.latest is not None:
        text += f"; latest {long_date(found.latest)}"
    return text


class IdleGoals(Struct, frozen=True):
    """The active goals that no done entry of a year (the `current` one, or another) serves:
    what the year report ends with."""

    year: PerformanceYear
    current: bool
    goals: tuple[GoalProgress, ...]


def idle_goals(year: PerformanceYear, current: bool, goals: Iterable[GoalProgress]) -> IdleGoals:
    return IdleGoals(year, current, tuple(item for item in goals if item.no_evidence_in_year))


def _idle_json(idle: IdleGoals) -> dict[str, Any]:
    def day(found: date | None) -> str | None:
        return None if found is None else found.isoformat()

    return {
        "year": idle.year.name,
        "goals": [
            {
                "id": item.goal.id,
                "title": item.goal.title,
                "status": item.goal.status,
                "overdue": item.overdue,
                "latest": day(item.all_time.latest),
            }
            for item in idle.goals
        ],
    }


def idle_text(idle: IdleGoals) -> str:
    """The year report's end: the active goals without evidence in the year, if any."""
    if not idle.goals:
        return ""
    when = "this year" if idle.current else f"in {idle.year.name}"
    lines = [f"\nActive goals without evidence {when}"]
    for item in idle.goals:
        latest = item.all_time.latest
        since = f"latest evidence {long_date(latest)}" if latest else "no evidence yet"
        lines.append(f"  {item.goal.id}: {item.goal.title} ({since})")
    return "\n".join(lines) + "\n"


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
