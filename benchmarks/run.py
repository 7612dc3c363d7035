"""Time pdp's commands, and watch mode's rebuilds, on generated journals; print a table.

    python benchmarks/run.py [--sizes 1000,10000] [--runs 5] [--workdir benchmarks/journals]

Progress goes to standard error, the table to standard output. Nothing is asserted about
the times; the run fails only if a journal cannot be generated or a command fails on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from _table import markdown_table
from generate import positive  # the script folder is on the path: run.py runs as a script
from peers import Build, PeerError, check_entry_pages, peer_builds, time_in_rounds

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATE = HERE / "generate.py"
MEASURE = HERE / "_measure.py"
CATALOGUE = ROOT / "generator" / "data" / "catalogue.toml"
STAMP = ".generated.json"
TODAY = "2026-11-28"  # fixed, so the journals' dates and the reports never change
COLD_BUILD = "build --no-cache (cold)"  # what a peer's full build is compared with


class Command(NamedTuple):
    """A pdp command to time: its row's label, its arguments, and whether the journal's
    site/ is removed (untimed) before each run, as the peers' output folders are."""

    label: str
    arguments: str
    new_folder: bool = False


# build writes site/ in the journal; its warm-up run fills the build cache, so "build" is a
# warm build and "build --no-cache" a cold one: once into a new folder, like the peers, and
# once replacing the site of the run before (which it then deletes).
COMMANDS = (
    Command("check --no-cache (cold)", "check --no-cache"),
    Command("check (warm)", "check"),
    Command("report", "report"),
    Command(COLD_BUILD, "build --no-cache", new_folder=True),
    Command("build --no-cache, replacing site/", "build --no-cache"),
    Command("build (warm)", "build"),
    Command("build --publish (warm)", "build --publish"),
)
EDITS = 10  # edits of one entry while `pdp serve` runs, each timed until the page shows it
SERVE_TIMEOUT = 120.0
HEADER = ("entries", "command", "median s", "min s", "peak MB", "x pdp cold build")
RIGHT_ALIGNED = (True, False, True, True, True, True)
SHOWN_LINES = 40  # of a failing command's output


class BenchError(Exception):
    """A failure that stops the benchmark."""


@dataclass(frozen=True, slots=True)
class Result:
    """The measurements of one command on one journal."""

    entries: int
    command: str
    times: tuple[float, ...]
    peak_bytes: int
    ratios: tuple[float, ...] = ()  # to pdp's cold build of the same round, if timed in turns

    def row(self, cold_build: float) -> tuple[str, ...]:
        """The result as the cells of a table row, with its ratio to pdp's cold build: the
        median of its rounds' ratios, if it took turns with it, or else of the medians."""
        peak = f"{self.peak_bytes / 1e6:.1f}" if self.peak_bytes else "-"
        median = statistics.median(self.times)
        ratio = statistics.median(self.ratios) if self.ratios else median / cold_build
        return (
            f"{self.entries:,}",
            self.command,
            f"{median:.3f}",
            f"{min(self.times):.3f}",
            peak,
            f"{ratio:.2f}",
        )


def progress(message: str) -> None:
    """Say what is happening, on standard error."""
    print(message, file=sys.stderr)


def stamp(entries: int, seed: int) -> str:
    """What identifies a generated journal: its parameters and the generator's inputs."""
    digest = hashlib.sha256(GENERATE.read_bytes() + CATALOGUE.read_bytes()).hexdigest()
    return json.dumps({"entries": entries, "seed": seed, "generator": digest}, indent=2) + "\n"


def journal(workdir: Path, entries: int, seed: int) -> Path:
    """The generated journal of `entries` entries, reused if it was made the same way."""
    target = workdir / f"entries-{entries}-seed-{seed}"
    wanted = stamp(entries, seed)
    if (target / STAMP).is_file() and (target / STAMP).read_text("utf-8") == wanted:
        progress(f"reusing {target}")
    else:
        progress(f"generating {target}")
        replace(target, entries, seed, wanted)
    return target


