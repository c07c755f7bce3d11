"""Arrays of tables in a data file, each read into a record: a bad entry is an error naming
the file, the line and the field (`price[3].usd_per_gpu_hour`)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from planner.core.errors import CatalogError, Location, RecordError
from planner.core.records import parse_record
from planner.io.tomlfile import TomlLines, read_toml

T = TypeVar("T")


def read_record_tables(path: Path, table: str, cls: type[T]) -> list[T]:
    """Every `[[table]]` entry of the file at `path` as a `cls` record."""
    document, text = read_toml(path, CatalogError)
    entries = document.get(table, [])
    if not isinstance(entries, list):
        raise CatalogError(
            f"must be an array of tables, written [[{table}]]", Location(file=str(path))
        )
    lines = TomlLines(text)
    found = []
    for index, entry in enumerate(entries):
        try:
            found.append(parse_record(cls, entry))
        except RecordError as error:
            field = error.location.field
            raise CatalogError(
                error.message,
                Location(
                    file=str(path),
                    line=(lines.key(field, table, index) if field else None)
                    or lines.array_entry(table, index),
                    field=f"{table}[{index}].{field}" if field else f"{table}[{index}]",
                ),
            ) from None
    return found
