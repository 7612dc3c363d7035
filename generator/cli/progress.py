"""The progress line: on a terminal, what long work has done so far, redrawn in place on
standard error and cleared at the end."""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TextIO

from ..errors import UsageError
from ..progress import NO_PROGRESS, Progress

SHOW_AFTER = 1.0  # seconds: work done sooner shows no line at all
DRAW_EVERY = 0.1  # seconds: more often would only flicker
AFTER_VARIABLE = "PDP_PROGRESS_AFTER"  # seconds before the line shows (tests set 0)
# Back to the line's start, then clear to its end: a shorter line leaves nothing behind.
RETURN, CLEAR = "\r", "\x1b[K"


class ProgressLine:
    """Progress drawn as one line on a terminal: the stage, the count of its parts done, and
    the time since the line was made; first drawn `after` seconds in, at most once every
    `every` seconds. Safe to call from any thread."""

    def __init__(
        self,
        stream: TextIO,
        after: float = SHOW_AFTER,
        width: int = 80,
        clock: Callable[[], float] = time.monotonic,
        every: float = DRAW_EVERY,
    ) -> None:
        self._stream = stream
        self._after = after
        self._width = width
        self._clock = clock
        self._every = every
        self._lock = threading.Lock()
        self._start = clock()
        self._name = ""
        self._total = 0
        self._done = 0
        self._drawn_at: float | None = None  # None: nothing on the terminal to clear

    def stage(self, name: str, total: int) -> None:
        with self._lock:
            self._name, self._total, self._done = name, total, 0
            self._draw(at_once=True)

    def advance(self, done: int = 1) -> None:
        with self._lock:
            self._done += done
            self._draw(at_once=False)

    def clear(self) -> None:
        """Leave the terminal as it was before the line: the command's output follows."""
        with self._lock:
            if self._drawn_at is not None:
                self._stream.write(RETURN + CLEAR)
                self._stream.flush()
                self._drawn_at = None

    def _draw(self, at_once: bool) -> None:
        """Draw the line, unless it is too early, or (for a count) too soon after the last."""
        now = self._clock()
        if not self._name or now - self._start < self._after:
            return
        if not at_once and self._drawn_at is not None and now - self._drawn_at < self._every:
            return
        self._drawn_at = now
        text = progress_text(self._name, self._done, self._total, now - self._start)
        # One column short of the width: a line that fills it wraps on some terminals, and
        # a wrapped line cannot be redrawn in place.
        self._stream.write(RETURN + text[: max(self._width - 1, 0)] + CLEAR)
        self._stream.flush()


def progress_text(name: str, done: int, total: int, elapsed: float) -> str:
    """The line's words: 'pdp: making pages 1,200 of 10,412 (3 s)'."""
    count = f" {min(done, total):,} of {total:,}" if total else ""
    return f"pdp: {name}{count} ({duration(elapsed)})"


def duration(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


@contextmanager
def progress_line(err: TextIO, wanted: bool) -> Iterator[Progress]:
    """A progress line on `err` if it is a terminal and the line is `wanted` (not --quiet,
    not a machine's format); else progress that shows nothing. Cleared on the way out."""
    if not (wanted and _is_terminal(err)):
        yield NO_PROGRESS
        return
    line = ProgressLine(err, show_after(), _width(err))
    try:
        yield line
    finally:
        line.clear()


def show_after() -> float:
    """Seconds before the line shows: SHOW_AFTER, or as PDP_PROGRESS_AFTER sets it."""
    text = os.environ.get(AFTER_VARIABLE)
    if not text:
        return SHOW_AFTER
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise UsageError(
            f"{AFTER_VARIABLE}={text} is not a number of seconds",
            "set it to a number such as 0 or 2.5, or unset it",
        )
    return seconds


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def _width(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):  # no terminal behind it after all
        return 80


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="show no progress line (shown on a terminal when the work takes a second or more)",
    )


def command_progress(args: argparse.Namespace, err: TextIO) -> AbstractContextManager[Progress]:
    """The progress line of a command run with `args`: none with --quiet, nor where the
    output is for a machine (--format json or github)."""
    wanted = not getattr(args, "quiet", False) and getattr(args, "format", "text") == "text"
    return progress_line(err, wanted)
