"""The JSON Schema of the front matter accepts the example journal and rejects broken files."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from msgspec.structs import replace

import generator.publish.jsonschema as jsonschema_module
from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.schema import ENTRY, GOAL, REVIEW, TABLE, TEXT, Field, Schema
from generator.model import Activity, Journal
from generator.publish.jsonschema import front_matter_schema, schema_json

from ..conftest import REPOSITORY, TODAY
from ..helpers import example as example_project
from ..helpers import run_pdp

SCHEMAS = {"entry": ENTRY, "goal": GOAL, "review": REVIEW}
# Fields whose default says in words what leaving them out means: no JSON default.
DESCRIBED_DEFAULTS = {("entry", "schemes")}
GOOD_ENTRY: dict[str, Any] = {
    "title": "Podcast on crisis messaging",
    "date": "2025-06-14",
    "activity": "podcast",
    "hours": 1.5,
}


@pytest.fixture(scope="module")
def journal() -> Journal:
    checked = open_journal(find_project(REPOSITORY), TODAY)
    assert checked.journal is not None
    return checked.journal


@pytest.fixture(scope="module")
def schema(journal: Journal) -> dict[str, Any]:
    catalogue = {**parse_catalogue(shipped_catalogue_text()), **journal.config.activities}
    return front_matter_schema(catalogue, (goal.id for goal in journal.goals))


def validator(schema: dict[str, Any], name: str | None = None) -> Any:
    """A validator, checking formats, for the whole schema or one of its `$defs`."""
    if name is not None:
        schema = {**schema, "$ref": f"#/$defs/{name}"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def front_matter(path: Path) -> dict[str, Any]:
    """A file's front matter as an editor sees it: YAML dates are the text they were written as."""
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] == "---", path
    data = yaml.safe_load("\n".join(lines[1 : lines.index("---", 1)]))
    assert isinstance(data, dict), path
    return {key: as_written(value) for key, value in data.items()}


def as_written(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [as_written(item) for item in value]
    return value


def case_id(value: Any) -> str:
    """A readable test id: the change made to the entry, or the keywords expected."""
    if isinstance(value, dict):
        return ",".join(f"{key}={item!r}" for key, item in value.items())
    return "+".join(keyword for keyword, _ in value)


def problems(check: Any, instance: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    """Each error as its keyword and the path to the offending value."""
    return sorted(
        (error.validator, tuple(error.absolute_path)) for error in check.iter_errors(instance)
    )


def test_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("entry", "entries/**/*.md"),
        ("goal", "goals/*.md"),
        ("review", "reviews/*.md"),
    ],
)
def test_example_journal_validates(schema: dict[str, Any], name: str, pattern: str) -> None:
    paths = sorted((REPOSITORY / "journal").glob(pattern))
    assert paths
    check = validator(schema, name)
    failures = {path.name: problems(check, front_matter(path)) for path in paths}
    assert {path: found for path, found in failures.items() if found} == {}


