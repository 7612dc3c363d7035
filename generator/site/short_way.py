"""`pdp build`'s short way after edits of entries' reflections alone, from the last build kept
in the store (`last_build`): the pages of the edited entries and of their years' review
packs are made again, the only pages such an edit changes; every other page stays as the
last build made it.

With the shipped templates, each page is the last build's with the reflection's new HTML put
where its old HTML was (`splice`): no renderer is loaded, and the edit costs little more
than parsing the new text. With a theme of the member's own, the pages are rendered again,
as watch mode does from the build it holds in memory (`remake`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing, suppress
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from msgspec.structs import replace

from ..journal.compute import entries_in, performance_year
from ..journal.markdown import import_renderer, render
from ..journal.project import Project
from ..model import Entry, Journal
from ..parallel import Aside
from .entry_pages import EntryPages, link_map, reflection_prefix
from .last_build import KeptBuild, YearRows, load_last
from .link_check import links_hold
from .reflection_cache import Reflections
from .splice import shows_as_is, spliced, splices
from .theme import DEFAULT_THEME, Theme, read_templates, shipped_themes
from .views import entry_url, pack_url

if TYPE_CHECKING:
    from .memo import LastBuild


# The pages made again by path, the build they come to, and every reflection's HTML by entry
# path (the edited ones as they are now).
Made = tuple[dict[str, bytes], "LastBuild | KeptBuild", Mapping[str, str]]


class Remade(NamedTuple):
    """What the short way made: the pages remade, by path; the build it comes to, and the
    rows of the years it made again, besides those kept before of the other years."""

    files: dict[str, bytes]
    last: LastBuild | KeptBuild
    years: YearRows
    other_years: dict[str, str]


def remake_kept(
    project: Project, cache: Path, output: Path, today: date, paths: Sequence[str], build: int
) -> Remade | None:
    """The short way from the last build into `output` as kept in the store (the manifest's
    build `build`), after edits of the entries at `paths` (relative to the project) alone,
    for the member's own site; None where it does not hold: anything but a reflection
    changed, an edited entry has errors or a broken link (a whole build shows them), the day
    changed, or the kept build is not as it was kept."""
    kept = load_last(cache, output, build, paths)
    if kept is None or kept.today != today or kept.journal.config.build_time:
        return None
    # The edited entries are checked in a copy of this process, which imports the YAML
    # parser and the checks to do so, while this one imports the Markdown renderer: on two
    # cores, each takes the other's time (about 25 ms of an edit's 170 ms).
    with closing(Aside(partial(_checked, project, kept.journal, today, paths))) as checking:
        import_renderer()
        edited = checking.result()
    if edited is None or not reflections_alone(kept.journal, edited):
        return None
    made: Made | None = _spliced(kept, edited, output)
    if made is None:  # a theme of the member's own, or a page that cannot be spliced
        from .remake import remake_rendered

        made = remake_rendered(kept, edited, Reflections(cache))  # links checked as it goes
    else:
        bodies = {entry.path: (entry.body, entry.body_line) for entry in edited}
        if not links_hold(kept.existing, kept.sources, bodies, made[0]):
            return None
    if made is None:
        return None
    files, last, shown = made
    return Remade(files, last, _year_rows(cache, output, kept.journal, shown, edited), kept.years)


def _checked(
    project: Project, journal: Journal, today: date, paths: Sequence[str]
) -> list[Entry] | None:
    """The edited entries, checked as `journal` was; None if any has errors."""
    from ..journal.entry_checks import check_edited, valid_entries

    return valid_entries(check_edited(project, journal, today, paths))


def reflections_alone(journal: Journal, edited: Iterable[Entry]) -> bool:
    """Whether each edited entry was in the journal, and differs from it in its text alone."""
    before = {entry.path: entry for entry in journal.entries}
    for entry in edited:
        old = before.get(entry.path)
        if old is None or replace(old, body=entry.body) != entry:
            return False
    return True


def _spliced(kept: KeptBuild, edited: Sequence[Entry], output: Path) -> Made | None:
    """What the short way makes, by splicing; None if it cannot be made so."""
    if not shows_as_is(kept.templates, read_templates(Theme((shipped_themes() / DEFAULT_THEME,)))):
        return None
    html = _reflections(edited, kept.shared)
    start_month = kept.journal.config.year_start_month
    changes = [
        change
        for entry in edited
        for change in splices(
            entry,
            entry_url(entry),
            pack_url(performance_year(entry.date, start_month)),
            kept.reflections[entry.path],
            html[entry.path],
        )
    ]
    files = spliced(_read_pages(output, {change.path for change in changes}), changes)
    return None if files is None else (files, kept, {**kept.reflections, **html})


def _reflections(edited: Sequence[Entry], shared: EntryPages) -> dict[str, str]:
    """Each edited entry's reflection as HTML. Not looked up in the store, nor kept there:
    its key would need `store.fingerprint`, which takes longer to make than the text."""
    return {
        entry.path: render(
            entry.body, link_map(entry, shared.slugs, shared.withheld), reflection_prefix(entry)
        )
        for entry in edited
    }


def _read_pages(output: Path, paths: Iterable[str]) -> dict[str, bytes]:
    """The pages of the site at `output` that can be read, by path."""
    pages: dict[str, bytes] = {}
    for path in paths:
        with suppress(OSError):
            pages[path] = (output / path).read_bytes()
    return pages


def _year_rows(
    cache: Path,
    output: Path,
    journal: Journal,
    reflections: Mapping[str, str],
    edited: Sequence[Entry],
) -> YearRows:
    """The rows of the edited entries' years, made again."""
    rows = YearRows(cache, output)
    start_month = journal.config.year_start_month
    for year in {performance_year(entry.date, start_month) for entry in edited}:
        shown = entries_in(journal.entries, year)
        rows.add(year.name, {entry.path: reflections[entry.path] for entry in shown})
    return rows
