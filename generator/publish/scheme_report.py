"""`pdp report` for every CPD scheme of a journal, and the column of points per scheme of
`pdp export`.

The built-in scheme's years read as they did before schemes came (publish.report); each
other scheme follows in a block headed by its name, its years in its own unit, with the
points its caps left out. `--scheme` picks one scheme, `--year` one year of each scheme
whose years are named so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from msgspec import Struct

from ..errors import UsageError
from ..journal.compute import PerformanceYear, YearTotals, parse_year_name, performance_year
from ..journal.privacy import published
from ..journal.schemes import (
    SchemeYear,
    entry_points_by_scheme,
    scheme_named,
    scheme_year,
    scheme_years_of,
    schemes_of,
)
from ..model import GCS, Config, Journal, Scheme
from ..site.formats import amount
from ..suggest import did_you_mean
from .report import (
    IdleGoals,
    SchemeBlock,
    YearReport,
    figures_line,
    heading,
    idle_text,
    private_line,
    verdict_text,
    year_heading,
    year_text,
)


class Selection(Struct, frozen=True):
    """The schemes the report shows, primary first, and the one year of each if `--year`
    named one (a scheme whose years are not named so is left out)."""

    schemes: tuple[Scheme, ...]
    years: Mapping[str, PerformanceYear]

    def shows(self, scheme_id: str) -> bool:
        return any(scheme.id == scheme_id for scheme in self.schemes)

    def goals_year(self, config: Config, today: date) -> tuple[PerformanceYear, bool]:
        """The year whose goals without evidence end the report, and whether it is the
        current one: the year named, or the built-in scheme's current year."""
        if not self.years:
            return performance_year(today, config.year_start_month), True
        scheme = self.schemes[0]
        year = self.years[scheme.id]
        return year, year == performance_year(today, scheme.year_start_month)


def select(config: Config, name: str | None, year: str | None, today: date) -> Selection:
    """What `--scheme NAME` and `--year YEAR` ask for; a usage error if no scheme has it."""
    schemes = schemes_of(config) if name is None else (scheme_or_fail(config, name),)
    if year is None:
        return Selection(schemes, {})
    years = {}
    for scheme in schemes:
        found = parse_year_name(year, scheme.year_start_month)
        if found is not None:
            years[scheme.id] = found
    if not years:
        examples = dict.fromkeys(
            performance_year(today, scheme.year_start_month).name for scheme in schemes
        )
        raise UsageError(
            f"'{year}' is not a performance year name", "name a year like " + " or ".join(examples)
        )
    return Selection(tuple(s for s in schemes if s.id in years), years)


def scheme_or_fail(config: Config, name: str) -> Scheme:
    """The scheme `--scheme` names; a usage error, with a did-you-mean, if none."""
    found = scheme_named(config, name)
    if found is None:
        ids = config.scheme_ids
        raise UsageError(
            f"'{name}' is not a scheme of this journal",
            did_you_mean(name, ids, "the schemes are: " + ", ".join(ids)),
        )
    return found


def scheme_blocks(
    journal: Journal,
    chosen: Selection,
    builtin: Sequence[YearReport],
    today: date,
    publish: bool,
) -> list[SchemeBlock]:
    """Each chosen scheme's years: the built-in scheme's are `builtin` (those of the
    report's top-level years); the others counted on the published view with `publish`,
    otherwise on the member's own with what the published view leaves out."""
    shown = published(journal) if any(s.id != GCS for s in chosen.schemes) else journal
    blocks = []
    for scheme in chosen.schemes:
        if scheme.id == GCS:
            blocks.append(SchemeBlock(scheme, tuple(builtin)))
            continue
        only = chosen.years.get(scheme.id)
        years = _scheme_years(journal, shown, scheme, today, publish, only)
        blocks.append(SchemeBlock(scheme, tuple(years)))
    return blocks


def _scheme_years(
    journal: Journal,
    shown: Journal,
    scheme: Scheme,
    today: date,
    publish: bool,
    only: PerformanceYear | None,
) -> list[YearReport]:
    """A scheme's years (`only` that one) in the member's own journal or, with `publish`,
    in the published view `shown`."""
    counted = shown if publish else journal
    years = [only] if only else scheme_years_of(counted, scheme, today)
    reports = []
    for year in years:
        own = scheme_year(counted, scheme, year, today)
        if publish:
            reports.append(_year_report(own))
            continue
        public = scheme_year(shown, scheme, year, today).totals
        private = own.totals.entries - public.entries, own.totals.points - public.points
        reports.append(_year_report(own, *private))
    return reports


def _year_report(found: SchemeYear, entries: int = 0, points: Decimal = Decimal(0)) -> YearReport:
    return YearReport(found.totals, found.standing, entries, points, found.capped)


def report_text(
    config: Config,
    blocks: Sequence[SchemeBlock],
    publish: bool = False,
    idle: IdleGoals | None = None,
) -> str:
    """The year report for people: each scheme's block, the first one unheaded if it is the
    built-in scheme's (as the report read before schemes came)."""
    texts = []
    for index, block in enumerate(blocks):
        scheme = block.scheme
        if scheme.id == GCS:
            years = "\n".join(year_text(report) for report in block.years)
        else:
            years = "\n".join(scheme_year_text(report, scheme.unit) for report in block.years)
        texts.append(
            years if index == 0 and scheme.id == GCS else f"{scheme_heading(scheme)}\n\n{years}"
        )
    return heading(config, publish) + "\n".join(texts) + (idle_text(idle) if idle else "")


def scheme_heading(scheme: Scheme) -> str:
    """'Professional body CPD [body], hours, years from January'."""
    month = f"{date(2000, scheme.year_start_month, 1):%B}"
    return f"{scheme.name} [{scheme.id}], {scheme.unit}, years from {month}"


def scheme_year_text(report: YearReport, unit: str) -> str:
    """A scheme's year, in its unit: its figures against its target, its status, its
    entries, and what its caps and the published portfolio leave out."""
    totals = report.totals
    lines = [
        year_heading(totals.year),
        figures_line(unit.capitalize(), totals),
        f"  Status    {verdict_text(report.standing)}",
        f"  Entries   {_entries_text(totals, unit)}",
    ]
    if report.capped:
        lines.append(f"  Capped    {amount(report.capped, unit)} left out by caps")
    if report.private_entries:
        lines.append(private_line(report.private_entries, amount(report.private_points, unit)))
    return "\n".join(lines) + "\n"


def _entries_text(totals: YearTotals, unit: str) -> str:
    if totals.entries == 0:
        text = "No entries done yet" if totals.months_left else "No entries done"
    else:
        text = f"{totals.entries} {'entry' if totals.entries == 1 else 'entries'} done"
    if totals.planned_entries:
        text += f"; {totals.planned_entries} planned ({amount(totals.planned_points, unit)})"
    return text


def scheme_columns(config: Config) -> tuple[str, ...]:
    """The export's column of points per scheme: `points_gcs`, then the declared ones."""
    return tuple(_column(scheme_id) for scheme_id in config.scheme_ids)


def with_scheme_points(
    journal: Journal, records: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The export's records (one per entry, in order) with each scheme's points after its
    caps: none where the entry does not count for the scheme."""
    points = entry_points_by_scheme(journal)
    ids = journal.config.scheme_ids
    return [
        {**record, **{_column(key): points[key].get(entry.path) for key in ids}}
        for entry, record in zip(journal.entries, records, strict=True)
    ]


def _column(scheme_id: str) -> str:
    return f"points_{scheme_id}"
