"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write.

`make_site` hands each file to a function as it is made: `build_site` writes it into a fresh
folder at once, watch mode keeps it in memory to serve. Watch mode also gives it what
the last build made (`reuse`), so that only what a change affects is made again.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import jinja2

from ..errors import UsageError
from ..journal.compute import PerformanceYear, entries_in, performance_year, year_end, years_of
from ..journal.history import History, entry_history
from ..journal.load import CACHE_DIR, Project, journal_place, leads_to
from ..journal.open import Checked, open_journal
from ..journal.privacy import published, published_entry, withheld
from ..model import Entry, Journal, Problem
from ..parallel import WorkerPool, in_background, workers
from .memo import EntryMade, LastBuild, Reuse
from .output import check_output, fresh_site, write_file
from .page_cache import (
    PageKeys,
    Previous,
    links_digest,
    load_previous,
    make_page,
    render_basis,
    save_previous,
)
from .plan import (
    EntryPages,
    Makers,
    Page,
    SiteOptions,
    entry_page,
    entry_pages_of,
    entry_url,
    entry_view,
    evidence_url,
    link_map,
    pack_page,
    pack_url,
    summary_pages,
)
from .reflection_cache import Reflections, render_recorded
from .render import (
    THEMES_DIR,
    LinkCheck,
    LinkMemo,
    PageMemo,
    Templates,
    environment,
    find_theme,
    left_out_links,
    read_templates,
    render_page,
)

DEFAULT_OUTPUT = "site"
EXPORT_FILE = "entries.csv"  # the same CSV as `pdp export`, of what the site shows
# Rendering an entry takes a few milliseconds: below this many a worker, stay in one process.
RENDER_MIN_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class Site:
    """What a build made (its rendered files went to `emit`), and the files to copy."""

    pages: int
    copies: dict[str, Path]
    roots: tuple[Path, ...]  # the folders every copied file comes from: journal and theme
    warnings: tuple[Problem, ...] = ()

    @property
    def files(self) -> int:
        return self.pages + 1 + len(self.copies)  # the pages, entries.csv, and the copies


@dataclass(frozen=True, slots=True)
class Built:
    """What a build did, or the problems that stopped it."""

    checked: Checked
    problems: tuple[Problem, ...] = ()
    output: Path | None = None
    pages: int = 0
    files: int = 0
    warnings: tuple[Problem, ...] = ()  # of a build that was made


def build_site(project: Project, today: date, publish: bool, output: Path | None = None,
               jobs: int | None = None, cache: bool = True) -> Built:
    """Build the site into `output` (default: site/ in the project), or report why not."""
    output = output or project.root / DEFAULT_OUTPUT
    check_output_place(project, output)
    with WorkerPool(jobs) as pool:  # the same workers check the entries, then make pages
        cache_folder = project.root / CACHE_DIR
        checked = open_journal(project, today, jobs, pool=pool,
                               cache=cache_folder if cache else None)
        if checked.errors or checked.journal is None:
            return Built(checked, checked.errors)
        reuse = Reuse(Reflections(cache_folder if cache else None),
                      previous=load_previous(cache_folder, output) if cache else None)
        history = entry_history(project.root,
                                (entry.path for entry in checked.journal.entries))
        with fresh_site(output) as fresh:
            # Each page is written as soon as it is made: a large journal's site is never
            # held in memory whole.
            try:
                made = make_site(project, checked.journal, today, publish, history, reuse,
                                 fresh.write, jobs, fresh.folder, pool)
            except BaseException:
                pool.close()  # no worker may write on once the fresh folder is removed
                raise
            if isinstance(made, tuple):
                return Built(checked, made)
            for path, source in sorted(made.copies.items()):
                fresh.copy(path, source, made.roots)
            fresh.complete = True
    reuse.reflections.save()
    if reuse.previous is not None:
        save_previous(cache_folder, reuse.previous)
    return Built(checked, (), output, made.pages, made.files, made.warnings)


Emit = Callable[[str, bytes], None]


