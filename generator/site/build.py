"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write.

`make_site` hands each file to a function as it is made: `build_site` writes it into a fresh
folder at once, watch mode keeps it in memory to serve. Watch mode also gives it what
the last build made (`reuse`), so that only what a change affects is made again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import jinja2
from msgspec import Struct

from ..journal.compute import PerformanceYear, entries_in, year_end, years_of
from ..journal.history import GitHistory, History
from ..journal.load import CACHE_DIR, Project, journal_place
from ..journal.open import Checked, open_journal
from ..journal.privacy import published, withheld
from ..model import Entry, Journal, Problem
from ..parallel import Results, WorkerPool, in_background, workers
from ..progress import NO_PROGRESS, Progress
from .calendar import CALENDAR_FILE, calendar_text, offered
from .entry_job import EntryJob, entry_files
from .entry_pages import EntryPages, entry_page, entry_pages_of
from .evidence import evidence_copies
from .last_build import YearRows
from .link_check import LinkCheck, LinkMemo, left_out_links
from .manifest import DEFAULT_OUTPUT
from .memo import EntryMade, LastBuild, Reuse
from .output import check_output_place, fresh_site
from .pack_key import pack_basis, pack_key
from .page_cache import (
    Note,
    PageKeys,
    links_digest,
    load_previous,
    make_page,
    page_note,
    render_basis,
    save_previous,
)
from .plan import Makers, pack_page, summary_pages
from .reflection_cache import Reflections
from .render import environment
from .template_cache import keep_compiled
from .theme import Templates, Theme, find_theme, read_templates
from .views import Page, SiteOptions, entry_url, pack_url

EXPORT_FILE = "entries.csv"  # the same CSV as `pdp export`, of what the site shows
# Rendering an entry takes a few milliseconds: below this many a worker, stay in one process.
RENDER_MIN_ENTRIES = 100

Emit = Callable[[str, bytes], None]


class SiteSource(Struct, frozen=True):
    """What a site is made from: the valid journal, the day, git's dates of its entries, and
    whether it is the published portfolio (everything private left out)."""

    project: Project
    journal: Journal
    today: date
    publish: bool
    history: History


class Site(Struct, frozen=True):
    """What a build made (its rendered files went to `emit`), and the files to copy."""

    pages: int
    copies: dict[str, Path]
    roots: tuple[Path, ...]  # the folders every copied file comes from: journal and theme
    warnings: tuple[Problem, ...] = ()
    calendar: bool = False  # whether it has calendar.ics

    @property
    def files(self) -> int:
        # the pages, entries.csv, calendar.ics if offered, and the copies
        return self.pages + 1 + self.calendar + len(self.copies)


class SiteResult(Struct, frozen=True):
    """The site `make_site` made, or the broken links that stop it (after which what was
    emitted must not be used)."""

    site: Site | None
    problems: tuple[Problem, ...] = ()


class BuildResult(Struct, frozen=True):
    """What `build_site` did: the journal as checked, and the site written into `output`,
    or the problems that stopped it (the previous site is then untouched)."""

    checked: Checked
    output: Path
    site: Site | None
    problems: tuple[Problem, ...] = ()
    # Kept for the next build's short way (`last_build`): the build, its years' reflections.
    last: LastBuild | None = None
    years: YearRows | None = None

    @property
    def warnings(self) -> tuple[Problem, ...]:  # of the site written
        return () if self.site is None else self.site.warnings


