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
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .defaults import DEFAULT_PORT
from .errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, PdpError, UsageError
from .journal.compute import (
    entry_records,
    parse_year_name,
    performance_year,
    year_totals,
    years_of,
)
from .journal.load import CACHE_DIR, Project, find_project, list_sources
from .journal.open import Checked, open_config, open_journal
from .journal.privacy import published
from .journal.schema import MAX_HOURS
from .journal.validate import slugify, stem_of
from .model import CATEGORIES, OTHER_ACTIVITY, Journal
from .publish.hooks import install_hook, staged_copy
from .publish.jsonschema import front_matter_schema, schema_json
from .publish.scaffold import NewEntry, entry_path, entry_text, write_new_file, write_new_or_replace
from .site.formats import (
    catalogue_json,
    catalogue_text,
    export_csv,
    export_json,
    github_annotations,
    problems_json,
    problems_text,
    report_json,
    report_text,
    summary_line,
)
from .suggest import did_you_mean

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

    check = commands.add_parser("check", parents=[common], help="check the journal")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--staged", action="store_true",
                       help="check what is staged in git, not the files as they are")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="github: annotations for GitHub Actions")
    check.add_argument("--no-cache", action="store_true",
                       help=f"check every entry afresh, without reading or writing {CACHE_DIR}/")

    report = commands.add_parser("report", parents=[common],
                                 help="points per performance year against the target")
    report.add_argument("--year", metavar="YEAR", help="one year, named like 2025-26")
    report.add_argument("--format", choices=("text", "json"), default="text")

    catalogue = commands.add_parser("catalogue", parents=[common],
                                    help="the activities and their points values")
    catalogue.add_argument("--format", choices=("text", "json"), default="text")

    build = commands.add_parser("build", parents=[common], help="build the portfolio site")
    build.add_argument("--publish", action="store_true",
                       help="for the reviewer: leave out everything marked private")
    build.add_argument("-o", "--output", metavar="DIR", type=Path,
                       help="where to write the site (default: site/ in the project)")
    build.add_argument("--no-cache", action="store_true",
                       help="check every entry and render every reflection afresh, "
                            f"without reading or writing {CACHE_DIR}/")

    serve = commands.add_parser(
        "serve", parents=[common],
        help="preview the site while you write: rebuilt and reloaded on every save")
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

    export = commands.add_parser("export", parents=[common],
                                 help="the entries as CSV or JSON, for spreadsheets")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--publish", action="store_true",
                        help="leave out private entries (and planned ones if so configured)")
    export.add_argument("-o", "--output", metavar="PATH", type=Path,
                        help="write to a file instead of standard output")

    pack = commands.add_parser("pack", parents=[common],
                               help="the published portfolio as a zip (and the review pack "
                                    "as a PDF) for your reviewer")
    pack.add_argument("--year", metavar="YEAR", help="the review pack's year (default: now)")
    pack.add_argument("-o", "--output", metavar="PATH", type=Path,
                      help="the zip (default: NAME-YEAR-portfolio.zip in the project)")

    commands.add_parser("schema", parents=[common],
                        help="a JSON Schema of entries', goals' and reviews' front matter")

    init = commands.add_parser("init", help="start a new journal project")
    init.add_argument("folder", nargs="?", default=".", type=Path, help="default: here")
    init.add_argument("--name", default="Your Name", help="your name, as the portfolio shows it")
    init.add_argument("--install", metavar="SPEC",
                      help="how CI installs pdp (a pip requirement; default: this version)")

    hook = commands.add_parser("hook", parents=[common], help="git hooks")
    hook.add_argument("action", choices=("install",),
                      help="install: check the staged journal before each commit")

    new = commands.add_parser("new", parents=[common], help="start a new entry")
    new.add_argument("title", help="what the activity was")
    new.add_argument("--activity", required=True, metavar="ID",
                     help=f"a catalogue id (pdp catalogue), or {OTHER_ACTIVITY}")
    new.add_argument("--hours", required=True, type=_hours, metavar="H", help="hours spent")
    new.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="default: today")
    new.add_argument("--category", choices=CATEGORIES, help=f"for activity {OTHER_ACTIVITY}")
    new.add_argument("--goal", action="append", default=[], metavar="ID", dest="goals",
                     help="a goal it serves (repeatable)")
    new.add_argument("--planned", action="store_true", help="not done yet")
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


