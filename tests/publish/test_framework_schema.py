"""The JSON Schema carries the frameworks' lists: their ids are the only values allowed."""

from __future__ import annotations

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.frameworks import shipped_frameworks
from generator.model import Term, Vocabulary
from generator.publish.jsonschema import front_matter_schema

CATALOGUE = parse_catalogue(shipped_catalogue_text())


def test_entries_and_goals_allow_the_ids_of_each_list() -> None:
    own = Vocabulary("disciplines", "Ours", "Our framework", (Term("press", "Press"),))
    schema = front_matter_schema(CATALOGUE, ["media-handling"], (own, shipped_frameworks()[1]))
    for kind in ("entry", "goal"):
        properties = schema["$defs"][kind]["properties"]
        assert properties["disciplines"]["items"] == {"enum": ["press"]}
        assert properties["behaviours"]["items"]["enum"][::4] == [
            "seeing-the-big-picture",
            "communicating-and-influencing",
            "delivering-at-pace",
        ]
    assert schema["$defs"]["entry"]["properties"]["goals"]["items"] == {"enum": ["media-handling"]}


def test_without_the_lists_any_text_is_allowed_not_the_goals() -> None:
    schema = front_matter_schema(CATALOGUE, ["media-handling"])
    items = schema["$defs"]["entry"]["properties"]["disciplines"]["items"]
    assert "enum" not in items and items["type"] == "string"