def build_site(
    project: Project,
    today: date,
    publish: bool,
    output: Path | None = None,
    jobs: int | None = None,
    cache: bool = True,
    progress: Progress = NO_PROGRESS,
    opened: Callable[[], Checked] | None = None,
) -> BuildResult:
    """Build the site into `output` (default: site/ in the project), or report why not;
    `progress` counts the entries checked, then the pages made. The journal is the one
    `opened` gives (see `open_aside`), or opened here."""
    output = output or project.root / DEFAULT_OUTPUT
    check_output_place(project, output)
    cache_folder = project.root / CACHE_DIR
    # git reads the log while the journal is checked; the same workers check the entries,
    # then make pages.
    with closing(GitHistory(project.root)) as git_history, WorkerPool(jobs) as pool:
        checked = (
            opened()
            if opened is not None
            else open_journal(
                project,
                today,
                jobs,
                pool=pool,
                cache=cache_folder if cache else None,
                progress=progress,
            )
        )
        journal = checked.journal
        if checked.errors or journal is None:
            return BuildResult(checked, output, None, checked.errors)
        # The short way is taken for the member's own site alone, and never where every page
        # shows when it was built (see `last_build`): no other build keeps its years' rows.
        keeps = cache and not publish and not journal.config.build_time
        years = YearRows(cache_folder, output) if keeps else None
        reuse = Reuse(
            Reflections(cache_folder if cache else None),
            previous=load_previous(cache_folder, output) if cache else None,
            keep_year=years.add if years is not None else None,
        )
        history = git_history.history(entry.path for entry in journal.entries)
        made = _write_site(
            SiteSource(project, journal, today, publish, history),
            reuse,
            output,
            jobs,
            pool,
            progress,
        )
        if made.site is None:
            return BuildResult(checked, output, None, made.problems)
    reuse.reflections.save()
    if reuse.previous is not None:
        save_previous(cache_folder, reuse.previous)
    return BuildResult(checked, output, made.site, last=reuse.last, years=years)


def _write_site(
    source: SiteSource,
    reuse: Reuse,
    output: Path,
    jobs: int | None,
    pool: WorkerPool,
    progress: Progress = NO_PROGRESS,
) -> SiteResult:
    """Make the site in a fresh folder, swapped in for `output` only once made whole."""
    with fresh_site(output) as fresh:
        # Each page is written as soon as it is made: a large journal's site is never
        # held in memory whole.
        try:
            made = make_site(source, reuse, fresh.write, jobs, fresh.folder, pool, progress)
        except BaseException:
            pool.close()  # no worker may write on once the fresh folder is removed
            raise
        if made.site is not None:
            for path, copied in sorted(made.site.copies.items()):
                fresh.copy(path, copied, made.site.roots)
            fresh.complete = True
    return made


def make_site(
    source: SiteSource,
    reuse: Reuse,
    emit: Emit,
    jobs: int | None = None,
    into: Path | None = None,
    pool: WorkerPool | None = None,
    progress: Progress = NO_PROGRESS,
) -> SiteResult:
    """Make every file of the site, handing each to `emit` as it is made; `progress`
    counts the pages as this process takes them.

    With `into`, the folder `emit` writes into, entry pages are written there by whichever
    process makes them (and `emit` never sees them): pages need not travel between
    processes, nor wait for this one. Entry pages are made by `pool`'s workers if given.
    """
    plan = _plan(source, reuse)
    work = _entry_work(plan, reuse, jobs, into)
    # Entries are most of the work: worker processes make their pages while this one makes
    # the pages that sum them up, and each year's review pack, which shows every reflection
    # of the year, once they are made.
    with in_background(entry_files, work.job, work.todo, jobs, RENDER_MIN_ENTRIES, pool) as made:
        pages = summary_pages(plan.journal, plan.today, plan.shared, plan.makers)
        packs = sum(len(years) for years in plan.packs_after.values())
        progress.stage("making pages", len(pages) + len(plan.journal.entries) + packs)
        writer = _start_writing(plan, reuse, work, emit, pages, progress, into)
        summaries = _write_summaries(writer, pages, made)
        # Made while the workers are still at work, not after them.
        writer.file(EXPORT_FILE, reuse.export(plan.journal))
        if plan.calendar:
            writer.file(CALENDAR_FILE, calendar_text(plan.journal, plan.today).encode("utf-8"))
        writer.take(made.rest())
    for year in plan.packs_after.get(len(plan.journal.entries), ()):
        writer.pack(year)
    return _finish(source.project, plan, reuse, writer, summaries)


