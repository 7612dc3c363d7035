"""Each command of `pdp`: its options, and what runs it, in the table `COMMANDS`."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from ..defaults import DEFAULT_PORT
from ..errors import EXIT_INVALID, EXIT_OK, UsageError
from ..journal.project import CACHE_DIR, find_project
from .context import (
    Call,
    Command,
    InProject,
    date_argument,
    hours_argument,
    in_project,
    port_argument,
    today,
    year_named,
)
from .progress import add_quiet_option, command_progress

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..journal.compute import PerformanceYear
    from ..journal.problems import ShownProblem
    from ..model import Journal
    from ..serve.session import Rebuilt

LOOPBACK = "127.0.0.1"


def _check_options(check: argparse.ArgumentParser) -> None:
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--staged",
        action="store_true",
        help="check what is staged in git, not the files as they are",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="github: annotations for GitHub Actions",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help=f"check every entry afresh, without reading or writing {CACHE_DIR}/",
    )
    add_quiet_option(check)


def _check(run: InProject) -> int:
    if run.args.staged:
        return _check_staged(run)
    from .check_fast import keep_check, look_before_checking

    looked = look_before_checking(run)  # nothing changed: the last check's problems stand
    if looked is not None and looked.fresh:
        return _checked(run, looked.problems(), looked.files)
    from ..journal.open import open_journal  # here: the parsers cost the fast path start-up

    with command_progress(run.args, run.err) as progress:
        checked = open_journal(
            run.project, run.today, bodies=False, cache=run.cache(), progress=progress
        )
    if looked is not None:
        keep_check(run, looked, checked.problems, checked.files)
    return _checked(run, checked.problems, checked.files)


def _check_staged(run: InProject) -> int:
    from ..journal.open import open_journal
    from ..publish.hooks import staged_copy, unstaged_notes

    # The staged copy lasts for this check alone: its checks are kept with the project's.
    with staged_copy(run.project.root) as copy:
        staged = find_project(copy)
        with command_progress(run.args, run.err) as progress:
            checked = open_journal(
                staged, run.today, bodies=False, cache=run.cache(), progress=progress
            )
        code = _checked(run, checked.problems, checked.files)
        run.out.flush()  # the notes come after the problems they are about
        paths = (problem.path for problem in checked.problems)
        for note in unstaged_notes(run.project.root, staged.root, paths, run.show):
            run.err.write(note + "\n")
        return code


def _checked(run: InProject, problems: Sequence[ShownProblem], files: int) -> int:
    from ..journal.problems import github_annotations, problems_json, problems_text, summary_line

    errors = sum(problem.severity == "error" for problem in problems)
    failing = len(problems) if run.args.strict else errors
    if run.args.format == "json":
        run.out.write(problems_json(problems, run.show))
    elif run.args.format == "github":
        run.out.write(github_annotations(problems, run.show))
    else:
        run.out.write(problems_text(problems, run.show))
        run.out.write(summary_line(errors, len(problems) - errors, files) + "\n")
    return EXIT_INVALID if failing else EXIT_OK


def _report_options(report: argparse.ArgumentParser) -> None:
    report.add_argument("--year", metavar="YEAR", help="one year, named like 2025-26")
    report.add_argument(
        "--scheme",
        metavar="NAME",
        help="one CPD scheme of the journal, by its id (gcs, or one under [schemes.ID])",
    )
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.add_argument(
        "--publish",
        action="store_true",
        help="count only what the reviewer sees, as 'pdp build --publish' publishes it",
    )
    report.add_argument(
        "--goals",
        action="store_true",
        help="each goal with its evidence in the year (default: this one) and in all years",
    )
    report.add_argument(
        "--coverage",
        action="store_true",
        help="the points and entries of each discipline and behaviour, by year",
    )


def _report(run: InProject) -> int:
    from ..journal.compute import performance_year

    checked = run.open()
    journal = run.journal_or_fail(checked)
    args, start_month = run.args, journal.config.year_start_month
    if args.scheme is not None and (args.goals or args.coverage):
        raise UsageError(
            "--scheme picks a scheme of the year report, not of --goals or --coverage",
            "leave out --scheme",
        )
    if args.goals or args.coverage:
        current = performance_year(run.today, start_month)
        year = None if args.year is None else year_named(args.year, start_month, current.name)
        if args.goals:
            _report_goals(run, journal, year or current, current)
        else:
            _report_coverage(run, journal, year)
    else:
        _report_years(run, journal)
    return EXIT_INVALID if checked.errors else EXIT_OK


def _report_years(run: InProject, journal: Journal) -> None:
    """Each scheme's years (`--scheme` one, `--year` one year), then the active goals without
    evidence in the year; the top-level years of the JSON are the leading scheme's."""
    from ..journal.goal_progress import goal_progress
    from ..journal.privacy import published
    from ..model import GCS
    from ..publish.report import idle_goals, report_json, year_reports
    from ..publish.scheme_report import report_text, scheme_blocks, select

    args, config = run.args, journal.config
    chosen = select(config, args.scheme, args.year, run.today)
    builtin = []
    if chosen.shows(GCS):
        builtin = year_reports(journal, run.today, args.publish, chosen.years.get(GCS))
    blocks = scheme_blocks(journal, chosen, builtin, run.today, args.publish)
    year, current = chosen.goals_year(config, run.today)
    goals = goal_progress(published(journal) if args.publish else journal, year, run.today)
    idle = idle_goals(year, current, goals)
    if args.format == "json":
        run.out.write(report_json(config, builtin, args.publish, idle, blocks))
    else:
        run.out.write(report_text(config, blocks, args.publish, idle))


