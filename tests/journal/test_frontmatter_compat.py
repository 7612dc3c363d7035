"""Every journal file pdp accepts reads the same with python-frontmatter.

pdp parses front matter itself, with PyYAML's event parser, to know each value's line and
column and to refuse YAML tags, anchors and aliases before anything is built from them. The
format is still the one python-frontmatter reads, and these tests hold pdp to it, on the
example journal, on a generated journal of 1,000 entries, and on what `pdp init` and `pdp new`
write.

"The same", exactly, for a file pdp reads without a problem:

- the metadata has the same keys, and each value, put in the form pdp gives that field, is of
  the same type and equal: text is the same `str`; a date is a `datetime.date` (never a
  `datetime`, never text); hours are an `int` or a `float` that, read through its `repr`,
  is pdp's `Decimal` (so `0.1` is `Decimal("0.1")`, and the text `"08"` is no number); a flag is
  the same `bool`; a list is a list of the same `str`, an empty one (`tags:`) `None` to
  python-frontmatter and `()` to pdp.
- the body is pdp's body without its leading and trailing line breaks: python-frontmatter
  strips the text around the front matter (`str.strip()`), pdp keeps the body as written
  after the closing `---` line. Only line breaks differ: no space or tab is lost, so the
  reflection renders the same.

Where the two would read a file differently, pdp refuses the file and says why (the
`test_pdp_refuses_...` tests), except in four cases, each pinned by a
`test_the_known_difference...` test: spaces around a quoted text, a quoted date, a byte-order
mark, and the indent of the body's first line.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import frontmatter
import pytest

from generator.journal.document import parse_document
from generator.journal.fields import Fields
from generator.journal.front_matter import Scalar
from generator.journal.load import SECTIONS, find_project, list_sources
from generator.journal.schema import (
    ACTION_LIST,
    ENTRY,
    GOAL,
    HOURS,
    ID_LIST,
    PATH_LIST,
    REVIEW,
    TEXT_LIST,
)
from generator.journal.schema import Schema as FileSchema
from generator.model import Problem

from ..conftest import REPOSITORY
from ..helpers import run_pdp as pdp

SCHEMAS = {"entries": ENTRY, "goals": GOAL, "reviews": REVIEW}
LISTS = (TEXT_LIST, ID_LIST, PATH_LIST, ACTION_LIST)
TODAY = "2026-11-28"


def journal_files(root: Path) -> list[tuple[Path, FileSchema]]:
    """Every file of a project's journal that pdp reads, with its schema."""
    project = find_project(root)
    return [
        (project.root / path, SCHEMAS[section])
        for section in SECTIONS
        for path in list_sources(project, section)
    ]


def pdp_reads(name: str, data: bytes, schema: FileSchema) -> tuple[dict[str, object], str]:
    """The front-matter values pdp reads from a file, as pdp converts them, and the body."""
    doc = parse_document(name, data)
    values = Fields(doc, schema)
    assert (doc.problems, values.problems) == ((), []), name
    assert doc.fields is not None
    return {key: _plain(values[key]) for key in doc.fields}, doc.body


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return tuple(item.text.strip() for item in value if isinstance(item, Scalar))
    return value


def as_pdp_gives(schema: FileSchema, name: str, value: object) -> object:
    """A value python-frontmatter read, in the form pdp gives its field."""
    field = schema.field(name)
    kind = field.kind if field else None
    if kind is HOURS and type(value) in (int, float):
        return Decimal(repr(value))
    if kind in LISTS and value is None:
        return ()
    if kind in LISTS and type(value) is list:
        return tuple(value)
    return value


def typed(values: dict[str, object]) -> dict[str, tuple[str, object]]:
    """Values with their types, so that 1 == True or a date == a datetime never passes."""
    return {key: (type(value).__name__, value) for key, value in values.items()}


def differences(name: str, data: bytes, schema: FileSchema) -> list[str]:
    """How python-frontmatter's reading of a file differs from pdp's; empty when it does not."""
    ours, body = pdp_reads(name, data, schema)
    post = frontmatter.loads(data.decode("utf-8"))
    theirs = {key: as_pdp_gives(schema, key, value) for key, value in post.metadata.items()}
    found = []
    if typed(theirs) != typed(ours):
        found.append(f"{name}: python-frontmatter reads {theirs}, pdp {ours}")
    if post.content != body.strip("\n"):
        found.append(f"{name}: python-frontmatter's body is not pdp's")
    return found


def file_differences(path: Path, schema: FileSchema) -> list[str]:
    found = differences(path.name, path.read_bytes(), schema)
    # frontmatter.load (a path) reads as frontmatter.loads does (its text): check it once here.
    post = frontmatter.load(path)
    assert post.metadata == frontmatter.loads(path.read_text("utf-8")).metadata
    return found


EXAMPLE = journal_files(REPOSITORY)


