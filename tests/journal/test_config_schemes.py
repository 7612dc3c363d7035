"""The schemes a configuration declares, and those an entry names: each mistake is reported by
`pdp check` with the file, line, field and a hint. Each file in fixtures/schemes/config/ is a
project's configuration; its .out file holds what `pdp check` says."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.config import parse_config
from generator.model import Scheme

from ..conftest import TODAY
from ..helpers import run_pdp

FIXTURES = Path(__file__).parent / "fixtures" / "schemes"
CASES = sorted((FIXTURES / "config").glob("*.toml"))
WEBINAR = "journal/entries/2025-26/2025-05-01-webinar.md"
CIPR = '\n[schemes.cipr]\nname = "CIPR CPD (example)"\ntarget = 60\n'


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    code, out, _ = run_pdp("check", "--no-cache")
    return code, out


def with_config(root: Path, case: Path) -> Path:
    """The project with the case as its configuration: pdp.toml, or pyproject.toml's table."""
    if case.stem.startswith("pyproject"):
        (root / "pdp.toml").unlink()
        (root / "pyproject.toml").write_text(case.read_text("utf-8"), "utf-8")
    else:
        (root / "pdp.toml").write_text(case.read_text("utf-8"), "utf-8")
    return root


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_configuration_case(
    case: Path, project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = check(with_config(project("small"), case), monkeypatch)
    expected = case.with_suffix(".out").read_text("utf-8")
    assert out == expected
    assert code == (0 if expected.endswith(": no problems\n") else 1)


def test_a_declared_scheme_is_read_with_its_rules() -> None:
    catalogue = parse_catalogue(shipped_catalogue_text())
    text = (FIXTURES / "config" / "valid.toml").read_text("utf-8")
    config, problems = parse_config("pdp.toml", text, (), catalogue)
    assert problems == []
    assert config is not None
    assert config.primary == "cipr"
    assert dict(config.schemes) == {
        "cipr": Scheme(
            "cipr",
            "CIPR CPD (example)",
            year_start_month=9,
            target=Decimal(60),
            unit="hours",
            use_catalogue=False,
            per_hour=Decimal("1.5"),
            values={"press-rota": Decimal(4), "other": Decimal(1)},
            caps={"formal": Decimal(20), "press-rota": Decimal(8)},
            include="listed",
        )
    }


def test_a_scheme_declares_only_its_name_and_target() -> None:
    catalogue = parse_catalogue(shipped_catalogue_text())
    config, problems = parse_config("pdp.toml", 'name = "Sam"' + CIPR, (), catalogue)
    assert problems == []
    assert config is not None
    assert config.primary == "gcs"
    assert dict(config.schemes) == {
        "cipr": Scheme(
            "cipr",
            "CIPR CPD (example)",
            year_start_month=4,
            target=Decimal(60),
            unit="points",
            use_catalogue=True,
            per_hour=Decimal(1),
            values={},
            caps={},
            include="all",
        )
    }


# -- entries naming schemes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "declared", "expected"),
    [
        (
            "schemes: [gcs, cirp]",
            CIPR,
            f"{WEBINAR}:6:16: error[V016] schemes: unknown scheme 'cirp'\n"
            "    hint: did you mean 'cipr'?\n",
        ),
        (
            "schemes:\n  - cipr\n  - GCS",
            CIPR,
            f"{WEBINAR}:8:5: error[V016] schemes: unknown scheme 'GCS'\n"
            "    hint: did you mean 'gcs'?\n",
        ),
        (
            "schemes: [cipr]",
            "",
            f"{WEBINAR}:6:11: error[V016] schemes: unknown scheme 'cipr'\n"
            "    hint: the schemes are: gcs; declare others in the configuration under "
            "[schemes.ID]\n",
        ),
        (
            "schemes: [hmrc, gcs]",
            CIPR,
            f"{WEBINAR}:6:11: error[V016] schemes: unknown scheme 'hmrc'\n"
            "    hint: the schemes are: gcs, cipr; declare others in the configuration under "
            "[schemes.ID]\n",
        ),
    ],
    ids=["did-you-mean", "block-list", "undeclared", "none-near"],
)
def test_an_entry_naming_an_unknown_scheme_is_an_error_where_it_is_named(
    written: str,
    declared: str,
    expected: str,
    project: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = project("small")
    with (root / "pdp.toml").open("a", encoding="utf-8") as config:
        config.write(declared)
    entry = root / WEBINAR
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("hours: 1\n", f"hours: 1\n{written}\n", 1), "utf-8")
    code, out = check(root, monkeypatch)
    assert code == 1
    assert out == expected + "6 files checked: 1 error, 0 warnings\n"


def test_an_entry_naming_known_schemes_checks(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    with (root / "pdp.toml").open("a", encoding="utf-8") as config:
        config.write(CIPR)
    entry = root / WEBINAR
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("hours: 1\n", "hours: 1\nschemes: [cipr, gcs]\n", 1), "utf-8")
    assert check(root, monkeypatch) == (0, "6 files checked: no problems\n")


def test_a_broken_configuration_does_not_make_the_schemes_entries_name_unknown(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    with (root / "pdp.toml").open("a", encoding="utf-8") as config:
        config.write(CIPR + "unti = 3\n")  # line 7
    entry = root / WEBINAR
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("hours: 1\n", "hours: 1\nschemes: [cipr]\n", 1), "utf-8")
    assert check(root, monkeypatch) == (
        1,
        "pdp.toml:7:1: error[C001] schemes.cipr.unti: unknown scheme key 'unti'\n"
        "    hint: did you mean 'unit'?\n"
        "6 files checked: 1 error, 0 warnings\n",
    )
