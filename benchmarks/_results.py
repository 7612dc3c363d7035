"""The measurements of one command, or one peer's build, on one generated journal."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from _journals import Shape

# The rows the targets are read from (see targets.py).
CHECK_WARM = "check (warm)"
COLD_BUILD = "build --no-cache (cold)"  # what a peer's full build is compared with
WARM_BUILD = "build (warm)"
EDIT_BUILD = "build after one edit"


@dataclass(frozen=True, slots=True)
class Result:
    """The measurements of one command on one journal: its times, in the order run (in
    rounds, if it took turns with the peers), and its peak memory (0: not measured)."""

    shape: Shape
    command: str
    times: tuple[float, ...]
    peak_bytes: int
    ratios: tuple[float, ...] = ()  # to pdp's cold build of the same round, if timed in turns
    in_rounds: bool = False  # timed in turns with pdp's cold build and the peers' builds

    @property
    def median(self) -> float:
        """The median of the times."""
        return statistics.median(self.times)

    def row(self, cold_build: float) -> tuple[str, ...]:
        """The result as the cells of a table row, with its ratio to pdp's cold build: the
        median of its rounds' ratios, if it took turns with it, or else of the medians."""
        peak = f"{self.peak_bytes / 1e6:.1f}" if self.peak_bytes else "-"
        ratio = statistics.median(self.ratios) if self.ratios else self.median / cold_build
        return (
            self.shape.label,
            self.command,
            f"{self.median:.3f}",
            f"{min(self.times):.3f}",
            peak,
            f"{ratio:.2f}",
        )


def ratio(mine: Result | None, theirs: Result | None) -> float | None:
    """How long `mine` takes against `theirs`: the median of the ratios of each round's
    times, if both took turns in the same rounds, so that a machine's drift cancels; or
    else the ratio of the medians. None if either was not measured."""
    if mine is None or theirs is None:
        return None
    if mine.in_rounds and theirs.in_rounds and len(mine.times) == len(theirs.times):
        return statistics.median(
            our / their for our, their in zip(mine.times, theirs.times, strict=True)
        )
    return mine.median / theirs.median
