"""The activity catalogue: the shipped list of example activities, parsed from its data file."""

from __future__ import annotations

import pkgutil
import tomllib
from decimal import Decimal

from ..model import Activity


def shipped_data(name: str) -> str:
    """A data file shipped inside the package (`data/<name>.toml`), read by the package's
    loader (from a folder or a zip file): `importlib.resources` takes 7 ms to import."""
    data = pkgutil.get_data("generator", f"data/{name}.toml")
    if data is None:  # a loader that cannot read data files
        raise FileNotFoundError(f"data/{name}.toml")
    return data.decode("utf-8")


def shipped_catalogue_text() -> str:
    """The catalogue data file shipped inside the package."""
    return shipped_data("catalogue")


def parse_catalogue(text: str) -> dict[str, Activity]:
    """Activities by id, in the order the data file lists them."""
    data = tomllib.loads(text)
    return {
        item["id"]: Activity(
            item["id"], item["name"], item["category"], Decimal(str(item["points"]))
        )
        for item in data["activity"]
    }
