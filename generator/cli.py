"""The `pdp` command line: parses arguments, runs a stage, prints, and maps errors to exit codes.

This is the only module that catches errors and the only one that writes to the terminal.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from . import __version__
from .defaults import DEFAULT_PORT
from .errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, PdpError, UsageError
from .journal.compute import (
    PerformanceYear,
    entry_records,
    parse_year_name,
    performance_year,
    year_totals,
    years_of,
)
from .journal.load import CACHE_DIR, Project, find_project
from .journal.open import Checked, open_config, open_journal
from .journal.privacy import published
from .journal.problems import github_annotations, problems_json, problems_text, summary_line
from .journal.schema import MAX_HOURS
from .model import CATEGORIES, OTHER_ACTIVITY, Journal, Problem
from .publish.hooks import install_hook, staged_copy
from .publish.jsonschema import front_matter_schema, schema_json
from .publish.report import catalogue_json, catalogue_text, report_json, report_text
from .publish.scaffold import (
    NewEntry,
    check_new_entry,
    entry_path,
    entry_text,
    page_taken,
    write_new_file,
    write_new_or_replace,
)
from .site.export import export_csv, export_json

if TYPE_CHECKING:
    from .serve.session import Rebuilt

LOOPBACK = "127.0.0.1"
# A large journal stays in memory while many short-lived objects are made: with Python's
# default thresholds the cycle collector walks the long-lived ones again and again (a tenth
# of a large build). Reference counting frees all but cycles, which these still collect.
# Worker processes are forked from this one, and collect alike.
GC_THRESHOLDS = (20_000, 20, 100)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised as our own so main prints them and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, f"run '{self.prog} --help' for the options")


@dataclass(frozen=True, slots=True)
class Call:
    """One command being run: its arguments, where it writes, and the day it runs on."""

    args: argparse.Namespace
    out: TextIO
    err: TextIO
    today: date


@dataclass(frozen=True, slots=True)
class InProject(Call):
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
        return None if getattr(self.args, "no_cache", False) else \
            self.project.root / CACHE_DIR

    def open(self) -> Checked:
        return open_journal(self.project, self.today, cache=self.cache())

    def journal_or_fail(self, checked: Checked, counting: bool = True) -> Journal:
        """The valid journal; its errors are shown when they change the figures shown."""
        if checked.errors and (counting or checked.journal is None):
            self.show_errors(checked.errors)
        if checked.journal is None:
            raise self.broken_config()
        return checked.journal

    def show_errors(self, errors: Sequence[Problem]) -> None:
        self.err.write(problems_text(errors, self.show))
        self.err.write(f"pdp: {len(errors)} error{'s' if len(errors) != 1 else ''} "
                       "in the journal; what is shown counts only the valid files\n")

    def broken_config(self) -> PdpError:
        return PdpError("the configuration has errors, so nothing can be counted",
                        f"fix {self.project.relative(self.project.config_file)} first")


class Command(NamedTuple):
    """A command: what `pdp --help` says of it, its options, and what runs it."""

    help: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Call], int]
    in_project: bool = True  # run on a journal project, with the options -C and --debug


def in_project(help: str, options: Callable[[argparse.ArgumentParser], None],
               command: Callable[[InProject], int]) -> Command:
    """A command run on the journal project found from -C DIR (default: here)."""

    def run(call: Call) -> int:
        start = Path(getattr(call.args, "directory", None) or ".")
        return command(InProject(call.args, call.out, call.err, call.today,
                                 find_project(start)))

    return Command(help, options, run)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("-C", dest="directory", metavar="DIR", default=argparse.SUPPRESS,
                        help="run on the journal project in DIR")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show details of internal errors")
    parser = _Parser(prog="pdp", parents=[common],
                     description="Check, total and publish a CPD journal kept in Markdown.")
    parser.add_argument("--version", action="version", version=f"pdp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name, command in COMMANDS.items():
        command.options(commands.add_parser(
            name, parents=[common] if command.in_project else [], help=command.help))
    return parser


def _hours(text: str) -> Decimal:
    try:
        hours = Decimal(text)
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or not 0 < hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(
            f"expected a number of hours more than 0 and at most {MAX_HOURS}, like 1.5")
    return hours


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError("expected a port number from 0 to 65535")
    return int(text)


def _date(text: str) -> date:
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
        raise UsageError(f"PDP_TODAY={fixed} is not a date",
                         "set it as YYYY-MM-DD, or unset it") from None


def _year_named(name: str, start_month: int, example: str) -> PerformanceYear:
    """The performance year of a name given with --year."""
    chosen = parse_year_name(name, start_month)
    if chosen is None:
        raise UsageError(f"'{name}' is not a performance year name",
                         f"name a year like {example}")
    return chosen


def _check_options(check: argparse.ArgumentParser) -> None:
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--staged", action="store_true",
                       help="check what is staged in git, not the files as they are")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="github: annotations for GitHub Actions")
    check.add_argument("--no-cache", action="store_true",
                       help=f"check every entry afresh, without reading or writing {CACHE_DIR}/")


def _check(run: InProject) -> int:
    if not run.args.staged:
        return _checked(run, open_journal(run.project, run.today, bodies=False,
                                          cache=run.cache()))
    # The staged copy lasts for this check alone: its checks are kept with the project's.
    with staged_copy(run.project.root) as copy:
        return _checked(run, open_journal(find_project(copy), run.today, bodies=False,
                                          cache=run.cache()))


def _checked(run: InProject, checked: Checked) -> int:
    failing = checked.problems if run.args.strict else checked.errors
    if run.args.format == "json":
        run.out.write(problems_json(checked.problems, run.show))
    elif run.args.format == "github":
        run.out.write(github_annotations(checked.problems, run.show))
    else:
        run.out.write(problems_text(checked.problems, run.show))
        run.out.write(summary_line(len(checked.errors), len(checked.warnings),
                                   checked.files) + "\n")
    return EXIT_INVALID if failing else EXIT_OK


def _report_options(report: argparse.ArgumentParser) -> None:
    report.add_argument("--year", metavar="YEAR", help="one year, named like 2025-26")
    report.add_argument("--format", choices=("text", "json"), default="text")


def _report(run: InProject) -> int:
    checked = run.open()
    journal = run.journal_or_fail(checked)
    years = years_of(journal, run.today)
    if run.args.year is not None:
        years = [_year_named(run.args.year, journal.config.year_start_month, years[-1].name)]
    totals = [year_totals(journal, year, run.today) for year in years]
    if run.args.format == "json":
        run.out.write(report_json(journal.config, totals))
    else:
        run.out.write(report_text(journal.config, totals))
    return EXIT_INVALID if checked.errors else EXIT_OK


def _catalogue_options(catalogue: argparse.ArgumentParser) -> None:
    catalogue.add_argument("--format", choices=("text", "json"), default="text")


def _catalogue(run: InProject) -> int:
    config, catalogue, problems = open_config(run.project)  # the entries are not needed
    if config is None:
        errors = [problem for problem in problems if problem.severity == "error"]
        if errors:
            run.show_errors(errors)
        raise run.broken_config()
    render = catalogue_json if run.args.format == "json" else catalogue_text
    run.out.write(render(catalogue))
    return EXIT_OK


def _build_options(build: argparse.ArgumentParser) -> None:
    build.add_argument("--publish", action="store_true",
                       help="for the reviewer: leave out everything marked private")
    build.add_argument("-o", "--output", metavar="DIR", type=Path,
                       help="where to write the site (default: site/ in the project)")
    build.add_argument("--no-cache", action="store_true",
                       help="check every entry and render every reflection afresh, "
                            f"without reading or writing {CACHE_DIR}/")


def _build(run: InProject) -> int:
    from .site.build import build_site  # here: rendering costs the other commands start-up

    built = build_site(run.project, run.today, run.args.publish, run.args.output,
                       cache=not run.args.no_cache)
    site = built.site
    if site is None:
        run.err.write(problems_text(built.problems, run.show))
        run.err.write("pdp: the site was not built; the previous site is unchanged\n")
        return EXIT_INVALID
    if site.warnings:
        run.err.write(problems_text(site.warnings, run.show))
    kind = "published portfolio (private content left out)" if run.args.publish \
        else "site (with private content, for you only)"
    run.out.write(f"built the {kind}: {site.pages} pages, {site.files} files in "
                  f"{os.path.relpath(built.output)}\n")
    return EXIT_OK


def _serve_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--port", type=_port, metavar="N",
                       help=f"the port (default: {DEFAULT_PORT}, or a free one if it is busy; "
                            "0: any free port)")
    serve.add_argument("--bind", default=LOOPBACK, metavar="ADDR",
                       help=f"the address to listen on (default: {LOOPBACK}, this computer "
                            "only)")
    serve.add_argument("--open", action="store_true", help="open the site in your browser")
    serve.add_argument("--publish", action="store_true",
                       help="preview what the reviewer sees: everything private left out")
    serve.add_argument("--poll", action="store_true",
                       help="look for changes every half second instead of relying on file "
                            "events (for network drives and some containers)")


def _serve(run: InProject) -> int:
    # Imported here: watching and the browser cost every other command start-up time.
    from .serve.preview import preview
    from .serve.session import Session

    _stop_on_signals()
    session = Session(run.project, today, run.args.publish, run.show)
    run.err.write("building the site...\n")
    preview(session, run.args.bind, run.args.port, run.args.poll, _Notices(run))
    return EXIT_OK


@dataclass(frozen=True, slots=True)
class _Notices:
    """What `pdp serve` prints as it goes."""

    run: InProject

    def rebuilt(self, rebuilt: Rebuilt) -> None:
        """The terminal shows what the page shows: the errors, or that all is well."""
        err = self.run.err
        if rebuilt.errors:
            err.write("".join(line + "\n" for line in rebuilt.errors))
            err.write("pdp: the journal has errors: still serving the last good site\n")
        else:
            err.write(f"built in {rebuilt.seconds * 1000:.0f} ms\n")
        err.flush()

    def serving(self, url: str, loopback: bool, polling: str) -> None:
        import webbrowser

        from .serve.watch import POLL_INTERVAL

        args, out, err = self.run.args, self.run.out, self.run.err
        if not loopback:
            err.write(f"pdp: warning: serving on {args.bind.strip()}: other computers on the "
                      "network can read your journal, private parts too\n")
        if polling:
            err.write(f"pdp: looking for changes every {POLL_INTERVAL} s: {polling}\n")
        kind = "published portfolio" if args.publish else "site"
        out.write(f"serving the {kind} at {url} (Ctrl-C to stop)\n")
        out.flush()
        if args.open:
            webbrowser.open(url)

    def stopped(self) -> None:
        self.run.err.write("pdp: stopped\n")


def _stop_on_signals() -> None:
    """Ctrl-C and a polite kill both stop a server cleanly, even where the shell that started
    it in the background set Ctrl-C to be ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def _export_options(export: argparse.ArgumentParser) -> None:
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--publish", action="store_true",
                        help="leave out private entries (and planned ones if so configured)")
    export.add_argument("-o", "--output", metavar="PATH", type=Path,
                        help="write to a file instead of standard output")


