"""`pdp new`: a new entry from the entry template, written without ever replacing a file."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

from msgspec import Struct

from ..errors import UsageError
from ..journal.compute import performance_year
from ..journal.load import Project, list_sources
from ..journal.names import slugify, stem_of
from ..model import CATEGORIES, OTHER_ACTIVITY, Journal
from ..suggest import did_you_mean


class NewEntry(Struct, frozen=True):
    title: str
    activity: str
    hours: Decimal
    date: date
    category: str | None = None
    goals: tuple[str, ...] = ()
    status: str = "done"


def entry_text(entry: NewEntry) -> str:
    """The new entry's Markdown: front matter from the arguments, reflection headings."""
    import jinja2  # here: the command line imports this module for every command

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template("entry.md").render(
        # A JSON string is a valid YAML double-quoted scalar, so any title stays one value.
        title=json.dumps(entry.title, ensure_ascii=False),
        date=entry.date.isoformat(),
        activity=entry.activity,
        category=entry.category,
        hours=f"{entry.hours:f}",  # 10, not 1E+1: YAML reads only the plain form as a number
        goals=entry.goals,
        status=entry.status,
    )


def check_new_entry(entry: NewEntry, journal: Journal) -> None:
    """Refuse a new entry whose activity, category, goals or title do not fit the journal."""
    if entry.activity != OTHER_ACTIVITY and entry.activity not in journal.catalogue:
        raise UsageError(
            f"unknown activity '{entry.activity}'",
            did_you_mean(entry.activity, journal.catalogue, "run 'pdp catalogue' for the ids"),
        )
    if entry.activity == OTHER_ACTIVITY and entry.category is None:
        raise UsageError(
            f"activity '{OTHER_ACTIVITY}' needs --category", "one of " + ", ".join(CATEGORIES)
        )
    known = {goal.id for goal in journal.goals}
    for goal in entry.goals:
        if goal not in known:
            raise UsageError(
                f"unknown goal '{goal}'",
                did_you_mean(goal, known, "the goals are the file names in journal/goals/"),
            )
    if not entry.title:
        raise UsageError("the title is empty", 'pdp new "What I did" ...')
    _check_title_characters(entry.title)


def _check_title_characters(title: str) -> None:
    """Refuse what no front matter can hold as typed: controls, and bytes that were not UTF-8
    (which Python's arguments carry as lone surrogates)."""
    for character in title:
        kind = unicodedata.category(character)
        if kind == "Cs":
            raise UsageError(
                f"the title has a byte that is not UTF-8 (0x{ord(character) & 0xFF:02X})",
                "set your terminal to UTF-8, then type the title again",
            )
        if kind == "Cc":
            raise UsageError(
                f"the title has a control character (U+{ord(character):04X})",
                "type the title again on one line, without it",
            )


def page_taken(project: Project, path: str) -> str | None:
    """The entry whose page an entry written at `path` would share, if there is one."""
    taken = {slugify(stem_of(source)): source for source in list_sources(project, "entries")}
    return taken.get(slugify(stem_of(path)))


def entry_path(entry: NewEntry, start_month: int) -> str:
    """Where a new entry goes: a folder per performance year, named by date and title."""
    slug = slugify(entry.title)[:60].rstrip("-") or "entry"
    year = performance_year(entry.date, start_month).name
    return f"journal/entries/{year}/{entry.date.isoformat()}-{slug}.md"


def write_new_file(root: Path, path: str, text: str) -> None:
    """Create the file; refuse, changing nothing, if anything is already there."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError as err:
        raise UsageError(
            f"{path} already exists; it was left as it is",
            "choose another title, or edit that entry",
        ) from err


def write_new_or_replace(
    target: Path, text: str, hint: str = "export to a .csv or .json file"
) -> None:
    """Write an export; refuse to replace a journal file (Markdown) or a folder."""
    if target.is_dir() or target.suffix.lower() in (".md", ".markdown", ".toml"):
        raise UsageError(f"will not write over {target}", hint)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")
