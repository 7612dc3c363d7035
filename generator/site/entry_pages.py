"""The page of each entry: what rendering one needs (small enough to send to a worker
process), its view, and where the links in its reflection lead."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from typing import Any

from markupsafe import Markup
from msgspec import Struct, field
from msgspec.structs import replace

from ..journal.actions import Target, target
from ..journal.compute import ZERO, counts_for, entry_points, performance_year
from ..journal.history import History
from ..journal.markdown import PLAIN_TEXT
from ..journal.schemes import schemes_of
from ..model import GCS, OTHER_ACTIVITY, Activity, Entry, Journal
from .formats import long_date
from .views import (
    CarriedOut,
    EntryView,
    Link,
    Page,
    SiteOptions,
    action_anchor,
    common_context,
    entry_url,
    evidence_url,
    label_url,
    new_page,
    review_url,
)


class EntryPages(Struct, frozen=True):
    """What rendering an entry's page needs beyond the entry: small enough to send to a
    worker process with each batch of entries."""

    common: Mapping[str, Any]
    catalogue: Mapping[str, Activity]
    goal_titles: Mapping[str, str]
    slugs: Mapping[str, str]
    policy: str
    start_month: int
    neighbours: Mapping[str, tuple[Link | None, Link | None]]
    history: History = field(default_factory=History)
    # The published site's: files of the journal it leaves out (see `privacy.withheld`).
    withheld: frozenset[str] = frozenset()
    actions: Mapping[str, CarriedOut] = field(default_factory=dict)  # by `Target.text`
    # Each scheme's id, what it includes and its page, when there are more than the one.
    schemes: tuple[tuple[str, str, Link], ...] = ()


def entry_pages_of(
    journal: Journal,
    options: SiteOptions,
    history: History | None = None,
    withheld: frozenset[str] = frozenset(),
) -> EntryPages:
    entries = journal.entries
    links = [Link(entry_url(entry), entry.title) for entry in entries]
    neighbours = {
        entry.path: (links[i - 1] if i else None, links[i + 1] if i + 1 < len(links) else None)
        for i, entry in enumerate(entries)
    }
    return EntryPages(
        common=common_context(journal, options, history),
        catalogue=journal.catalogue,
        goal_titles={goal.id: goal.title for goal in journal.goals},
        slugs={entry.path: entry.slug for entry in entries},
        policy=journal.config.points_policy,
        start_month=journal.config.year_start_month,
        neighbours=neighbours,
        history=history or History(),
        withheld=withheld,
        actions=review_actions(journal),
        schemes=scheme_links(journal),
    )


def scheme_links(journal: Journal) -> tuple[tuple[str, str, Link], ...]:
    """Each scheme's id, `include` and page link, primary first; none for a journal with
    only the built-in scheme."""
    if not journal.config.schemes:
        return ()
    return tuple(
        (scheme.id, scheme.include, Link(f"schemes/{scheme.id}.html", scheme.name))
        for scheme in schemes_of(journal.config)
    )


def review_actions(journal: Journal) -> dict[str, CarriedOut]:
    """Every review's agreed actions, as an entry's page shows one, by their references."""
    return {
        Target(review.slug, number).text: CarriedOut(
            f"{review_url(review)}#{action_anchor(number)}",
            action,
            f"{review.title or 'Review'}, {long_date(review.date)}",
        )
        for review in journal.reviews
        for number, action in enumerate(review.actions, 1)
    }


def entry_view(entry: Entry, shared: EntryPages, html: str) -> EntryView:
    """An entry with its links, its points and its reflection's HTML.

    The view's entry has no body: pages show the reflection as HTML, and a page that lists
    the entry is then unchanged by an edit of its reflection alone.
    """
    activity = (
        shared.catalogue[entry.activity].name
        if entry.activity != OTHER_ACTIVITY
        else "Custom activity"
    )
    counted = counts_for(entry, GCS)
    return EntryView(
        entry=replace(entry, body="", body_line=1),
        url=entry_url(entry),
        points=entry_points(entry, shared.catalogue, shared.policy) if counted else ZERO,
        year=performance_year(entry.date, shared.start_month).name,
        activity=activity,
        goals=tuple(Link(f"goals/{goal}.html", shared.goal_titles[goal]) for goal in entry.goals),
        skills=tuple(Link(label_url("skills", s), s) for s in entry.skills),
        tags=tuple(Link(label_url("tags", t), t) for t in entry.tags),
        evidence=tuple(Link(evidence_url(p), posixpath.basename(p)) for p in entry.evidence),
        private_evidence=tuple(
            Link(evidence_url(p), posixpath.basename(p)) for p in entry.private_evidence
        ),
        html=Markup(html),
        written=_written(entry, shared.history),
        actions=tuple(
            shared.actions[aim.text]
            for aim in dict.fromkeys(filter(None, map(target, entry.carries_out)))
            if aim.text in shared.actions
        ),
        schemes=tuple(
            link for scheme, include, link in shared.schemes if counts_for(entry, scheme, include)
        ),
        counted=counted,
    )


def _written(entry: Entry, history: History) -> str:
    if entry.path in history.dates:
        first, last = history.dates[entry.path]
        if first == last:
            return f"first committed {long_date(first)} (from git)"
        return f"first committed {long_date(first)}, last changed {long_date(last)} (from git)"
    return history.note or "not committed to git yet"


def entry_page(view: EntryView, shared: EntryPages) -> Page:
    previous, following = shared.neighbours[view.entry.path]
    return new_page(
        shared.common,
        view.url,
        "entry.html",
        view.entry.title,
        view=view,
        previous=previous,
        next=following,
        source=view.entry.path,
    )


def reflection_prefix(entry: Entry) -> str:
    """What the anchors of an entry's reflection start with."""
    return f"{entry.slug}-"


def link_map(
    entry: Entry, slugs: Mapping[str, str], withheld: Collection[str] = ()
) -> Callable[[str], str | None]:
    """Links in a reflection to another entry's file, or to its evidence, go to their pages;
    those to a file `withheld` from the site are shown as their text alone."""
    folder = posixpath.dirname(entry.path)
    evidence = set(entry.evidence) | set(entry.private_evidence)

    def relink(href: str) -> str | None:
        target, _, fragment = href.partition("#")
        if not target or ":" in target:
            return None
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved in slugs:
            return f"../entries/{slugs[resolved]}.html" + (f"#{fragment}" if fragment else "")
        if resolved in evidence:
            return "../" + evidence_url(resolved)
        if resolved in withheld:
            return PLAIN_TEXT
        return None

    return relink