def _report_coverage(run: InProject, journal: Journal, year: PerformanceYear | None) -> None:
    from ..journal.coverage import coverage
    from ..journal.privacy import published
    from ..publish.coverage_report import coverage_json, coverage_text, only_year

    found = coverage(published(journal) if run.args.publish else journal, run.today)
    if year is not None:
        found = only_year(found, year)
    render = coverage_json if run.args.format == "json" else coverage_text
    run.out.write(render(found))


def _report_goals(
    run: InProject, journal: Journal, year: PerformanceYear, current: PerformanceYear
) -> None:
    from ..journal.goal_progress import goal_progress
    from ..journal.privacy import published
    from ..publish.report import goals_json, goals_text

    publish = run.args.publish
    progress = goal_progress(published(journal) if publish else journal, year, run.today)
    if run.args.format == "json":
        run.out.write(goals_json(journal.config, year, progress, publish))
    else:
        run.out.write(goals_text(journal.config, year, progress, year == current, publish))


def _catalogue_options(catalogue: argparse.ArgumentParser) -> None:
    catalogue.add_argument("--format", choices=("text", "json"), default="text")


def _catalogue(run: InProject) -> int:
    from ..journal.open import open_config
    from ..publish.report import catalogue_json, catalogue_text

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
    build.add_argument(
        "--publish",
        action="store_true",
        help="for the reviewer: leave out everything marked private",
    )
    build.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        help="where to write the site (default: site/ in the project)",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="check every entry and render every reflection afresh, "
        f"without reading or writing {CACHE_DIR}/",
    )
    add_quiet_option(build)


