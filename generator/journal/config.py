"""Parse and check a journal project's configuration (TOML text in, `Config` out)."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..model import CATEGORIES, GCS, OTHER_ACTIVITY, Activity, Config, Problem, Scheme
from ..suggest import did_you_mean
from .codes import problem
from .schema import (
    ACTIVITY,
    CONFIG,
    FLAG,
    MONTH,
    NUMBER,
    SCHEME,
    TEXT,
    Field,
    Schema,
    unsupported_date,
)

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class _Checker:
    """Collects problems for one configuration file, locating keys in its text."""

    def __init__(self, path: str, text: str, table: tuple[str, ...]) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.table = table
        self.problems: list[Problem] = []

    def line_of(self, *keys: str) -> int:
        """Best-effort line of a key: TOML parsers keep no positions, so search the text."""
        start = self._table_start(self.table)
        found = start
        for key in keys:
            pattern = re.compile(
                rf'^\s*(?:\[+\s*)?(?:[\w.\-"\' ]*\.)?["\']?{re.escape(key)}["\']?\s*(?:=|\]|\.)'
            )
            for number in range(found, len(self.lines) + 1):
                if pattern.search(self.lines[number - 1]) or re.search(
                    rf'[{{,]\s*["\']?{re.escape(key)}["\']?\s*=', self.lines[number - 1]
                ):
                    found = number
                    break
        return found

    def _table_start(self, table: tuple[str, ...]) -> int:
        if not table:
            return 1
        header = re.compile(rf"^\s*\[\s*{re.escape('.'.join(table))}\s*\]")
        for number, line in enumerate(self.lines, start=1):
            if header.search(line):
                return number
        return 1

    def report(self, code: str, keys: tuple[str, ...], message: str, hint: str = "") -> None:
        field = ".".join(keys)
        self.problems.append(problem(code, self.path, self.line_of(*keys), 1, field, message, hint))


def parse_config(
    path: str, text: str, table: tuple[str, ...], catalogue: Mapping[str, Activity]
) -> tuple[Config | None, list[Problem]]:
    """Read the configuration from TOML text; `table` is where it lives (`tool.pdp`)."""
    checker = _Checker(path, text, table)
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        where = _TOML_POSITION.search(str(err))
        line, column = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        message = _TOML_POSITION.sub("", str(err)).strip()
        return None, [
            problem(
                "C002",
                path,
                line,
                column,
                "",
                f"not valid TOML: {message}",
                "check quotes, brackets and '=' signs on that line",
            )
        ]
    for key in table:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    values = _check_keys(checker, data, catalogue)
    if checker.problems:
        return None, sorted(checker.problems, key=Problem.sort_key)
    return Config(**values), []


def _check_keys(
    checker: _Checker, data: dict[str, Any], catalogue: Mapping[str, Activity]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in data:
        if CONFIG.field(key) is None:
            checker.report(
                "C001",
                (key,),
                f"unknown configuration key '{key}'",
                did_you_mean(key, CONFIG.names(), "see docs/format.md for the keys"),
            )
    for field in CONFIG.fields:
        if field.name not in data:
            if field.required:
                checker.report(
                    "V001",
                    (field.name,),
                    f"'{field.name}' is required",
                    f"add: {field.name} = {field.example}",
                )
            continue
        raw = data[field.name]
        if field.name == "guide":
            values["guide"] = _check_guide(checker, raw)
        elif field.name == "activities":
            values["activities"] = _check_activities(checker, raw, catalogue)
        elif field.name == "schemes":
            known = {**catalogue, **values.get("activities", {})}
            values["schemes"] = _check_schemes(checker, raw, known)
        elif field.name == "primary":
            values["primary"] = _check_primary(checker, raw, data.get("schemes"))
        else:
            values[field.name] = _check_value(checker, field, raw, (field.name,))
    return values


def _check_value(checker: _Checker, field: Field, raw: Any, keys: tuple[str, ...]) -> Any:
    """One scalar value of the configuration, converted to its model type."""
    example = f"{field.name} = {field.example}"
    if field.kind is TEXT:
        if isinstance(raw, str) and raw.strip():
            return raw
        return checker.report(
            "V002", keys, f"expected text, got {_toml_type(raw)}", f"write it in quotes: {example}"
        )
    if field.kind is FLAG:
        if isinstance(raw, bool):
            return raw
        return checker.report("V002", keys, f"expected true or false, got {raw!r}", example)
    if field.kind is MONTH:
        if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= 12:
            return raw
        return checker.report(
            "C003",
            keys,
            f"expected {field.expected()}, got {raw!r}",
            f"for April: {field.name} = 4",
        )
    if field.kind is NUMBER:
        number = _number(raw)
        if number is not None and number > 0:
            return number
        return checker.report("C003", keys, f"expected a number more than 0, got {raw!r}", example)
    if field.choices:
        if raw in field.choices:
            return raw
        return checker.report(
            "V005",
            keys,
            f"expected {field.expected()}, got {raw!r}",
            did_you_mean(str(raw), field.choices, example),
        )
    return _check_date(checker, raw, keys, example)


def _check_date(checker: _Checker, raw: Any, keys: tuple[str, ...], example: str) -> date | None:
    if isinstance(raw, datetime):
        return checker.report(
            "V003", keys, "expected a date, got a date and time", f"write only the date: {example}"
        )
    day = raw if isinstance(raw, date) else _iso_date(raw)
    if day is None:
        return checker.report(
            "V003", keys, f"expected a date written YYYY-MM-DD, got {raw!r}", example
        )
    unsupported = unsupported_date(day, day.isoformat())
    if unsupported is not None:
        return checker.report("V003", keys, unsupported, "check the year")
    return day


def _iso_date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _check_guide(checker: _Checker, raw: Any) -> dict[str, Decimal]:
    if not isinstance(raw, dict):
        checker.report(
            "V002",
            ("guide",),
            f"expected a table, got {_toml_type(raw)}",
            "guide = { on-the-job = 70, relationships = 20, formal = 10 }",
        )
        return {}
    guide: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key not in CATEGORIES:
            checker.report(
                "C001",
                ("guide", key),
                f"unknown category '{key}'",
                did_you_mean(key, CATEGORIES, "the categories are " + ", ".join(CATEGORIES)),
            )
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and 0 <= value <= 100
        ):
            guide[key] = Decimal(str(value))
        else:
            checker.report(
                "C003",
                ("guide", key),
                f"expected a percentage from 0 to 100, got {value!r}",
                "guide = { on-the-job = 70, relationships = 20, formal = 10 }",
            )
    missing = [category for category in CATEGORIES if category not in raw]
    if missing:
        checker.report(
            "V001",
            ("guide",),
            "the guide lacks " + ", ".join(missing),
            "give all three: { on-the-job = 70, relationships = 20, formal = 10 }",
        )
    elif len(guide) == len(CATEGORIES) and sum(guide.values()) != 100:
        checker.report(
            "C003",
            ("guide",),
            f"the guide's percentages add up to {sum(guide.values())}, not 100",
            "for 70:20:10: { on-the-job = 70, relationships = 20, formal = 10 }",
        )
    return guide


def _check_activities(
    checker: _Checker, raw: Any, catalogue: Mapping[str, Activity]
) -> dict[str, Activity]:
    if not isinstance(raw, dict):
        checker.report(
            "V002",
            ("activities",),
            f"expected a table, got {_toml_type(raw)}",
            "[activities.press-rota] with name, category and points",
        )
        return {}
    activities: dict[str, Activity] = {}
    for activity_id, spec in raw.items():
        keys = ("activities", activity_id)
        if not ID_PATTERN.fullmatch(activity_id) or activity_id == OTHER_ACTIVITY:
            checker.report(
                "V012",
                keys,
                f"'{activity_id}' is not a usable activity id",
                "use lower-case letters, digits and hyphens, e.g. press-rota",
            )
            continue
        if not isinstance(spec, dict):
            checker.report(
                "V002",
                keys,
                f"expected a table, got {_toml_type(spec)}",
                f"[activities.{activity_id}] with name, category and points",
            )
            continue
        activity = _check_activity(checker, activity_id, spec, catalogue.get(activity_id))
        if activity is not None:
            activities[activity_id] = activity
    return activities


def _unknown_keys(
    checker: _Checker, spec: dict[str, Any], keys: tuple[str, ...], schema: Schema, hint: str
) -> None:
    """Report each key of a table (an activity's, a scheme's) that its schema does not have."""
    for key in spec:
        if schema.field(key) is None:
            checker.report(
                "C001",
                (*keys, key),
                f"unknown {schema.name} key '{key}'",
                did_you_mean(key, schema.names(), hint),
            )


def _check_activity(
    checker: _Checker, activity_id: str, spec: dict[str, Any], base: Activity | None
) -> Activity | None:
    keys = ("activities", activity_id)
    before = len(checker.problems)
    _unknown_keys(checker, spec, keys, ACTIVITY, "use name, category, points")
    values: dict[str, Any] = {}
    for field in ACTIVITY.fields:
        if field.name in spec:
            values[field.name] = _check_value(checker, field, spec[field.name], (*keys, field.name))
        elif base is not None:
            values[field.name] = getattr(base, field.name)
        else:
            _needs(checker, keys, f"new activity '{activity_id}'", field)
    if len(checker.problems) > before:
        return None
    return Activity(activity_id, values["name"], values["category"], values["points"])


def _check_schemes(
    checker: _Checker, raw: Any, catalogue: Mapping[str, Activity]
) -> dict[str, Scheme]:
    example = "[schemes.cipr] with name and target"
    if not isinstance(raw, dict):
        checker.report("V002", ("schemes",), f"expected a table, got {_toml_type(raw)}", example)
        return {}
    schemes: dict[str, Scheme] = {}
    for scheme_id, spec in raw.items():
        keys = ("schemes", scheme_id)
        if scheme_id == GCS:
            checker.report(
                "C003",
                keys,
                f"'{GCS}' is the built-in scheme and cannot be declared",
                "set its rules with the top-level keys year_start_month, target, guide and "
                "points_policy, or give this scheme another id",
            )
        elif not ID_PATTERN.fullmatch(scheme_id):
            checker.report(
                "V012",
                keys,
                f"'{scheme_id}' is not a usable scheme id",
                "use lower-case letters, digits and hyphens, e.g. cipr",
            )
        elif not isinstance(spec, dict):
            checker.report("V002", keys, f"expected a table, got {_toml_type(spec)}", example)
        else:
            scheme = _check_scheme(checker, scheme_id, spec, catalogue)
            if scheme is not None:
                schemes[scheme_id] = scheme
    return schemes


def _check_scheme(
    checker: _Checker, scheme_id: str, spec: dict[str, Any], catalogue: Mapping[str, Activity]
) -> Scheme | None:
    keys = ("schemes", scheme_id)
    before = len(checker.problems)
    _unknown_keys(checker, spec, keys, SCHEME, "see docs/format.md for the scheme's keys")
    values: dict[str, Any] = {}
    for field in SCHEME.fields:
        if field.name not in spec:
            if field.required:
                _needs(checker, keys, f"scheme '{scheme_id}'", field)
            continue
        raw, at = spec[field.name], (*keys, field.name)
        if field.name == "values":
            values["values"] = _check_amounts(checker, raw, at, catalogue, categories=False)
        elif field.name == "caps":
            values["caps"] = _check_amounts(checker, raw, at, catalogue, categories=True)
        else:
            values[field.name] = _check_value(checker, field, raw, at)
    if len(checker.problems) > before:
        return None
    return Scheme(scheme_id, **values)


def _check_amounts(
    checker: _Checker,
    raw: Any,
    keys: tuple[str, ...],
    catalogue: Mapping[str, Activity],
    categories: bool,
) -> dict[str, Decimal]:
    """A scheme's `values` (activity id -> points) or `caps` (activity id or category ->
    points), each a number from 0."""
    names = (*CATEGORIES, *catalogue) if categories else (*catalogue, OTHER_ACTIVITY)
    what = "an activity id or a category" if categories else "an activity id"
    example = f"{keys[-1]} = {SCHEME.field(keys[-1]).example}"  # type: ignore[union-attr]
    if not isinstance(raw, dict):
        checker.report("V002", keys, f"expected a table, got {_toml_type(raw)}", example)
        return {}
    amounts: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key not in names:
            checker.report(
                "C001",
                (*keys, key),
                f"'{key}' is not {what}",
                did_you_mean(key, names, "see `pdp catalogue` for the activity ids"),
            )
        elif (number := _number(value)) is not None and number >= 0:
            amounts[key] = number
        else:
            checker.report(
                "C003", (*keys, key), f"expected a number from 0, got {value!r}", example
            )
    return amounts


def _check_primary(checker: _Checker, raw: Any, declared: Any) -> str | None:
    ids = (GCS, *(declared if isinstance(declared, dict) else {}))
    if not isinstance(raw, str):
        return checker.report(
            "V002",
            ("primary",),
            f"expected a scheme id, got {_toml_type(raw)}",
            f'write it in quotes: primary = "{GCS}"',
        )
    if raw in ids:
        return raw
    return checker.report(
        "C003",
        ("primary",),
        f"'{raw}' is not a scheme of this journal",
        did_you_mean(str(raw), ids, "the schemes are: " + ", ".join(ids)),
    )


def _number(raw: Any) -> Decimal | None:
    """A TOML number as an exact decimal (as written); None for anything else, or infinity
    and nan."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return Decimal(str(raw))
    return None


def _needs(checker: _Checker, keys: tuple[str, ...], owner: str, field: Field) -> None:
    """A table without a key it must have: `owner` names it ("new activity 'talk'")."""
    checker.report(
        "V001", keys, f"{owner} needs '{field.name}'", f"add: {field.name} = {field.example}"
    )


def _toml_type(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true/false"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, str):
        return "empty text" if not raw.strip() else "text"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "a table"
    return "a date"
