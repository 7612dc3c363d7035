"""A JSON Schema of the journal's front matter, derived from the format declared in `schema`.

Editors (for example through the YAML language server) use it to complete and check the
front matter of entries, goals and reviews as they are written. It is built from the same
`Schema` tables as validation and the format reference, with the journal's own catalogue
activities, goal ids and scheme ids as the allowed ids.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from msgspec import Struct

from ..journal.schema import (
    ACTION_LIST,
    CHOICE,
    DATE,
    ENTRY,
    FLAG,
    GOAL,
    HOURS,
    ID,
    ID_LIST,
    MAX_HOURS,
    PATH_LIST,
    REVIEW,
    TEXT,
    TEXT_LIST,
    Field,
    Kind,
    Schema,
)
from ..model import OTHER_ACTIVITY, Activity, Vocabulary

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S"}
# A path relative to the entry: not starting with a slash, a backslash or a drive letter.
_PATH: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"^(?![/\\]|[A-Za-z]:)\s*\S"}

# The kinds whose JSON Schema does not depend on the field or on the journal.
_FIXED: dict[Kind, dict[str, Any]] = {
    TEXT: _TEXT,
    DATE: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    HOURS: {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_HOURS},
    FLAG: {"type": "boolean"},
    TEXT_LIST: {"type": "array", "items": _TEXT},
    PATH_LIST: {"type": "array", "items": _PATH},
    ACTION_LIST: {"type": "array", "items": {"type": "string", "pattern": r"\S\s*#\s*[0-9]+\s*$"}},
}

_LISTS = (TEXT_LIST, ID_LIST, PATH_LIST, ACTION_LIST)


class _Ids(Struct, frozen=True):
    """The ids a journal allows: activities for an `ID` field, and for an `ID_LIST` one the
    ids of its list, by the field's name (goals, schemes, a framework's terms)."""

    activities: tuple[str, ...]
    lists: Mapping[str, tuple[str, ...]]


def front_matter_schema(
    catalogue: Mapping[str, Activity],
    goal_ids: Iterable[str],
    frameworks: Iterable[Vocabulary] = (),
    scheme_ids: Iterable[str] = (),
) -> dict[str, Any]:
    """A draft 2020-12 JSON Schema of an entry's front matter, with goals and reviews in
    `$defs`; the frameworks' lists give their fields' ids, and `scheme_ids` the schemes an
    entry may name. A list not given allows any id."""
    activities = tuple(dict.fromkeys([*catalogue, OTHER_ACTIVITY]))
    lists = {
        **{vocabulary.field: vocabulary.ids() for vocabulary in frameworks},
        "goals": tuple(sorted(set(goal_ids))),
        "schemes": tuple(dict.fromkeys(scheme_ids)),
    }
    ids = _Ids(activities, lists)
    entry = _object(ENTRY, ids)
    entry["allOf"] = _category_rules(catalogue)
    return {
        "$schema": DIALECT,
        "title": "pdp journal front matter",
        "description": "The front matter of a pdp journal file. The top level checks an entry; "
        "use #/$defs/goal for a goal and #/$defs/review for a review.",
        "$ref": "#/$defs/entry",
        "$defs": {"entry": entry, "goal": _object(GOAL, ids), "review": _object(REVIEW, ids)},
    }


def schema_json(schema: dict[str, Any]) -> str:
    """The schema as indented JSON text in a stable order, ending with a newline."""
    return json.dumps(schema, indent=2) + "\n"


def _object(schema: Schema, ids: _Ids) -> dict[str, Any]:
    """The object schema of one kind of journal file, field by field."""
    return {
        "type": "object",
        "title": f"pdp {schema.name}",
        "description": schema.doc,
        "required": [field.name for field in schema.fields if field.required],
        "properties": {field.name: _property(field, ids) for field in schema.fields},
        "additionalProperties": False,
    }


def _property(field: Field, ids: _Ids) -> dict[str, Any]:
    """One field's schema: its value's kind, with its description, example and default."""
    result = {
        "description": field.doc,
        **_value_schema(field, ids),
        "examples": [_example_value(field, field.example)],
    }
    if field.default and not _described(field, field.default):
        result["default"] = _example_value(field, field.default)
    return result


def _described(field: Field, text: str) -> bool:
    """Whether a list field's default is a sentence (what its absence means), not a value."""
    return field.kind in _LISTS and not text.lstrip().startswith("[")


def _value_schema(field: Field, ids: _Ids) -> dict[str, Any]:
    """The JSON Schema of a field's value, chosen by the field's kind."""
    if field.kind is CHOICE:
        return {"enum": list(field.choices)}
    if field.kind is ID:
        return _id_schema(ids.activities)
    if field.kind is ID_LIST:
        return {"type": "array", "items": _id_schema(ids.lists.get(field.name, ()))}
    if field.kind not in _FIXED:
        raise ValueError(f"no JSON Schema for the kind '{field.kind.name}' of '{field.name}'")
    return copy.deepcopy(_FIXED[field.kind])


def _id_schema(ids: Sequence[str]) -> dict[str, Any]:
    """One of the given ids, or any text when there are none to choose from."""
    return {"enum": list(ids)} if ids else copy.deepcopy(_TEXT)


def _category_rules(catalogue: Mapping[str, Activity]) -> list[dict[str, Any]]:
    """The rules tying an entry's category to its activity, one per category of the catalogue."""
    rules = [
        {
            "$comment": f"A custom activity ({OTHER_ACTIVITY}) needs a category.",
            "if": _activity_in([OTHER_ACTIVITY]),
            "then": {"required": ["category"]},
        }
    ]
    by_category: dict[str, list[str]] = {}
    for activity_id, activity in catalogue.items():
        if activity_id != OTHER_ACTIVITY:
            by_category.setdefault(activity.category, []).append(activity_id)
    for category, activity_ids in by_category.items():
        rules.append(
            {
                "$comment": f"The category of a {category} catalogue activity, if given, "
                f"is {category}.",
                "if": _activity_in(activity_ids),
                "then": {"properties": {"category": {"const": category}}},
            }
        )
    return rules


def _activity_in(activity_ids: Sequence[str]) -> dict[str, Any]:
    """A condition: the entry names one of these activities."""
    return {"properties": {"activity": {"enum": list(activity_ids)}}, "required": ["activity"]}


def _example_value(field: Field, text: str) -> Any:
    """A field's example or default, written as YAML in the format tables, as a JSON value."""
    if field.kind in _LISTS:
        return _flow_list(text)
    if field.kind in (HOURS, FLAG):
        return json.loads(text)
    return _scalar(text)


def _flow_list(text: str) -> list[Any]:
    """The items of a one-line YAML list such as `[a, "b c"]`."""
    try:
        return list(json.loads(text))  # every item quoted: commas may be inside them
    except ValueError:
        pass
    inner = text.strip().removeprefix("[").removesuffix("]")
    return [_scalar(item) for item in inner.split(",") if item.strip()]


def _scalar(text: str) -> str:
    """A YAML scalar written plain or in double quotes, as text."""
    text = text.strip()
    if text.startswith('"'):
        return str(json.loads(text))
    return text
