"""The speed targets pdp is held to, as data, and the table and verdicts a run gives.

Each target names a journal size (in entries: it holds for every journal of that size, of
either shape), a figure of the targets table, and the most that figure may be. `run.py`
prints the table of every figure for each journal, then a line per target and journal
saying whether the target is met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from _journals import Shape
from _results import CHECK_WARM, COLD_BUILD, EDIT_BUILD, WARM_BUILD, Result, ratio
from _table import markdown_table

# The peers' rows start with their names (their versions follow).
HUGO, MKDOCS, FLOOR = "Hugo ", "MkDocs ", "bare Python floor"
MET, NOT_MET, NOT_MEASURED = "met", "NOT met", "not measured"


@dataclass(frozen=True, slots=True)
class Figure:
    """A number the targets table gives for each journal: seconds, a ratio or megabytes."""

    heading: str
    unit: str  # "s", "x" or "MB"

    def shown(self, value: float | None) -> str:
        """The value as the table shows it; "-" if it was not measured."""
        if value is None:
            return "-"
        if self.unit == "x":
            return f"{value:.2f}"
        return f"{value:.1f} MB" if self.unit == "MB" else f"{value:.3f} s"

    def limit(self, value: float) -> str:
        """A target's limit, as the verdicts give it."""
        return f"{value:g}" if self.unit == "x" else f"{value:g} {self.unit}"


PDP_COLD = Figure("pdp cold", "s")
PDP_WARM = Figure("pdp warm", "s")
PDP_EDIT = Figure("pdp after one edit", "s")
MKDOCS_BUILD = Figure("MkDocs", "s")
HUGO_BUILD = Figure("Hugo", "s")
COLD_MKDOCS = Figure("cold/MkDocs", "x")
WARM_HUGO = Figure("warm/Hugo", "x")
EDIT_HUGO = Figure("edit/Hugo", "x")
COLD_FLOOR = Figure("cold/floor", "x")
PEAK = Figure("peak memory", "MB")
CHECK = Figure("check (warm)", "s")
FIGURES = (
    PDP_COLD,
    PDP_WARM,
    PDP_EDIT,
    MKDOCS_BUILD,
    HUGO_BUILD,
    COLD_MKDOCS,
    WARM_HUGO,
    EDIT_HUGO,
    COLD_FLOOR,
    PEAK,
    CHECK,
)


@dataclass(frozen=True, slots=True)
class Target:
    """At `entries` entries, `figure` is at most `limit` (or under it, if `under`)."""

    entries: int
    figure: Figure
    limit: float
    under: bool = False

    def met(self, value: float) -> bool:
        """Whether a measured value meets the target."""
        return value < self.limit if self.under else value <= self.limit

    @property
    def bound(self) -> str:
        """The limit in words: "at most 0.5", "under 0.1 s"."""
        return f"{'under' if self.under else 'at most'} {self.figure.limit(self.limit)}"


# Issue 25's targets: ratios in one run of `make bench-peers`, medians of at least 5 runs.
TARGETS = (
    Target(300, WARM_HUGO, 0.5),
    Target(300, EDIT_HUGO, 0.6),
    Target(300, COLD_MKDOCS, 0.33),
    Target(300, CHECK, 0.1, under=True),
    Target(1000, WARM_HUGO, 0.5),
    Target(1000, EDIT_HUGO, 0.6),
    Target(1000, COLD_MKDOCS, 0.33),
    Target(10000, WARM_HUGO, 0.15),
    Target(10000, EDIT_HUGO, 0.2),
    Target(10000, COLD_MKDOCS, 0.3),
    Target(10000, COLD_FLOOR, 1.2),
    Target(10000, PEAK, 400, under=True),
    Target(10000, CHECK, 1.0, under=True),
)

Figures = Mapping[Figure, float | None]


def figures(results: Sequence[Result]) -> dict[Figure, float | None]:
    """Every figure of the targets table, from the results of one journal."""

    def find(name: str) -> Result | None:
        return next((result for result in results if result.command.startswith(name)), None)

    cold, warm, edit = find(COLD_BUILD), find(WARM_BUILD), find(EDIT_BUILD)
    hugo, mkdocs = find(HUGO), find(MKDOCS)
    peak = max((result.peak_bytes for result in results), default=0)
    return {
        PDP_COLD: median(cold),
        PDP_WARM: median(warm),
        PDP_EDIT: median(edit),
        MKDOCS_BUILD: median(mkdocs),
        HUGO_BUILD: median(hugo),
        COLD_MKDOCS: ratio(cold, mkdocs),
        WARM_HUGO: ratio(warm, hugo),
        EDIT_HUGO: ratio(edit, hugo),
        COLD_FLOOR: ratio(cold, find(FLOOR)),
        PEAK: peak / 1e6 if peak else None,
        CHECK: median(find(CHECK_WARM)),
    }


def median(result: Result | None) -> float | None:
    """The median of a result's times, if it was measured."""
    return None if result is None else result.median


def by_journal(results: Sequence[Result]) -> dict[Shape, dict[Figure, float | None]]:
    """The figures of each journal, in the order the journals were run."""
    shapes = dict.fromkeys(result.shape for result in results)
    return {
        shape: figures([result for result in results if result.shape == shape]) for shape in shapes
    }


def targets_table(measured: Mapping[Shape, Figures]) -> str:
    """Every figure of every journal, a row per journal, as a Markdown table."""
    rows = [
        ("entries", *(figure.heading for figure in FIGURES)),
        *(
            (shape.label, *(figure.shown(values.get(figure)) for figure in FIGURES))
            for shape, values in measured.items()
        ),
    ]
    return markdown_table(rows, (False, *(True for _ in FIGURES)))


class Verdict(NamedTuple):
    """Whether a target is met on one journal ("met", "NOT met" or "not measured"), and what
    was measured against what."""

    status: str
    text: str

    @property
    def line(self) -> str:
        """The verdict as an item of a Markdown list."""
        return f"- {self.status}: {self.text}"


def verdicts(
    measured: Mapping[Shape, Figures], targets: Sequence[Target] = TARGETS
) -> list[Verdict]:
    """A verdict per target and journal of its size, journal by journal."""
    found = []
    for shape, values in measured.items():
        for target in (target for target in targets if target.entries == shape.entries):
            value = values.get(target.figure)
            bound = target.bound
            what = f"{shape.described}, {target.figure.heading}"
            if value is None:
                found.append(
                    Verdict(NOT_MEASURED, f"{what} ({bound}; needs the peers: run with --peers)")
                )
            else:
                status = MET if target.met(value) else NOT_MET
                found.append(Verdict(status, f"{what} {target.figure.shown(value)} ({bound})"))
    return found


def tally(found: Sequence[Verdict]) -> str:
    """How many of the targets measured are met."""
    if not found:
        return "No target is set for journals of these sizes."
    measured = [verdict for verdict in found if verdict.status != NOT_MEASURED]
    met = sum(verdict.status == MET for verdict in measured)
    missing = len(found) - len(measured)
    return f"Targets met: {met} of {len(measured)}" + (
        f" ({missing} not measured)." if missing else "."
    )


def report(results: Sequence[Result]) -> str:
    """The targets table, the tally and a line per verdict, as Markdown."""
    measured = by_journal(results)
    found = verdicts(measured)
    parts = [
        "Targets: medians in seconds; ratios are medians of each round's ratio where both "
        "builds took turns in the same rounds, or else ratios of medians; peak memory is the "
        "most any of pdp's commands took.",
        targets_table(measured),
        tally(found),
    ]
    if found:
        parts.append("\n".join(verdict.line for verdict in found))
    return "\n\n".join(parts)
