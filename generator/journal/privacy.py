"""The published view of a journal: everything the member marked private is gone from it.

Applied before anything is computed or rendered for `pdp build --publish`, so no later stage
can leak what it never receives.
"""

from __future__ import annotations

from collections.abc import Collection

from msgspec.structs import replace

from ..model import Config, Entry, Goal, Journal, Review
from .actions import review_of
from .markdown import strip_private


def published(journal: Journal) -> Journal:
    """The journal without private entries, goals, reviews, sections and evidence (and
    without planned entries when the configuration says so)."""
    goals = tuple(_public_goal(goal) for goal in journal.goals if not goal.private)
    goal_ids = {goal.id for goal in goals}
    entries = tuple(
        shown
        for entry in journal.entries
        if (shown := published_entry(entry, journal.config, goal_ids)) is not None
    )
    reviews = tuple(
        _public_review(review, goal_ids) for review in journal.reviews if not review.private
    )
    entries = _carrying_out(entries, {review.slug for review in reviews})
    return replace(journal, entries=entries, goals=goals, reviews=reviews)


def _carrying_out(entries: tuple[Entry, ...], reviews: Collection[str]) -> tuple[Entry, ...]:
    """The entries, naming only the actions of the published reviews."""
    return tuple(
        replace(entry, carries_out=kept)
        if (kept := tuple(r for r in entry.carries_out if review_of(r) in reviews))
        != entry.carries_out
        else entry
        for entry in entries
    )


def withheld(journal: Journal, shown: Journal) -> frozenset[str]:
    """The files of `journal` that its published view `shown` leaves out, for links to them
    to be shown as their text alone: the entries it does not publish, private evidence, and
    the evidence of the entries left out. (A published entry's link to its own evidence
    still leads to the copy: see `site.link_map`.)"""
    entries = {entry.path for entry in journal.entries} - {entry.path for entry in shown.entries}
    evidence = {path for entry in journal.entries for path in entry.private_evidence}
    evidence.update(
        path for entry in journal.entries if entry.path in entries for path in entry.evidence
    )
    return frozenset(entries | evidence)


def published_entry(entry: Entry, config: Config, goal_ids: Collection[str]) -> Entry | None:
    """The entry as published (among the published goals), or None if it is not."""
    if entry.private or not (entry.done or config.publish_planned):
        return None
    return replace(
        entry,
        body=strip_private(entry.body),
        private_evidence=(),
        goals=tuple(goal for goal in entry.goals if goal in goal_ids),
    )


def _public_goal(goal: Goal) -> Goal:
    return replace(goal, body=strip_private(goal.body))


def _public_review(review: Review, goal_ids: set[str]) -> Review:
    return replace(
        review,
        body=strip_private(review.body),
        goals=tuple(goal for goal in review.goals if goal in goal_ids),
    )
