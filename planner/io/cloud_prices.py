"""Cloud GPU prices: the built-in table (catalog/cloud_prices.toml) and the user's own
quotes (cloud-prices.toml in the data folder), which come first. A bad entry in the user's
file is an error naming file, line and field; the built-in file must be clean."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from planner.core.errors import InputError
from planner.core.rent import CloudPrice
from planner.io import paths
from planner.io.record_tables import read_record_tables

FILE = "cloud_prices.toml"
USER_FILE = "cloud-prices.toml"


def load_cloud_prices(path: Path | None = None) -> list[CloudPrice]:
    return _load(path or paths.catalog_dir() / FILE, yours=False)


def load_all_cloud_prices() -> tuple[list[CloudPrice], list[InputError]]:
    """The user's prices and the built-in ones; a broken user file is reported, not used."""
    prices = load_cloud_prices()
    user = paths.user_data_dir() / USER_FILE
    if not user.exists():
        return prices, []
    try:
        return _load(user, yours=True) + prices, []
    except InputError as error:
        return prices, [error]


def _load(path: Path, yours: bool) -> list[CloudPrice]:
    prices = read_record_tables(path, "price", CloudPrice)
    return [dataclasses.replace(price, yours=yours) for price in prices]