def test_top_level_checks_an_entry(schema: dict[str, Any]) -> None:
    check = validator(schema)
    assert problems(check, GOOD_ENTRY) == []
    assert problems(check, {**GOOD_ENTRY, "activity": "podcats"}) == [("enum", ("activity",))]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"activity": "podcats"}, [("enum", ("activity",))]),
        ({"hours": "3"}, [("type", ("hours",))]),
        ({"hours": -2}, [("exclusiveMinimum", ("hours",))]),
        ({"hours": 0}, [("exclusiveMinimum", ("hours",))]),
        ({"hours": 1001}, [("maximum", ("hours",))]),
        ({"hours": True}, [("type", ("hours",))]),
        ({"title": None}, [("required", ())]),
        ({"title": None, "titel": "Podcast"}, [("additionalProperties", ()), ("required", ())]),
        ({"title": "   "}, [("pattern", ("title",))]),
        ({"activity": "other"}, [("required", ())]),
        ({"category": "on-the-job"}, [("const", ("category",))]),
        ({"activity": "other", "category": "informal"}, [("enum", ("category",))]),
        ({"goals": ["media-handling", "media-handlin"]}, [("enum", ("goals", 1))]),
        ({"goals": "media-handling"}, [("type", ("goals",))]),
        ({"date": "2024-13-45"}, [("format", ("date",))]),
        ({"date": "2025-6-14"}, [("format", ("date",)), ("pattern", ("date",))]),
        ({"date": "2025-06-14 10:30"}, [("format", ("date",)), ("pattern", ("date",))]),
        ({"private": "yes"}, [("type", ("private",))]),
        ({"status": "finished"}, [("enum", ("status",))]),
        ({"skills": ["Writing", 3]}, [("type", ("skills", 1))]),
        ({"tags": [""]}, [("minLength", ("tags", 0)), ("pattern", ("tags", 0))]),
        ({"evidence": ["/etc/passwd"]}, [("pattern", ("evidence", 0))]),
        ({"private_evidence": ["C:\\notes.txt"]}, [("pattern", ("private_evidence", 0))]),
    ],
    ids=case_id,
)
def test_rejects_bad_entries(
    schema: dict[str, Any],
    change: dict[str, Any],
    expected: list[tuple[str, tuple[str | int, ...]]],
) -> None:
    entry = {key: value for key, value in {**GOOD_ENTRY, **change}.items() if value is not None}
    assert problems(validator(schema, "entry"), entry) == expected


def test_other_activity_needs_a_category(schema: dict[str, Any]) -> None:
    check = validator(schema, "entry")
    entry = {**GOOD_ENTRY, "activity": "other", "hours": 3}
    (error,) = check.iter_errors(entry)
    assert "'category' is a required property" in error.message
    assert problems(check, {**entry, "category": "relationships"}) == []


def test_accepts_full_entries(schema: dict[str, Any]) -> None:
    entry = {
        **GOOD_ENTRY,
        "category": "formal",
        "goals": ["media-handling"],
        "skills": ["Crisis communication"],
        "tags": ["podcast"],
        "evidence": ["evidence/notes.txt"],
        "private_evidence": ["../private/a.txt"],
        "status": "planned",
        "private": True,
    }
    assert problems(validator(schema, "entry"), entry) == []


def test_goals_and_reviews_are_checked(schema: dict[str, Any]) -> None:
    goal, review = validator(schema, "goal"), validator(schema, "review")
    assert problems(goal, {"title": "Lead", "status": "done"}) == [("enum", ("status",))]
    assert problems(goal, {"title": "Lead", "target_date": "2026-02-30"}) == [
        ("format", ("target_date",))
    ]
    assert problems(goal, {"gap": "Leadership"}) == [("required", ())]
    assert problems(review, {"date": "2025-10-02", "goals": ["nope"]}) == [("enum", ("goals", 0))]
    assert problems(review, {"date": "2025-10-02", "actions": "Shadow"}) == [("type", ("actions",))]
    assert problems(review, {"date": "2025-10-02", "hours": 1}) == [("additionalProperties", ())]


def test_configured_activities_follow_their_category() -> None:
    rota = Activity("press-rota", "Press office rota", "on-the-job", Decimal(5))
    podcast = Activity("podcast", "A podcast", "relationships", Decimal(3))
    catalogue = {
        **parse_catalogue(shipped_catalogue_text()),
        "press-rota": rota,
        "podcast": podcast,
    }
    check = validator(front_matter_schema(catalogue, ["evaluation"]), "entry")
    entry = {**GOOD_ENTRY, "activity": "press-rota"}
    assert problems(check, entry) == []
    assert problems(check, {**entry, "category": "on-the-job"}) == []
    assert problems(check, {**entry, "category": "formal"}) == [("const", ("category",))]
    assert problems(check, {**GOOD_ENTRY, "category": "relationships"}) == []
    assert problems(check, {**GOOD_ENTRY, "category": "formal"}) == [("const", ("category",))]