def _export(run: InProject) -> int:
    journal = run.journal_or_fail(run.open())
    if run.args.publish:
        journal = published(journal)
    rows = entry_records(journal)
    text = export_csv(rows) if run.args.format == "csv" else export_json(rows)
    if run.args.output is None:
        run.out.write(text)
    else:
        write_new_or_replace(run.args.output, text)
        run.out.write(f"wrote {len(rows)} entries to {run.args.output}\n")
    return EXIT_OK


def _pack_options(pack: argparse.ArgumentParser) -> None:
    pack.add_argument("--year", metavar="YEAR", help="the review pack's year (default: now)")
    pack.add_argument("-o", "--output", metavar="PATH", type=Path,
                      help="the zip (default: NAME-YEAR-portfolio.zip in the project)")


def _pack(run: InProject) -> int:
    from .publish.pack import pack  # here: it builds the site, which costs start-up time

    journal = run.journal_or_fail(run.open(), counting=False)
    start_month = journal.config.year_start_month
    year = performance_year(run.today, start_month)
    if run.args.year is not None:
        year = _year_named(run.args.year, start_month, year.name)
    result = pack(run.project, run.today, year, journal.config.name, run.args.output)
    packed = result.packed
    if packed is None:
        run.err.write(problems_text(result.problems, run.show))
        run.err.write("pdp: nothing was packed\n")
        return EXIT_INVALID
    if packed.warnings:
        run.err.write(problems_text(packed.warnings, run.show))
    run.out.write(f"packed {packed.files} files into {os.path.relpath(packed.archive)} "
                  "(private content left out; SHA256SUMS lists every file)\n")
    if packed.pdf is not None:
        run.out.write(f"printed the {year.name} review pack to "
                      f"{os.path.relpath(packed.pdf)}\n")
    else:
        run.err.write(f"pdp: {packed.no_pdf_reason}\n")
    return EXIT_OK


