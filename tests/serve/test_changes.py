"""What each changed path means for watch mode: the table in fixtures/changes/paths.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.serve.changes import Change, Layout, classify, needs_full_rebuild, only_styles

FIXTURES = Path(__file__).parent / "fixtures"


LAYOUT = Layout("/p", "/p/pdp.toml", "/p/site", ("/p/themes", "/pkg/themes"), ("/p/.git",))


def _table() -> list[tuple[str, str]]:
    lines = (FIXTURES / "changes" / "paths.txt").read_text("utf-8").splitlines()
    return [
        (fields[0], fields[1])
        for line in lines
        if line.strip() and not line.startswith("#")
        for fields in [line.split()]
    ]


@pytest.mark.parametrize(("path", "expected"), _table())
def test_each_path_is_classified(path: str, expected: str) -> None:
    assert classify(path, LAYOUT).value == expected


def test_the_table_covers_every_kind_of_change() -> None:
    assert {kind for _, kind in _table()} == {change.value for change in Change}


def test_the_configuration_in_pyproject_is_a_config_change() -> None:
    layout = Layout("/p", "/p/pyproject.toml", "/p/site", ())
    assert classify("/p/pyproject.toml", layout) is Change.CONFIG


def test_git_may_keep_its_folder_elsewhere() -> None:
    layout = Layout(
        "/p/journal-project",
        "/p/journal-project/pdp.toml",
        "/p/journal-project/site",
        (),
        ("/p/.git/worktrees/cpd", "/p/.git"),
    )
    assert classify("/p/.git/refs/heads/main", layout) is Change.HISTORY
    assert classify("/p/.git/worktrees/cpd/HEAD", layout) is Change.HISTORY
    assert classify("/p/journal-project/.git", layout) is Change.IGNORED


def test_what_a_batch_of_changes_calls_for() -> None:
    assert only_styles([Change.STYLE, Change.IGNORED])
    assert not only_styles([Change.STYLE, Change.ENTRY])
    assert not only_styles([Change.IGNORED])
    assert needs_full_rebuild([Change.ENTRY, Change.THEME])
    assert needs_full_rebuild([Change.CONFIG])
    assert not needs_full_rebuild([Change.ENTRY, Change.EVIDENCE, Change.STYLE, Change.HISTORY])