def make_site(project: Project, journal: Journal, today: date, publish: bool,
              history: History, reuse: Reuse, emit: Emit, jobs: int | None = None,
              into: Path | None = None, pool: WorkerPool | None = None
              ) -> Site | tuple[Problem, ...]:
    """Make every file of the site, handing each to `emit` as it is made; or the broken links
    that stop it (after which what was emitted must not be used).

    With `into`, the folder `emit` writes into, entry pages are written there by whichever
    process makes them (and `emit` never sees them): pages need not travel between
    processes, nor wait for this one. Entry pages are made by `pool`'s workers if given.
    """
    own, journal = journal, published(journal) if publish else journal
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    theme = find_theme(project.root, journal.config.theme)
    templates = read_templates(theme)  # every page renders from this copy
    shared = entry_pages_of(journal, SiteOptions(publish, built), history,
                            withheld(own, journal) if publish else frozenset())
    warnings: list[Problem] = []  # links shown as plain text, with the lines they are on
    own_bodies = {entry.path: (entry.body, entry.body_line)  # as written: for their lines
                  for entry in own.entries} if shared.withheld else {}
    makers = reuse.makers(shared)
    copies = {**theme.static_files(), **_evidence(project, journal, publish)}
    # Every file but the summary pages, which are planned while the workers start.
    known = _files_but_summaries(journal, today, copies)
    check: LinkCheck  # once the summary pages are planned, before any page is made
    previous = reuse.previous
    basis = render_basis(templates) if previous is not None else b""
    # Summary pages share their views; each pack has its own.
    summary_keys = PageKeys(basis) if previous is not None else None
    pack_keys = PageKeys(basis) if previous is not None else None

    def out(path: str, data: bytes, taken: bool = False) -> None:
        if not (taken and previous is not None and previous.links_same):
            check.page(path, data)
        emit(path, data)

    def out_page(page: Page, keys: PageKeys | None) -> None:
        data, note, taken = make_page(page, partial(reuse.render, env), previous, keys)
        if previous is not None:
            previous.add(page.path, note)
        out(page.path, data, taken)

    # Entries are most of the work (a reflection to parse, a page to render): worker
    # processes make their pages while this one makes the pages that sum them up, and each
    # year's review pack, which shows every reflection of the year, once they are made.
    # In watch mode, an entry left as it was keeps its page without any work.
    memo = reuse.entries
    memo.start(shared)
    kept = {entry.path: before for entry in journal.entries
            if reuse.remember and (before := memo.get(entry, shared)) is not None}
    todo = [entry for entry in journal.entries if entry.path not in kept]
    sequential = workers(jobs, len(todo), RENDER_MIN_ENTRIES) < 2
    # Watch mode keeps every page in memory: only a one-off build writes entry pages at once.
    write_into = None if reuse.remember else into
    job = _EntryJob(shared, templates,
                    reuse.reflections if sequential else reuse.reflections.empty_copy(),
                    (reuse.pages, makers) if sequential and reuse.remember else None,
                    # As it is now: this process notes more pages while workers start.
                    None if previous is None else replace(previous, made={}),
                    basis, write_into, known if write_into is not None else None,
                    keyed=reuse.remember or reuse.reflections.folder is not None)
    env = environment(templates)
    reflections: dict[str, str] = {}
    packs_after = _packs_after(journal, today)
    upcoming = deque(enumerate(journal.entries))

    def take(made: Iterator[EntryMade]) -> None:
        """Handle, in order, the entries whose pages are made: kept, or among `made`."""
        while upcoming:
            index, entry = upcoming[0]
            entry_made = kept.get(entry.path) or next(made, None)
            if entry_made is None:
                return
            upcoming.popleft()
            reuse.reflections.note(entry_made.key, entry_made.reflection, entry_made.fresh,
                                   keep=reuse.remember)
            reflections[entry.path] = html = entry_made.reflection.html
            if shared.withheld:
                warnings.extend(left_out_links(entry.path, entry_made.reflection.links,
                                               own_bodies.get(entry.path)))
            if previous is not None:
                previous.add(entry_url(entry), entry_made.note)
            if entry_made.unresolved is None:
                out(entry_url(entry), entry_made.page, entry_made.taken)
            else:  # written already, its links checked against the files `known`
                check.report(entry_url(entry), [link for link, target in entry_made.unresolved
                                                if target not in check.existing])
            if reuse.remember and entry.path not in kept:
                memo.keep(entry, shared, entry_made)
                if not sequential:  # made in a worker: note what it showed
                    reuse.pages.remember(entry_page(makers.view_of(entry, html), shared),
                                         entry_made.page)
            for year in packs_after.get(index, ()):
                out_pack(year)

    def out_pack(year: PerformanceYear) -> None:
        out_page(pack_page(journal, year, today, shared, reflections, makers), pack_keys)
        if pack_keys is not None:
            pack_keys.forget()  # no other page shows this pack's views
        if not reuse.remember:  # nor the year's reflections
            for done in entries_in(journal.entries, year):
                del reflections[done.path]

    with in_background(_entry_files, job, todo, jobs, RENDER_MIN_ENTRIES, pool) as made:
        pages = summary_pages(journal, today, shared, makers)
        check = _link_check(journal, pages, known, reuse.links if reuse.remember else None)
        if previous is not None:
            previous.links_now = links_digest(check.existing)
        for page in pages:
            out_page(page, summary_keys)
            take(made.ready())  # so that finished chunks do not pile up in memory
        summaries = len(pages)
        pages.clear()  # their views are needed no more
        if summary_keys is not None:
            summary_keys.forget()
        # Made while the workers are still at work, not after them.
        out(EXPORT_FILE, reuse.export(journal))
        take(made.rest())
    for year in packs_after.get(len(journal.entries), ()):
        out_pack(year)
    reuse.pages.forget_all_but(check.existing)
    memo.forget_all_but(entry.path for entry in journal.entries)
    reuse.reflections.forget_unused()
    problems = check.finish()
    if problems:
        reuse.last = None
        return tuple(problems)
    if reuse.remember:
        reuse.last = LastBuild(journal, today, shared, makers, templates, reflections,
                               check.existing, check.sources, check.bodies)
    roots = (journal_place(project), *(folder.resolve() for folder in theme.folders))
    packs = sum(len(years) for years in packs_after.values())
    return Site(summaries + len(journal.entries) + packs, copies, roots,
                tuple(sorted(warnings, key=Problem.sort_key)))