def _no_options(parser: argparse.ArgumentParser) -> None:
    """For a command that takes none of its own."""


def _schema(run: InProject) -> int:
    journal = run.journal_or_fail(run.open(), counting=False)
    goals = (goal.id for goal in journal.goals)
    run.out.write(schema_json(front_matter_schema(journal.catalogue, goals)))
    return EXIT_OK


def _init_options(init: argparse.ArgumentParser) -> None:
    init.add_argument("folder", nargs="?", default=".", type=Path, help="default: here")
    init.add_argument("--name", default="Your Name", help="your name, as the portfolio shows it")
    init.add_argument("--install", metavar="SPEC",
                      help="how CI installs pdp (a pip requirement; default: this version)")


def _init(call: Call) -> int:
    from .publish.init import init_project  # here: its templates cost the other commands start-up

    folder: Path = call.args.folder
    created = init_project(folder, call.args.name, call.today, call.args.install)
    for path in created.written:
        call.out.write(f"created {os.path.relpath(folder / path)}\n")
    for path in created.kept:
        call.out.write(f"kept {os.path.relpath(folder / path)} as it was: add pdp's lines "
                       "to it yourself if you want them\n")
    call.out.write("next: edit pdp.toml, replace the examples, then run 'pdp check'\n")
    return EXIT_OK