class _Plan(Struct, frozen=True):
    """What every step of a build reads."""

    journal: Journal  # as the site shows it: published, for the portfolio
    today: date
    theme: Theme
    templates: Templates  # every page renders from this copy
    env: jinja2.Environment
    shared: EntryPages  # what every entry page shows
    makers: Makers  # views, and goals' and reviews' HTML
    copies: dict[str, Path]
    known: frozenset[str]  # every file of the site but the summary pages
    own_bodies: dict[str, tuple[str, int]]  # as written: the lines of links left out
    packs_after: dict[int, list[PerformanceYear]]
    basis: bytes  # what pages are rendered with, in their keys (b"": no pages kept)
    calendar: bool = False  # whether the site offers calendar.ics


def _plan(source: SiteSource, reuse: Reuse) -> _Plan:
    """The journal as shown, the theme, and what every page shares."""
    own = source.journal
    journal = published(own) if source.publish else own
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    theme = find_theme(source.project.root, journal.config.theme)
    templates = read_templates(theme)
    shared = entry_pages_of(
        journal,
        SiteOptions(source.publish, built),
        source.history,
        withheld(own, journal) if source.publish else frozenset(),
    )
    own_bodies = (
        {
            entry.path: (entry.body, entry.body_line)  # as written: for their lines
            for entry in own.entries
        }
        if shared.withheld
        else {}
    )
    makers = reuse.makers(shared)
    copies = {**theme.static_files(), **evidence_copies(source.project, journal, source.publish)}
    calendar = offered(journal.config, source.publish)
    known = _files_but_summaries(journal, source.today, copies) | (
        {CALENDAR_FILE} if calendar else set()
    )
    basis = render_basis(templates) if reuse.previous is not None else b""
    return _Plan(
        journal,
        source.today,
        theme,
        templates,
        keep_compiled(environment(templates), reuse.reflections.folder),
        shared,
        makers,
        copies,
        known,
        own_bodies,
        _packs_after(journal, source.today),
        basis,
        calendar,
    )


class _EntryWork(Struct, frozen=True):
    """Whose pages are kept from the last build (watch mode), whose are made, and how."""

    kept: dict[str, EntryMade]
    todo: list[Entry]
    sequential: bool  # made in this process
    job: EntryJob


def _entry_work(plan: _Plan, reuse: Reuse, jobs: int | None, into: Path | None) -> _EntryWork:
    """In watch mode, an entry left as it was keeps its page without any work."""
    memo = reuse.entries
    memo.start(plan.shared)
    kept = {
        entry.path: before
        for entry in plan.journal.entries
        if reuse.remember and (before := memo.get(entry, plan.shared)) is not None
    }
    todo = [entry for entry in plan.journal.entries if entry.path not in kept]
    sequential = workers(jobs, len(todo), RENDER_MIN_ENTRIES) < 2
    # Watch mode keeps every page in memory: only a one-off build writes entry pages at once.
    write_into = None if reuse.remember else into
    previous = reuse.previous
    job = EntryJob(
        plan.shared,
        plan.templates,
        reuse.reflections if sequential else reuse.reflections.empty_copy(),
        (reuse.pages, plan.makers) if sequential and reuse.remember else None,
        # As it is now: this process notes more pages while workers start.
        None if previous is None else replace(previous, made={}),
        plan.basis,
        write_into,
        plan.known if write_into is not None else None,
        keyed=reuse.remember or reuse.reflections.folder is not None,
    )
    return _EntryWork(kept, todo, sequential, job)


