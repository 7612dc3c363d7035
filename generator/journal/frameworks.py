"""The profession's frameworks (communication disciplines, Success Profiles behaviours): their
lists, shipped as data files in the package, each replaceable by a journal's own file of the
same name in `journal/frameworks/`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..model import Problem, Term, Vocabulary
from .catalogue import shipped_data
from .codes import problem

# The field of entries and goals that names a framework's ids, and its list's file name.
FRAMEWORK_FIELDS: tuple[str, ...] = ("disciplines", "behaviours")
FRAMEWORKS_DIR = "frameworks"  # in the journal folder: the journal's own lists
TERM_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_EXAMPLE = '[[term]]\nid = "media"\nname = "Media"'


def shipped_text(field: str) -> str:
    """The list shipped inside the package for the field `field`."""
    return shipped_data(field)


def shipped_frameworks() -> tuple[Vocabulary, ...]:
    """Every shipped list, in the order of `FRAMEWORK_FIELDS`."""
    found = [
        parse_vocabulary(field, f"{field}.toml", shipped_text(field)) for field in FRAMEWORK_FIELDS
    ]
    return tuple(vocabulary for vocabulary, _ in found if vocabulary is not None)


def load_frameworks(journal: Path, shown: str) -> tuple[tuple[Vocabulary, ...], list[Problem]]:
    """Each framework's list: the journal's own file in `journal/frameworks/` where there is
    one, else the shipped one. `shown` is the journal folder as messages name it. A list
    that cannot be read is reported and left out: its field's ids are then not checked."""
    lists: list[Vocabulary] = []
    problems: list[Problem] = []
    for field in FRAMEWORK_FIELDS:
        own = journal / FRAMEWORKS_DIR / f"{field}.toml"
        path = f"{shown}/{FRAMEWORKS_DIR}/{field}.toml"
        if own.is_file():
            vocabulary, found = _read_own(field, path, own)
            problems.extend(found)
        else:
            vocabulary, _ = parse_vocabulary(field, path, shipped_text(field))
        if vocabulary is not None:
            lists.append(vocabulary)
    return tuple(lists), problems


def _read_own(field: str, path: str, own: Path) -> tuple[Vocabulary | None, list[Problem]]:
    try:
        text = own.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = "not valid UTF-8" if isinstance(err, UnicodeDecodeError) else "cannot be read"
        return None, [_wrong(path, 1, "", f"the file {reason}", "save it as UTF-8 text")]
    return parse_vocabulary(field, path, text)


def parse_vocabulary(field: str, path: str, text: str) -> tuple[Vocabulary | None, list[Problem]]:
    """A framework's list from TOML text: `title`, `source` and `[[term]]` tables, each
    with an `id` and a `name`."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        where = _TOML_POSITION.search(str(err))
        line, column = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        message = _TOML_POSITION.sub("", str(err)).strip()
        hint = "check quotes, brackets and '=' signs on that line"
        return None, [problem("C002", path, line, column, "", f"not valid TOML: {message}", hint)]
    problems = _check_heading(path, text, data)
    terms = _terms(path, text, data.get("term"), problems)
    if problems:
        return None, problems
    return Vocabulary(field, data["title"], data["source"], terms), []


def _check_heading(path: str, text: str, data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for key, what in (("title", "the list's title"), ("source", "the document it comes from")):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(
                _wrong(
                    path,
                    _line_of(text, rf"^\s*{key}\s*="),
                    key,
                    f"'{key}' must be text: {what}",
                    f'add a line at the top like: {key} = "..."',
                )
            )
    return problems


def _terms(path: str, text: str, raw: Any, problems: list[Problem]) -> tuple[Term, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(_wrong(path, 1, "term", "the list has no terms", f"add:\n{_EXAMPLE}"))
        return ()
    terms: list[Term] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        line = _line_of(text, r"^\s*\[\[\s*term\s*\]\]", number)
        term_id = item.get("id") if isinstance(item, dict) else None
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(term_id, str) or TERM_ID.fullmatch(term_id) is None:
            problems.append(
                _wrong(
                    path,
                    line,
                    "term.id",
                    f"term {number} needs an id of lower-case letters, digits and hyphens",
                    'write it like: id = "data-and-insight"',
                )
            )
        elif term_id in seen:
            message = f"the id '{term_id}' is given twice"
            problems.append(_wrong(path, line, "term.id", message, "give each term its own id"))
        elif not isinstance(name, str) or not name.strip():
            message = f"term '{term_id}' needs a name"
            problems.append(_wrong(path, line, "term.name", message, 'add: name = "..."'))
        else:
            seen.add(term_id)
            terms.append(Term(term_id, name.strip()))
    return tuple(terms)


def _line_of(text: str, pattern: str, nth: int = 1) -> int:
    """The line of the `nth` line matching `pattern` (TOML parsers keep no positions), or 1."""
    found = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if re.search(pattern, line):
            found += 1
            if found == nth:
                return number
    return 1


def _wrong(path: str, line: int, field: str, message: str, hint: str) -> Problem:
    return problem("C004", path, line, 1, field, message, hint)
