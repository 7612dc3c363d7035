"""The short way after edits of reflections alone: the pages of the edited entries and of
their years' review packs are made again, the only pages such an edit changes (no other page
shows a reflection); every other page stays as the last build made it. Watch mode takes it
from the build it holds in memory; `pdp build` from the one the last build kept in the store
(`remake_kept`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from msgspec.structs import replace

from ..journal.compute import entries_in, performance_year
from ..journal.open import check_edited, valid_entries
from ..journal.privacy import published_entry
from ..journal.project import Project
from ..model import Entry, Journal
from .entry_job import EntryJob, entry_files
from .last_build import YearRows, load_last
from .link_check import LinkCheck
from .memo import LastBuild, Reuse
from .plan import pack_page
from .reflection_cache import Reflections
from .render import environment
from .views import entry_url


class Remade(NamedTuple):
    """What the short way made: the pages remade, by path; the build it comes to, and the
    rows of the years it made again, besides those kept before of the other years."""

    files: dict[str, bytes]
    last: LastBuild
    years: YearRows
    other_years: dict[str, str]


def remake_kept(
    project: Project, cache: Path, output: Path, today: date, paths: Sequence[str], build: int
) -> Remade | None:
    """The short way from the last build into `output` as kept in the store (the manifest's
    build `build`), after edits of the entries at `paths` (relative to the project) alone,
    for the member's own site; None where it does not hold (see `remake_reflections`, and an
    edited entry with errors: the full build shows them)."""
    kept = load_last(cache, output, build, paths)
    if kept is None or kept.today != today:
        return None
    edited = valid_entries(check_edited(project, kept.journal, today, paths))
    if edited is None:
        return None
    reuse = Reuse(Reflections(cache), remember=True)
    reuse.last = kept.last(reuse.makers(kept.shared))
    files = remake_reflections(reuse, edited, today, publish=False)
    if files is None or reuse.last is None:
        return None
    reuse.reflections.save(mark_used=False)
    return Remade(files, reuse.last, _year_rows(cache, output, reuse.last, edited), kept.years)


def _year_rows(cache: Path, output: Path, last: LastBuild, edited: Sequence[Entry]) -> YearRows:
    """The rows of the edited entries' years, made again."""
    rows = YearRows(cache, output)
    start_month = last.journal.config.year_start_month
    for year in {performance_year(entry.date, start_month) for entry in edited}:
        shown = entries_in(last.journal.entries, year)
        rows.add(year.name, {entry.path: last.reflections[entry.path] for entry in shown})
    return rows


def remake_reflections(
    reuse: Reuse, edited: Sequence[Entry], today: date, publish: bool
) -> dict[str, bytes] | None:
    """The remade pages by path; None where the short way does not hold (anything but a
    reflection changed, a link in one is broken, the last build made no whole site, the day
    changed, or every page shows when it was built): then build in full."""
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
    journal = replace(
        last.journal,
        entries=tuple(changed.get(entry.path, entry) for entry in last.journal.entries),
    )
    files, reflections = _remake_pages(reuse, last, journal, edited)
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