class _Runner:
    """Runs one parsed command, writing to the given streams."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.today = today()
        if args.command == "init":
            return
        start = Path(getattr(args, "directory", None) or ".")
        self.project: Project = find_project(start)
        self.shown_root = self.project.root

    def show(self, path: str) -> str:
        """A path as the user can click it: relative to where they are, if possible."""
        full = self.shown_root / path
        try:
            return os.path.relpath(full)
        except ValueError:  # another drive on Windows
            return str(full)

    def open(self) -> Checked:
        return open_journal(self.project, self.today, cache=self.cache())

    def cache(self) -> Path | None:
        """The folder of the cache, unless the command was told to do without."""
        return None if getattr(self.args, "no_cache", False) else \
            self.project.root / CACHE_DIR

    def check(self) -> int:
        if not self.args.staged:
            return self._check(open_journal(self.project, self.today, bodies=False,
                                            cache=self.cache()))
        # The staged copy lasts for this check alone: its checks are kept with the project's.
        with staged_copy(self.project.root) as copy:
            return self._check(open_journal(find_project(copy), self.today, bodies=False,
                                            cache=self.cache()))

    def _check(self, checked: Checked) -> int:
        failing = checked.problems if self.args.strict else checked.errors
        if self.args.format == "json":
            self.out.write(problems_json(checked.problems, self.show))
        elif self.args.format == "github":
            self.out.write(github_annotations(checked.problems, self.show))
        else:
            self.out.write(problems_text(checked.problems, self.show))
            self.out.write(summary_line(len(checked.errors), len(checked.warnings),
                                        checked.files) + "\n")
        return EXIT_INVALID if failing else EXIT_OK

    def _journal_or_fail(self, checked: Checked, counting: bool = True) -> Journal:
        """The valid journal; its errors are shown when they change the figures shown."""
        errors = checked.errors
        if errors and (counting or checked.journal is None):
            self.err.write(problems_text(errors, self.show))
            self.err.write(f"pdp: {len(errors)} error{'s' if len(errors) != 1 else ''} "
                           "in the journal; what is shown counts only the valid files\n")
        if checked.journal is None:
            raise PdpError("the configuration has errors, so nothing can be counted",
                           f"fix {self.project.relative(self.project.config_file)} first")
        return checked.journal

    def report(self) -> int:
        checked = self.open()
        journal = self._journal_or_fail(checked)
        years = years_of(journal, self.today)
        if self.args.year is not None:
            chosen = parse_year_name(self.args.year, journal.config.year_start_month)
            if chosen is None:
                raise UsageError(f"'{self.args.year}' is not a performance year name",
                                 f"name a year like {years[-1].name}")
            years = [chosen]
        totals = [year_totals(journal, year, self.today) for year in years]
        if self.args.format == "json":
            self.out.write(report_json(journal.config, totals))
        else:
            self.out.write(report_text(journal.config, totals))
        return EXIT_INVALID if checked.errors else EXIT_OK

    def build(self) -> int:
        from .site.build import build_site  # here: rendering costs the other commands start-up

        result = build_site(self.project, self.today, self.args.publish, self.args.output,
                            cache=not self.args.no_cache)
        if result.problems:
            self.err.write(problems_text(result.problems, self.show))
            self.err.write("pdp: the site was not built; the previous site is unchanged\n")
            return EXIT_INVALID
        assert result.output is not None
        if result.warnings:
            self.err.write(problems_text(result.warnings, self.show))
        kind = "published portfolio (private content left out)" if self.args.publish \
            else "site (with private content, for you only)"
        self.out.write(f"built the {kind}: {result.pages} pages, {result.files} files in "
                       f"{os.path.relpath(result.output)}\n")
        return EXIT_OK

    def serve(self) -> int:
        # Imported here: watching and the browser cost every other command start-up time.
        import webbrowser

        from .serve.server import Live, start_server
        from .serve.session import EVERYTHING, Session, follow_changes
        from .serve.watch import POLL_INTERVAL, Watcher

        _stop_on_signals()
        session = Session(self.project, today, self.args.publish, self.show)
        self.err.write("building the site...\n")
        first = session.build(EVERYTHING, jobs=None)  # before any thread: workers may fork
        self._report(first)
        live = Live(first.snapshot)
        server = start_server(live, self.args.bind, self.args.port)
        watcher = None
        stop = threading.Event()
        try:
            watcher = Watcher(session.watches(), self.args.poll)
            if not server.loopback:
                self.err.write(f"pdp: warning: serving on {self.args.bind.strip()}: other "
                               "computers on the network can read your journal, private parts "
                               "too\n")
            if watcher.polling:
                self.err.write(f"pdp: looking for changes every {POLL_INTERVAL} s: "
                               f"{watcher.polling}\n")
            kind = "published portfolio" if self.args.publish else "site"
            self.out.write(f"serving the {kind} at {server.url} (Ctrl-C to stop)\n")
            self.out.flush()
            if self.args.open:
                webbrowser.open(server.url)
            follow_changes(session, watcher, live, stop, self._report)
        except KeyboardInterrupt:
            self.err.write("pdp: stopped\n")
        finally:
            stop.set()
            if watcher is not None:
                watcher.stop()
            server.stop()
        return EXIT_OK

    def _report(self, rebuilt: Rebuilt) -> None:
        """The terminal shows what the page shows: the errors, or that all is well."""
        if rebuilt.errors:
            self.err.write("".join(line + "\n" for line in rebuilt.errors))
            self.err.write("pdp: the journal has errors: still serving the last good site\n")
        else:
            self.err.write(f"built in {rebuilt.seconds * 1000:.0f} ms\n")
        self.err.flush()

    def pack(self) -> int:
        from .publish.pack import pack  # here: it builds the site, which costs start-up time

        journal = self._journal_or_fail(self.open(), counting=False)
        start_month = journal.config.year_start_month
        year = performance_year(self.today, start_month)
        if self.args.year is not None:
            chosen = parse_year_name(self.args.year, start_month)
            if chosen is None:
                raise UsageError(f"'{self.args.year}' is not a performance year name",
                                 f"name a year like {year.name}")
            year = chosen
        packed = pack(self.project, self.today, year, journal.config.name, self.args.output)
        if packed.problems:
            self.err.write(problems_text(packed.problems, self.show))
            self.err.write("pdp: nothing was packed\n")
            return EXIT_INVALID
        assert packed.archive is not None
        if packed.warnings:
            self.err.write(problems_text(packed.warnings, self.show))
        self.out.write(f"packed {packed.files} files into {os.path.relpath(packed.archive)} "
                       "(private content left out; SHA256SUMS lists every file)\n")
        if packed.pdf is not None:
            self.out.write(f"printed the {year.name} review pack to "
                           f"{os.path.relpath(packed.pdf)}\n")
        else:
            self.err.write(f"pdp: {packed.no_pdf_reason}\n")
        return EXIT_OK

    def schema(self) -> int:
        journal = self._journal_or_fail(self.open(), counting=False)
        goals = (goal.id for goal in journal.goals)
        self.out.write(schema_json(front_matter_schema(journal.catalogue, goals)))
        return EXIT_OK

    def init(self) -> int:
        from .publish.init import (
            init_project,  # here: its templates cost the other commands start-up
        )

        folder: Path = self.args.folder
        created = init_project(folder, self.args.name, self.today, self.args.install)
        for path in created.written:
            self.out.write(f"created {os.path.relpath(folder / path)}\n")
        for path in created.kept:
            self.out.write(f"kept {os.path.relpath(folder / path)} as it was: add pdp's lines "
                           "to it yourself if you want them\n")
        self.out.write("next: edit pdp.toml, replace the examples, then run 'pdp check'\n")
        return EXIT_OK

    def hook(self) -> int:
        path = install_hook(self.project.root)
        self.out.write(f"installed {os.path.relpath(path)}: each commit runs "
                       "'pdp check' on what is staged\n")
        return EXIT_OK

    def export(self) -> int:
        journal = self._journal_or_fail(self.open())
        if self.args.publish:
            journal = published(journal)
        rows = entry_records(journal)
        text = export_csv(rows) if self.args.format == "csv" else export_json(rows)
        if self.args.output is None:
            self.out.write(text)
        else:
            write_new_or_replace(self.args.output, text)
            self.out.write(f"wrote {len(rows)} entries to {self.args.output}\n")
        return EXIT_OK

    def catalogue(self) -> int:
        config, catalogue, problems = open_config(self.project)  # the entries are not needed
        if config is None:
            self._journal_or_fail(Checked(None, tuple(problems), 1))  # shows them and stops
        render = catalogue_json if self.args.format == "json" else catalogue_text
        self.out.write(render(catalogue))
        return EXIT_OK

    def new(self) -> int:
        journal = self._journal_or_fail(self.open(), counting=False)
        entry = self._new_entry(journal)
        path = entry_path(entry, journal.config.year_start_month)
        taken = {slugify(stem_of(p)): p for p in list_sources(self.project, "entries")}
        if slugify(stem_of(path)) in taken:
            raise UsageError(
                f"an entry would share its page with {self.show(taken[slugify(stem_of(path))])}",
                "choose another title")
        write_new_file(self.project.root, path, entry_text(entry))
        self.out.write(self.show(path) + "\n")
        return EXIT_OK

    def _new_entry(self, journal: Journal) -> NewEntry:
        args = self.args
        if args.activity != OTHER_ACTIVITY and args.activity not in journal.catalogue:
            raise UsageError(f"unknown activity '{args.activity}'",
                             did_you_mean(args.activity, journal.catalogue,
                                          "run 'pdp catalogue' for the ids"))
        if args.activity == OTHER_ACTIVITY and args.category is None:
            raise UsageError(f"activity '{OTHER_ACTIVITY}' needs --category",
                             "one of " + ", ".join(CATEGORIES))
        known = {goal.id for goal in journal.goals}
        for goal in args.goals:
            if goal not in known:
                raise UsageError(f"unknown goal '{goal}'", did_you_mean(
                    goal, known, "the goals are the file names in journal/goals/"))
        day = args.date or self.today
        status = "planned" if args.planned or day > self.today else "done"
        category = args.category if args.activity == OTHER_ACTIVITY else None
        if not args.title.strip():
            raise UsageError("the title is empty", 'pdp new "What I did" ...')
        return NewEntry(args.title.strip(), args.activity, args.hours, day, category,
                        tuple(args.goals), status)


def _stop_on_signals() -> None:
    """Ctrl-C and a polite kill both stop a server cleanly, even where the shell that started
    it in the background set Ctrl-C to be ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run the command line and return the exit code; never raises."""
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        runner = _Runner(args, out, err)
        result: int = getattr(runner, args.command)()
        return result
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