@dataclass(slots=True)
class _SiteWriter:
    """The files of one build as they are made: each checked for links, noted for the next
    build and handed to `emit`; with what the build gathers meanwhile."""

    plan: _Plan
    reuse: Reuse
    work: _EntryWork
    emit: Emit
    check: LinkCheck  # knows every file the site will have
    summary_keys: PageKeys | None  # summary pages share their views
    upcoming: deque[tuple[int, Entry]]  # the entries not yet handled, by index
    reflections: dict[str, str] = field(default_factory=dict)  # entry path -> its HTML
    warnings: list[Problem] = field(default_factory=list)  # links shown as plain text
    progress: Progress = NO_PROGRESS  # counts the pages made
    into: Path | None = None  # the folder `emit` writes into, where taken pages are linked
    folders: set[str] = field(default_factory=set)  # made in `into`
    pack_basis: bytes = b""  # what every pack is made with, once asked for

    def _pack_basis(self) -> bytes:
        if not self.pack_basis:
            plan = self.plan
            self.pack_basis = pack_basis(
                plan.basis, plan.journal, plan.shared, plan.known, plan.today
            )
        return self.pack_basis

    def file(self, path: str, data: bytes, taken: bool = False) -> None:
        previous = self.reuse.previous
        if not (taken and previous is not None and previous.links_same):
            self.check.page(path, data)
        if not (taken and self._linked(path)):
            self.emit(path, data)

    def _linked(self, path: str) -> bool:
        """Whether the page taken at `path` is linked into `into` rather than written."""
        previous = self.reuse.previous
        if previous is None or self.into is None:
            return False
        return previous.link(path, self.into, self.folders)

    def page(self, page: Page, keys: PageKeys | None) -> None:
        previous = self.reuse.previous
        data, note, taken = make_page(
            page, partial(self.reuse.render, self.plan.env), previous, keys
        )
        if previous is not None:
            previous.add(page.path, note)
        self.file(page.path, data, taken)
        self.progress.advance()

    def take(self, made: Iterator[EntryMade]) -> None:
        """Handle, in order, the entries whose pages are made: kept, or among `made`; and
        each year's review pack once the year's last entry is handled."""
        while self.upcoming:
            index, entry = self.upcoming[0]
            entry_made = self.work.kept.get(entry.path) or next(made, None)
            if entry_made is None:
                return
            self.upcoming.popleft()
            self._entry(entry, entry_made)
            self.progress.advance()
            for year in self.plan.packs_after.get(index, ()):
                self.pack(year)

    def _entry(self, entry: Entry, made: EntryMade) -> None:
        reuse, shared = self.reuse, self.plan.shared
        reuse.reflections.note(made.key, made.reflection, made.fresh, keep=reuse.remember)
        self.reflections[entry.path] = html = made.reflection.html
        if shared.withheld:
            self.warnings.extend(
                left_out_links(
                    entry.path, made.reflection.links, self.plan.own_bodies.get(entry.path)
                )
            )
        if reuse.previous is not None:
            reuse.previous.add(entry_url(entry), made.note)
        if not made.written:
            self.file(entry_url(entry), made.page, made.taken)
        elif made.unresolved is not None:  # its links checked against the files `known`
            self.check.report(
                entry_url(entry),
                [link for link, target in made.unresolved if target not in self.check.existing],
            )
        else:
            self._check_taken(entry_url(entry))
        if reuse.remember and entry.path not in self.work.kept:
            reuse.entries.keep(entry, shared, made)
            if not self.work.sequential:  # made in a worker: note what it showed
                reuse.pages.remember(
                    entry_page(self.plan.makers.view_of(entry, html), shared), made.page
                )

    def _check_taken(self, path: str) -> None:
        """Check the links of a page taken from the last build and written already, unless
        the site has the same files as then (it was found sound then)."""
        previous = self.reuse.previous
        if previous is not None and previous.links_same:
            return
        assert self.into is not None  # only a build into a folder writes pages as it goes
        self.check.page(path, (self.into / path).read_bytes())

    def pack(self, year: PerformanceYear) -> None:
        plan, previous, path = self.plan, self.reuse.previous, pack_url(year)
        key: bytes | None = None
        taken: tuple[bytes, Note] | None = None
        if previous is not None:  # a pack's key is what it is made of, not its views
            key = pack_key(self._pack_basis(), plan.journal, year, self.reflections)
            taken = previous.take(path, key)
        note: Note | None
        if taken is not None:  # as the last build made it: not even planned again
            data, note = taken
        else:
            page = pack_page(
                plan.journal, year, plan.today, plan.shared, self.reflections, plan.makers
            )
            data = self.reuse.render(plan.env, page)
            note = page_note(key, data)
        if previous is not None:
            previous.add(path, note)
        self.file(path, data, taken is not None)
        self.progress.advance()
        if not self.reuse.remember:  # nor the year's reflections
            done = entries_in(plan.journal.entries, year)
            if self.reuse.keep_year is not None:
                self.reuse.keep_year(year.name, {e.path: self.reflections[e.path] for e in done})
            for entry in done:
                del self.reflections[entry.path]


