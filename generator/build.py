"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write.

`make_site` hands each file to a function as it is made: `build_site` writes it into a fresh
folder at once, watch mode keeps it in memory to serve. Watch mode also gives it what
the last build made (`reuse`), so that only what a change affects is made again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import jinja2

from .cache import CACHE_DIR, Reflections, Rendered, render_recorded
from .compute import years_of
from .errors import UsageError
from .history import History, entry_history
from .journal import Checked, open_journal
from .load import Project
from .model import Entry, Journal, Problem
from .output import check_output, fresh_site
from .parallel import in_background, workers
from .privacy import published
from .render import (
    THEMES_DIR,
    LinkCheck,
    LinkMemo,
    PageMemo,
    Theme,
    environment,
    find_theme,
    render_page,
)
from .reuse import Reuse
from .site import (
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
    pack_pages,
    pack_url,
    summary_pages,
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


def build_site(project: Project, today: date, publish: bool, output: Path | None = None,
               jobs: int | None = None, cache: bool = True) -> Built:
    """Build the site into `output` (default: site/ in the project), or report why not."""
    output = output or project.root / DEFAULT_OUTPUT
    check_output_place(project, output)
    checked = open_journal(project, today)
    if checked.errors or checked.journal is None:
        return Built(checked, checked.errors)
    reuse = Reuse(Reflections(project.root / CACHE_DIR if cache else None))
    history = entry_history(project.root, (entry.path for entry in checked.journal.entries))
    with fresh_site(output) as fresh:
        # Each page is written as soon as it is made: a large journal's site is never held
        # in memory whole.
        made = make_site(project, checked.journal, today, publish, history, reuse, fresh.write,
                         jobs)
        if isinstance(made, tuple):
            return Built(checked, made)
        for path, source in sorted(made.copies.items()):
            fresh.copy(path, source)
        fresh.complete = True
    reuse.reflections.save()
    return Built(checked, (), output, made.pages, made.files)


Emit = Callable[[str, bytes], None]


def make_site(project: Project, journal: Journal, today: date, publish: bool,
              history: History, reuse: Reuse, emit: Emit, jobs: int | None = None
              ) -> Site | tuple[Problem, ...]:
    """Make every file of the site, handing each to `emit` as it is made; or the broken links
    that stop it (after which what was emitted must not be used)."""
    journal = published(journal) if publish else journal
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    theme = find_theme(project.root, journal.config.theme)
    shared = entry_pages_of(journal, SiteOptions(publish, built), history)
    makers = reuse.makers(shared)
    pages = summary_pages(journal, today, shared, makers)
    copies = {**theme.static_files(), **_evidence(project, journal, publish)}
    check = _link_check(journal, today, pages, copies, reuse.links if reuse.remember else None)

    def out(path: str, data: bytes) -> None:
        check.page(path, data)
        emit(path, data)

    # Entries are most of the work (a reflection to parse, a page to render): worker
    # processes make their pages while this one makes the pages that sum them up; the
    # review packs, which show every reflection, come last.
    sequential = workers(jobs, len(journal.entries), RENDER_MIN_ENTRIES) < 2
    job = _EntryJob(shared, theme,
                    reuse.reflections if sequential else reuse.reflections.empty_copy(),
                    (reuse.pages, makers) if sequential and reuse.remember else None)
    env = environment(theme)
    reflections: dict[str, str] = {}
    with in_background(_entry_files, job, journal.entries, jobs, RENDER_MIN_ENTRIES) as made:
        for page in pages:
            out(page.path, reuse.render(env, page))
        for entry, (key, rendered, fresh, page_data) in zip(journal.entries, made(),
                                                            strict=True):
            reuse.reflections.note(key, rendered, fresh)
            reflections[entry.path] = html = rendered.html
            out(entry_url(entry), page_data)
            if reuse.remember and not sequential:  # made in a worker: note what it showed
                reuse.pages.remember(entry_page(makers.view_of(entry, html), shared),
                                     page_data)
    packs = pack_pages(journal, today, shared, reflections, makers)
    for page in packs:
        out(page.path, reuse.render(env, page))
    out(EXPORT_FILE, reuse.export(journal))
    reuse.pages.forget_all_but(check.existing)
    reuse.reflections.forget_unused()
    problems = check.finish()
    if problems:
        return tuple(problems)
    roots = (project.journal.resolve(), *(folder.resolve() for folder in theme.folders))
    return Site(len(pages) + len(journal.entries) + len(packs), copies, roots)


def _link_check(journal: Journal, today: date, pages: Sequence[Page],
                copies: Mapping[str, Path], memo: LinkMemo | None) -> LinkCheck:
    """A link check that knows every file the site will have before any page is made."""
    entries = {entry_url(entry): entry.path for entry in journal.entries}
    packs = [pack_url(year) for year in years_of(journal, today)]
    existing = frozenset([*(page.path for page in pages), *entries, *packs, EXPORT_FILE,
                          *copies])
    sources = {page.path: page.source for page in pages if page.source}
    sources.update(entries)
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    return LinkCheck(existing, sources, bodies, memo)


def _prefix(entry: Entry) -> str:
    return f"{entry.slug}-"


@dataclass(frozen=True, slots=True)
class _EntryJob:
    shared: EntryPages
    theme: Theme
    # In a worker, an empty copy that reads the disk cache; in this process, the build's own.
    reflections: Reflections
    # Only in this process (a worker would get a copy): pages and views from before.
    kept: tuple[PageMemo, Makers] | None


_EntryFiles = tuple[str, Rendered, bool, bytes]


def _entry_files(job: _EntryJob, entries: Sequence[Entry]) -> list[_EntryFiles]:
    """Each entry's reflection key, its reflection (kept from before where it still holds,
    else rendered now: fresh), and its rendered page."""
    env: jinja2.Environment = environment(job.theme)
    kept = job.reflections
    keys = [kept.key(entry.body, _prefix(entry)) for entry in entries]
    kept.load(keys)  # in a worker: only this chunk's reflections are ever held
    made: list[_EntryFiles] = []
    for key, entry in zip(keys, entries, strict=True):
        links = link_map(entry, job.shared.slugs)
        reflection = kept.get(key, links)
        fresh = reflection is None
        if reflection is None:
            reflection = render_recorded(entry.body, links, _prefix(entry))
        html = reflection.html
        if job.kept is None:
            page = entry_page(entry_view(entry, job.shared, html), job.shared)
            rendered = render_page(env, page)
        else:
            pages, makers = job.kept
            rendered = pages.render(env, entry_page(makers.view_of(entry, html), job.shared))
        made.append((key, reflection, fresh, rendered))
    return made


def check_output_place(project: Project, output: Path) -> None:
    """Refuse an output folder that holds, or lies inside, the journal project's own files."""
    out = output.resolve()
    root = project.root.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {os.path.relpath(output)} holds the journal "
                         "project",
                         "build into a folder of its own, such as site/")
    check_output(output, [project.journal, project.root / THEMES_DIR, project.root / ".git",
                          project.config_file, project.root / CACHE_DIR])


def _evidence(project: Project, journal: Journal, publish: bool) -> dict[str, Path]:
    """Evidence files to copy, each re-checked to be inside the journal as it is now."""
    journal_root = project.journal.resolve()
    copies: dict[str, Path] = {}
    for entry in journal.entries:
        paths = entry.evidence if publish else (*entry.evidence, *entry.private_evidence)
        for path in paths:
            try:
                source = (project.root / path).resolve()
            except (OSError, RuntimeError):  # a loop of links: validation refused it
                continue
            if journal_root in source.parents and source.is_file():
                copies[evidence_url(path)] = source
    return copies
