"""The short way after edits of reflections alone, its pages rendered again: the pages of the
edited entries and of their years' review packs are made again, the only pages such an edit
changes (no other page shows a reflection); every other page stays as the last build made
it. Watch mode takes it from the build it holds in memory; `pdp build` from the one the last
build kept in the store, when its theme is the member's own (`short_way`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from msgspec.structs import replace

from ..journal.compute import performance_year
from ..journal.privacy import published_entry
from ..model import Entry, Journal
from .entry_job import EntryJob, entry_files
from .last_build import KeptBuild
from .link_check import links_hold
from .memo import LastBuild, Reuse
from .plan import pack_page
from .reflection_cache import Reflections
from .render import environment
from .short_way import Made, reflections_alone
from .views import entry_url


def remake_rendered(
    kept: KeptBuild, edited: Sequence[Entry], reflections: Reflections
) -> Made | None:
    """What the short way from a build kept in the store makes (`short_way`), its pages
    rendered again."""
    reuse = Reuse(reflections, remember=True)
    reuse.last = kept.last(reuse.makers(kept.shared))
    files = remake_reflections(reuse, edited, kept.today, publish=False)
    if files is None or reuse.last is None:
        return None
    reflections.save(mark_used=False)
    return files, reuse.last, reuse.last.reflections


def remake_reflections(
    reuse: Reuse, edited: Sequence[Entry], today: date, publish: bool
) -> dict[str, bytes] | None:
    """The remade pages by path; None where the short way does not hold (anything but a
    reflection changed, a link in one is broken, the last build made no whole site, the day
    changed, or every page shows when it was built): then build in full."""
    last = reuse.last
    if last is None or last.today != today or last.journal.config.build_time:
        return None
    if publish:  # the last build's journal is the published one: so are the edits
        before = {entry.path: entry for entry in last.journal.entries}
        shown = _published_edits(edited, last.journal, before)
        if shown is None:
            return None
        edited = shown
    if not reflections_alone(last.journal, edited):
        return None
    changed = {entry.path: entry for entry in edited}
    journal = replace(
        last.journal,
        entries=tuple(changed.get(entry.path, entry) for entry in last.journal.entries),
    )
    files, reflections = _remake_pages(reuse, last, journal, edited)
    bodies = {**last.bodies, **{entry.path: (entry.body, entry.body_line) for entry in edited}}
    if not links_hold(last.existing, last.sources, bodies, files):
        return None  # the full build shows the broken link as it always does
    reuse.last = replace(last, journal=journal, reflections=reflections, bodies=bodies)
    if reuse.links.existing == last.existing:
        reuse.links.sound.update(files)
    return files


def _remake_pages(
    reuse: Reuse, last: LastBuild, journal: Journal, edited: Sequence[Entry]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The pages of the edited entries and of their years' packs, and every reflection's
    HTML by entry path (the edited ones as they are now)."""
    job = EntryJob(last.shared, last.templates, reuse.reflections, (reuse.pages, last.makers))
    files: dict[str, bytes] = {}
    reflections = dict(last.reflections)
    for entry, made in zip(edited, entry_files(job, edited), strict=True):
        reuse.reflections.note(made.key, made.reflection, made.fresh)
        reuse.entries.keep(entry, last.shared, made)
        reflections[entry.path] = made.reflection.html
        files[entry_url(entry)] = made.page
    env = environment(last.templates)
    start_month = journal.config.year_start_month
    for year in {performance_year(entry.date, start_month) for entry in edited}:
        page = pack_page(journal, year, last.today, last.shared, reflections, last.makers)
        files[page.path] = reuse.render(env, page)
    return files, reflections


def _published_edits(
    edited: Sequence[Entry], journal: Journal, before: Mapping[str, Entry]
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
