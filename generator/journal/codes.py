"""Every problem code the checker can report, declared once; the format reference lists them."""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct

from ..model import Problem, Severity
from .schema import SUPPORTED_YEARS


class Code(Struct, frozen=True):
    code: str
    severity: str
    summary: str


_CODES: tuple[Code, ...] = (
    Code("F001", "error", "The file is not valid UTF-8."),
    Code("F002", "error", "The file holds a control character."),
    Code("F003", "error", "The file is larger than a journal file can be."),
    Code("F004", "error", "The file does not start with front matter (`---`)."),
    Code("F005", "error", "The front matter is not closed by a `---` line."),
    Code("F006", "error", "The front matter is not valid YAML."),
    Code("F007", "error", "The front matter is not a mapping of `key: value` lines."),
    Code(
        "F008", "error", "A file is a link to somewhere outside the journal, or in a loop of links."
    ),
    Code(
        "F009",
        "error",
        "A journal file that is not a regular file (a named pipe, socket or device).",
    ),
    Code(
        "F010",
        "error",
        "The front matter holds an invisible bidirectional control "
        "character, which changes the order text is shown in.",
    ),
    Code(
        "F011",
        "error",
        "The front matter holds a look-alike character pasted from a word processor where "
        "YAML needs a plain one: a non-breaking or other Unicode space after `key:`, after a "
        "list's `-` or in the indentation; an invisible character (zero-width space, soft "
        "hyphen, word joiner) anywhere; a dash or bullet for a list's `-`; a curly quote "
        "closing what a straight quote opened. A look-alike space between the words of a "
        "value is text, and allowed, as are the zero-width joiners that emoji and some "
        "scripts need between two of their characters.",
    ),
    Code("Y001", "error", "A YAML tag (`!!python/...`, `!!binary`, `!!set`) is used."),
    Code("Y002", "error", "A YAML anchor (`&name`) or alias (`*name`) is used."),
    Code("Y003", "error", "A key is given twice."),
    Code("Y004", "error", "A key that YAML reads as something other than text."),
    Code("Y005", "error", "A reserved key (`content`, `handler`) is used."),
    Code("V001", "error", "A required field is missing."),
    Code("V002", "error", "A value has the wrong type."),
    Code(
        "V003",
        "error",
        f"A date that does not exist, a date and time, or a date outside {SUPPORTED_YEARS}.",
    ),
    Code("V004", "error", "Hours that are not a positive number of sane size."),
    Code("V005", "error", "A value that is not one of the allowed choices."),
    Code("V006", "error", "A done entry dated in the future."),
    Code("V007", "error", "An unknown activity id."),
    Code(
        "V008", "error", "A category missing for a custom activity, or contradicting the catalogue."
    ),
    Code("V009", "error", "An unknown goal id."),
    Code(
        "V010",
        "error",
        "An evidence file that is missing, outside the journal, a link "
        "in a loop of links, not a regular file, or a journal Markdown file "
        "(an entry, goal or review).",
    ),
    Code("V011", "error", "Two files that would publish to the same page."),
    Code("V012", "error", "A file name that makes no valid id."),
    Code("V013", "error", "Content nested deeper than the Markdown renderer keeps."),
    Code(
        "V014",
        "error",
        "An entry's `carries_out` names a review that does not exist, or an action that the "
        "review does not list (a number out of range, or none).",
    ),
    Code(
        "V015",
        "error",
        "A discipline or behaviour that its framework's list does not have.",
    ),
    Code("V016", "error", "An entry's `schemes` names a scheme the configuration does not have."),
    Code("B001", "error", "A link in a reflection that leads to no page or file of the site."),
    Code("C001", "error", "An unknown configuration key."),
    Code("C002", "error", "The configuration file is not valid TOML."),
    Code("C003", "error", "A configuration value is out of range."),
    Code(
        "C004",
        "error",
        "A framework's list of the journal's own (`journal/frameworks/disciplines.toml` or "
        "`behaviours.toml`) without its `title` or `source`, or with a term that has no "
        "valid id or name, or an id given twice.",
    ),
    Code("W001", "warning", "An unknown front-matter field."),
    Code("W002", "warning", "A done entry with no reflection."),
    Code("W003", "warning", "A reflection that does not say how the learning was applied."),
    Code("W004", "warning", "A custom activity worth fewer than 2 or more than 30 points."),
    Code("W005", "warning", "Configuration given in both `pdp.toml` and `pyproject.toml`."),
    Code(
        "W006",
        "warning",
        "A link in a published reflection to something left out of the "
        "published portfolio (private, or planned and not published): "
        "shown there as plain text.",
    ),
    Code(
        "W007",
        "warning",
        "A file in the folders of entries, goals or reviews that is not read: its name does "
        "not end in `.md` or `.markdown`, and no entry lists it as evidence.",
    ),
    Code(
        "W008",
        "warning",
        "A goal still not-started or in-progress after its `target_date`.",
    ),
    Code(
        "W009",
        "warning",
        "A text value wholly wrapped in curly quotes (`title: “My talk”`). YAML reads only "
        "straight quotes as quotes, so the curly ones are part of the text, and shown: pdp "
        "keeps the text as written. Write straight quotes to leave them out, or put the "
        "value in straight quotes (`title: '“My talk”'`) to keep them without a warning.",
    ),
    Code(
        "W010",
        "warning",
        "A done entry that names no goal, in a journal that has goals: its learning is not "
        "linked to the PDP.",
    ),
)

CODES: Mapping[str, Code] = {code.code: code for code in _CODES}


def problem(
    code: str, path: str, line: int, column: int, field: str, message: str, hint: str = ""
) -> Problem:
    """A problem of a declared code, with that code's severity."""
    severity: Severity = "warning" if CODES[code].severity == "warning" else "error"
    return Problem(path, line, column, severity, code, field, message, hint)
