"""The format reference, written from the schema and the problem codes (`make docs`)."""

from __future__ import annotations

from .codes import CODES
from .schema import ACTIVITY, CONFIG, ENTRY, GOAL, REVIEW, Schema


def _table(schema: Schema, assign: str) -> list[str]:
    rows = [f"## The {schema.name} (`{schema.folder}`)", "", schema.doc, "",
            "| field | required | value | meaning | example |", "|---|---|---|---|---|"]
    for field in schema.fields:
        required = "yes" if field.required else (f"no (default {field.default})"
                                                 if field.default else "no")
        example = f"`{field.name}{assign}{field.example}`".replace("|", "\\|")
        rows.append(f"| `{field.name}` | {required} | {field.expected()} | {field.doc} | "
                    f"{example} |")
    return [*rows, ""]


def format_reference() -> str:
    lines = ["# The journal format", "",
             "Written by `make docs` from `generator/schema.py` and `generator/codes.py`; "
             "edit those, not this file.", ""]
    for schema, assign in ((ENTRY, ": "), (GOAL, ": "), (REVIEW, ": "), (CONFIG, " = "),
                           (ACTIVITY, " = ")):
        lines += _table(schema, assign)
    lines += ["## Problem codes", "", "`pdp check` reports each problem as "
              "`path:line:column: error|warning[CODE] field: message`, with a hint where one "
              "helps.", "", "| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| {code.code} | {code.severity} | {code.summary} |" for code in CODES.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(format_reference(), end="")