def replace(target: Path, entries: int, seed: int, wanted: str) -> None:
    """Generate into a scratch folder, stamp it, then put it in the place of `target`."""
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    generate(scratch, entries, seed)
    (scratch / STAMP).write_text(wanted, "utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)


def generate(folder: Path, entries: int, seed: int) -> None:
    """Run the generator into `folder`."""
    command = [
        sys.executable,
        str(GENERATE),
        str(folder),
        "--entries",
        str(entries),
        "--seed",
        str(seed),
    ]
    start = time.perf_counter()
    if subprocess.run(command, check=False).returncode != 0:
        raise BenchError(f"the generator failed: {' '.join(command)}")
    progress(f"  generated in {time.perf_counter() - start:.1f} s")


def pdp(project: Path, command: str) -> list[str]:
    """The command line of a pdp command on a journal project."""
    return [sys.executable, "-m", "generator", "-C", str(project), *command.split()]


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


def peak_memory(command: Sequence[str], env: Mapping[str, str], remove: Path | None) -> int:
    """One run of `command` under the measuring wrapper: its peak resident bytes."""
    if remove is not None:
        shutil.rmtree(remove, ignore_errors=True)
    wrapped = [sys.executable, str(MEASURE), *command]
    done = subprocess.run(
        wrapped, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise failed(command, done.returncode)
    return int(done.stdout)


def wall_time(command: Sequence[str], env: Mapping[str, str], remove: Path | None) -> float:
    """Seconds one run of `command` takes, start to exit (after removing `remove`)."""
    if remove is not None:
        shutil.rmtree(remove, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise failed(command, done.returncode)
    return elapsed


def measure(
    project: Path, entries: int, command: Command, runs: int, env: Mapping[str, str]
) -> Result:
    """A warm-up run that also measures memory, then `runs` timed runs."""
    progress(f"  timing pdp {command.label}: 1 warm-up and {runs} runs")
    argv = pdp(project, command.arguments)
    remove = project / "site" if command.new_folder else None
    peak = peak_memory(argv, env, remove)
    times = tuple(wall_time(argv, env, remove) for _ in range(runs))
    return Result(entries, command.label, times, peak)


def edit_to_served(project: Path, entries: int, env: Mapping[str, str]) -> Result:
    """Seconds from saving an edit of one entry to `pdp serve` serving the updated page."""
    progress(f"  timing pdp serve: {EDITS} edits of one entry, each until it is served")
    command = pdp(project, "serve --port 0")
    with subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            url = _served_url(server)
            entry = sorted((project / "journal" / "entries").rglob("*.md"))[-1]
            page = f"{url}entries/{entry.stem}.html"
            original = entry.read_bytes()
            try:
                times = tuple(
                    _time_one_edit(entry, original, page, number) for number in range(EDITS + 1)
                )[1:]  # the first warms up
            finally:
                entry.write_bytes(original)
        finally:
            server.terminate()  # pdp serve stops cleanly on SIGTERM, as on Ctrl-C
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return Result(entries, "serve: edit one entry -> page served", times, 0)


def _served_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("serving "):
            return line.split(" at ", 1)[1].split()[0]
    raise BenchError(f"pdp serve stopped (exit code {server.wait()}) before serving")


def _time_one_edit(entry: Path, original: bytes, page: str, number: int) -> float:
    marker = f"edit-marker-{number}-{time.time_ns()}"
    deadline = time.perf_counter() + SERVE_TIMEOUT
    start = time.perf_counter()
    entry.write_bytes(original + f"\n{marker}\n".encode())
    while time.perf_counter() < deadline:
        with urllib.request.urlopen(page, timeout=SERVE_TIMEOUT) as response:
            if marker.encode() in response.read():
                return time.perf_counter() - start
        time.sleep(0.002)
    raise BenchError(f"the edit was not served within {SERVE_TIMEOUT:.0f} s: {page}")


def benchmark(
    sizes: Sequence[int], runs: int, workdir: Path, seed: int, peers: bool
) -> list[Result]:
    """Generate or reuse each journal, check it, and measure each command on it (and, if
    asked, the peers' full builds of the same journal)."""
    env = {**os.environ, "PDP_TODAY": TODAY}
    workdir = workdir.resolve()  # the commands run from the repository's folder
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    for entries in sizes:
        project = journal(workdir, entries, seed)
        verify(project, env)
        theirs: list[Result] = []
        for command in COMMANDS:
            if peers and command.label == COLD_BUILD:
                ours, theirs = measure_with_peers(project, entries, command, runs, env, workdir)
                results.append(ours)
            else:
                results.append(measure(project, entries, command, runs, env))
        results.append(edit_to_served(project, entries, env))
        results.extend(theirs)
    return results


def measure_with_peers(
    project: Path, entries: int, command: Command, runs: int, env: Mapping[str, str], workdir: Path
) -> tuple[Result, list[Result]]:
    """pdp's cold build and the peers' full builds, taking turns (see `time_in_rounds`),
    each peer with its ratios to pdp's build of the same round."""
    argv = pdp(project, command.arguments)
    site = project / "site"
    peers = peer_builds(project, workdir)  # prepared before any warm-up
    peak = peak_memory(argv, env, site)  # also pdp's warm-up, in the round of the peers'
    builds = [Build(f"pdp {command.label}", argv, ROOT, site, env, warm_up=False), *peers]
    ours, *theirs = time_in_rounds(builds, runs)
    check_entry_pages(project, builds)
    return Result(entries, command.label, ours, peak), [
        Result(
            entries,
            build.name,
            times,
            0,
            tuple(their / our for their, our in zip(times, ours, strict=True)),
        )
        for build, times in zip(builds[1:], theirs, strict=True)
    ]


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table, with its columns lined up."""
    cold = {
        result.entries: statistics.median(result.times)
        for result in results
        if result.command == COLD_BUILD
    }
    rows = [HEADER, *(result.row(cold[result.entries]) for result in results)]
    return markdown_table(rows, RIGHT_ALIGNED)


def setting(runs: int, peers: bool) -> str:
    """A line saying where and how the numbers were taken."""
    how = (
        f"{runs} timed runs after 1 warm-up; the cold build and the peers' builds in "
        f"{runs} rounds, taking turns"
        if peers
        else f"{runs} timed runs after 1 warm-up"
    )
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {how}; PDP_TODAY={TODAY}."
    )


def counts(text: str) -> list[int]:
    """An argparse type: a comma-separated list of numbers of at least 1."""
    return [positive(part) for part in text.split(",")]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=counts,
        default=[1000, 10000],
        metavar="N,N",
        help="journal sizes, in entries (default: 1000,10000)",
    )
    parser.add_argument(
        "--runs",
        type=positive,
        default=5,
        metavar="R",
        help="timed runs of each command (default: 5)",
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
    """Run the benchmark and print the table."""
    args = parse_args(argv)
    try:
        results = benchmark(args.sizes, args.runs, args.workdir, args.seed, args.peers)
    except (BenchError, PeerError) as error:
        progress(f"run.py: {error}")
        return 1
    print(setting(args.runs, args.peers) + "\n\n" + table(results) + rounds(results))
    return 0


def rounds(results: Sequence[Result]) -> str:
    """Each peer's ratio to pdp's cold build in every round, in the order run: how much
    the medians of the table can be trusted."""
    lines = [
        f"- {result.entries:,}, {result.command}: "
        + " ".join(f"{ratio:.2f}" for ratio in result.ratios)
        for result in results
        if result.ratios
    ]
    return "\n\nEach round's ratio to pdp's cold build:\n\n" + "\n".join(lines) if lines else ""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
