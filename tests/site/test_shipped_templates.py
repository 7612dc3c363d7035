"""A build without the store (`--no-cache`) finds the shipped theme's templates compiled
beside them, as Python keeps its bytecode: compiled by the first such build, taken by the
next; a template of the journal's own theme, or one compiled by other code, is compiled
afresh; a folder that cannot be written costs time, never the build."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

import generator.site.render
import generator.site.template_cache
import generator.store
from generator.site.template_cache import LEFT_AFTER
from generator.site.theme import PYCACHE, shipped_themes

from ..helpers import example
from .test_one_edit import build


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped themes standing in for them as the place of compiled templates
    (the templates themselves are read from the shipped ones: the same sources)."""
    ignored = shutil.ignore_patterns(PYCACHE)  # what the repository's builds compiled
    copy = Path(shutil.copytree(shipped_themes(), tmp_path / "shipped", ignore=ignored))
    monkeypatch.setattr(generator.site.template_cache, "shipped_themes", lambda: copy)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # whatever the tests run with
    generator.site.template_cache._shipped.cache_clear()
    yield copy / "default" / "templates" / PYCACHE
    generator.site.template_cache._shipped.cache_clear()


def new_process() -> None:
    """Forget the compiled templates this process holds, as a new one would not have them."""
    generator.site.render.environment.cache_clear()


def built_once(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the example journal, and its site built without the store."""
    root = example(tmp_path)
    new_process()
    return root, build(root, cache=False)


def built_again(root: Path, compiled: list[str | None], out: str = "again") -> dict[str, bytes]:
    """The site built again without the store, in a new process, compiling afresh."""
    compiled.clear()
    new_process()
    return build(root, out, cache=False)


def test_the_second_build_without_the_store_compiles_no_shipped_template(
    tmp_path: Path, shipped: Path, compiled: list[str | None]
) -> None:
    root, first = built_once(tmp_path)
    assert {"base.html", "entry.html", "pack.html", "macros.html"} <= set(compiled)
    assert len(list(shipped.glob("*.jinja"))) == len(set(compiled))
    assert built_again(root, compiled) == first
    assert compiled == []


def test_a_template_of_the_journals_own_theme_is_compiled_and_not_kept_beside_the_shipped(
    tmp_path: Path, shipped: Path, compiled: list[str | None]
) -> None:
    root, _ = built_once(tmp_path)
    kept = sorted(shipped.iterdir())
    own = root / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    text = (shipped_themes() / "default" / "templates" / "pack.html").read_text("utf-8")
    (own / "pack.html").write_text(text.replace("</h1>", "</h1><!-- mine -->"), "utf-8")
    for out in ("site", "again"):
        site = built_again(root, compiled, out)
        assert compiled == ["pack.html"]
    assert b"</h1><!-- mine -->" in site["pack/2025-26.html"]
    assert sorted(shipped.iterdir()) == kept


def test_templates_compiled_by_other_code_are_compiled_again_and_removed(
    tmp_path: Path, shipped: Path, compiled: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, first = built_once(tmp_path)
    before = {path.name for path in shipped.iterdir()}
    monkeypatch.setattr(generator.store, "code_digest", lambda: b"other")
    assert built_again(root, compiled) == first
    assert set(compiled) >= {"base.html", "entry.html", "pack.html"}
    after = {path.name for path in shipped.iterdir()}
    assert after and not after & before


def test_damaged_compiled_templates_are_compiled_again(
    tmp_path: Path, shipped: Path, compiled: list[str | None]
) -> None:
    root, first = built_once(tmp_path)
    for kept in shipped.glob("*.jinja"):
        kept.write_bytes(b"not a compiled template")
    assert built_again(root, compiled) == first
    assert "pack.html" in compiled


def test_a_place_that_cannot_be_written_costs_time_not_the_build(
    tmp_path: Path, shipped: Path, compiled: list[str | None]
) -> None:
    shipped.write_text("a file where the folder would be", "utf-8")
    root = example(tmp_path)
    for out in ("site", "again"):
        site = built_again(root, compiled, out)
        assert "pack.html" in compiled
    assert site == build(root, "with-store")


def test_templates_compiled_by_another_jinja2_are_compiled_again(
    tmp_path: Path, shipped: Path, compiled: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, first = built_once(tmp_path)
    monkeypatch.setattr(jinja2, "__version__", "0.0-other")
    assert built_again(root, compiled) == first
    assert "pack.html" in compiled


def test_nothing_is_written_where_python_is_told_to_write_no_bytecode(
    tmp_path: Path, shipped: Path, compiled: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE, -B
    built_once(tmp_path)
    assert "pack.html" in compiled
    assert not shipped.exists()


def test_what_a_killed_write_left_is_removed_once_old(
    tmp_path: Path, shipped: Path, compiled: list[str | None]
) -> None:
    shipped.mkdir()
    old, recent = shipped / "a.jinja.writing-1", shipped / "b.jinja.writing-2"
    for left in (old, recent):
        left.write_bytes(b"half")
    then = time.time() - LEFT_AFTER - 1
    os.utime(old, (then, then))
    new_process()
    build(example(tmp_path), cache=False)
    assert not old.exists()
    assert recent.exists()  # perhaps another build's, at work
