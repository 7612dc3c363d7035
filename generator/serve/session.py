"""Watch mode: build, then rebuild after every change, reusing all that the change left
alone; what to serve is handed to the server (`server`), which knows nothing of building."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from ..errors import PdpError
from ..journal.entry_checks import valid_entries
from ..journal.history import History, entry_history, git_output
from ..journal.load import CACHE_DIR, Project, find_project
from ..journal.open import KnownEntries, open_journal, problem_order
from ..journal.problems import problems_text
from ..model import Journal, Problem
from ..site.build import SiteSource, make_site
from ..site.manifest import DEFAULT_OUTPUT
from ..site.memo import Reuse
from ..site.output import check_output_place
from ..site.reflection_cache import Reflections
from ..site.remake import remake_reflections
from ..site.render import environment
from ..site.theme import THEMES_DIR, find_theme, shipped_themes
from .changes import Change, Layout, classify, needs_full_rebuild, only_styles
from .live import Live, Snapshot
from .problems import LEFT_OUT, Privacy, for_browser
from .watch import Watch, Watcher

NEW_DAY_CHECK = 60.0  # seconds without a change after which the date is looked at
EVERYTHING: frozenset[Change] = frozenset({Change.CONFIG, Change.THEME, Change.HISTORY})
# Shown until the journal first builds: the overlay over it lists what stops it.
WAITING_PAGE = (
    b'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    b"<title>Waiting for the journal</title>\n</head>\n<body>\n<main>\n"
    b"<h1>Waiting for the journal</h1>\n<p>The site appears here as soon as the "
    b"journal builds.</p>\n</main>\n</body>\n</html>\n"
)
INTERNAL_HINT = (
    "  hint: this is a bug in pdp, not in your journal; the last good site is still served"
)
NO_PROBLEMS = "pdp: the journal has no problems now"


class Rebuilt(Struct, frozen=True):
    """One build of watch mode: what to serve, the errors that stopped it (in full, for the
    terminal; the snapshot has them as a browser may see them), how long it took; and every
    problem, errors and warnings, as `pdp check` prints them, and whether they are news."""

    snapshot: Snapshot
    errors: tuple[str, ...]
    seconds: float
    changes: frozenset[Change]
    problems: tuple[str, ...] = ()
    news: bool = False  # the problems are not those of the build before

    def notice(self) -> str:
        """What the terminal says of this build: the problems when they changed (so that a
        rebuild does not repeat them), or that none are left; then how the build went."""
        said = ""
        if self.news:
            said = "".join(line + "\n" for line in self.problems) or NO_PROBLEMS + "\n"
        if self.errors:
            return said + "pdp: the journal has errors: still serving the last good site\n"
        return said + f"built in {self.seconds * 1000:.0f} ms\n"


@dataclass(slots=True)
class Session:
    """One journal being previewed, and what its last build left to reuse."""

    project: Project
    today: Callable[[], date]
    publish: bool
    show: Callable[[str], str]
    known: KnownEntries = field(default_factory=KnownEntries)
    reuse: Reuse = field(init=False)
    history: History | None = None
    history_paths: frozenset[str] = frozenset()
    last: Snapshot | None = None  # the last good build
    shown: Snapshot | None = None  # what was last handed to the server
    reported: tuple[str, ...] = ()  # the errors of `shown`, in full
    told: tuple[str, ...] = ()  # every problem of `shown`, in full
    # The warnings of the last good build: of its journal, and of its site (links).
    checked_warnings: tuple[Problem, ...] = ()
    site_warnings: tuple[Problem, ...] = ()
    theme_name: str = "default"
    git_folders: tuple[Path, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.reuse = Reuse(Reflections(self.project.root / CACHE_DIR), remember=True)
        self.git_folders = git_folders(self.project.root)
        check_output_place(self.project, self.project.root / DEFAULT_OUTPUT)

    def layout(self) -> Layout:
        return Layout(
            _posix(self.project.root),
            _posix(self.project.config_file),
            _posix(self.project.root / DEFAULT_OUTPUT),
            tuple(_posix(folder) for folder in self.theme_folders()),
            tuple(_posix(folder) for folder in self.git_folders),
        )

    def theme_folders(self) -> list[Path]:
        """The journal's own themes, and the shipped ones when they can change (a checkout)."""
        folders = [self.project.root / THEMES_DIR]
        shipped = shipped_themes()
        if "site-packages" not in shipped.parts and "dist-packages" not in shipped.parts:
            folders.append(shipped)
        return folders

    def watches(self) -> list[Watch]:
        """The journal, the configuration, the themes and git's refs; never the output."""
        root = self.project.root
        watches = [
            Watch(root, False),
            Watch(self.project.journal, True),
            *(Watch(folder, True) for folder in self.theme_folders()),
        ]
        for git in self.git_folders:
            watches += [Watch(git, False), Watch(git / "refs", True)]
        return watches

    def build(
        self, changes: Collection[Change], jobs: int | None = 1, paths: Collection[str] = ()
    ) -> Rebuilt:
        """Build again after `changes` (to the files at `paths`, when known); on errors keep
        serving the last good site."""
        started = time.perf_counter()
        changed = frozenset(changes)
        try:
            attempt = self._rebuild(changed, jobs, paths)
        except PdpError as error:
            shown = io.StringIO()
            error.show(shown)
            lines = tuple(shown.getvalue().splitlines())
            attempt = _Attempt(None, lines, lines, lines)
        except Exception as error:  # nothing the member writes may stop the server
            attempt = self._internal_error(error)
        snapshot = attempt.snapshot
        if snapshot is None:
            self.reuse.last = None  # what the short way starts from must be a good build
            last = self.last or Snapshot({"index.html": WAITING_PAGE})
            snapshot = Snapshot(
                last.files, last.copies, last.roots, attempt.served, warnings=attempt.warnings
            )
            self.reported = attempt.terminal
        elif not snapshot.errors:  # a stylesheet saved while the journal is broken keeps them
            self.last, self.reported = snapshot, ()
        self.shown = snapshot
        problems = self.told if attempt.problems is None else attempt.problems
        news, self.told = problems != self.told, problems
        seconds = time.perf_counter() - started
        return Rebuilt(snapshot, self.reported, seconds, changed, problems, news)

    def _internal_error(self, error: Exception) -> _Attempt:
        """A bug's message may hold any value, private ones too: a published preview shows
        only its kind."""
        kind = type(error).__name__
        terminal = (f"pdp: internal error while building: {kind}: {error}", INTERNAL_HINT)
        if not self.publish:
            return _Attempt(None, terminal, terminal, terminal)
        served = (f"pdp: internal error while building: {kind} {LEFT_OUT}", INTERNAL_HINT)
        return _Attempt(None, terminal, served, terminal)

    def _privacy(self, journal: Journal | None) -> Privacy | None:
        return Privacy(self.project, journal) if self.publish else None

    def _failed(self, problems: Iterable[Problem], journal: Journal | None) -> _Attempt:
        """The problems of a build that errors stopped: in full, and as a browser may see
        them."""
        every = sorted(problems, key=problem_order)  # as `pdp check` lists them
        errors = [problem for problem in every if problem.severity == "error"]
        warnings = [problem for problem in every if problem.severity != "error"]
        privacy = self._privacy(journal)
        return _Attempt(
            None,
            _lines(errors, self.show),
            for_browser(errors, self.show, privacy),
            _lines(every, self.show),
            for_browser(warnings, self.show, privacy),
        )

    def _good(self, snapshot: Snapshot, journal: Journal | None) -> _Attempt:
        """A whole site, with the warnings of the last good build (as a browser may see
        them) for the page, and in full for the terminal."""
        warnings = sorted((*self.checked_warnings, *self.site_warnings), key=problem_order)
        served = for_browser(warnings, self.show, self._privacy(journal))
        return _Attempt(replace(snapshot, warnings=served), problems=_lines(warnings, self.show))

    def _rebuild(
        self, changed: frozenset[Change], jobs: int | None, paths: Collection[str]
    ) -> _Attempt:
        if only_styles(changed) and self.last is not None and self.shown is not None:
            # The server reads static files as they are now; only which there are may change.
            theme = find_theme(self.project.root, self.theme_name)
            copies = {
                path: source
                for path, source in self.last.copies.items()
                if not path.startswith("static/")
            }
            copies.update(theme.static_files())
            self.last = replace(self.last, copies=copies)
            return _Attempt(replace(self.shown, copies=copies, styles_only=True))
        if changed == {Change.ENTRY} and paths:
            quick = self._remake_reflections(paths)
            if quick is not None:
                return self._good(quick, None)
        self._forget(changed)
        return self._make(jobs)

    def _remake_reflections(self, paths: Collection[str]) -> Snapshot | None:
        """The short way, when only entries' reflections changed: their pages and their
        years' review packs are made again, and nothing else is even looked at."""
        if self.last is None or self.shown is not self.last:
            return None
        relative = sorted(
            {Path(os.path.relpath(path, self.project.root)).as_posix() for path in paths}
        )
        today = self.today()
        checks = self.known.refresh(relative, today)
        edited = None if checks is None else valid_entries(checks)
        if checks is None or edited is None:
            return None
        files = remake_reflections(self.reuse, edited, today, self.publish)
        if files is None:
            return None
        # An edit of a reflection changes that entry's own warnings alone.
        self.checked_warnings = (
            *(problem for problem in self.checked_warnings if problem.path not in relative),
            *(problem for _, problems in checks for problem in problems),
        )
        self.reuse.reflections.save(mark_used=False)
        return Snapshot({**self.last.files, **files}, self.last.copies, self.last.roots)

    def _forget(self, changes: frozenset[Change]) -> None:
        if Change.CONFIG in changes:
            self.project = find_project(self.project.root)
            self.known.forget()
        if needs_full_rebuild(changes):
            # Reflections are kept by their text: still good. Templates are read afresh:
            # a new file can shadow one the compiled templates were found in before.
            self.reuse = Reuse(self.reuse.reflections, remember=True)
            environment.cache_clear()
        if Change.EVIDENCE in changes:
            self.known.forget()
        if Change.HISTORY in changes:
            self.history = None

    def _make(self, jobs: int | None) -> _Attempt:
        today = self.today()
        checked = open_journal(
            self.project, today, jobs, self.known, cache=self.project.root / CACHE_DIR
        )
        if checked.errors or checked.journal is None:
            return self._failed(checked.problems, checked.journal)
        journal = checked.journal
        self.theme_name = journal.config.theme
        paths = frozenset(entry.path for entry in journal.entries)
        if self.history is None or not paths <= self.history_paths:
            # git's dates of an entry that was not there when they were read, too.
            self.history, self.history_paths = entry_history(self.project.root, paths), paths
        files: dict[str, bytes] = {}
        made = make_site(
            SiteSource(self.project, journal, today, self.publish, self.history),
            self.reuse,
            files.__setitem__,
            jobs,
        )
        if made.site is None:
            return self._failed((*made.problems, *checked.warnings), journal)
        # Only the first build marks every kept reflection as used: later ones add the few
        # they rendered, at the cost of one small write.
        self.reuse.reflections.save(mark_used=self.last is None)
        self.checked_warnings, self.site_warnings = checked.warnings, made.site.warnings
        return self._good(Snapshot(files, made.site.copies, made.site.roots), journal)