def _hook_options(hook: argparse.ArgumentParser) -> None:
    hook.add_argument("action", choices=("install",),
                      help="install: check the staged journal before each commit")


def _hook(run: InProject) -> int:
    path = install_hook(run.project.root)
    run.out.write(f"installed {os.path.relpath(path)}: each commit runs "
                  "'pdp check' on what is staged\n")
    return EXIT_OK


def _new_options(new: argparse.ArgumentParser) -> None:
    new.add_argument("title", help="what the activity was")
    new.add_argument("--activity", required=True, metavar="ID",
                     help=f"a catalogue id (pdp catalogue), or {OTHER_ACTIVITY}")
    new.add_argument("--hours", required=True, type=_hours, metavar="H", help="hours spent")
    new.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="default: today")
    new.add_argument("--category", choices=CATEGORIES, help=f"for activity {OTHER_ACTIVITY}")
    new.add_argument("--goal", action="append", default=[], metavar="ID", dest="goals",
                     help="a goal it serves (repeatable)")
    new.add_argument("--planned", action="store_true", help="not done yet")


def _new(run: InProject) -> int:
    journal = run.journal_or_fail(run.open(), counting=False)
    args = run.args
    day = args.date or run.today
    entry = NewEntry(args.title.strip(), args.activity, args.hours, day,
                     args.category if args.activity == OTHER_ACTIVITY else None,
                     tuple(args.goals), "planned" if args.planned or day > run.today else "done")
    check_new_entry(entry, journal)
    path = entry_path(entry, journal.config.year_start_month)
    taken = page_taken(run.project, path)
    if taken is not None:
        raise UsageError(f"an entry would share its page with {run.show(taken)}",
                         "choose another title")
    write_new_file(run.project.root, path, entry_text(entry))
    run.out.write(run.show(path) + "\n")
    return EXIT_OK


# Each command by name, in the order `pdp --help` lists them.
COMMANDS: dict[str, Command] = {
    "check": in_project("check the journal", _check_options, _check),
    "report": in_project("points per performance year against the target", _report_options,
                         _report),
    "catalogue": in_project("the activities and their points values", _catalogue_options,
                            _catalogue),
    "build": in_project("build the portfolio site", _build_options, _build),
    "serve": in_project("preview the site while you write: rebuilt and reloaded on every save",
                        _serve_options, _serve),
    "export": in_project("the entries as CSV or JSON, for spreadsheets", _export_options,
                         _export),
    "pack": in_project("the published portfolio as a zip (and the review pack as a PDF) for "
                       "your reviewer", _pack_options, _pack),
    "schema": in_project("a JSON Schema of entries', goals' and reviews' front matter",
                         _no_options, _schema),
    "init": Command("start a new journal project", _init_options, _init, in_project=False),
    "hook": in_project("git hooks", _hook_options, _hook),
    "new": in_project("start a new entry", _new_options, _new),
}


def run(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run the command line and return the exit code; never raises."""
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command].run(Call(args, out, err, today()))
    except PdpError as error:
        error.show(err)
        return error.exit_code
    except KeyboardInterrupt:
        err.write("pdp: interrupted\n")
        return 130
    except Exception:
        if debug:
            traceback.print_exc(file=err)
        err.write("pdp: internal error: this is a bug in pdp, not in your journal; "
                  "run again with --debug for details\n")
        return EXIT_INTERNAL


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))