def _build(run: InProject) -> int:
    from .build_fast import (
        built_as_before,
        keep_manifest,
        look_before_building,
        remade_reflections,
        show_built,
    )

    before = look_before_building(run)  # nothing changed: all there is to do, and cheap
    if before.fresh:
        return built_as_before(run, before)
    remade = remade_reflections(run, before)  # only reflections changed: nearly as cheap
    if remade is not None:
        return remade
    from ..journal.open import open_aside
    from ..journal.problems import problems_text

    cache = None if run.args.no_cache else run.project.root / CACHE_DIR
    with (
        command_progress(run.args, run.err) as progress,
        open_aside(run.project, run.today, cache=cache, progress=progress) as opened,
    ):
        # Imported here, while the journal is checked: rendering costs the other commands
        # start-up.
        from ..site.build import build_site

        built = build_site(
            run.project,
            run.today,
            run.args.publish,
            run.args.output,
            cache=cache is not None,
            progress=progress,
            opened=opened,
        )
    site = built.site
    if site is None:
        run.err.write(problems_text(built.problems, run.show))
        run.err.write("pdp: the site was not built; the previous site is unchanged\n")
        return EXIT_INVALID
    keep_manifest(run, before, built)
    return show_built(run, site.warnings, site.pages, site.files, built.output)


def _serve_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--port",
        type=port_argument,
        metavar="N",
        help=f"the port (default: {DEFAULT_PORT}, or a free one if it is busy; 0: any free port)",
    )
    serve.add_argument(
        "--bind",
        default=LOOPBACK,
        metavar="ADDR",
        help=f"the address to listen on (default: {LOOPBACK}, this computer only)",
    )
    serve.add_argument("--open", action="store_true", help="open the site in your browser")
    serve.add_argument(
        "--publish",
        action="store_true",
        help="preview what the reviewer sees: everything private left out",
    )
    serve.add_argument(
        "--poll",
        action="store_true",
        help="look for changes every half second instead of relying on file "
        "events (for network drives and some containers)",
    )


def _serve(run: InProject) -> int:
    # Imported here: watching and the browser cost every other command start-up time.
    from ..serve.preview import preview
    from ..serve.session import Session

    _stop_on_signals()
    session = Session(run.project, today, run.args.publish, run.show)
    run.err.write("building the site...\n")
    preview(session, run.args.bind, run.args.port, run.args.poll, _Notices(run))
    return EXIT_OK


class _Notices(Struct, frozen=True):
    """What `pdp serve` prints as it goes."""

    run: InProject

    def rebuilt(self, rebuilt: Rebuilt) -> None:
        """The terminal shows what the page shows: the problems, once, and how it went."""
        self.run.err.write(rebuilt.notice())
        self.run.err.flush()

    def serving(self, url: str, loopback: bool, polling: str) -> None:
        import webbrowser

        from ..serve.watch import POLL_INTERVAL

        args, out, err = self.run.args, self.run.out, self.run.err
        if not loopback:
            err.write(
                f"pdp: warning: serving on {args.bind.strip()}: other computers on the "
                "network can read your journal, private parts too\n"
            )
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
    export.add_argument(
        "--publish",
        action="store_true",
        help="leave out private entries (and planned ones if so configured)",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        type=Path,
        help="write to a file instead of standard output",
    )


def _export(run: InProject) -> int:
    from ..journal.compute import entry_records
    from ..journal.privacy import published
    from ..publish.scaffold import write_new_or_replace
    from ..publish.scheme_report import scheme_columns, with_scheme_points
    from ..site.export import EXPORT_COLUMNS, export_csv, export_json

    journal = run.journal_or_fail(run.open())
    if run.args.publish:
        journal = published(journal)
    rows = with_scheme_points(journal, entry_records(journal))
    columns = (*EXPORT_COLUMNS, *scheme_columns(journal.config))
    write = export_csv if run.args.format == "csv" else export_json
    text = write(rows, columns)
    if run.args.output is None:
        run.out.write(text)
    else:
        write_new_or_replace(run.args.output, text)
        run.out.write(f"wrote {len(rows)} entries to {run.args.output}\n")
    return EXIT_OK


def _calendar_options(calendar: argparse.ArgumentParser) -> None:
    calendar.add_argument(
        "--publish",
        action="store_true",
        help="as the published portfolio offers it: nothing private (and no planned entries "
        "if so configured)",
    )
    calendar.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="write the calendar to FILE (such as calendar.ics); without -o it goes to "
        "standard output, as `pdp export`'s entries do, to pipe or redirect",
    )


