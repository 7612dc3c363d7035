"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write.

`make_site` does everything but the writing, in memory, so that watch mode can serve what it
makes; `build_site` writes it. Both keep what can be reused (rendered reflections, rendered
pages) in a `Reuse` that the next build may be given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import jinja2

from .cache import CACHE_DIR, Reflections, Rendered, render_recorded
from .compute import entry_records
from .errors import UsageError
from .formats import export_csv
from .history import History, entry_history
from .journal import Checked, open_journal
from .load import Project
from .model import Entry, Journal, Problem
from .output import check_output, write_site
from .parallel import in_background
from .privacy import published
from .render import (
    THEMES_DIR,
    LinkMemo,
    PageMemo,
    Theme,
    broken_links,
    environment,
    find_theme,
    render_page,
)
from .site import (
    EntryPages,
    EntryView,
    Makers,
    Page,
    SiteOptions,
    ViewOf,
    entry_page,
    entry_pages_of,
    entry_url,
    entry_view,
    evidence_url,
    fresh_makers,
    link_map,
    pack_pages,
    summary_pages,
)

DEFAULT_OUTPUT = "site"
EXPORT_FILE = "entries.csv"  # the same CSV as `pdp export`, of what the site shows
# Rendering an entry takes a few milliseconds: below this many a worker, stay in one process.
RENDER_MIN_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class Site:
    """A whole built site in memory: rendered files, and files to copy as they are."""

    files: dict[str, bytes]
    copies: dict[str, Path]
    pages: int
    roots: tuple[Path, ...]  # the folders every copied file comes from: journal and theme


_ViewKey = tuple[int, str]


@dataclass(slots=True)
class ViewMemo:
    """Entry views of the last build, reused for the same entry object with the same HTML
    while all else a view shows (activities, goal titles, points rules, dates from git) is
    unchanged."""

    basis: tuple[object, ...] = ()
    before: dict[_ViewKey, tuple[Entry, EntryView]] = field(default_factory=dict)
    now: dict[_ViewKey, tuple[Entry, EntryView]] = field(default_factory=dict)

    def view_of(self, shared: EntryPages) -> ViewOf:
        """The view function for one build: views it makes are kept for the next."""
        basis = (shared.catalogue, shared.goal_titles, shared.policy, shared.start_month,
                 shared.history)
        self.before = self.now if basis == self.basis else {}
        self.now, self.basis = {}, basis

        def view_of(entry: Entry, html: str) -> EntryView:
            key = (id(entry), html)
            kept = self.now.get(key) or self.before.get(key)
            if kept is None or kept[0] is not entry:
                kept = (entry, entry_view(entry, shared, html))
            self.now[key] = kept
            return kept[1]

        return view_of


@dataclass(slots=True)
class Reuse:
    """What one build keeps for the next: reflections by content, pages by what they show."""

    reflections: Reflections = field(default_factory=Reflections)
    pages: PageMemo = field(default_factory=PageMemo)
    remember: bool = False  # keep pages for another build (watch mode), not only reflections
    csv: tuple[tuple[object, ...], bytes] | None = None

    def render(self, env: jinja2.Environment, page: Page) -> bytes:
        return self.pages.render(env, page) if self.remember else render_page(env, page)

    def export(self, journal: Journal) -> bytes:
        """The site's entries.csv; in watch mode, kept while its entries are the same."""
        basis = (journal.entries, journal.catalogue, journal.config)
        if not self.remember or self.csv is None or self.csv[0] != basis:
            self.csv = (basis, export_csv(entry_records(journal)).encode("utf-8"))
        return self.csv[1]

    def makers(self, shared: EntryPages) -> Makers:
        """Views and goals' and reviews' HTML: kept from the last build in watch mode."""
        if not self.remember:
            return fresh_makers(shared)
        return Makers(self.views.view_of(shared),
                      lambda text, prefix: self.reflections.render(text, None, prefix))
    links: LinkMemo = field(default_factory=LinkMemo)
    views: ViewMemo = field(default_factory=ViewMemo)


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
    made = make_site(project, checked.journal, today, publish, history, reuse, jobs)
    if isinstance(made, tuple):
        return Built(checked, made)
    write_site(output, made.files, made.copies)
    reuse.reflections.save()
    return Built(checked, (), output, made.pages, len(made.files) + len(made.copies))