def test_without_goals_any_goal_text_is_allowed() -> None:
    schema = front_matter_schema(parse_catalogue(shipped_catalogue_text()), [])
    check = validator(schema, "entry")
    assert problems(check, {**GOOD_ENTRY, "goals": ["anything"]}) == []
    assert problems(check, {**GOOD_ENTRY, "goals": [" "]}) == [("pattern", ("goals", 0))]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_is_described(schema: dict[str, Any], name: str) -> None:
    declared: Schema = SCHEMAS[name]
    derived = schema["$defs"][name]
    assert derived["additionalProperties"] is False
    assert list(derived["properties"]) == list(declared.names())
    assert derived["required"] == [field.name for field in declared.fields if field.required]
    for field in declared.fields:
        prop = derived["properties"][field.name]
        assert prop["description"] == field.doc
        check = Draft202012Validator(prop, format_checker=FormatChecker())
        described = (name, field.name) in DESCRIBED_DEFAULTS
        assert ("default" in prop) == (bool(field.default) and not described), field.name
        for example in [*prop["examples"], *([prop["default"]] if "default" in prop else [])]:
            assert problems(check, example) == [], (field.name, example)


def test_follows_the_schema_data(monkeypatch: pytest.MonkeyPatch) -> None:
    mood = Field("mood", TEXT, "How it went.", '"Well, mostly"')
    monkeypatch.setattr(jsonschema_module, "ENTRY", replace(ENTRY, fields=(*ENTRY.fields, mood)))
    schema = front_matter_schema(parse_catalogue(shipped_catalogue_text()), [])
    assert schema["$defs"]["entry"]["properties"]["mood"] == {
        "description": "How it went.",
        "type": "string",
        "minLength": 1,
        "pattern": r"\S",
        "examples": ["Well, mostly"],
    }


def test_a_kind_without_json_schema_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    table = Field("extra", TABLE, "A table.", "{ a = 1 }")
    monkeypatch.setattr(jsonschema_module, "GOAL", replace(GOAL, fields=(*GOAL.fields, table)))
    with pytest.raises(ValueError, match="'table' of 'extra'"):
        front_matter_schema({}, [])


def test_json_is_deterministic(journal: Journal, schema: dict[str, Any]) -> None:
    ids = [goal.id for goal in journal.goals]
    text = schema_json(schema)
    again = front_matter_schema(dict(journal.catalogue), reversed(ids))
    assert schema_json(again) == text
    assert schema_json(schema) == text
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert json.loads(text) == schema


def test_an_entry_names_only_the_journals_schemes() -> None:
    catalogue = parse_catalogue(shipped_catalogue_text())
    schema = front_matter_schema(catalogue, ["evaluation"], scheme_ids=["gcs", "body"])
    schemes = schema["$defs"]["entry"]["properties"]["schemes"]
    assert {key: schemes[key] for key in ("type", "items", "examples")} == {
        "type": "array",
        "items": {"enum": ["gcs", "body"]},
        "examples": [["gcs", "cipr"]],
    }
    assert "default" not in schemes  # its default is a sentence: what leaving it out means
    check = validator(schema, "entry")
    assert problems(check, {**GOOD_ENTRY, "schemes": ["body", "gcs"]}) == []
    assert problems(check, {**GOOD_ENTRY, "schemes": ["gcs", "cirp"]}) == [("enum", ("schemes", 1))]
    assert problems(check, {**GOOD_ENTRY, "schemes": "gcs"}) == [("type", ("schemes",))]
    assert problems(check, {**GOOD_ENTRY, "schemes": ["evaluation"]}) == [("enum", ("schemes", 0))]


def test_without_scheme_ids_any_scheme_text_is_allowed() -> None:
    catalogue = parse_catalogue(shipped_catalogue_text())
    check = validator(front_matter_schema(catalogue, ["evaluation"]), "entry")
    assert problems(check, {**GOOD_ENTRY, "schemes": ["cipr"]}) == []
    assert problems(check, {**GOOD_ENTRY, "schemes": [" "]}) == [("pattern", ("schemes", 0))]


def test_pdp_schema_carries_the_example_journals_schemes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_project(tmp_path))
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    code, out, _ = run_pdp("schema")
    assert code == 0
    entry = json.loads(out)["$defs"]["entry"]["properties"]
    assert entry["schemes"]["items"] == {"enum": ["gcs", "body"]}
    assert "media-handling" in entry["goals"]["items"]["enum"]