class _Attempt(Struct, frozen=True):
    """What a rebuild came to: the site to serve; or none, and the errors that stopped it,
    in full for the terminal and as a browser may be shown them; every problem in full
    (None: as the build before), and a failed build's warnings as a browser may see them."""

    snapshot: Snapshot | None
    terminal: tuple[str, ...] = ()
    served: tuple[str, ...] = ()
    problems: tuple[str, ...] | None = None
    warnings: tuple[str, ...] = ()


def _lines(problems: Iterable[Problem], show: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(problems_text(problems, show).splitlines())


def git_folders(root: Path) -> tuple[Path, ...]:
    """Where git keeps HEAD and the refs of the repository holding `root` (the journal may
    be a sub-folder, or a worktree), if it is in one."""
    found = []
    for option in ("--absolute-git-dir", "--git-common-dir"):
        answer = git_output(root, "rev-parse", option)
        if answer and answer.strip():
            folder = (root / answer.strip()).resolve()
            if folder.is_dir() and folder not in found:
                found.append(folder)
    return tuple(found)


def follow_changes(
    session: Session,
    watcher: Watcher,
    live: Live,
    stop: threading.Event,
    report: Callable[[Rebuilt], None],
) -> None:
    """Rebuild after each burst of changes until `stop` is set; requests wait meanwhile.
    A new day rebuilds too: what is in the future, and the current year, change with it."""
    day = session.today()
    while not stop.is_set():
        paths = watcher.next_batch(stop, timeout=NEW_DAY_CHECK)
        layout = session.layout()
        kinds = {path: classify(path, layout) for path in paths}
        changes = set(kinds.values()) - {Change.IGNORED}
        # An editor's temporary and backup files are no part of the change.
        entries = [path for path, kind in kinds.items() if kind is Change.ENTRY]
        if not changes and session.today() == day:
            continue
        day = session.today()
        if changes & {Change.CONFIG, Change.THEME, Change.EVIDENCE}:
            watcher.watch(session.watches())  # a folder made or replaced since is watched
        with live.rebuilding():
            rebuilt = session.build(changes, paths=entries)
            live.publish(rebuilt.snapshot)
        report(rebuilt)


def _posix(path: Path) -> str:
    return path.absolute().as_posix()