def _start_writing(
    plan: _Plan,
    reuse: Reuse,
    work: _EntryWork,
    emit: Emit,
    pages: Sequence[Page],
    progress: Progress = NO_PROGRESS,
    into: Path | None = None,
) -> _SiteWriter:
    """A writer whose link check knows every file, once the summary pages are planned and
    before any page is made."""
    check = _link_check(plan.journal, pages, plan.known, reuse.links if reuse.remember else None)
    keeping = reuse.previous is not None  # the pages of the last build, to take again
    if reuse.previous is not None:
        reuse.previous.links_now = links_digest(check.existing)
    return _SiteWriter(
        plan,
        reuse,
        work,
        emit,
        check,
        PageKeys(plan.basis) if keeping else None,
        deque(enumerate(plan.journal.entries)),
        progress=progress,
        into=into,
    )


def _write_summaries(writer: _SiteWriter, pages: list[Page], made: Results[EntryMade]) -> int:
    """Write the pages that sum the journal up, handling the entries made meanwhile; how many
    there were. The list is emptied: their views are needed no more."""
    for page in pages:
        writer.page(page, writer.summary_keys)
        writer.take(made.ready())  # so that finished chunks do not pile up in memory
    summaries = len(pages)
    pages.clear()
    if writer.summary_keys is not None:
        writer.summary_keys.forget()
    return summaries


def _finish(
    project: Project, plan: _Plan, reuse: Reuse, writer: _SiteWriter, summaries: int
) -> SiteResult:
    """Drop what this build no longer shows; the site, or the broken links found."""
    check = writer.check
    reuse.pages.forget_all_but(check.existing)
    reuse.entries.forget_all_but(entry.path for entry in plan.journal.entries)
    reuse.reflections.forget_unused()
    problems = check.finish()
    if problems:
        reuse.last = None
        return SiteResult(None, tuple(problems))
    if reuse.remember or reuse.keep_year is not None:
        reuse.last = LastBuild(
            plan.journal,
            plan.today,
            plan.shared,
            plan.makers,
            plan.templates,
            writer.reflections,
            check.existing,
            check.sources,
            check.bodies,
        )
    roots = (journal_place(project), *(folder.resolve() for folder in plan.theme.folders))
    packs = sum(len(years) for years in plan.packs_after.values())
    return SiteResult(
        Site(
            summaries + len(plan.journal.entries) + packs,
            plan.copies,
            roots,
            tuple(sorted(writer.warnings, key=Problem.sort_key)),
            plan.calendar,
        )
    )


def _packs_after(journal: Journal, today: date) -> dict[int, list[PerformanceYear]]:
    """The years whose review packs can be made once the entry at each index is: the last of
    the year (entries are sorted by date); a year without entries, after them all."""
    after: dict[int, list[PerformanceYear]] = {}
    for year in years_of(journal, today):
        has_entries = bool(entries_in(journal.entries, year))
        index = year_end(journal.entries, year) - 1 if has_entries else len(journal.entries)
        after.setdefault(index, []).append(year)
    return after


def _files_but_summaries(
    journal: Journal, today: date, copies: Mapping[str, Path]
) -> frozenset[str]:
    """Every file the site will have but the summary pages: entry pages, packs, copies."""
    packs = [pack_url(year) for year in years_of(journal, today)]
    return frozenset(
        [*(entry_url(entry) for entry in journal.entries), *packs, EXPORT_FILE, *copies]
    )


def _link_check(
    journal: Journal, pages: Sequence[Page], known: frozenset[str], memo: LinkMemo | None
) -> LinkCheck:
    """A link check that knows every file the site will have before any page is made."""
    sources = {page.path: page.source for page in pages if page.source}
    sources.update((entry_url(entry), entry.path) for entry in journal.entries)
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    return LinkCheck(known | {page.path for page in pages}, sources, bodies, memo)
