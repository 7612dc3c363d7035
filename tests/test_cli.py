"""The command line: each command, its formats, its exit codes, and `-C`."""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.cli
import generator.cli.commands
import generator.journal.open
from generator import __version__
from generator.cli import build_parser, command_named, run

from .conftest import REPOSITORY
from .helpers import run_alone


def pdp(
    monkeypatch: pytest.MonkeyPatch, *argv: str, cwd: Path | None = None
) -> tuple[int, str, str]:
    if cwd is not None:
        monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def small(project: Callable[[str], Path]) -> Path:
    return project("small")


def test_check_passes_a_valid_journal(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdp(monkeypatch, "check", cwd=small) == (0, "6 files checked: no problems\n", "")


def test_check_json_lists_errors_and_warnings(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = pdp(monkeypatch, "check", "--format", "json", cwd=project("messy"))
    result = json.loads(out)
    assert code == 1
    assert set(result) == {"errors", "warnings"}
    assert len(result["errors"]) == 6
    assert result["errors"][1] == {
        "path": "journal/entries/2025/typo.md",
        "line": 4,
        "column": 11,
        "code": "V007",
        "field": "activity",
        "message": "unknown activity 'bok'",
        "hint": "did you mean 'book'?",
    }


def test_strict_turns_warnings_into_failure(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = small / "journal/entries/2025-26/2026-01-20-mentoring.md"
    entry.write_text(
        entry.read_text("utf-8").replace("hours: 6.5", "hours: 6.5\nmood: good"), "utf-8"
    )
    code, out, _ = pdp(monkeypatch, "check", cwd=small)
    assert code == 0
    assert "warning[W001] mood: unknown field 'mood' is ignored" in out
    assert pdp(monkeypatch, "check", "--strict", cwd=small)[0] == 1


def test_report_json_contract(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = pdp(monkeypatch, "report", "--year", "2025-26", "--format", "json", cwd=small)
    assert (code, err) == (0, "")
    document = json.loads(out)
    # Each scheme's years: here the built-in one's alone, as `years`, with the points capped.
    assert document.pop("schemes") == [
        {
            "id": "gcs",
            "name": "GCS CPD",
            "unit": "points",
            "years": [year | {"capped": 0} for year in document["years"]],
        }
    ]
    assert document == {
        "member": "Sam Rivera",
        "target": 30,
        "scheme": "gcs",
        "published": False,
        "years": [
            {
                "year": "2025-26",
                "start": "2025-04-01",
                "end": "2026-03-31",
                "points": 18.5,
                "hours": 19.5,
                "entries": 3,
                "target": 30,
                "remaining": 11.5,
                "months_left": 0,
                "pace": None,
                "planned": {"points": 0, "entries": 0},
                "by_category": {
                    "on-the-job": {"points": 10, "hours": 12, "share": 0.5405, "guide": 0.7},
                    "relationships": {"points": 6.5, "hours": 6.5, "share": 0.3514, "guide": 0.2},
                    "formal": {"points": 2, "hours": 1, "share": 0.1081, "guide": 0.1},
                },
                "status": "Behind",
                "expected": 30,
                "sentence": "The year ended 11.5 points short of the target",
                "mix_note": "On-the-job learning is 3 points below the guide",
                "private_entries": 0,
                "private_points": 0,
            }
        ],
        "goals_without_evidence": {"year": "2025-26", "goals": []},
    }


def test_report_lists_every_year_and_the_current_one(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = pdp(monkeypatch, "report", "--format", "json", cwd=small)
    years = json.loads(out)["years"]
    assert [year["year"] for year in years] == ["2025-26", "2026-27"]
    assert years[1]["points"] == 0
    assert years[1]["months_left"] == 5
    assert years[1]["pace"] == 6


def test_report_rejects_a_badly_named_year(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = pdp(monkeypatch, "report", "--year", "2025-27", cwd=small)
    assert (code, out) == (2, "")
    assert err == (
        "pdp: error: '2025-27' is not a performance year name\n  hint: name a year like 2026-27\n"
    )


def test_catalogue_json(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, "catalogue", "--format", "json", cwd=small)
    activities = json.loads(out)
    assert code == 0
    assert len(activities) == 31
    assert activities[2] == {
        "id": "podcast",
        "name": "Listening to a relevant podcast",
        "category": "formal",
        "points": 2,
    }
    assert all(set(item) == {"id", "name", "category", "points"} for item in activities)


def test_catalogue_text(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = pdp(monkeypatch, "catalogue", cwd=small)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "points", "category", "name"]
    assert lines[3].split()[:3] == ["podcast", "2", "formal"]


def test_new_writes_an_entry_that_checks(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(
        monkeypatch,
        "new",
        "Podcast: crisis comms",
        "--activity",
        "podcast",
        "--hours",
        "1.5",
        "--date",
        "2026-11-02",
        "--goal",
        "evaluation",
        cwd=small,
    )
    path = "journal/entries/2026-27/2026-11-02-podcast-crisis-comms.md"
    assert (code, out) == (0, path + "\n")
    assert (small / path).read_text("utf-8") == (
        '---\ntitle: "Podcast: crisis comms"\ndate: 2026-11-02\nactivity: podcast\n'
        "hours: 1.5\ngoals: [evaluation]\n---\n\n## What I did\n\n\n## What I learned\n\n\n"
        "## How I applied it\n\n"
    )
    code, out, _ = pdp(monkeypatch, "check", cwd=small)
    assert code == 0
    assert f"{path}:8:1: warning[W002] body: no reflection yet" in out


def test_new_never_overwrites(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("new", "Reading", "--activity", "book", "--hours", "5", "--date", "2026-10-01")
    assert pdp(monkeypatch, *args, cwd=small)[0] == 0
    written = small / "journal/entries/2026-27/2026-10-01-reading.md"
    written.write_text("my own words\n", "utf-8")
    code, _, err = pdp(monkeypatch, *args, cwd=small)
    assert code == 2
    assert err.startswith(
        "pdp: error: an entry would share its page with "
        "journal/entries/2026-27/2026-10-01-reading.md"
    )
    assert written.read_text("utf-8") == "my own words\n"


def test_new_future_date_is_planned(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(
        monkeypatch,
        "new",
        "Civil Service Live",
        "--activity",
        "conference",
        "--hours",
        "7",
        "--date",
        "2027-06-30",
        cwd=small,
    )
    text = (small / "journal/entries/2027-28/2027-06-30-civil-service-live.md").read_text()
    assert "status: planned\n" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--activity", "podcst", "--hours", "1"),
            "pdp: error: unknown activity 'podcst'\n  hint: did you mean 'podcast'?\n",
        ),
        (
            ("--activity", "other", "--hours", "1"),
            "pdp: error: activity 'other' needs --category\n"
            "  hint: one of on-the-job, relationships, formal\n",
        ),
        (
            ("--activity", "podcast", "--hours", "1", "--goal", "evaluaton"),
            "pdp: error: unknown goal 'evaluaton'\n  hint: did you mean 'evaluation'?\n",
        ),
        (
            ("--activity", "podcast", "--hours", "-1"),
            "pdp: error: argument --hours: expected a number of hours more than 0 and at most "
            "1000, like 1.5\n  hint: run 'pdp new --help' for the options\n",
        ),
    ],
)
def test_new_refuses_bad_arguments(
    small: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    assert pdp(monkeypatch, "new", "A title", *args, cwd=small) == (2, "", message)
    assert not (small / "journal/entries/2026-27").exists()


def test_directory_option_and_search_upwards(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdp(monkeypatch, "-C", str(small), "check", cwd=small.parent)[0] == 0
    assert pdp(monkeypatch, "check", "-C", str(small), cwd=small.parent)[0] == 0
    assert pdp(monkeypatch, "check", cwd=small / "journal" / "goals")[0] == 0


def test_no_project_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = pdp(monkeypatch, "check", cwd=tmp_path)
    assert code == 2
    assert err == (
        "pdp: error: no journal project here or in any folder above it\n"
        "  hint: run pdp inside a journal project (a folder with pdp.toml), "
        "or pass -C FOLDER\n"
    )


def test_configuration_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pdp]\nname = "A"\ntarget = 40\n')
    code, out, _ = pdp(monkeypatch, "report", "--format", "json", cwd=tmp_path)
    assert code == 0
    assert json.loads(out)["target"] == 40


def test_both_configurations_warn(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (small / "pyproject.toml").write_text('[tool.pdp]\nname = "B"\n')
    code, out, _ = pdp(monkeypatch, "check", cwd=small)
    assert code == 0
    assert (
        "pyproject.toml:1:1: warning[W005] tool.pdp: [tool.pdp] is ignored because pdp.toml is used"
    ) in out


def test_broken_configuration_fails_report(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (small / "pdp.toml").write_text('name = "A"\ntarget = "thirty"\n')
    code, out, err = pdp(monkeypatch, "report", cwd=small)
    assert (code, out) == (1, "")
    assert err == (
        "pdp.toml:2:1: error[C003] target: expected a number more than 0, "
        "got 'thirty'\n    hint: target = 30\n"
        "pdp: 1 error in the journal; what is shown counts only the valid files\n"
        "pdp: error: the configuration has errors, so nothing can be counted\n"
        "  hint: fix pdp.toml first\n"
    )


def test_usage_errors_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = pdp(monkeypatch, "check", "--colour")
    assert code == 2
    assert err == (
        "pdp: error: unrecognized arguments: --colour\n  hint: run 'pdp --help' for the options\n"
    )
    assert pdp(monkeypatch)[0] == 2


def test_internal_errors_exit_3_in_one_line(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.journal.open, "open_journal", broken)
    code, out, err = pdp(monkeypatch, "check", cwd=small)
    assert (code, out) == (3, "")
    assert err == (
        "pdp: internal error: this is a bug in pdp, not in your journal; "
        "run again with --debug for details\n"
    )
    code, _, err = pdp(monkeypatch, "check", "--debug", cwd=small)
    assert code == 3
    assert "Traceback" in err
    assert "RuntimeError: boom" in err


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPOSITORY,
    )
    assert (result.returncode, result.stdout) == (0, f"pdp {__version__}\n")


def test_bad_pdp_today_is_a_usage_error(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(small)
    monkeypatch.setenv("PDP_TODAY", "tomorrow")
    err = io.StringIO()
    assert run(["check"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("pdp: error: PDP_TODAY=tomorrow is not a date")


def test_schema_lists_the_journals_own_ids(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, "schema", cwd=small)
    schema = json.loads(out)
    entry = schema["$defs"]["entry"]["properties"]
    assert code == 0
    assert "podcast" in entry["activity"]["enum"] and "other" in entry["activity"]["enum"]
    assert entry["goals"]["items"]["enum"] == ["evaluation"]


def test_the_command_line_starts_without_the_site_renderer() -> None:
    # `pdp check` runs on every commit (the git hook): building and `pdp init` import their
    # templates and renderer only when they run.
    code = (
        "import sys, generator.cli; print(sorted(name for name in "
        "('jinja2', 'generator.site.build', 'generator.publish.init', "
        "'generator.publish.pack') "
        "if name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_a_check_imports_neither_the_renderer_nor_the_web_server(small: Path) -> None:
    # Each costs every command a tenth of a second to start; a check needs neither.
    done = run_alone(small, ["check", "--no-cache"], ["markdown_it", "jinja2", "http.server"])
    assert done[:2] == (0, [])


def main_exit(monkeypatch: pytest.MonkeyPatch, running: Callable[[], int]) -> object:
    """The exit code of the command line, `running` standing for the command."""
    default = gc.get_threshold()
    monkeypatch.setattr(generator.cli, "run", lambda *args: running())
    monkeypatch.setattr(sys, "argv", ["pdp", "check"])
    try:
        with pytest.raises(SystemExit) as stopped:
            generator.cli.main()
    finally:
        gc.set_threshold(*default)
    return stopped.value.code


def test_the_command_line_collects_cycles_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set where the program starts (the command line, not `run`), for it and its workers."""
    seen: list[tuple[int, ...]] = []
    assert main_exit(monkeypatch, lambda: seen.append(gc.get_threshold()) or 0) == 0
    assert seen == [generator.cli.GC_THRESHOLDS] != [gc.get_threshold()]


def test_the_objects_are_frozen_once_the_command_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not before: the command's own collections still search them for cycles.
    done: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: done.append("froze"))
    assert main_exit(monkeypatch, lambda: done.append("ran") or 3) == 3
    assert done == ["ran", "froze"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["check"], "check"),
        (["-C", "check", "build", "--publish"], "build"),
        (["--debug", "-C", "journal", "report", "--year", "2025-26"], "report"),
        (["--version"], None),
        (["chek"], None),
        (["--", "check"], None),
        ([], None),
    ],
)
def test_the_command_is_the_first_word_but_the_folder_of_minus_c(
    argv: list[str], named: str | None
) -> None:
    assert command_named(argv) == named


def test_a_parser_of_one_command_parses_as_the_whole_one(tmp_path: Path) -> None:
    argv = ["-C", str(tmp_path), "report", "--year", "2025-26", "--format", "json"]
    assert vars(build_parser("report").parse_args(argv)) == vars(build_parser().parse_args(argv))
