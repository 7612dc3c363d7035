"""Open a journal project: load its files, parse them, validate them, in that order."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from msgspec import Struct
from msgspec.structs import replace

from .. import store
from ..model import Activity, Config, Entry, Goal, Journal, Problem, Review
from ..parallel import Aside, WorkerPool, map_chunks, workers
from ..progress import NO_PROGRESS, Progress
from .actions import check_references
from .catalogue import parse_catalogue, shipped_catalogue_text
from .check_cache import Check, KeptChecks
from .codes import problem
from .config import parse_config
from .document import Document, parse_document, reflection_of
from .entry_checks import (
    Checks,
    EntrySettings,
    check_and_note,
    check_entry_files,
    known_ids,
)
from .frameworks import load_frameworks
from .goal_progress import unserved
from .load import (
    JOURNAL_DIR,
    SECTIONS,
    Project,
    list_section,
    read_config_text,
    read_source,
)
from .schema import GOAL
from .unread import unread_problems
from .validate import (
    check_pages,
    validate_goal,
    validate_review,
)

T = TypeVar("T", Entry, Goal, Review)

# Below this many entries per worker, starting workers costs more than it saves.
PARALLEL_MIN_FILES = 250


class Checked(Struct, frozen=True):
    """The valid part of a journal, and every problem found in the rest."""

    journal: Journal | None
    problems: tuple[Problem, ...]
    files: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def open_config(project: Project) -> tuple[Config | None, dict[str, Activity], list[Problem]]:
    """The configuration (None if broken), the catalogue it extends, and their problems."""
    config_path = project.relative(project.config_file)
    shipped = parse_catalogue(shipped_catalogue_text())
    config, problems = parse_config(config_path, read_config_text(project), project.table, shipped)
    if project.also_configured is not None:
        problems.append(
            problem(
                "W005",
                project.relative(project.also_configured),
                1,
                1,
                "tool.pdp",
                f"[tool.pdp] is ignored because {config_path} is used",
                "keep the configuration in one place",
            )
        )
    frameworks, wrong = load_frameworks(project.journal, project.relative(project.journal))
    problems.extend(wrong)
    if config is not None:
        config = replace(config, frameworks=frameworks)
    return config, {**shipped, **(config.activities if config else {})}, problems


def open_journal(
    project: Project,
    today: date,
    jobs: int | None = None,
    known: KnownEntries | None = None,
    pool: WorkerPool | None = None,
    bodies: bool = True,
    cache: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> Checked:
    """Read and check everything; the journal is None only if the configuration is broken.

    Entries are read and checked in `jobs` worker processes (default: one per core; those of
    `pool` if given) when there are enough of them to pay for the workers; the result is the
    same either way. With `known` (watch mode), an entry file unchanged since the last call
    is not read again; with a `cache` folder, an entry checked by an earlier run is not
    checked again (see `kept`). Without `bodies`, entries come without their reflections:
    all a check needs, and most of what workers would send back. `progress` counts the
    entries checked.
    """
    config, catalogue, problems = open_config(project)
    checking = config or Config(name="")

    listings = {section: list_section(project, section) for section in SECTIONS}
    paths = {section: list(listing.read) for section, listing in listings.items()}
    goals = _collect(
        problems,
        (
            validate_goal(doc, today, checking.frameworks)
            for doc in _read_all(project, paths["goals"], problems)
        ),
    )
    goal_ids = known_ids(paths["goals"])
    settings = EntrySettings(project, checking, catalogue, goal_ids, today, bodies)
    progress.stage("checking entries", len(paths["entries"]))
    if known is not None:
        checks = known.check(settings, paths["entries"], jobs, cache)
    elif cache is not None:
        checks = _check_kept(settings, paths["entries"], jobs, pool, cache, progress)
    else:
        checks = _check_entries(settings, paths["entries"], jobs, pool, progress)
    entries = _collect(problems, checks)
    problems.extend(unread_problems(project, listings, entries))
    reviews = _collect(
        problems,
        (
            validate_review(doc, goal_ids, checking.year_start_month)
            for doc in _read_all(project, paths["reviews"], problems)
        ),
    )
    for section, section_paths in paths.items():
        problems.extend(check_pages(section_paths, section))
    entries, wrong_actions = check_references(entries, reviews, paths["reviews"])
    problems.extend(wrong_actions)
    problems.extend(unserved(entries, goals, goal_ids))

    journal = None
    if config is not None:
        journal = Journal(
            config,
            catalogue,
            tuple(sorted(entries, key=_entry_order)),
            tuple(goals),
            tuple(sorted(reviews, key=lambda r: (r.date, r.path))),
        )
    files = sum(len(section_paths) for section_paths in paths.values()) + 1
    return Checked(journal, tuple(sorted(problems, key=problem_order)), files)


@contextmanager
def open_aside(
    project: Project,
    today: date,
    jobs: int | None = None,
    cache: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> Iterator[Callable[[], Checked] | None]:
    """`open_journal` begun in a copy of this process (see `Aside`), so that this one can
    go on meanwhile, such as importing what renders the site: yields what gives the journal
    so opened. Only where this process would check the entries itself (too few to pay for
    workers, which check many faster than a copy alone); elsewhere None, and the caller
    opens the journal as it would have."""
    entries = len(list_section(project, "entries").read)
    if workers(jobs, entries, PARALLEL_MIN_FILES) >= 2:
        yield None
        return
    if cache is not None:
        store.fingerprint()  # what the check's keys and the build's are made with: made once
    progress.stage("checking entries", entries)
    # The copy checks alone, as this process would have: it starts no workers of its own.
    with closing(Aside(partial(open_journal, project, today, 1, cache=cache))) as aside:

        @functools.cache  # the journal is opened once, however often it is asked for
        def opened() -> Checked:
            checked = aside.result()
            progress.advance(entries)
            return checked

        yield opened


def _entry_order(entry: Entry) -> tuple[date, str]:
    return entry.date, entry.path


def _read_all(project: Project, paths: Iterable[str], problems: list[Problem]) -> list[Document]:
    """Parse each file; problems of reading and parsing go to `problems`."""
    documents: list[Document] = []
    for path in paths:
        document = _read_one(project, path)
        if isinstance(document, Problem):
            problems.append(document)
            continue
        problems.extend(document.problems)
        documents.append(document)
    return documents


def _read_one(project: Project, path: str) -> Document | Problem:
    source = read_source(project, path)
    if source.data is None:
        assert source.problem is not None
        return source.problem
    return parse_document(path, source.data)


def _check_entries(
    settings: EntrySettings,
    paths: Sequence[str],
    jobs: int | None,
    pool: WorkerPool | None = None,
    progress: Progress = NO_PROGRESS,
) -> Checks:
    return map_chunks(check_entry_files, settings, paths, jobs, PARALLEL_MIN_FILES, pool, progress)


def _check_kept(
    settings: EntrySettings,
    paths: Sequence[str],
    jobs: int | None,
    pool: WorkerPool | None,
    cache: Path,
    progress: Progress = NO_PROGRESS,
) -> Checks:
    """As `_check_entries`, taking the checks kept in `cache` that still hold and keeping
    the others."""
    digest = settings.digest()
    if digest is None:  # the code cannot be read: nothing can be kept
        return _check_entries(settings, paths, jobs, pool, progress)
    kept = KeptChecks.open(cache, digest)
    found = _kept_checks(settings, paths, kept) if kept.rows else {}
    progress.advance(len(found))
    stale = [path for path in paths if path not in found]
    noted = map_chunks(
        check_and_note, (settings, digest), stale, jobs, PARALLEL_MIN_FILES, pool, progress
    )
    for path, (check, keeping) in zip(stale, noted, strict=True):
        found[path] = check
        if keeping is not None:
            kept.keep(path, *keeping)
    kept.save(paths)
    return [found[path] for path in paths]


def _kept_checks(
    settings: EntrySettings, paths: Sequence[str], kept: KeptChecks
) -> dict[str, Check]:
    """The kept checks that hold for the files as they are now, by path."""
    context = settings.context()
    kept_paths = kept.paths()
    found: dict[str, Check] = {}
    for path in paths:
        if path not in kept_paths:  # a new file: only a worker need read it
            continue
        source = read_source(settings.project, path)
        check = (
            None
            if source.data is None
            else kept.get(path, source.data, context.probe, context.after_today)
        )
        if check is None:
            continue
        entry, problems = check
        if entry is not None and settings.bodies:
            assert source.data is not None
            entry = replace(entry, body=reflection_of(path, source.data)[0])
        found[path] = (entry, problems)
    return found


_FileState = tuple[int, int, int, int]


@dataclass(slots=True)
class KnownEntries:
    """Entries checked before, by path and the file's state then: valid while the settings
    they were checked with stay equal. Whoever holds one forgets it (`forget`) when a file
    an entry check looks at, other than the entry itself, changes (an evidence file)."""

    settings: EntrySettings | None = None
    checks: dict[str, tuple[_FileState, tuple[Entry | None, list[Problem]]]] = field(
        default_factory=dict
    )

    def forget(self) -> None:
        self.checks.clear()

    def check(
        self,
        settings: EntrySettings,
        paths: Sequence[str],
        jobs: int | None,
        cache: Path | None = None,
    ) -> Checks:
        if settings != self.settings:
            self.settings, self.checks = settings, {}
        states = {path: _state(settings.project, path) for path in paths}
        if not self.checks and cache is not None:  # nothing known: take what was kept
            fresh = dict(zip(paths, _check_kept(settings, paths, jobs, None, cache), strict=True))
        else:
            stale = [
                path
                for path in paths
                if states[path] is None or self.checks.get(path, (None,))[0] != states[path]
            ]
            fresh = dict(zip(stale, _check_entries(settings, stale, jobs), strict=True))
        self.checks = {
            path: (
                states[path] or (0, 0, 0, 0),
                fresh[path] if path in fresh else self.checks[path][1],
            )
            for path in paths
        }
        return [self.checks[path][1] for path in paths]

    def refresh(self, paths: Sequence[str], today: date) -> Checks | None:
        """Check these known entries again, as last time for the same day (watch mode's
        short way, when the file events say that only they changed); None if any is not
        known, or the day is another."""
        settings = self.settings
        if (
            settings is None
            or settings.today != today
            or any(path not in self.checks for path in paths)
        ):
            return None
        states = {path: _state(settings.project, path) for path in paths}
        results = check_entry_files(settings, paths)
        for path, result in zip(paths, results, strict=True):
            self.checks[path] = (states[path] or (0, 0, 0, 0), result)
        return results


def _state(project: Project, path: str) -> _FileState | None:
    try:
        stat = os.stat(os.path.join(project.root, path))
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns


def _collect(problems: list[Problem], results: Iterable[tuple[T | None, list[Problem]]]) -> list[T]:
    valid: list[T] = []
    for item, found in results:
        problems.extend(found)
        if item is not None:
            valid.append(item)
    return valid


def problem_order(item: Problem) -> tuple[int, str, int, int, str]:
    """The order problems are listed in: the configuration's first, then the goals', then
    the others' by path, line and column. What others depend on comes first: a problem in
    a goal is read before the entries and reviews that link the goal."""
    if not item.path.startswith(f"{JOURNAL_DIR}/"):
        rank = 0
    elif item.path.startswith(f"{GOAL.folder}/"):
        rank = 1
    else:
        rank = 2
    return (rank, *item.sort_key())