def make_site(project: Project, journal: Journal, today: date, publish: bool,
              history: History, reuse: Reuse, jobs: int | None = None
              ) -> Site | tuple[Problem, ...]:
    """Every file of the site, or the broken links that stop it."""
    journal = published(journal) if publish else journal
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    theme = find_theme(project.root, journal.config.theme)
    shared = entry_pages_of(journal, SiteOptions(publish, built), history)
    known = _known_reflections(journal.entries, shared, reuse.reflections)
    # Entries are most of the work (a reflection to parse, a page to render): worker
    # processes make their pages while this one makes the pages that sum them up; the
    # review packs, which show every reflection, come last.
    sequential = jobs == 1
    makers = reuse.makers(shared)
    job = _EntryJob(shared, theme, (reuse.pages, makers) if sequential and reuse.remember
                    else None)
    env = environment(theme)
    items = list(zip(journal.entries, known, strict=True))
    with in_background(_entry_files, job, items, jobs, RENDER_MIN_ENTRIES) as made:
        pages = summary_pages(journal, today, shared, makers)
        files = {page.path: reuse.render(env, page) for page in pages}
        entry_files = made()
    reflections: dict[str, str] = {}
    for entry, (html, fresh, page) in zip(journal.entries, entry_files, strict=True):
        if fresh is not None:
            reuse.reflections.put(reuse.reflections.key(entry.body, _prefix(entry)), fresh)
        reflections[entry.path] = html
        files[entry_url(entry)] = page
        if reuse.remember and not sequential:  # made in a worker: note what it showed
            reuse.pages.remember(entry_page(makers.view_of(entry, html), shared), page)
    packs = pack_pages(journal, today, shared, reflections, makers)
    files.update((page.path, reuse.render(env, page)) for page in packs)
    files[EXPORT_FILE] = reuse.export(journal)
    reuse.pages.forget_all_but(files)
    reuse.reflections.forget_unused()
    copies = {**theme.static_files(), **_evidence(project, journal, publish)}
    sources = {page.path: page.source for page in [*pages, *packs] if page.source}
    sources.update((entry_url(entry), entry.path) for entry in journal.entries)
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    problems = broken_links(files, copies, sources, bodies, reuse.links)
    if problems:
        return tuple(problems)
    roots = (project.journal.resolve(), *(folder.resolve() for folder in theme.folders))
    return Site(files, copies, len(pages) + len(packs) + len(journal.entries), roots)


def _prefix(entry: Entry) -> str:
    return f"{entry.slug}-"


def _known_reflections(entries: Sequence[Entry], shared: EntryPages, kept: Reflections
                       ) -> tuple[str | None, ...]:
    """Each entry's reflection as rendered before, where it still holds."""
    keys = [kept.key(entry.body, _prefix(entry)) for entry in entries]
    kept.load(keys)
    return tuple(kept.get(key, link_map(entry, shared.slugs))
                 for key, entry in zip(keys, entries, strict=True))


@dataclass(frozen=True, slots=True)
class _EntryJob:
    shared: EntryPages
    theme: Theme
    # Only in this process (a worker would get a copy): pages and views from before.
    kept: tuple[PageMemo, Makers] | None


def _entry_files(job: _EntryJob, entries: Sequence[tuple[Entry, str | None]]
                 ) -> list[tuple[str, Rendered | None, bytes]]:
    """Each entry's reflection (rendered now unless known, and then also returned as
    fresh), and its rendered page."""
    env: jinja2.Environment = environment(job.theme)
    made: list[tuple[str, Rendered | None, bytes]] = []
    for entry, html in entries:
        fresh = None
        if html is None:
            fresh = render_recorded(entry.body, link_map(entry, job.shared.slugs),
                                    _prefix(entry))
            html = fresh.html
        if job.kept is None:
            page = entry_page(entry_view(entry, job.shared, html), job.shared)
            rendered = render_page(env, page)
        else:
            pages, makers = job.kept
            rendered = pages.render(env, entry_page(makers.view_of(entry, html), job.shared))
        made.append((html, fresh, rendered))
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
            source = (project.root / path).resolve()
            if journal_root in source.parents and source.is_file():
                copies[evidence_url(path)] = source
    return copies