@pytest.mark.parametrize(("path", "schema"), EXAMPLE, ids=[path.name for path, _ in EXAMPLE])
def test_the_example_journal_reads_the_same(path: Path, schema: FileSchema) -> None:
    assert file_differences(path, schema) == []


def test_the_example_journal_has_entries_goals_and_reviews() -> None:
    assert {schema.name for _, schema in EXAMPLE} == {"entry", "goal", "review"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The benchmarks' journal of 1,000 entries."""
    root = tmp_path_factory.mktemp("generated")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPOSITORY / "benchmarks"))  # as the scripts run there
        from generate import generate

        generate(root, 1000, 1)
    yield root
    shutil.rmtree(root)


def test_a_generated_journal_of_1000_entries_reads_the_same(generated: Path) -> None:
    files = journal_files(generated)
    assert sum(schema is ENTRY for _, schema in files) == 1000
    assert [found for path, schema in files for found in file_differences(path, schema)] == []


@pytest.mark.parametrize(
    "front, body",
    [
        ("title: T\ndate: 2025-06-14\nactivity: podcast\nhours: 07\n", "\nText.\n"),
        ("title: T\ndate: 2025-06-14\nactivity: podcast\nhours: .5\n", "Text.\n"),
        ("title: T\ndate: 2025-06-14\nactivity: podcast\nhours: 1.50\n", "Text.\n\n---\n\nMore.\n"),
        ('title: "A: b # c"\ndate: 2025-06-14\nactivity: podcast\nhours: 0.1\n', "\n\nText."),
        ("title: T\ndate: 2025-06-14\nactivity: book\nhours: 2\ntags:\nprivate: yes\n", ""),
        ("title: T\ndate: 2025-06-14\nactivity: book\nhours: 2\ngoals:\n  - a\n  - b\n", "A\n"),
    ],
)
def test_edge_cases_read_the_same(front: str, body: str) -> None:
    assert differences("e.md", f"---\n{front}---\n{body}".encode(), ENTRY) == []


def test_windows_line_endings_and_spaces_after_the_fences_read_the_same() -> None:
    text = (
        "---  \r\ntitle: T\r\ndate: 2025-06-14\r\nactivity: podcast\r\nhours: 1\r\n---\t\r\nB\r\n"
    )
    assert differences("e.md", text.encode(), ENTRY) == []


FRONT = "title: T\ndate: 2025-06-14\nactivity: podcast\nhours: 1\n"


def _problems(text: str) -> list[tuple[str, int, int, str, str, str]]:
    doc = parse_document("e.md", text.encode())
    found: list[Problem] = [*doc.problems]
    if doc.fields is not None:
        found.extend(Fields(doc, ENTRY).problems)
    return [(p.code, p.line, p.column, p.field, p.message, p.hint) for p in found]


def test_pdp_refuses_a_closing_line_python_frontmatter_does_not_read() -> None:
    text = f"---\n{FRONT}...\n\nBody.\n"
    assert _problems(text) == [
        (
            "F005",
            6,
            1,
            "",
            "front matter is closed by '...', which other front-matter tools do not read",
            "write '---' on this line instead",
        )
    ]
    post = frontmatter.loads(text)
    assert (post.metadata, post.content) == ({}, text.strip())


@pytest.mark.parametrize(
    "hours, theirs, message, hint",
    [
        (
            "010",
            8,
            "010 starts with 0, so YAML reads it as the octal number 8, not 10",
            "write it without the leading zero: hours: 10",
        ),
        (
            "08",
            "08",
            "08 starts with 0, so YAML reads it as text, not as a number",
            "write it without the leading zero: hours: 8",
        ),
    ],
)
def test_pdp_refuses_hours_python_frontmatter_reads_otherwise(
    hours: str, theirs: object, message: str, hint: str
) -> None:
    text = f"---\n{FRONT.replace('hours: 1', 'hours: ' + hours)}---\nBody.\n"
    assert _problems(text) == [("V004", 5, 8, "hours", message, hint)]
    assert frontmatter.loads(text)["hours"] == theirs


def test_pdp_refuses_a_date_python_frontmatter_reads_as_text() -> None:
    text = f"---\n{FRONT.replace('2025-06-14', '2025-6-14')}---\nBody.\n"
    # The hint is the date field's own; this test is about the refusal.
    assert [found[:5] for found in _problems(text)] == [
        ("V003", 3, 7, "date", "expected a date written YYYY-MM-DD, got '2025-6-14'")
    ]
    assert frontmatter.loads(text)["date"] == "2025-6-14"


# What pdp accepts and python-frontmatter reads otherwise, by design: pdp strips the spaces
# around a text as it strips those of an unquoted one; a quoted date is still written
# YYYY-MM-DD; a byte-order mark is what some Windows editors save; an indented first line of
# the reflection stays as the member wrote it (python-frontmatter strips the whole text).
KNOWN = [
    ("spaces around a quoted text", ("title: T", 'title: "  T "'), "title", "T", "  T "),
    ("a quoted date", ("2025-06-14", '"2025-06-14"'), "date", date(2025, 6, 14), "2025-06-14"),
]


