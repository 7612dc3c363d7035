"""The benchmarks' generated journals are journals pdp accepts, at every size and shape they are
run at; their one-entry edits, and the targets' verdicts, are what the report says."""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from generator.cli import run
from generator.journal.schema import FIRST_YEAR, LAST_YEAR

from .conftest import REPOSITORY


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The benchmark scripts' folder on the path, as the scripts run there."""
    monkeypatch.syspath_prepend(str(REPOSITORY / "benchmarks"))
    yield


def module(name: str) -> ModuleType:
    """A benchmark script's module (`scripts` puts their folder on the path)."""
    __import__(name)
    return sys.modules[name]


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path inside it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.usefixtures("scripts")
def test_the_largest_benchmark_journal_has_only_supported_dates() -> None:
    from generate import schedule

    # 10,000 entries (run.py's largest default size), some 50 a performance year.
    days = [day for _, day, _ in schedule(random.Random(1), 10_000)]
    assert len(days) == 10_000
    assert min(days).year >= FIRST_YEAR and max(days).year <= LAST_YEAR


@pytest.mark.usefixtures("scripts")
def test_the_team_shaped_journal_shares_its_entries_over_the_last_five_years() -> None:
    from generate import schedule

    planned = schedule(random.Random(1), 10_000, years=5)
    years = Counter(year.name for year, _, _ in planned)
    assert years == {name: 2000 for name in ("2026-27", "2025-26", "2024-25", "2023-24", "2022-23")}
    days = [(day, status) for _, day, status in schedule(random.Random(1), 10_000, years=5)]
    assert min(days)[0] >= date(2022, 4, 1) and max(days)[0] <= date(2027, 3, 31)
    assert all(day < date(2026, 11, 1) for day, status in days if status == "done")
    assert all(day >= date(2026, 12, 1) for day, status in days if status == "planned")


@pytest.mark.usefixtures("scripts")
def test_the_last_year_gets_the_entries_left_over() -> None:
    from generate import year_sizes

    assert list(year_sizes(random.Random(1), 12, 5)) == [3, 3, 2, 2, 2]


@pytest.mark.usefixtures("scripts")
def test_a_team_shaped_journal_is_byte_identical_for_the_same_arguments(tmp_path: Path) -> None:
    from generate import generate

    generate(tmp_path / "one", 120, seed=3, years=5)
    generate(tmp_path / "two", 120, seed=3, years=5)
    generate(tmp_path / "member", 120, seed=3)
    one = files(tmp_path / "one")
    assert len([path for path in one if path.startswith("journal/entries/")]) == 120
    assert one == files(tmp_path / "two")
    assert one != files(tmp_path / "member")


@pytest.mark.usefixtures("scripts")
def test_a_team_shaped_journal_passes_pdp_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generate import generate

    generate(tmp_path / "team", 150, seed=1, years=5)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")  # as run.py runs pdp
    out, err = io.StringIO(), io.StringIO()
    code = run(["-C", str(tmp_path / "team"), "check", "--no-cache"], out, err)
    assert (code, err.getvalue()) == (0, "")
    assert "error[" not in out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("177 files checked: ")


@pytest.mark.usefixtures("scripts")
def test_journal_sizes_are_entries_or_entries_over_years() -> None:
    journals = module("_journals")
    shape = journals.Shape
    assert journals.shapes("300,10000/5") == [shape(300), shape(10000, 5)]
    assert [item.label for item in journals.shapes("1000,10000/5")] == [
        "1,000",
        "10,000 over 5 years",
    ]
    with pytest.raises(
        argparse.ArgumentTypeError, match=r"got '0' \(sizes are N or N/Y: 300,10000/5\)"
    ):
        journals.shapes("10000/0")


@pytest.mark.usefixtures("scripts")
def test_each_edit_changes_one_other_entry_and_all_are_put_back(tmp_path: Path) -> None:
    from generate import generate

    generate(tmp_path / "j", 5, seed=1)
    generated = files(tmp_path / "j")
    seen, before = [], generated
    with module("_journals").Edits(tmp_path / "j") as edit:
        for _ in range(5):
            edit()
            now = files(tmp_path / "j")
            changed = [path for path in now if now[path] != before[path]]
            assert len(changed) == 1
            assert now[changed[0]].startswith(generated[changed[0]] + b"\nEdited for the benchmark")
            seen.append(changed[0])
            before = now
    assert len(set(seen)) == 5  # a different entry each time, until each was edited once
    assert files(tmp_path / "j") == generated


