"""The package's layers: journal <- site <- {serve, publish} <- cli, over a small core.

Each module's imports are read with `ast`, so the rule holds without running any of them, the
way a crate graph holds a Rust workspace's layers.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import generator
from generator import store
from generator.journal import check_cache
from generator.store import code_digest, digest_of_code

PACKAGE = Path(generator.__file__).parent
WINGS = ("journal", "site", "serve", "publish")
# What each layer may import of ours; "core" is the package's own top-level modules.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "journal": frozenset({"core", "journal"}),
    "site": frozenset({"core", "journal", "site"}),
    "serve": frozenset({"core", "journal", "site", "serve"}),
    "publish": frozenset({"core", "journal", "site", "publish"}),
    "cli": frozenset({"core", "journal", "site", "serve", "publish", "cli"}),
}
ENTRY_POINTS = ("cli", "__main__")  # the command line, a package on top, and `python -m`


def layer(parts: tuple[str, ...]) -> str:
    """The layer of a module, by its dotted path below `generator`."""
    if parts and parts[0] in WINGS:
        return parts[0]
    return "cli" if parts and parts[0] in ENTRY_POINTS else "core"


def imported(
    module: tuple[str, ...], tree: ast.Module, is_package: bool
) -> list[tuple[int, tuple[str, ...]]]:
    """(line, dotted path below `generator`) of every import of ours in a module."""
    found: list[tuple[int, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module if is_package else module[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = (*base, *(node.module.split(".") if node.module else ()))
                names = [(*target, alias.name) for alias in node.names]
                found += [(node.lineno, _module_of(name)) for name in names]
            elif node.module and node.module.split(".")[0] == "generator":
                found.append((node.lineno, tuple(node.module.split(".")[1:])))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, tuple(alias.name.split(".")[1:]))
                for alias in node.names
                if alias.name.split(".")[0] == "generator"
            ]
    return found


def _module_of(name: tuple[str, ...]) -> tuple[str, ...]:
    """`from .site import build` names a module; `from .model import Entry` a name in one."""
    path = PACKAGE.joinpath(*name)
    return name if path.is_dir() or path.with_suffix(".py").is_file() else name[:-1]


def violations(package: Path) -> list[str]:
    """Every import that breaks the layers, as 'module:line: imports target'."""
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).with_suffix("")
        is_package = relative.name == "__init__"
        module = relative.parts[:-1] if is_package else relative.parts
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for line, target in imported(module, tree, is_package):
            here, there = layer(module), layer(target)
            shown = (
                f"{'.'.join(('generator', *module))}:{line}: imports "
                f"{'.'.join(('generator', *target))}"
            )
            if there not in MAY_IMPORT[here]:
                found.append(f"{shown} ({here} may not import {there})")
            elif target[:1] == ("cli",) and module[:1] not in (("__main__",), ("cli",)):
                found.append(f"{shown} (nothing imports the command line)")
            elif module == ("model",) and target:
                found.append(f"{shown} (the model imports nothing of ours)")
            elif {here, there} == {"serve", "publish"}:  # pragma: no cover - MAY_IMPORT says
                found.append(f"{shown} (serve and publish never import each other)")
    return found


def test_the_package_keeps_its_layers() -> None:
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    ("module", "planted", "message"),
    [
        (
            "site/plan.py",
            "from ..serve.server import Live\n",
            "generator.site.plan:{line}: imports generator.serve.server "
            "(site may not import serve)",
        ),
        (
            "journal/load.py",
            "from ..site import render\n",
            "generator.journal.load:{line}: imports generator.site.render "
            "(journal may not import site)",
        ),
        (
            "serve/session.py",
            "from ..publish.pack import pack\n",
            "generator.serve.session:{line}: imports generator.publish.pack "
            "(serve may not import publish)",
        ),
        (
            "publish/pack.py",
            "import generator.serve.watch\n",
            "generator.publish.pack:{line}: imports generator.serve.watch "
            "(publish may not import serve)",
        ),
        (
            "errors.py",
            "from .journal.schema import MAX_NESTING\n",
            "generator.errors:{line}: imports generator.journal.schema "
            "(core may not import journal)",
        ),
        (
            "site/build.py",
            "from .. import cli\n",
            "generator.site.build:{line}: imports generator.cli (site may not import cli)",
        ),
        (
            "model.py",
            "from .errors import PdpError\n",
            "generator.model:{line}: imports generator.errors (the model imports nothing of ours)",
        ),
    ],
)
def test_a_planted_import_across_the_layers_is_found(
    tmp_path: Path, module: str, planted: str, message: str
) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    lines = target.read_text("utf-8").split("\n")
    line = lines.index("from __future__ import annotations") + 2  # 1-based, the line after
    lines.insert(line - 1, planted.rstrip("\n"))
    target.write_text("\n".join(lines), "utf-8")
    assert violations(copy) == [message.format(line=line)]


def test_the_top_level_holds_the_wings_and_a_small_core() -> None:
    modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert modules == [
        "__init__.py",
        "__main__.py",
        "defaults.py",
        "errors.py",
        "model.py",
        "parallel.py",
        "progress.py",
        "store.py",
        "suggest.py",
    ]
    packages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    assert packages == ["cli", *sorted(WINGS)]


@pytest.mark.parametrize(
    "module",
    [
        "cli/commands.py",
        "store.py",
        "journal/validate.py",
        "journal/check_cache.py",
        "site/render.py",
        "serve/session.py",
        "publish/pack.py",
    ],
)
def test_editing_any_module_of_any_wing_changes_the_code_digest(
    tmp_path: Path, module: str
) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = digest_of_code(copy)
    with (copy / module).open("a", encoding="utf-8") as source:
        source.write("# changed\n")
    assert before is not None and digest_of_code(copy) not in (before, None)


def test_moving_a_module_between_wings_changes_the_code_digest(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = digest_of_code(copy)
    (copy / "site" / "formats.py").rename(copy / "publish" / "formats.py")
    assert digest_of_code(copy) != before


def test_the_kept_checks_and_pages_follow_the_code_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    checks_before = check_cache.fingerprint("settings")
    pages_before = store.fingerprint()
    monkeypatch.setattr(store, "code_digest", lambda: b"other code")
    store.fingerprint.cache_clear()
    try:
        assert check_cache.fingerprint("settings") not in (checks_before, None)
        assert store.fingerprint() not in (pages_before, None)
    finally:
        store.fingerprint.cache_clear()


def test_the_process_reads_the_code_digest_of_its_own_package() -> None:
    assert code_digest() == digest_of_code(PACKAGE) is not None
