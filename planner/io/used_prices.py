"""The built-in used prices (catalog/used_prices.toml): a bad entry names file, line and
field."""

from __future__ import annotations

from pathlib import Path

from planner.core.used_price import UsedPrice
from planner.io import paths
from planner.io.record_tables import read_record_tables

FILE = "used_prices.toml"


def load_used_prices(path: Path | None = None) -> list[UsedPrice]:
    return read_record_tables(path or paths.catalog_dir() / FILE, "used", UsedPrice)
