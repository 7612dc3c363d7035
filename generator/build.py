"""`pdp build`: load -> validate -> (publish filter) -> plan -> render -> check links -> write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .errors import UsageError
from .journal import Checked, open_journal
from .load import Project
from .model import Journal, Problem
from .output import check_output, write_site
from .privacy import published
from .render import THEMES_DIR, broken_links, find_theme, render_pages
from .site import SiteOptions, evidence_url, plan_site

DEFAULT_OUTPUT = "site"


@dataclass(frozen=True, slots=True)
class Built:
    """What a build did, or the problems that stopped it."""

    checked: Checked
    problems: tuple[Problem, ...] = ()
    output: Path | None = None
    pages: int = 0
    files: int = 0


def build_site(project: Project, today: date, publish: bool, output: Path | None = None
               ) -> Built:
    """Build the site into `output` (default: site/ in the project), or report why not."""
    output = output or project.root / DEFAULT_OUTPUT
    _check_output_place(project, output)
    checked = open_journal(project, today)
    if checked.errors or checked.journal is None:
        return Built(checked, checked.errors)
    journal = published(checked.journal) if publish else checked.journal
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pages = plan_site(journal, today, SiteOptions(publish, built))
    theme = find_theme(project.root, journal.config.theme)
    files = render_pages(pages, theme)
    copies = {**theme.static_files(), **_evidence(project, journal, publish)}
    sources = {page.path: page.source for page in pages if page.source}
    bodies = {entry.path: (entry.body, entry.body_line) for entry in journal.entries}
    problems = broken_links(files, copies, sources, bodies)
    if problems:
        return Built(checked, tuple(problems))
    write_site(output, files, copies)
    return Built(checked, (), output, len(files), len(files) + len(copies))


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
