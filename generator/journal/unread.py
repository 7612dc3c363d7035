"""Files in the folders of entries, goals and reviews that pdp does not read (W007).

A file saved with another name (`talk.md.txt`, `notes.txt`, `goal.yaml`) would otherwise be
left out without a word: each is named, with the name to give it. Evidence files an entry
lists are read by the site, not the checker, and are not reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct

from ..model import Entry, Problem
from .codes import problem
from .document import parse_document
from .evidence_paths import resolve_relative
from .front_matter import Scalar, Sequence
from .load import JOURNAL_DIR, MARKDOWN_SUFFIXES, Listing, Project, read_source
from .names import stem_of

EVIDENCE_FIELDS = ("evidence", "private_evidence")


class Kind(Struct, frozen=True):
    """What a file of some last suffixes was most likely meant to be, and the hint for it
    (`{noun}`: an entry, a goal or a review; `{name}`: the name to give it)."""

    suffixes: frozenset[str]
    hint: str


_EVIDENCE_HINT = "if it is evidence, add it to the evidence list of its entry"

# By the file's last suffix in lower case ("" for none). Any other file is taken for evidence.
KINDS = (
    Kind(
        frozenset({"", ".txt", ".text", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext"}),
        f"if it is {{noun}}, rename it to '{{name}}'; {_EVIDENCE_HINT}",
    ),
    Kind(
        frozenset({".yaml", ".yml"}),
        "{noun} is Markdown with front matter: rename it to '{name}', with its fields between "
        f"two '---' lines at the top; {_EVIDENCE_HINT}",
    ),
    Kind(
        frozenset({".doc", ".docx", ".odt", ".rtf", ".pages"}),
        f"if it is {{noun}}, save it as plain text named '{{name}}'; {_EVIDENCE_HINT}",
    ),
)
_KEEP_ONE = "'{}' is beside it: keep the copy you mean under that name, and delete the other"
_NOUNS = {"entries": "an entry", "goals": "a goal", "reviews": "a review"}
_READ = " or ".join(MARKDOWN_SUFFIXES)


def unread_problems(
    project: Project, listings: Mapping[str, Listing], entries: Iterable[Entry]
) -> list[Problem]:
    """A warning for each file of the sections that is neither read nor listed as evidence."""
    unread = [(section, path) for section, listing in listings.items() for path in listing.unread]
    if not unread:
        return []
    read = [path for listing in listings.values() for path in listing.read]
    listed = evidence_named(project, read, entries)
    taken = {_stem_key(path): path.rsplit("/", 1)[1] for path in read}
    return [
        _unread(section, path, taken) for section, path in unread if path.casefold() not in listed
    ]


def evidence_named(project: Project, read: Iterable[str], entries: Iterable[Entry]) -> set[str]:
    """Every evidence path an entry names (case folded, as file systems may ignore case):
    those of valid entries, and those written in the others' front matter, so that an entry
    with an error does not turn its evidence into unread files too."""
    named: set[str] = set()
    valid: set[str] = set()
    for entry in entries:
        valid.add(entry.path)
        named.update(path.casefold() for path in (*entry.evidence, *entry.private_evidence))
    prefix = f"{JOURNAL_DIR}/entries/"
    for path in read:
        if path.startswith(prefix) and path not in valid:
            named.update(target.casefold() for target in _written_evidence(project, path))
    return named


def _written_evidence(project: Project, path: str) -> list[str]:
    """The evidence paths written in one entry's front matter, whatever else is wrong."""
    source = read_source(project, path)
    fields = None if source.data is None else parse_document(path, source.data).fields
    folder = path.rsplit("/", 1)[0]
    found: list[str] = []
    for name in EVIDENCE_FIELDS:
        if fields is None or name not in fields:
            continue
        node = fields[name][1]
        for item in node.items if isinstance(node, Sequence) else (node,):
            target = resolve_relative(folder, item.text) if isinstance(item, Scalar) else None
            if target is not None:
                found.append(target)
    return found


def _stem_key(path: str) -> str:
    """What two files in one folder must not share: their names but the last suffix."""
    return f"{path.rsplit('/', 1)[0]}/{stem_of(path)}".casefold()


def _unread(section: str, path: str, taken: Mapping[str, str]) -> Problem:
    """The warning for one unread file; `taken`: the names of the read files by `_stem_key`."""
    folder, name = path.rsplit("/", 1)
    stem, _, suffix = name.rpartition(".")
    last = f".{suffix.lower()}" if stem else ""
    meant = _journal_name(name)
    if meant is not None:
        message = f"its name ends in '{last}', and journal files end in {_READ}"
        there = taken.get(_stem_key(f"{folder}/{meant}"))
        hint = f"rename it to '{meant}'" if there is None else _KEEP_ONE.format(there)
    else:
        message = f"journal files end in {_READ}, and no entry lists it as evidence"
        target = f"{stem or name}.md"
        hint = _hint(section, target, last, taken.get(_stem_key(f"{folder}/{target}")))
    return problem("W007", path, 1, 1, "", f"this file is not read: {message}", hint)


def _hint(section: str, target: str, last: str, there: str | None) -> str:
    """What to do with an unread file that has no journal name in its own; `there`: the
    journal file beside it that renaming it would clash with."""
    kind = next((kind for kind in KINDS if last in kind.suffixes), None)
    if kind is None:
        return f"{_EVIDENCE_HINT}; if not, move it out of {JOURNAL_DIR}/{section}/"
    if there is not None:
        return f"{_EVIDENCE_HINT}; if it is a copy of '{there}', delete it"
    return kind.hint.format(noun=_NOUNS[section], name=target)


def _journal_name(name: str) -> str | None:
    """The journal file's name hidden in a longer one (`talk.md.txt`: `talk.md`), if any."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        candidate = ".".join(parts[:end])
        if candidate.lower().endswith(MARKDOWN_SUFFIXES):
            return candidate
    return None