@pytest.mark.parametrize(
    "change, key, ours, theirs", [case[1:] for case in KNOWN], ids=[case[0] for case in KNOWN]
)
def test_the_known_differences_of_values(
    change: tuple[str, str], key: str, ours: object, theirs: object
) -> None:
    text = f"---\n{FRONT.replace(*change)}---\nB\n"
    assert pdp_reads("e.md", text.encode(), ENTRY)[0][key] == ours
    assert frontmatter.loads(text)[key] == theirs


def test_the_known_difference_of_a_byte_order_mark() -> None:
    marked = f"\ufeff---\n{FRONT}---\nB\n"
    assert pdp_reads("e.md", marked.encode(), ENTRY)[0]["title"] == "T"
    post = frontmatter.loads(marked)
    assert (post.metadata, post.content) == ({}, marked.strip())


def test_the_known_difference_of_an_indented_first_line() -> None:
    indented = f"---\n{FRONT}---\n    code\n"
    assert pdp_reads("e.md", indented.encode(), ENTRY)[1] == "    code\n"
    assert frontmatter.loads(indented).content == "code"


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A journal as `pdp init` writes it."""
    monkeypatch.setenv("PDP_TODAY", TODAY)
    root = tmp_path / "journal-project"
    assert pdp("init", str(root), "--name", "Sam Jones")[0] == 0
    return root


NEW_ENTRIES = [
    ('A podcast: on "crisis" messaging', "--activity", "podcast", "--hours", "1.5"),
    ("Café — l'été 😀 # not a comment \\ 2:30", "--activity", "book", "--hours", "1e1"),
    ("yes", "--activity", "other", "--category", "formal", "--hours", "010"),
    ("2025-06-14", "--activity", "webinar", "--hours", "0.25", "--goal", "my-first-goal"),
    ("Civil Service Live", "--activity", "conference", "--hours", "7", "--planned"),
]


def test_init_and_new_write_files_python_frontmatter_reads_the_same(started: Path) -> None:
    for arguments in NEW_ENTRIES:
        assert pdp("new", "-C", str(started), *arguments)[0] == 0
    files = journal_files(started)
    assert sum(schema is ENTRY for _, schema in files) == 1 + len(NEW_ENTRIES)
    assert [found for path, schema in files for found in file_differences(path, schema)] == []


def test_what_python_frontmatter_writes_back_reads_the_same(started: Path) -> None:
    """frontmatter.dumps(frontmatter.load(f)) keeps every value, for python-frontmatter and
    for pdp; the text differs: the keys in alphabetical order, text in YAML's own quoting,
    lists one item a line, and the body without its trailing line breaks."""
    arguments = (*NEW_ENTRIES[0][1:], "--date", "2025-06-14", "--goal", "my-first-goal")
    assert pdp("new", "-C", str(started), NEW_ENTRIES[0][0], *arguments)[0] == 0
    written = started / "journal/entries/2025-26/2025-06-14-a-podcast-on-crisis-messaging.md"
    assert frontmatter.dumps(frontmatter.load(written)) == (
        "---\nactivity: podcast\ndate: 2025-06-14\ngoals:\n- my-first-goal\nhours: 1.5\n"
        "title: 'A podcast: on \"crisis\" messaging'\n---\n\n"
        "## What I did\n\n\n## What I learned\n\n\n## How I applied it"
    )
    for path, schema in journal_files(started):
        post = frontmatter.load(path)
        dumped = frontmatter.dumps(post)
        again = frontmatter.loads(dumped)
        assert (typed(again.metadata), again.content) == (typed(post.metadata), post.content)
        ours, body = pdp_reads(path.name, path.read_bytes(), schema)
        assert pdp_reads(path.name, dumped.encode(), schema) == (ours, "\n" + body.strip("\n"))


@pytest.mark.parametrize(
    "title, message, hint",
    [
        (
            "Bad\x7f",
            "the title has a control character (U+007F)",
            "type the title again on one line, without it",
        ),
        (
            "Two\nlines",
            "the title has a control character (U+000A)",
            "type the title again on one line, without it",
        ),
        # A byte that is not UTF-8 comes in the arguments as a lone surrogate.
        (
            "Caf\udce9",
            "the title has a byte that is not UTF-8 (0xE9)",
            "set your terminal to UTF-8, then type the title again",
        ),
        ("   ", "the title is empty", 'pdp new "What I did" ...'),
    ],
)
def test_new_refuses_a_title_no_front_matter_holds_as_typed(
    started: Path, title: str, message: str, hint: str
) -> None:
    before = sorted((started / "journal").rglob("*"))
    code, out, err = pdp("new", "-C", str(started), title, "--activity", "book", "--hours", "2")
    assert (code, out, err) == (2, "", f"pdp: error: {message}\n  hint: {hint}\n")
    assert sorted((started / "journal").rglob("*")) == before
