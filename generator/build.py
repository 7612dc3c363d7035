"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .compute import entry_records
from .errors import UsageError
from .formats import export_csv
from .history import entry_history
from .journal import Checked, open_journal
from .load import Project
from .model import Entry, Journal, Problem
from .output import check_output, write_site
from .parallel import in_background
from .privacy import published
from .render import (
    THEMES_DIR,
    Theme,
    broken_links,
    environment,
    find_theme,
    render_page,
    render_pages,
)
from .site import (
    EntryPages,
    SiteOptions,
    entry_page,
    entry_pages_of,
    entry_url,
    entry_view,
    evidence_url,
    pack_pages,
    summary_pages,
)

DEFAULT_OUTPUT = "site"
EXPORT_FILE = "entries.csv"  # the same CSV as `pdp export`, of what the site shows
# Rendering an entry takes a few milliseconds: below this many a worker, stay in one process.
RENDER_MIN_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class Built:
    """What a build did, or the problems that stopped it."""

    checked: Checked
    problems: tuple[Problem, ...] = ()
    output: Path | None = None
    pages: int = 0
    files: int = 0


def build_site(project: Project, today: date, publish: bool, output: Path | None = None,
               jobs: int | None = None) -> Built:
    """Build the site into `output` (default: site/ in the project), or report why not."""
    output = output or project.root / DEFAULT_OUTPUT
    _check_output_place(project, output)
    checked = open_journal(project, today)
    if checked.errors or checked.journal is None:
        return Built(checked, checked.errors)
    journal = published(checked.journal) if publish else checked.journal
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    options = SiteOptions(publish, built)
    theme = find_theme(project.root, journal.config.theme)
    # Entries are most of the work (a reflection to parse, a page to render): worker
    # processes make their pages while this one makes the pages that sum them up; the
    # review packs, which show every reflection, come last.
    history = entry_history(project.root, (entry.path for entry in journal.entries))
    shared = entry_pages_of(journal, options, history)
    # Entries are most of the work (a reflection to parse, a page to render): worker
    # processes make their pages while this one makes the pages that sum them up; the
    # review packs, which show every reflection, come last.
    job = _EntryJob(shared, theme)
    with in_background(_entry_files, job, journal.entries, jobs, RENDER_MIN_ENTRIES) as made:
        pages = summary_pages(journal, today, shared)
        files = render_pages(pages, theme)
        entry_files = made()
    reflections = {entry.path: html
                   for entry, (html, _) in zip(journal.entries, entry_files, strict=True)}
    packs = pack_pages(journal, today, shared, reflections)
    files.update(render_pages(packs, theme))
    files.update((entry_url(entry), page)
                 for entry, (_, page) in zip(journal.entries, entry_files, strict=True))
    files[EXPORT_FILE] = export_csv(entry_records(journal)).encode("utf-8")
    pages += packs
    copies = {**theme.static_files(), **_evidence(project, journal, publish)}
    sources = {page.path: page.source for page in pages if page.source}
    sources.update((entry_url(entry), entry.path) for entry in journal.entries)
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    problems = broken_links(files, copies, sources, bodies)
    if problems:
        return Built(checked, tuple(problems))
    write_site(output, files, copies)
    return Built(checked, (), output, len(files), len(files) + len(copies))


@dataclass(frozen=True, slots=True)
class _EntryJob:
    shared: EntryPages
    theme: Theme


def _entry_files(job: _EntryJob, entries: Sequence[Entry]) -> list[tuple[str, bytes]]:
    """Each entry's rendered reflection, and its rendered page."""
    env = environment(job.theme)
    made: list[tuple[str, bytes]] = []
    for entry in entries:
        view = entry_view(entry, job.shared)
        made.append((str(view.html), render_page(env, entry_page(view, job.shared))))
    return made


def _check_output_place(project: Project, output: Path) -> None:
    out = output.resolve()
    root = project.root.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {os.path.relpath(output)} holds the journal "
                         "project",
                         "build into a folder of its own, such as site/")
    check_output(output, [project.journal, project.root / THEMES_DIR, project.root / ".git",
                          project.config_file])


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