def _calendar(run: InProject) -> int:
    from ..journal.privacy import published
    from ..publish.scaffold import write_new_or_replace
    from ..site.calendar import calendar_events, calendar_text

    journal = run.journal_or_fail(run.open())
    if run.args.publish:
        journal = published(journal)
    events = calendar_events(journal, run.today)
    text = calendar_text(journal, run.today, events)
    if run.args.output is None:
        run.out.write(text)
    else:
        write_new_or_replace(run.args.output, text, "write the calendar to a .ics file")
        run.out.write(f"wrote {len(events)} events to {run.args.output}\n")
    return EXIT_OK


def _pack_options(pack: argparse.ArgumentParser) -> None:
    pack.add_argument(
        "--year",
        metavar="YEAR",
        help="the review pack's year (default: the current year; in a year's first three "
        "months, the year just ended)",
    )
    pack.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        type=Path,
        help="the zip, with the PDF beside it (default: dist/NAME-YEAR-portfolio.zip in the "
        "project)",
    )
    add_quiet_option(pack)


def _pack(run: InProject) -> int:
    from ..journal.open import open_journal
    from ..journal.problems import problems_text
    from ..journal.year_scope import default_pack_year
    from ..publish.pack import pack  # here: it builds the site, which costs start-up time

    with command_progress(run.args, run.err) as progress:
        checked = open_journal(run.project, run.today, cache=run.cache(), progress=progress)
    journal = run.journal_or_fail(checked, counting=False)
    start_month = journal.config.year_start_month
    chosen = default_pack_year(run.today, start_month)
    year = chosen.year
    if run.args.year is not None:
        year = year_named(run.args.year, start_month, year.name)
    else:
        run.out.write(f"packing the {year.name} review pack: {chosen.reason}\n")
    with command_progress(run.args, run.err) as progress:
        result = pack(run.project, run.today, year, journal.config.name, run.args.output, progress)
    packed = result.packed
    if packed is None:
        run.err.write(problems_text(result.problems, run.show))
        run.err.write("pdp: nothing was packed\n")
        return EXIT_INVALID
    if packed.warnings:
        run.err.write(problems_text(packed.warnings, run.show))
    run.out.write(
        f"packed {packed.files} files into {os.path.relpath(packed.archive)} "
        "(private content left out; SHA256SUMS lists every file)\n"
    )
    if packed.pdf is not None:
        run.out.write(f"printed the {year.name} review pack to {os.path.relpath(packed.pdf)}\n")
    else:
        run.err.write(f"pdp: {packed.no_pdf_reason}\n")
    return EXIT_OK


def _no_options(parser: argparse.ArgumentParser) -> None:
    """For a command that takes none of its own."""


def _schema(run: InProject) -> int:
    from ..publish.jsonschema import front_matter_schema, schema_json

    journal = run.journal_or_fail(run.open(), counting=False)
    goals = (goal.id for goal in journal.goals)
    config = journal.config
    schema = front_matter_schema(journal.catalogue, goals, config.frameworks, config.scheme_ids)
    run.out.write(schema_json(schema))
    return EXIT_OK


def _init_options(init: argparse.ArgumentParser) -> None:
    init.add_argument("folder", nargs="?", default=".", type=Path, help="default: here")
    init.add_argument("--name", default="Your Name", help="your name, as the portfolio shows it")
    init.add_argument(
        "--install",
        metavar="SPEC",
        help="the pip requirement CI installs pdp with "
        "(default: this version, from its tag in pdp's repository)",
    )


