"""The agreed actions of reviews that entries carry out (an entry's `carries_out`): each
reference checked against the reviews, and the entries behind each action.

An entry's check does not look at the reviews, so that editing a review leaves every kept
entry check good: the references are checked here, after the reviews are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from msgspec import Struct
from msgspec.structs import replace

from ..model import ActionRef, Entry, Problem, Review
from ..suggest import closest
from .codes import problem
from .names import slugify, stem_of

FIELD = "carries_out"
CODE = "V014"
_NUMBER = re.compile(r"\s*(\d{1,6})\s*")
_SHOWN_CHARACTERS = 40  # of an action's text, in a hint that lists the actions


class Target(Struct, frozen=True):
    """The action a reference leads to: the review's id (its page name) and the action's
    number, counting from 1."""

    review: str
    number: int

    @property
    def text(self) -> str:
        return f"{self.review}#{self.number}"


def target(ref: ActionRef) -> Target | None:
    """The action a reference names, if it is written as `REVIEW#NUMBER`."""
    review, sep, number = ref.text.rpartition("#")
    matched = _NUMBER.fullmatch(number)
    if not sep or matched is None or not review.strip():
        return None
    return Target(slugify(review.strip()), int(matched.group(1)))


def check_references(
    entries: Sequence[Entry], reviews: Sequence[Review], review_paths: Iterable[str]
) -> tuple[list[Entry], list[Problem]]:
    """The entries with the references that lead to an action, and a problem for each that
    does not. A reference to a review file that has errors of its own is left out quietly:
    those are reported in the review."""
    files = {slugify(stem_of(path)) for path in review_paths}
    valid = {review.slug: review for review in reviews}
    problems: list[Problem] = []
    kept: list[Entry] = []
    for entry in entries:
        if not entry.carries_out:
            kept.append(entry)
            continue
        good = []
        for ref in entry.carries_out:
            slug = review_of(ref)
            if slug in files and slug not in valid:
                continue  # the review's own errors are reported in its file
            found = _problem(entry.path, ref, slug, files, valid)
            if found is None:
                good.append(ref)
            else:
                problems.append(found)
        changed = len(good) != len(entry.carries_out)
        kept.append(replace(entry, carries_out=tuple(good)) if changed else entry)
    return kept, problems


def review_of(ref: ActionRef) -> str:
    """The id of the review a reference names, whether or not it names an action."""
    aim = target(ref)
    return aim.review if aim else slugify(ref.text.rpartition("#")[0] or ref.text)


def _problem(
    path: str, ref: ActionRef, slug: str, files: set[str], valid: Mapping[str, Review]
) -> Problem | None:
    if slug not in files:
        written = ref.text.rpartition("#")[0].strip() or ref.text.strip()
        return _report(path, ref, f"unknown review '{written}'", _review_hint(ref, files))
    review = valid[slug]
    aim = target(ref)
    if aim is None:
        return _report(
            path,
            ref,
            f"'{ref.text}' does not say which of the review's actions it carries out",
            f"write '#' and the action's number after the review's id, like {slug}#1; "
            f"its actions: {_numbered(review)}",
        )
    if not review.actions:
        return _report(
            path,
            ref,
            f"the review '{slug}' lists no agreed actions",
            f"add the action to the review's actions: list, or remove '{ref.text}'",
        )
    if not 1 <= aim.number <= len(review.actions):
        count = len(review.actions)
        return _report(
            path,
            ref,
            f"the review '{slug}' has {count} agreed action{'s' if count > 1 else ''}, "
            f"so there is no action {aim.number}",
            f"the actions are numbered from 1 in the order the review lists them: "
            f"{_numbered(review)}",
        )
    return None


def _report(path: str, ref: ActionRef, message: str, hint: str) -> Problem:
    return problem(CODE, path, ref.line, ref.column, FIELD, message, hint)


def _review_hint(ref: ActionRef, files: set[str]) -> str:
    """Did you mean: the one review whose id starts as written (a date, say), else the
    closest in spelling; the written action number kept."""
    written, sep, number = ref.text.rpartition("#")
    if not sep:
        written, number = ref.text, ""
    wanted = slugify(written.strip())
    starting = sorted(name for name in files if wanted and name.startswith(wanted))
    match = starting[0] if len(starting) == 1 else closest(wanted, sorted(files))
    if match is None:
        return (
            "the reviews are the file names in journal/reviews/, without .md"
            if files
            else "there are no reviews yet: add the review's notes in journal/reviews/ first"
        )
    return f"did you mean '{match}#{number.strip() or 1}'?"


def _numbered(review: Review) -> str:
    """The review's actions by their numbers, their texts cut short."""
    return ", ".join(
        f"#{number} '{_short(action)}'" for number, action in enumerate(review.actions, 1)
    )


def _short(text: str) -> str:
    if len(text) <= _SHOWN_CHARACTERS:
        return text
    return text[: _SHOWN_CHARACTERS - 1].rstrip() + "…"


def carried_out(entries: Iterable[Entry]) -> dict[Target, list[Entry]]:
    """The entries that carry out each action, in the order given."""
    by_action: dict[Target, list[Entry]] = {}
    for entry in entries:
        for aim in dict.fromkeys(filter(None, map(target, entry.carries_out))):
            by_action.setdefault(aim, []).append(entry)
    return by_action
