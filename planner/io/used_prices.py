"""The built-in used prices (catalog/used_prices.toml): a bad entry names file, line and
field."""

from __future__ import annotations

from pathlib import Path

from planner.core.errors import CatalogError, Location, RecordError
from planner.core.records import parse_record
from planner.core.used_price import UsedPrice
from planner.io import paths
from planner.io.tomlfile import TomlLines, read_toml

FILE = "used_prices.toml"


def load_used_prices(path: Path | None = None) -> list[UsedPrice]:
    path = path or paths.catalog_dir() / FILE
    document, text = read_toml(path, CatalogError)
    entries = document.get("used", [])
    if not isinstance(entries, list):
        raise CatalogError("must be an array of tables, written [[used]]", Location(str(path)))
    lines = TomlLines(text)
    found = []
    for index, table in enumerate(entries):
        try:
            found.append(parse_record(UsedPrice, table))
        except RecordError as error:
            field = error.location.field
            raise CatalogError(
                error.message,
                Location(
                    file=str(path),
                    line=(lines.key(field, "used", index) if field else None)
                    or lines.array_entry("used", index),
                    field=f"used[{index}].{field}" if field else f"used[{index}]",
                ),
            ) from None
    return found
