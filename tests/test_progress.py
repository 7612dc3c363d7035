"""Long work shows progress: the stages count what they do, and on a terminal the command
line draws it as one line on standard error, redrawn in place and cleared at the end."""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from generator.cli.progress import (
    ProgressLine,
    add_quiet_option,
    command_progress,
    duration,
    progress_line,
    show_after,
)
from generator.errors import UsageError
from generator.journal.compute import performance_year
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.parallel import map_chunks
from generator.progress import NO_PROGRESS
from generator.publish import pack as pack_module
from generator.site.build import build_site

from .conftest import REPOSITORY, TODAY

CLEAR = "\r\x1b[K"


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    """Text written as if to a terminal."""

    def isatty(self) -> bool:
        return True


class Recorded:
    """Progress that notes every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | int, int]] = []

    def stage(self, name: str, total: int) -> None:
        self.calls.append(("stage", name, total))

    def advance(self, done: int = 1) -> None:
        self.calls.append(("advance", "", done))

    def stages(self) -> list[tuple[str, int, int]]:
        """Each stage: its name, its total, and the sum of its advances."""
        found: list[tuple[str, int, int]] = []
        for kind, name, number in self.calls:
            if kind == "stage":
                found.append((str(name), number, 0))
            else:
                last = found[-1]
                found[-1] = (last[0], last[1], last[2] + number)
        return found


def line(clock: Clock, after: float = 1.0, width: int = 80) -> tuple[ProgressLine, Terminal]:
    stream = Terminal()
    return ProgressLine(stream, after=after, width=width, clock=clock), stream


def test_nothing_is_drawn_in_the_first_second() -> None:
    clock = Clock()
    progress, stream = line(clock)
    progress.stage("checking entries", 10)
    clock.now += 0.99
    progress.advance(3)
    progress.clear()
    assert stream.getvalue() == ""


def test_the_line_shows_stage_count_and_time_once_a_second_has_passed() -> None:
    clock = Clock()
    progress, stream = line(clock)
    progress.stage("checking entries", 10_000)
    clock.now += 1.0
    progress.advance(1_200)
    assert stream.getvalue() == "\rpdp: checking entries 1,200 of 10,000 (1 s)\x1b[K"


def test_counts_are_redrawn_in_place_at_most_ten_times_a_second() -> None:
    clock = Clock()
    progress, stream = line(clock, after=0)
    progress.stage("making pages", 50)
    for _ in range(20):  # 20 pages in 0.19 s: drawn at 0.1 s, not in between
        clock.now += 0.01
        progress.advance()
    clock.now += 0.02
    progress.advance()
    assert stream.getvalue() == (
        "\rpdp: making pages 0 of 50 (0 s)\x1b[K"
        "\rpdp: making pages 10 of 50 (0 s)\x1b[K"
        "\rpdp: making pages 20 of 50 (0 s)\x1b[K"
    )


def test_a_new_stage_is_drawn_at_once_and_the_line_is_cleared_at_the_end() -> None:
    clock = Clock()
    progress, stream = line(clock)
    progress.stage("checking entries", 2)
    clock.now += 1.5
    progress.advance(2)
    clock.now += 0.01
    progress.stage("printing the review pack", 0)
    progress.clear()
    progress.clear()  # cleared once: nothing is left to clear
    assert stream.getvalue() == (
        "\rpdp: checking entries 2 of 2 (1 s)\x1b[K"
        "\rpdp: printing the review pack (1 s)\x1b[K" + CLEAR
    )


def test_the_line_never_fills_the_terminals_width() -> None:
    clock = Clock()
    progress, stream = line(clock, after=0, width=20)
    progress.stage("checking entries", 10_000)
    assert stream.getvalue() == "\rpdp: checking entri\x1b[K"  # 19 columns of 20


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.4, "0 s"), (59.9, "59 s"), (60, "1 min 00 s"), (725, "12 min 05 s")]
)
def test_elapsed_time_reads_as_minutes_and_seconds(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown


def test_counts_from_many_threads_are_all_counted() -> None:
    clock = Clock()
    stream = Terminal()
    progress = ProgressLine(stream, after=0, clock=clock, every=0)
    progress.stage("checking entries", 8_000)

    def count() -> None:
        for _ in range(1_000):
            progress.advance()

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drawn = stream.getvalue().split("\r")[1:]
    assert len(drawn) == 8_001
    assert drawn[-1] == "pdp: checking entries 8,000 of 8,000 (0 s)\x1b[K"


@pytest.mark.parametrize(
    ("stream", "wanted"), [(io.StringIO(), True), (Terminal(), False)], ids=["pipe", "quiet"]
)
def test_no_line_without_a_terminal_or_when_not_wanted(stream: io.StringIO, wanted: bool) -> None:
    with progress_line(stream, wanted) as progress:
        assert progress is NO_PROGRESS
        progress.stage("checking entries", 1)
    assert stream.getvalue() == ""


def test_the_line_is_cleared_when_the_work_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_PROGRESS_AFTER", "0")
    stream = Terminal()
    with pytest.raises(KeyboardInterrupt), progress_line(stream, True) as progress:
        progress.stage("checking entries", 3)
        raise KeyboardInterrupt
    assert stream.getvalue().endswith("(0 s)\x1b[K" + CLEAR)


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["--format", "text"], True),
        (["--format", "json"], False),
        (["--format", "github"], False),
        (["--format", "text", "--quiet"], False),
    ],
)
def test_machines_formats_and_quiet_want_no_line(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], shown: bool
) -> None:
    monkeypatch.setenv("PDP_PROGRESS_AFTER", "0")
    parser = argparse.ArgumentParser()
    parser.add_argument("--format")
    add_quiet_option(parser)
    with command_progress(parser.parse_args(argv), Terminal()) as progress:
        assert (progress is not NO_PROGRESS) == shown


def test_the_delay_can_be_set_and_a_wrong_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PDP_PROGRESS_AFTER", raising=False)
    assert show_after() == 1.0
    monkeypatch.setenv("PDP_PROGRESS_AFTER", "0")
    assert show_after() == 0.0
    for wrong in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv("PDP_PROGRESS_AFTER", wrong)
        with pytest.raises(UsageError) as raised:
            show_after()
        assert (raised.value.message, raised.value.hint) == (
            f"PDP_PROGRESS_AFTER={wrong} is not a number of seconds",
            "set it to a number such as 0 or 2.5, or unset it",
        )


def _double(shared: None, chunk: Sequence[int]) -> list[int]:
    return [item * 2 for item in chunk]


@pytest.mark.parametrize("jobs", [1, 2])
def test_chunks_are_counted_as_they_are_taken(jobs: int) -> None:
    recorded = Recorded()
    items = list(range(200))
    assert map_chunks(_double, None, items, jobs, 10, progress=recorded) == [i * 2 for i in items]
    advances = [done for kind, _, done in recorded.calls if kind == "advance"]
    assert sum(advances) == 200
    # In one process, one chunk; in workers, the first item (made here before they fork),
    # then one advance as each chunk of 7 is taken.
    assert advances == ([200] if jobs == 1 else [1] + [7] * 28 + [3])


@pytest.mark.parametrize("cache", [False, True])
def test_a_check_counts_every_entry(project: Callable[[str], Path], cache: bool) -> None:
    root = project("small")
    for _ in range(2):  # the second time with checks kept, if kept
        recorded = Recorded()
        open_journal(
            find_project(root),
            TODAY,
            cache=root / ".pdp-cache" if cache else None,
            progress=recorded,
        )
        assert recorded.stages() == [("checking entries", 3, 3)]


def test_a_build_counts_the_entries_then_every_page(project: Callable[[str], Path]) -> None:
    root = project("small")
    recorded = Recorded()
    built = build_site(find_project(root), TODAY, publish=False, progress=recorded)
    assert built.site is not None
    assert recorded.stages() == [
        ("checking entries", 3, 3),
        ("making pages", built.site.pages, built.site.pages),
    ]


def test_a_pack_counts_the_build_the_printing_and_the_files(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pack_module, "find_browser", lambda: None)
    root = project("small")
    recorded = Recorded()
    year = performance_year(TODAY, 4)
    packed = pack_module.pack(find_project(root), TODAY, year, "Sam", None, recorded).packed
    assert packed is not None
    names = [name for name, _, _ in recorded.stages()]
    assert names == [
        "checking entries",
        "making pages",
        "printing the review pack",
        "packing files",
    ]
    assert recorded.stages()[-1] == ("packing files", packed.files - 1, packed.files - 1)


# Through a terminal: what a member sees.


def _pdp_in_terminal(root: Path, *argv: str, terminal: bool = True) -> tuple[str, str]:
    """Run pdp in `root` with standard error on a pseudo-terminal (or a pipe): (out, err)."""
    env = {**os.environ, "PDP_TODAY": TODAY.isoformat(), "PDP_PROGRESS_AFTER": "0"}
    env["PYTHONPATH"] = str(REPOSITORY)
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-m", "generator", *argv],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout, done.stderr
    main, other = os.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "generator", *argv],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=other,
    ) as running:
        os.close(other)
        err = _read_all(main)
        out = running.stdout.read() if running.stdout else b""
        assert running.wait() == 0
    return out.decode("utf-8"), err.decode("utf-8")


def _read_all(main: int) -> bytes:
    """Everything written to a pseudo-terminal until its other end is closed."""
    read = b""
    try:
        while chunk := os.read(main, 4096):
            read += chunk
    except OSError:  # Linux: the other end is closed
        pass
    finally:
        os.close(main)
    return read


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_build_on_a_terminal_draws_a_line_in_place_and_clears_it(
    project: Callable[[str], Path],
) -> None:
    root = project("small")
    out, err = _pdp_in_terminal(root, "build")
    pages = int(re.findall(r": (\d+) pages", out)[0])
    drawn = err.split("\r")
    assert drawn[0] == ""
    # Each stage is drawn as it begins; its count again if it takes over a tenth of a
    # second (checking the entries may, on a slow machine).
    checking = [line for line in drawn if line.startswith("pdp: checking")]
    assert drawn[1 : 1 + len(checking)] == checking
    assert re.fullmatch(r"pdp: checking entries 0 of 3 \(\d+ s\)\x1b\[K", checking[0])
    for redrawn in checking[1:]:
        assert re.fullmatch(r"pdp: checking entries \d of 3 \(\d+ s\)\x1b\[K", redrawn)
    making = drawn[1 + len(checking) : -1]
    assert re.fullmatch(rf"pdp: making pages 0 of {pages} \(\d+ s\)\x1b\[K", making[0])
    for redrawn in making[1:]:
        assert re.fullmatch(rf"pdp: making pages \d+ of {pages} \(\d+ s\)\x1b\[K", redrawn)
    assert drawn[-1] == "\x1b[K"  # cleared: the terminal is left as it was
    assert out.startswith("built the site (with private content, for you only)")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_check_on_a_terminal_draws_its_line(project: Callable[[str], Path]) -> None:
    out, err = _pdp_in_terminal(project("small"), "check")
    assert re.fullmatch(r"\rpdp: checking entries 0 of 3 \(\d+ s\)\x1b\[K\r\x1b\[K", err)
    assert out.splitlines()[-1].startswith("6 files checked: ")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize(
    ("argv", "terminal"),
    [
        (("build",), False),
        (("build", "--quiet"), True),
        (("check", "-q"), True),
        (("check", "--format", "json"), True),
        (("check", "--format", "github"), True),
    ],
    ids=["pipe", "build-quiet", "check-quiet", "json", "github"],
)
def test_no_line_on_a_pipe_with_quiet_or_for_machines(
    project: Callable[[str], Path], argv: tuple[str, ...], terminal: bool
) -> None:
    _, err = _pdp_in_terminal(project("small"), *argv, terminal=terminal)
    assert err == ""
