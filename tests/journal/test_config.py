"""Each file in fixtures/config/ is read as a configuration; its .out file holds the problems."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.config import parse_config
from generator.journal.problems import problems_text
from generator.model import Activity

FIXTURES = Path(__file__).parent / "fixtures"


CASES = sorted((FIXTURES / "config").glob("*.toml"))
CATALOGUE = parse_catalogue(shipped_catalogue_text())


def check_case(case: Path) -> str:
    table = ("tool", "pdp") if case.stem.startswith("pyproject") else ()
    _, problems = parse_config("pdp.toml", case.read_text("utf-8"), table, CATALOGUE)
    return problems_text(problems, str)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_config_case(case: Path) -> None:
    assert check_case(case) == case.with_suffix(".out").read_text("utf-8")


def test_defaults_follow_the_guidance() -> None:
    config, problems = parse_config("pdp.toml", 'name = "A"\n', (), CATALOGUE)
    assert problems == []
    assert config is not None
    assert config.year_start_month == 4
    assert config.target == 30
    assert dict(config.guide) == {"on-the-job": 70, "relationships": 20, "formal": 10}
    assert config.points_policy == "catalogue"


def test_activities_extend_and_override_the_catalogue() -> None:
    text = (FIXTURES / "config" / "activities.toml").read_text("utf-8")
    config, _ = parse_config("pdp.toml", text, (), CATALOGUE)
    assert config is not None
    assert config.activities["press-rota"] == Activity(
        "press-rota", "A week on the press office rota", "on-the-job", Decimal(5)
    )
    assert config.activities["podcast"] == Activity(
        "podcast", "Listening to a relevant podcast", "formal", Decimal(3)
    )
