"""The shipped catalogue: every example activity of the guidance, with its category and value."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.config import ID_PATTERN
from generator.model import CATEGORIES

CATALOGUE = parse_catalogue(shipped_catalogue_text())


def test_five_groups_worth_2_5_10_20_30_points() -> None:
    per_value = Counter(int(activity.points) for activity in CATALOGUE.values())
    assert per_value == {2: 6, 5: 7, 10: 7, 20: 7, 30: 4}


def test_each_group_holds_the_categories_in_the_guidance_order() -> None:
    values = [int(activity.points) for activity in CATALOGUE.values()]
    assert values == sorted(values)
    for value in (2, 5, 10, 20, 30):
        categories = [a.category for a in CATALOGUE.values() if a.points == value]
        order = [CATEGORIES.index(category) for category in categories]
        assert order == sorted(order)


@pytest.mark.parametrize(
    ("activity_id", "category", "points", "name"),
    [
        ("podcast", "formal", 2, "Listening to a relevant podcast"),
        ("book", "formal", 5, "Reading a book related to a communications topic"),
        (
            "project-7-hours",
            "on-the-job",
            10,
            "Spending a total of 7 hours on a relevant research or learning project, including "
            "corporate contribution in your department",
        ),
        (
            "project-14-hours",
            "on-the-job",
            20,
            "Spending a total of 14 hours on a relevant research or learning project, including "
            "corporate contribution in your department",
        ),
        ("academic-qualification", "formal", 30, "Completing a relevant academic qualification"),
        (
            "mutual-mentoring",
            "relationships",
            10,
            "Taking part in the Connecting Diverse Voices mutual mentoring scheme",
        ),
        ("civil-service-award", "on-the-job", 30, "Winning a Civil Service Award"),
    ],
)
def test_activities_of_the_guidance(
    activity_id: str, category: str, points: int, name: str
) -> None:
    activity = CATALOGUE[activity_id]
    assert (activity.category, activity.points, activity.name) == (category, Decimal(points), name)


def test_ids_are_stable_slugs_and_names_unique() -> None:
    assert all(ID_PATTERN.fullmatch(activity_id) for activity_id in CATALOGUE)
    assert len({activity.name for activity in CATALOGUE.values()}) == len(CATALOGUE)
    assert "other" not in CATALOGUE
