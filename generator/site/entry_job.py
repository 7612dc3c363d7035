"""Entry pages, made a chunk of entries at a time: in worker processes, or in this one.

Entries are most of a build's work (a reflection to parse, a page to render). Each chunk is
given the same `EntryJob`, which must come out of it unchanged: a worker reads it for every
chunk it takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from msgspec import Struct

from ..model import Entry
from .entry_pages import EntryPages, entry_page, entry_view, link_map, reflection_prefix
from .link_check import LinkCheck
from .memo import EntryMade
from .output import write_file
from .page_cache import PageKeys, Previous, make_page
from .plan import Makers
from .reflection_cache import Reflections, Rendered, render_recorded
from .render import PageMemo, environment, render_page
from .template_cache import keep_compiled
from .theme import Templates


class EntryJob(Struct, frozen=True):
    """What every chunk of entries is made with."""

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


def entry_files(job: EntryJob, entries: Sequence[Entry]) -> list[EntryMade]:
    """Each entry's reflection key, its reflection (kept from before where it still holds,
    else rendered now: fresh), and its rendered page."""
    env = keep_compiled(environment(job.templates), job.reflections.folder)
    # The chunks a worker takes share their job: each reads the disk cache into a copy of
    # its own, so that no more than a chunk's reflections are held. Watch mode's own
    # process keeps its reflections in memory from build to build.
    kept = job.reflections if job.kept is not None else job.reflections.empty_copy()
    keys = [
        kept.key(entry.body, reflection_prefix(entry)) if job.keyed else "" for entry in entries
    ]
    kept.load(keys)
    page_keys = PageKeys(job.basis) if job.previous is not None else None
    checker = LinkCheck(job.existing or frozenset(), {}, {}, None)
    folders: set[str] = set()
    made: list[EntryMade] = []
    for key, entry in zip(keys, entries, strict=True):
        reflection, fresh = _reflection(kept, key, entry, job)
        if job.kept is not None:
            pages, makers = job.kept
            data = pages.render(env, entry_page(makers.view_of(entry, reflection.html), job.shared))
            made.append(EntryMade(key, reflection, fresh, data))
            continue
        page = entry_page(entry_view(entry, job.shared, reflection.html), job.shared)
        data, note, taken = make_page(page, partial(render_page, env), job.previous, page_keys)
        if job.into is None:
            made.append(EntryMade(key, reflection, fresh, data, note, taken))
            continue
        # A page taken again was found sound by the last build's link check: the process
        # that knows every file of this site checks it again only if they are not the same.
        unresolved = None if taken else tuple(checker.unresolved(page.path, data))
        if not (
            taken and job.previous is not None and job.previous.link(page.path, job.into, folders)
        ):
            write_file(job.into, page.path, data, folders)
        made.append(EntryMade(key, reflection, fresh, b"", note, taken, unresolved, True))
    return made


def _reflection(kept: Reflections, key: str, entry: Entry, job: EntryJob) -> tuple[Rendered, bool]:
    """The entry's reflection, kept from before where it still holds, else rendered now;
    and whether it was rendered now."""
    links = link_map(entry, job.shared.slugs, job.shared.withheld)
    reflection = kept.get(key, links)
    if reflection is not None:
        return reflection, False
    return render_recorded(entry.body, links, reflection_prefix(entry)), True
