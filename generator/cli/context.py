"""What a command runs with: its arguments, where it writes, the day, and the project; and
the types of the arguments that need checking."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from msgspec import Struct

from ..errors import PdpError, UsageError
from ..journal.project import CACHE_DIR, Project, find_project

if TYPE_CHECKING:
    from ..journal.compute import PerformanceYear
    from ..journal.open import Checked
    from ..model import Journal, Problem


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised as our own so main prints them and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, f"run '{self.prog} --help' for the options")


class Call(Struct, frozen=True):
    """One command being run: its arguments, where it writes, and the day it runs on."""

    args: argparse.Namespace
    out: TextIO
    err: TextIO
    today: date


class InProject(Call, frozen=True):
    """A command run on a journal project: every command but `init`."""

    project: Project

    def show(self, path: str) -> str:
        """A path as the user can click it: relative to where they are, if possible."""
        full = self.project.root / path
        try:
            return os.path.relpath(full)
        except ValueError:  # another drive on Windows
            return str(full)

    def cache(self) -> Path | None:
        """The folder of the cache, unless the command was told to do without."""
        return None if getattr(self.args, "no_cache", False) else self.project.root / CACHE_DIR

    def open(self) -> Checked:
        from ..journal.open import open_journal

        return open_journal(self.project, self.today, cache=self.cache())

    def journal_or_fail(self, checked: Checked, counting: bool = True) -> Journal:
        """The valid journal; its errors are shown when they change the figures shown."""
        if checked.errors and (counting or checked.journal is None):
            self.show_errors(checked.errors)
        if checked.journal is None:
            raise self.broken_config()
        return checked.journal

    def show_errors(self, errors: Sequence[Problem]) -> None:
        from ..journal.problems import problems_text

        self.err.write(problems_text(errors, self.show))
        self.err.write(
            f"pdp: {len(errors)} error{'s' if len(errors) != 1 else ''} "
            "in the journal; what is shown counts only the valid files\n"
        )

    def broken_config(self) -> PdpError:
        return PdpError(
            "the configuration has errors, so nothing can be counted",
            f"fix {self.project.relative(self.project.config_file)} first",
        )


class Command(NamedTuple):
    """A command: what `pdp --help` says of it, its options, and what runs it."""

    help: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Call], int]
    in_project: bool = True  # run on a journal project, with the options -C and --debug


def in_project(
    help: str,
    options: Callable[[argparse.ArgumentParser], None],
    command: Callable[[InProject], int],
) -> Command:
    """A command run on the journal project found from -C DIR (default: here)."""

    def run(call: Call) -> int:
        start = Path(getattr(call.args, "directory", None) or ".")
        return command(InProject(call.args, call.out, call.err, call.today, find_project(start)))

    return Command(help, options, run)


def hours_argument(text: str) -> Decimal:
    from ..journal.schema import MAX_HOURS  # the model with it: not for every command

    try:
        hours = Decimal(text)
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or not 0 < hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(
            f"expected a number of hours more than 0 and at most {MAX_HOURS}, like 1.5"
        )
    return hours


def port_argument(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError("expected a port number from 0 to 65535")
    return int(text)


def date_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date written YYYY-MM-DD") from None


def today() -> date:
    """Today, or the day set in PDP_TODAY (for reproducible reports and tests)."""
    fixed = os.environ.get("PDP_TODAY")
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise UsageError(
            f"PDP_TODAY={fixed} is not a date", "set it as YYYY-MM-DD, or unset it"
        ) from None


def year_named(name: str, start_month: int, example: str) -> PerformanceYear:
    """The performance year of a name given with --year."""
    from ..journal.compute import parse_year_name

    chosen = parse_year_name(name, start_month)
    if chosen is None:
        raise UsageError(f"'{name}' is not a performance year name", f"name a year like {example}")
    return chosen
