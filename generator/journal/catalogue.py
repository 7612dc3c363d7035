"""The activity catalogue: the shipped list of example activities, parsed from its data file."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources

from ..model import Activity


def shipped_catalogue_text() -> str:
    """The catalogue data file shipped inside the package."""
    return resources.files("generator").joinpath("data/catalogue.toml").read_text("utf-8")


def parse_catalogue(text: str) -> dict[str, Activity]:
    """Activities by id, in the order the data file lists them."""
    data = tomllib.loads(text)
    return {
        item["id"]: Activity(
            item["id"], item["name"], item["category"], Decimal(str(item["points"]))
        )
        for item in data["activity"]
    }