@pytest.mark.usefixtures("scripts")
def test_targets_are_met_or_not_by_their_limits() -> None:
    targets, shape = module("targets"), module("_journals").Shape
    target = targets.Target
    fixed = (
        target(300, targets.WARM_HUGO, 0.5),
        target(300, targets.CHECK, 0.1, under=True),
        target(300, targets.COLD_FLOOR, 1.2),
        target(10000, targets.PEAK, 400, under=True),
    )
    measured = {
        shape(300): {targets.WARM_HUGO: 0.5, targets.CHECK: 0.1, targets.COLD_FLOOR: None},
        shape(1000): {targets.WARM_HUGO: 9.0},
        shape(10000, 5): {targets.PEAK: 399.6},
    }
    found = targets.verdicts(measured, fixed)
    assert [verdict.line for verdict in found] == [
        "- met: 300 entries, warm/Hugo 0.50 (at most 0.5)",
        "- NOT met: 300 entries, check (warm) 0.100 s (under 0.1 s)",
        "- not measured: 300 entries, cold/floor (at most 1.2; needs the peers: run with --peers)",
        "- met: 10,000 entries over 5 years, peak memory 399.6 MB (under 400 MB)",
    ]
    assert targets.tally(found) == "Targets met: 2 of 3 (1 not measured)."


@pytest.mark.usefixtures("scripts")
def test_a_ratio_is_the_median_of_the_rounds_where_both_took_turns() -> None:
    results, shape = module("_results"), module("_journals").Shape
    result = results.Result
    figures = module("targets").figures
    cold = result(shape(300), "build --no-cache (cold)", (1.0, 2.0, 4.0), 50_000_000, (), True)
    warm = result(shape(300), "build (warm)", (0.5, 0.4, 3.0), 60_000_000, (), True)
    hugo = result(shape(300), "Hugo 0.168 (full build)", (2.0, 1.0, 1.0), 0, (), True)
    mkdocs = result(shape(300), "MkDocs 1.6 (full build)", (2.0, 9.0, 8.0), 0)  # not in turns
    check = result(shape(300), "check (warm)", (0.3, 0.1, 0.2), 20_000_000)
    found = figures([cold, warm, hugo, mkdocs, check])
    targets = module("targets")
    assert found[targets.WARM_HUGO] == 0.4  # rounds: 0.25, 0.4, 3.0; the medians': 0.5
    assert found[targets.COLD_MKDOCS] == 0.25  # 2.0 / 8.0, the ratio of the medians
    assert found[targets.EDIT_HUGO] is None and found[targets.COLD_FLOOR] is None
    assert (found[targets.PEAK], found[targets.CHECK], found[targets.PDP_COLD]) == (60, 0.2, 2)


@pytest.mark.usefixtures("scripts")
def test_the_declared_targets_are_the_issues_and_the_readme_lists_them() -> None:
    targets = module("targets")
    declared = [
        (target.entries, target.figure.heading, target.limit, target.under)
        for target in targets.TARGETS
    ]
    assert declared == [
        (300, "warm/Hugo", 0.5, False),
        (300, "edit/Hugo", 0.6, False),
        (300, "cold/MkDocs", 0.33, False),
        (300, "check (warm)", 0.1, True),
        (1000, "warm/Hugo", 0.5, False),
        (1000, "edit/Hugo", 0.6, False),
        (1000, "cold/MkDocs", 0.33, False),
        (10000, "warm/Hugo", 0.15, False),
        (10000, "edit/Hugo", 0.2, False),
        (10000, "cold/MkDocs", 0.3, False),
        (10000, "cold/floor", 1.2, False),
        (10000, "peak memory", 400, True),
        (10000, "check (warm)", 1.0, True),
    ]
    readme = (REPOSITORY / "benchmarks" / "README.md").read_text("utf-8")
    table = readme.split("| entries | figure | limit |\n|---|---|---|\n", 1)[1].split("\n\n")[0]
    assert table.splitlines() == [
        f"| {target.entries:,} | {target.figure.heading} | {target.bound} |"
        for target in targets.TARGETS
    ]


@pytest.mark.usefixtures("scripts")
def test_each_timed_build_starts_from_a_written_out_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before each run, untimed: the build's output folder removed, what it asks for done,
    and then the disk written out, so that no build shares it with the last one's files."""
    peers = module("peers")
    done: list[str] = []
    output = tmp_path / "site"
    (output / "entries").mkdir(parents=True)
    monkeypatch.setattr(peers.os, "sync", lambda: done.append(f"sync {output.exists()}"))
    build = peers.Build("a build", ["true"], tmp_path, output, before=lambda: done.append("edit"))
    peers.prepare(build)
    assert done == ["edit", "sync False"]