def _init(call: Call) -> int:
    from ..publish.init import init_project  # here: its templates cost the other commands start-up

    folder: Path = call.args.folder
    created = init_project(folder, call.args.name, call.today, call.args.install)
    for path in created.written:
        call.out.write(f"created {os.path.relpath(folder / path)}\n")
    for path in created.kept:
        call.out.write(
            f"kept {os.path.relpath(folder / path)} as it was: add pdp's lines "
            "to it yourself if you want them\n"
        )
    call.out.write("next: edit pdp.toml, replace the examples, then run 'pdp check'\n")
    return EXIT_OK


def _hook_options(hook: argparse.ArgumentParser) -> None:
    hook.add_argument(
        "action", choices=("install",), help="install: check the staged journal before each commit"
    )


def _hook(run: InProject) -> int:
    from ..publish.hooks import install_hook

    path = install_hook(run.project.root)
    run.out.write(
        f"installed {os.path.relpath(path)}: each commit runs 'pdp check' on what is staged\n"
    )
    return EXIT_OK


def _new_options(new: argparse.ArgumentParser) -> None:
    from ..model import CATEGORIES, OTHER_ACTIVITY  # built only when `new` is asked for

    new.add_argument("title", help="what the activity was")
    new.add_argument(
        "--activity",
        required=True,
        metavar="ID",
        help=f"a catalogue id (pdp catalogue), or {OTHER_ACTIVITY}",
    )
    new.add_argument("--hours", required=True, type=hours_argument, metavar="H", help="hours spent")
    new.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD", help="default: today")
    new.add_argument("--category", choices=CATEGORIES, help=f"for activity {OTHER_ACTIVITY}")
    new.add_argument(
        "--goal",
        action="append",
        default=[],
        metavar="ID",
        dest="goals",
        help="a goal it serves (repeatable)",
    )
    new.add_argument("--planned", action="store_true", help="not done yet")


def _new(run: InProject) -> int:
    from ..model import OTHER_ACTIVITY
    from ..publish.scaffold import (
        NewEntry,
        check_new_entry,
        entry_path,
        entry_text,
        page_taken,
        write_new_file,
    )

    journal = run.journal_or_fail(run.open(), counting=False)
    args = run.args
    day = args.date or run.today
    entry = NewEntry(
        args.title.strip(),
        args.activity,
        args.hours,
        day,
        args.category if args.activity == OTHER_ACTIVITY else None,
        tuple(args.goals),
        "planned" if args.planned or day > run.today else "done",
    )
    check_new_entry(entry, journal)
    path = entry_path(entry, journal.config.year_start_month)
    taken = page_taken(run.project, path)
    if taken is not None:
        raise UsageError(
            f"an entry would share its page with {run.show(taken)}", "choose another title"
        )
    write_new_file(run.project.root, path, entry_text(entry))
    run.out.write(run.show(path) + "\n")
    return EXIT_OK


# Each command by name, in the order `pdp --help` lists them.
COMMANDS: dict[str, Command] = {
    "check": in_project("check the journal", _check_options, _check),
    "report": in_project(
        "points per performance year against the target", _report_options, _report
    ),
    "catalogue": in_project(
        "the activities and their points values", _catalogue_options, _catalogue
    ),
    "build": in_project("build the portfolio site", _build_options, _build),
    "serve": in_project(
        "preview the site while you write: rebuilt and reloaded on every save",
        _serve_options,
        _serve,
    ),
    "export": in_project("the entries as CSV or JSON, for spreadsheets", _export_options, _export),
    "calendar": in_project(
        "what comes next as an iCalendar file: planned entries, goals' target dates, the "
        "next review, the year's end",
        _calendar_options,
        _calendar,
    ),
    "pack": in_project(
        "the published portfolio as a zip (and the review pack as a PDF) for your reviewer",
        _pack_options,
        _pack,
    ),
    "schema": in_project(
        "a JSON Schema of entries', goals' and reviews' front matter", _no_options, _schema
    ),
    "init": Command("start a new journal project", _init_options, _init, in_project=False),
    "hook": in_project("git hooks", _hook_options, _hook),
    "new": in_project("start a new entry", _new_options, _new),
}
