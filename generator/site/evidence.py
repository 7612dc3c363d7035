"""The evidence files a site copies: those its entries list, each still inside the journal."""

from __future__ import annotations

from pathlib import Path

from ..journal.load import Project, journal_place, leads_to
from ..model import Journal
from .views import evidence_url


def evidence_copies(project: Project, journal: Journal, publish: bool) -> dict[str, Path]:
    """Evidence files to copy by their place in the site, each re-checked to be inside the
    journal as it is now; a published site copies no private evidence."""
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
