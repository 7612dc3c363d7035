"""The format reference, written from the schema and the problem codes (`make docs`)."""

from __future__ import annotations

from ..journal.codes import CODES
from ..journal.load import (
    IGNORED_NAMES,
    IGNORED_PREFIXES,
    IGNORED_SUFFIXES,
    JOURNAL_DIR,
    MARKDOWN_SUFFIXES,
    SECTIONS,
)
from ..journal.schema import ACTIVITY, CONFIG, ENTRY, GOAL, REVIEW, SCHEME, Schema


def _table(schema: Schema, assign: str) -> list[str]:
    rows = [
        f"## The {schema.name} (`{schema.folder}`)",
        "",
        schema.doc,
        "",
        "| field | required | value | meaning | example |",
        "|---|---|---|---|---|",
    ]
    for field in schema.fields:
        required = (
            "yes"
            if field.required
            else (f"no (default {field.default})" if field.default else "no")
        )
        example = f"`{field.name}{assign}{field.example}`".replace("|", "\\|")
        rows.append(
            f"| `{field.name}` | {required} | {field.expected()} | {field.doc} | {example} |"
        )
    return [*rows, ""]


def _listed(items: tuple[str, ...], last: str = "or") -> str:
    """`a`, `b` or `c`."""
    quoted = [f"`{item}`" for item in items]
    return ", ".join(quoted[:-1]) + f" {last} {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _files() -> list[str]:
    """Which files pdp reads, as `load` decides it, and what it says of the others."""
    folders = _listed(tuple(f"{JOURNAL_DIR}/{section}/" for section in SECTIONS), "and")
    return [
        "## Which files are read",
        "",
        f"pdp reads every file in {folders}, in any sub-folder, whose name ends in "
        f"{_listed(MARKDOWN_SUFFIXES)}, in any letter case (`.MD` too). A file's id and page "
        "name come from its name without that ending. Evidence files (those an entry lists under "
        "`evidence` or `private_evidence`) are kept in the journal too, beside their entries "
        "or in a folder of their own.",
        "",
        "Any other file in those folders that no entry lists as evidence is reported (W007), "
        "with the name to give it: `talk.md.txt` (as Notepad saves it) is to be renamed "
        "`talk.md`, `notes.txt` `notes.md`, and `goal.yaml` `goal.md`, a Markdown file with "
        "the fields as its front matter. Editors' backups and system files are left aside "
        f"without a word: names starting with {_listed(IGNORED_PREFIXES)} (hidden files among "
        f"them), names ending in {_listed(IGNORED_SUFFIXES)}, and {_listed(IGNORED_NAMES)}, "
        "in any letter case.",
        "",
    ]


# What the published portfolio leaves out, as `privacy` and `markdown` decide it.
PRIVACY = [
    "## Privacy",
    "",
    "`pdp build` is for you: it shows everything, and marks what is private. `pdp build "
    "--publish` (and `pdp pack`, and `pdp serve --publish`) is for your reviewer: it leaves "
    "out exactly what your own build marks as private, and every page and link that would "
    "lead to it. Where pdp cannot tell whether something is private, it is not published.",
    "",
    "- **Private files.** An entry, goal or review with `private: true`. `private` is `true` "
    "or `false`: any other value, or none (`private:`, `private: ~`, `private: null`), is an "
    "error in `pdp check`, and the published portfolio leaves that file out.",
    "- **Private evidence.** The files an entry lists under `private_evidence`.",
    "- **Planned entries**, when `publish_planned = false`.",
    "- **The calendar** (`calendar.ics`), unless `publish_calendar = true`; then it holds "
    "only what the published portfolio shows.",
    "- **Private sections.** A heading at any level (`#` to `######`, or text underlined "
    "with `===` or `---`), in any body (an entry's, a goal's, a review's), at the top of the "
    "body or inside a block quote or a list item, whose text as a reader sees it starts "
    'with the word "Private", in any case (followed by anything but a letter, a digit or '
    "`_`). The section runs from that heading to the next "
    "heading of the same or a higher level in the same quote, list item or body, or else to "
    "the end of that quote, list item or body; everything in it is private, headings, "
    "quotes and lists included.",
    "- **The text as a reader sees it** is the heading's text once the Markdown is read: "
    "emphasis, links and other markup left out, HTML comments left out, entities decoded "
    "(`&#80;` is P), code and raw HTML as they are shown, an image by its description, a "
    "line end read as a space, invisible formatting characters "
    "(zero-width spaces, soft hyphens) left out, and compatibility forms (such as full-width "
    "letters) read as the plain letters. So `## Private notes`, `## PRIVATE:`, "
    "`## Pr*iv*ate`, `## &#80;rivate`, `## Pri<!-- -->vate` and ``## `Priv`ate`` all start "
    "a private section; `## Privately`, `## A private note`, `## (Private)` and "
    "`## <b>Private</b>` (raw HTML is shown as text) do not.",
    "- **Links to what is left out.** In the published portfolio, a link in a reflection to "
    "an entry it leaves out, or to an evidence file it does not publish, is shown as its "
    "text alone, without the link and its address; the build warns with W006, naming the "
    "file and line. Your own build keeps the link.",
    "",
    "A heading's anchor (`id`) is made from its text as a reader sees it, so nothing in an "
    "HTML comment reaches a page.",
    "",
]


def format_reference() -> str:
    lines = [
        "# The journal format",
        "",
        "Written by `make docs` from `generator/journal/schema.py`, "
        "`generator/journal/codes.py` and `generator/publish/docs.py`; edit those, not "
        "this file.",
        "",
        *_files(),
    ]
    for schema, assign in (
        (ENTRY, ": "),
        (GOAL, ": "),
        (REVIEW, ": "),
        (CONFIG, " = "),
        (ACTIVITY, " = "),
        (SCHEME, " = "),
    ):
        lines += _table(schema, assign)
    lines += PRIVACY
    lines += [
        "## Problem codes",
        "",
        "`pdp check` reports each problem as "
        "`path:line:column: error|warning[CODE] field: message`, with a hint where one "
        "helps.",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {code.code} | {code.severity} | {code.summary} |" for code in CODES.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(format_reference(), end="")
