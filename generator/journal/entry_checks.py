"""Entry checks, a file at a time: what opening a journal does for each entry (in worker
processes, or in this one), and what the short way does again for the entries it was told
were edited (`check_edited`). Apart from `open`, which imports what a whole journal needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from msgspec import Struct
from msgspec.structs import replace

from ..model import Activity, Config, Entry, Journal
from .check_cache import Asked, Check, entry_key, fingerprint, record
from .document import parse_document
from .load import Project, evidence_probe, read_source
from .names import slugify, stem_of
from .validate import Context, after, validate_entry


def check_edited(
    project: Project, journal: Journal, today: date, paths: Sequence[str]
) -> list[Check]:
    """Check these entries again with the settings of `journal` (a journal checked the same
    day, from files that differ from the project's in these entries alone)."""
    goal_ids = known_ids(goal.path for goal in journal.goals)
    settings = EntrySettings(project, journal.config, dict(journal.catalogue), goal_ids, today)
    return check_entry_files(settings, paths)


def valid_entries(checks: Iterable[Check]) -> list[Entry] | None:
    """The entries of these checks; None if any has errors (a whole build shows them)."""
    entries = []
    for entry, problems in checks:
        if entry is None or any(problem.severity == "error" for problem in problems):
            return None
        entries.append(entry)
    return entries


def known_ids(paths: Iterable[str]) -> frozenset[str]:
    """The ids that links to these files may use: each file's name, and the id its name
    makes (which a file named 'Media Handling.md' is told to take), whether or not the
    file has errors: those are reported in the file, not again wherever it is linked."""
    return frozenset(name for path in paths for name in (stem_of(path), slugify(stem_of(path))))


class EntrySettings(Struct, frozen=True):
    """All an entry check needs, in a form that can be sent to a worker process."""

    project: Project
    config: Config
    catalogue: dict[str, Activity]
    goal_ids: frozenset[str]
    today: date
    bodies: bool = True

    def context(self) -> Context:
        return Context(
            self.config,
            self.catalogue,
            self.goal_ids,
            after(self.today),
            evidence_probe(self.project),
            self.bodies,
        )

    def digest(self) -> bytes | None:
        """What an entry's check depends on here, besides the entry and the world (None:
        nothing can be kept)."""
        return fingerprint((self.config, sorted(self.catalogue.items()), sorted(self.goal_ids)))


Checks = list[Check]


def check_entry_files(settings: EntrySettings, paths: Sequence[str]) -> Checks:
    """Read, parse and validate some entries (in a worker process, or not)."""
    return [check for check, _ in check_and_note((settings, None), paths)]


def _check_data(path: str, data: bytes, context: Context) -> Check:
    document = parse_document(path, data)
    entry, found = validate_entry(document, context)
    return entry, [*document.problems, *found]


# A check, and what to keep of it (its key and record, see `kept`): None, not to be kept.
Noted = tuple[Check, tuple[str, str] | None]


def check_and_note(shared: tuple[EntrySettings, bytes | None], paths: Sequence[str]) -> list[Noted]:
    """Read, parse and validate some entries; with the settings' digest, note the key of
    each check and the questions it asked, for keeping."""
    settings, digest = shared
    context = settings.context()
    results: list[Noted] = []
    for path in paths:
        source = read_source(settings.project, path)
        if source.data is None:
            assert source.problem is not None
            results.append(((None, [source.problem]), None))
        elif digest is None:
            results.append((_check_data(path, source.data, context), None))
        else:
            asked = Asked()
            asking = replace(
                context,
                probe=asked.noting_probe(context.probe),
                after_today=asked.noting_after_today(context.after_today),
            )
            check = _check_data(path, source.data, asking)
            results.append((check, (entry_key(digest, path, source.data), record(check, asked))))
    return results