def _packs_after(journal: Journal, today: date) -> dict[int, list[PerformanceYear]]:
    """The years whose review packs can be made once the entry at each index is: the last of
    the year (entries are sorted by date); a year without entries, after them all."""
    after: dict[int, list[PerformanceYear]] = {}
    for year in years_of(journal, today):
        has_entries = bool(entries_in(journal.entries, year))
        index = year_end(journal.entries, year) - 1 if has_entries else len(journal.entries)
        after.setdefault(index, []).append(year)
    return after


def remake_reflections(reuse: Reuse, edited: Sequence[Entry], today: date, publish: bool
                       ) -> dict[str, bytes] | None:
    """Watch mode's short way after edits of reflections alone: the pages of the entries and
    of their years' review packs, the only pages such an edit changes (no other page shows a
    reflection); every other page stays as the last build made it. None where the short way
    does not hold (anything but a reflection changed, a link in one is broken, the last
    build made no whole site, the day changed, or every page shows when it was built): then
    build in full."""
    last = reuse.last
    if last is None or last.today != today or last.journal.config.build_time:
        return None
    before = {entry.path: entry for entry in last.journal.entries}
    if publish:  # the last build's journal is the published one: so are the edits
        shown = _published_edits(edited, last.journal, before)
        if shown is None:
            return None
        edited = shown
    for entry in edited:
        old = before.get(entry.path)
        if old is None or replace(old, body=entry.body) != entry:
            return None
    changed = {entry.path: entry for entry in edited}
    journal = replace(last.journal, entries=tuple(changed.get(entry.path, entry)
                                                  for entry in last.journal.entries))
    job = _EntryJob(last.shared, last.templates, reuse.reflections,
                    (reuse.pages, last.makers))
    files: dict[str, bytes] = {}
    reflections = dict(last.reflections)
    for entry, made in zip(edited, _entry_files(job, edited), strict=True):
        reuse.reflections.note(made.key, made.reflection, made.fresh)
        reuse.entries.keep(entry, last.shared, made)
        reflections[entry.path] = made.reflection.html
        files[entry_url(entry)] = made.page
    env = environment(last.templates)
    start_month = journal.config.year_start_month
    for year in {performance_year(entry.date, start_month) for entry in edited}:
        page = pack_page(journal, year, last.today, last.shared, reflections, last.makers)
        files[page.path] = reuse.render(env, page)
    bodies = {**last.bodies, **{entry.path: (entry.body, entry.body_line) for entry in edited}}
    check = LinkCheck(last.existing, last.sources, bodies, None)
    for path, data in files.items():
        check.page(path, data)
    if check.finish():
        return None  # the full build shows the broken link as it always does
    reuse.last = replace(last, journal=journal, reflections=reflections, bodies=bodies)
    if reuse.links.existing == last.existing:
        reuse.links.sound.update(files)
    return files


def _published_edits(edited: Sequence[Entry], journal: Journal, before: Mapping[str, Entry]
                     ) -> list[Entry] | None:
    """The edited entries as published; an entry that is not published and was not before
    changes nothing. None if one was published and is no longer."""
    goal_ids = {goal.id for goal in journal.goals}
    shown: list[Entry] = []
    for entry in edited:
        public = published_entry(entry, journal.config, goal_ids)
        if public is None and entry.path in before:
            return None
        if public is not None:
            shown.append(public)
    return shown


def _files_but_summaries(journal: Journal, today: date, copies: Mapping[str, Path]
                         ) -> frozenset[str]:
    """Every file the site will have but the summary pages: entry pages, packs, copies."""
    packs = [pack_url(year) for year in years_of(journal, today)]
    return frozenset([*(entry_url(entry) for entry in journal.entries), *packs, EXPORT_FILE,
                      *copies])


