"""Time pdp's commands, and watch mode's rebuilds, on generated journals; print the tables.

    python benchmarks/run.py [--sizes 300,1000,10000,10000/5] [--runs R] [--peers]

Progress goes to standard error, the tables to standard output: every command's times, then
the figures of the speed targets (targets.py) and whether each target is met. Nothing is
asserted about the times; the run fails only if a journal cannot be generated or a command
fails on it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from _journals import ROOT, BenchError, Edits, Shape, journal, pdp, progress, shapes
from _results import CHECK_WARM, COLD_BUILD, EDIT_BUILD, WARM_BUILD, Result
from _serve import edit_to_served
from _table import markdown_table
from generate import positive  # the script folder is on the path: run.py runs as a script
from peers import (
    Build,
    PeerError,
    check_entry_pages,
    peer_builds,
    prepare,
    time_in_rounds,
    timed_build,
)
from targets import report

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "_measure.py"
TODAY = "2026-11-28"  # fixed, so the journals' dates and the reports never change
DEFAULT_SIZES = "300,1000,10000,10000/5"
# Timed runs of each command, by default, on journals of up to so many entries: small
# journals' commands take tenths of a second, where noise weighs most, and cost little.
RUNS_UP_TO = ((300, 11), (1000, 7))
LEAST_RUNS = 5  # and on larger ones: the targets are medians of at least 5 runs


class Command(NamedTuple):
    """A pdp command to time: its row's label, its arguments, whether it builds into an
    output folder of its own, removed (untimed) before each run as the peers' output
    folders are, and whether one entry is edited (untimed) before each run."""

    label: str
    arguments: str
    fresh_output: bool = False
    edits: bool = False


# build writes site/ in the journal; its warm-up run fills the build cache, so "build" is a
# warm build and "build --no-cache" a cold one: once into a new folder of its own, like the
# peers, and once replacing the site of the run before (which it then deletes).
COMMANDS = (
    Command("check --no-cache (cold)", "check --no-cache"),
    Command(CHECK_WARM, "check"),
    Command("report", "report"),
    Command(COLD_BUILD, "build --no-cache", fresh_output=True),
    Command("build --no-cache, replacing site/", "build --no-cache"),
    Command(WARM_BUILD, "build"),
    Command(EDIT_BUILD, "build", edits=True),
    Command("build --publish (warm)", "build --publish"),
)
# With --peers, these take turns with the peers' builds. The cold build writes into a
# folder of its own, without the cache: it never disturbs the site/ and the cache the warm
# and the one-edit builds use, whichever of them runs first in a round.
IN_ROUNDS = frozenset({COLD_BUILD, WARM_BUILD, EDIT_BUILD})
HEADER = ("entries", "command", "median s", "min s", "peak MB", "x pdp cold build")
RIGHT_ALIGNED = (False, False, True, True, True, True)
SHOWN_LINES = 40  # of a failing command's output


def failed(command: Sequence[str], code: int, output: str = "") -> BenchError:
    """The error for a command that exited with `code`, showing the start of its output."""
    shown = "\n".join(output.splitlines()[:SHOWN_LINES])
    return BenchError(f"exit code {code} from: {' '.join(command)}\n{shown}".rstrip())


def verify(project: Path, env: Mapping[str, str]) -> None:
    """Fail unless `pdp check` exits with 0 on the journal; show its summary."""
    command = pdp(project, "check")
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise failed(command, done.returncode, done.stdout + done.stderr)
    lines = done.stdout.splitlines()
    progress(f"  checked: {lines[-1] if lines else '(no output)'}")
    if len(lines) > 1:
        progress("\n".join(f"    {line}" for line in lines[:-1][:SHOWN_LINES]))


def pdp_build(
    project: Path, command: Command, env: Mapping[str, str], workdir: Path, edits: Edits
) -> Build:
    """A pdp command as a build to time (the warm-up is `peak_memory`'s run)."""
    argv = pdp(project, command.arguments)
    output = None
    if command.fresh_output:
        output = workdir / f"{project.name}-pdp"
        argv += ["--output", str(output)]
    before = edits if command.edits else None
    return Build(f"pdp {command.label}", argv, ROOT, output, env, warm_up=False, before=before)


def peak_memory(build: Build) -> int:
    """One run of the build under the measuring wrapper: its peak resident bytes."""
    prepare(build)
    wrapped = [sys.executable, str(MEASURE), *build.command]
    done = subprocess.run(
        wrapped, env=build.env, cwd=build.cwd, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise failed(build.command, done.returncode)
    return int(done.stdout)


def measure(
    project: Path, shape: Shape, command: Command, runs: int, env: Mapping[str, str], workdir: Path
) -> Result:
    """A warm-up run that also measures memory, then `runs` timed runs."""
    progress(f"  timing pdp {command.label}: 1 warm-up and {runs} runs")
    with Edits(project) as edits:
        build = pdp_build(project, command, env, workdir, edits)
        peak = peak_memory(build)
        times = tuple(timed_build(build) for _ in range(runs))
    return Result(shape, command.label, times, peak)


def measure_with_peers(
    project: Path, shape: Shape, runs: int, env: Mapping[str, str], workdir: Path
) -> tuple[dict[str, Result], list[Result]]:
    """pdp's cold, warm and one-edit builds and the peers' full builds, taking turns (see
    `time_in_rounds`), each with its ratios to pdp's cold build of the same round."""
    commands = [command for command in COMMANDS if command.label in IN_ROUNDS]
    peers = peer_builds(project, workdir, shape.entries)  # prepared before any warm-up
    with Edits(project) as edits:
        ours = [pdp_build(project, command, env, workdir, edits) for command in commands]
        peaks = [peak_memory(build) for build in ours]  # pdp's warm-ups, in the peers' round
        times = time_in_rounds([*ours, *peers], runs)
    check_entry_pages(project, peers)
    cold = times[0]

    def result(name: str, taken: tuple[float, ...], peak: int = 0) -> Result:
        ratios = tuple(time / first for time, first in zip(taken, cold, strict=True))
        return Result(shape, name, taken, peak, ratios, in_rounds=True)

    # The cold build comes first of pdp's three, as in COMMANDS.
    mine = {COLD_BUILD: Result(shape, COLD_BUILD, cold, peaks[0], in_rounds=True)}
    for command, taken, peak in zip(commands[1:], times[1 : len(ours)], peaks[1:], strict=True):
        mine[command.label] = result(command.label, taken, peak)
    theirs = [
        result(build.name, taken) for build, taken in zip(peers, times[len(ours) :], strict=True)
    ]
    return mine, theirs


def runs_of(shape: Shape, runs: int | None) -> int:
    """The timed runs of each command on a journal: `runs`, or its size's default."""
    if runs is not None:
        return runs
    return next((count for most, count in RUNS_UP_TO if shape.entries <= most), LEAST_RUNS)


def command_environment() -> dict[str, str]:
    """The environment the commands run in. Python may write its bytecode: pdp as installed
    runs from it (installers compile it), and a run that may not write it would time the
    compiling of pdp's modules on every command, which no member's machine does."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PDP_TODAY": TODAY}


def benchmark(
    sizes: Sequence[Shape], runs: Mapping[Shape, int], workdir: Path, seed: int, peers: bool
) -> list[Result]:
    """Generate or reuse each journal, check it, and measure each command on it (and, if
    asked, the peers' full builds of the same journal)."""
    env = command_environment()
    workdir = workdir.resolve()  # the commands run from the repository's folder
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    for shape in sizes:
        project = journal(workdir, shape, seed)
        verify(project, env)
        count = runs[shape]
        mine, theirs = (
            measure_with_peers(project, shape, count, env, workdir) if peers else ({}, [])
        )
        for command in COMMANDS:
            if command.label in mine:
                results.append(mine[command.label])
            else:
                results.append(measure(project, shape, command, count, env, workdir))
        results.append(edit_to_served(project, shape, env))
        results.extend(theirs)
    return results


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table, with its columns lined up."""
    cold = {result.shape: result.median for result in results if result.command == COLD_BUILD}
    rows = [HEADER, *(result.row(cold[result.shape]) for result in results)]
    return markdown_table(rows, RIGHT_ALIGNED)


def setting(runs: Mapping[Shape, int], peers: bool) -> str:
    """A line saying where and how the numbers were taken."""
    counts = ", ".join(f"{count} at {shape.label}" for shape, count in runs.items())
    how = f"timed runs after 1 warm-up, the disk written out before each: {counts}"
    if peers:
        how += (
            "; pdp's cold, warm and one-edit builds and the peers' builds in as many "
            "rounds, taking turns"
        )
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {how}; PDP_TODAY={TODAY}."
    )


def rounds(results: Sequence[Result]) -> str:
    """Each ratio to pdp's cold build in every round, in the order run: how much the
    medians of the table can be trusted."""
    lines = [
        f"- {result.shape.label}, {result.command}: "
        + " ".join(f"{ratio:.2f}" for ratio in result.ratios)
        for result in results
        if result.ratios
    ]
    return "\n\n".join(
        ["", "Each round's ratio to pdp's cold build:", "\n".join(lines)] if lines else []
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=shapes,
        default=shapes(DEFAULT_SIZES),
        metavar="N,N/Y",
        help="journal sizes, in entries: N for one member's journal (40 to 60 entries a "
        f"year), N/Y for N entries over Y years, a team's (default: {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--runs",
        type=positive,
        metavar="R",
        help="timed runs of each command (default: "
        + ", ".join(f"{count} up to {most:,} entries" for most, count in RUNS_UP_TO)
        + f", {LEAST_RUNS} above)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=HERE / "journals",
        metavar="DIR",
        help="where the journals are generated (default: benchmarks/journals)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="the generator's random seed (default: 1)"
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also time Hugo's, MkDocs' and Pelican's full builds of the same "
        "journals (installed into their own environment on first use)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """Run the benchmark and print the tables."""
    args = parse_args(argv)
    runs = {shape: runs_of(shape, args.runs) for shape in dict.fromkeys(args.sizes)}
    start = time.monotonic()
    try:
        results = benchmark(list(runs), runs, args.workdir, args.seed, args.peers)
    except (BenchError, PeerError) as error:
        progress(f"run.py: {error}")
        return 1
    minutes, seconds = divmod(round(time.monotonic() - start), 60)
    took = f"The whole run took {minutes} min {seconds} s."
    tables = (setting(runs, args.peers), table(results) + rounds(results), report(results))
    print("\n\n".join((*tables, took)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