def _link_check(journal: Journal, pages: Sequence[Page], known: frozenset[str],
                memo: LinkMemo | None) -> LinkCheck:
    """A link check that knows every file the site will have before any page is made."""
    sources = {page.path: page.source for page in pages if page.source}
    sources.update((entry_url(entry), entry.path) for entry in journal.entries)
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    return LinkCheck(known | {page.path for page in pages}, sources, bodies, memo)


def _prefix(entry: Entry) -> str:
    return f"{entry.slug}-"


@dataclass(frozen=True, slots=True)
class _EntryJob:
    shared: EntryPages
    templates: Templates
    # For workers, an empty copy that reads the disk cache; in this process, the build's own.
    reflections: Reflections
    # Only in this process (a worker would get a copy): pages and views from before.
    kept: tuple[PageMemo, Makers] | None
    # A one-off build's pages of the last build, and what its pages are rendered with.
    previous: Previous | None = None
    basis: bytes = b""
    # A one-off build's: the folder to write each page into as soon as it is made, and
    # the files of the site known when the workers start, to check the page's links against.
    into: Path | None = None
    existing: frozenset[str] | None = None
    # Whether reflections are looked up and kept by key: not in a build that neither reads
    # the disk cache nor keeps anything for a next build (hashing each body costs more than
    # its page's link check).
    keyed: bool = True


def _entry_files(job: _EntryJob, entries: Sequence[Entry]) -> list[EntryMade]:
    """Each entry's reflection key, its reflection (kept from before where it still holds,
    else rendered now: fresh), and its rendered page."""
    env: jinja2.Environment = environment(job.templates)
    # The chunks a worker takes share their job: each reads the disk cache into a copy of
    # its own, so that no more than a chunk's reflections are held. Watch mode's own
    # process keeps its reflections in memory from build to build.
    kept = job.reflections if job.kept is not None else job.reflections.empty_copy()
    keys = [kept.key(entry.body, _prefix(entry)) if job.keyed else "" for entry in entries]
    kept.load(keys)
    page_keys = PageKeys(job.basis) if job.previous is not None else None
    checker = LinkCheck(job.existing or frozenset(), {}, {}, None)
    folders: set[str] = set()
    made: list[EntryMade] = []
    for key, entry in zip(keys, entries, strict=True):
        links = link_map(entry, job.shared.slugs, job.shared.withheld)
        reflection = kept.get(key, links)
        fresh = reflection is None
        if reflection is None:
            reflection = render_recorded(entry.body, links, _prefix(entry))
        html = reflection.html
        if job.kept is None:
            page = entry_page(entry_view(entry, job.shared, html), job.shared)
            data, note, taken = make_page(page, partial(render_page, env), job.previous,
                                          page_keys)
            if job.into is None:
                made.append(EntryMade(key, reflection, fresh, data, note, taken))
                continue
            unresolved = tuple(checker.unresolved(page.path, data))
            write_file(job.into, page.path, data, folders)
            made.append(EntryMade(key, reflection, fresh, b"", note, taken, unresolved))
        else:
            pages, makers = job.kept
            data = pages.render(env, entry_page(makers.view_of(entry, html), job.shared))
            made.append(EntryMade(key, reflection, fresh, data))
    return made


def check_output_place(project: Project, output: Path) -> None:
    """Refuse an output folder that holds, or lies inside, the journal project's own files."""
    try:
        out = leads_to(output)
    except OSError as err:
        raise UsageError(f"the output folder {os.path.relpath(output)} cannot be used: "
                         f"{err.strerror}",
                         "check the permissions of its folders, or build into another "
                         "folder with -o") from err
    if out is None:
        raise UsageError(f"the output folder {os.path.relpath(output)} leads into a loop of "
                         "links that never reaches a folder",
                         "replace the link with a folder, or build into another folder "
                         "with -o")
    root = project.root.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {os.path.relpath(output)} holds the journal "
                         "project",
                         "build into a folder of its own, such as site/")
    check_output(output, [*own_folders(project), project.config_file])


def own_folders(project: Project) -> tuple[Path, ...]:
    """The folders of a journal project that pdp never writes in: the journal, the themes,
    git's and the cache's."""
    return (project.journal, project.root / THEMES_DIR, project.root / ".git",
            project.root / CACHE_DIR)


def _evidence(project: Project, journal: Journal, publish: bool) -> dict[str, Path]:
    """Evidence files to copy, each re-checked to be inside the journal as it is now."""
    journal_root = journal_place(project)
    copies: dict[str, Path] = {}
    for entry in journal.entries:
        paths = entry.evidence if publish else (*entry.evidence, *entry.private_evidence)
        for path in paths:
            try:
                source = leads_to(project.root / path)
            except OSError:  # validation refused it
                continue
            if source is not None and journal_root in source.parents and source.is_file():
                copies[evidence_url(path)] = source
    return copies
