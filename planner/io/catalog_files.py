"""Loading the built-in catalog and the user's parts from TOML files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from planner.core.catalog import (
    Catalog,
    PartOrigin,
    RetiredPart,
    kind_from_table_name,
    parse_part,
)
from planner.core.errors import CatalogError, InputError, Location, RecordError
from planner.core.parts import Part, PartKind
from planner.core.records import parse_record, record_keys, record_to_table
from planner.io import parts_cache, paths
from planner.io.tomlfile import TomlLines, read_toml


@dataclass(frozen=True)
class CatalogLoad:
    """A catalog and the problems met while loading the user's part files."""

    catalog: Catalog
    problems: tuple[InputError, ...] = ()


def read_part_file(path: Path) -> tuple[list[tuple[Part, PartOrigin]], list[InputError]]:
    """Every part in one TOML file; bad entries come back as located errors. A file read
    before and unchanged since comes from the parts cache."""
    kept = parts_cache.load(path)
    if kept is not None:
        return kept
    result = _parse_part_file(path)
    parts_cache.store(path, result)
    return result


def _parse_part_file(path: Path) -> tuple[list[tuple[Part, PartOrigin]], list[InputError]]:
    document, text = read_toml(path, CatalogError)
    lines = TomlLines(text)
    parts: list[tuple[Part, PartOrigin]] = []
    problems: list[InputError] = []
    for table_name, entries in document.items():
        kind = kind_from_table_name(table_name)
        if kind is None:
            known = ", ".join(f"[[{item.value}]]" for item in PartKind)
            problems.append(
                CatalogError(
                    f"unknown part kind '{table_name}' (use {known})",
                    Location(
                        file=str(path),
                        line=lines.key(table_name) or lines.array_entry(table_name, 0),
                    ),
                )
            )
            continue
        if not isinstance(entries, list):
            problems.append(
                CatalogError(
                    f"'{table_name}' must be an array of tables, written [[{table_name}]]",
                    Location(file=str(path), line=lines.key(table_name)),
                )
            )
            continue
        for index, table in enumerate(entries):
            try:
                part = parse_part(kind, table)
            except RecordError as error:
                line = (
                    lines.key(error.location.field, kind.value, index)
                    if error.location.field
                    else None
                )
                problems.append(
                    CatalogError(
                        error.message,
                        Location(
                            file=str(path),
                            line=line or lines.array_entry(kind.value, index),
                            record=error.location.record,
                            field=error.location.field,
                        ),
                    )
                )
                continue
            origin = PartOrigin(str(path), lines.array_entry(kind.value, index))
            parts.append((part, origin))
    return parts, problems


def _duplicate_error(part: Part, origin: PartOrigin, earlier: PartOrigin) -> InputError:
    where = earlier.file + (f":{earlier.line}" if earlier.line else "")
    return CatalogError(
        f"id '{part.id}' is already used at {where}; ids are unique across kinds",
        Location(
            file=origin.file,
            line=origin.line,
            record=f"{part.kind.value} '{part.id}'",
            field="id",
        ),
    )


def load_builtin_catalog(directory: Path | None = None) -> Catalog:
    """The shipped catalog. Any problem in it is a defect, so it raises."""
    directory = directory or paths.catalog_dir()
    return _load_builtin_cached(directory.resolve())


@cache
def _load_builtin_cached(directory: Path) -> Catalog:
    files = [directory / f"{kind.value}.toml" for kind in PartKind]
    files = [path for path in files if path.is_file()]
    if not files:
        raise CatalogError("no catalog files found", Location(file=str(directory)))
    collected: dict[str, tuple[Part, PartOrigin]] = {}
    for path in files:
        parts, problems = read_part_file(path)
        if problems:
            raise problems[0]
        for part, origin in parts:
            if part.id in collected:
                raise _duplicate_error(part, origin, collected[part.id][1])
            collected[part.id] = (part, origin)
    retired = _read_retired(directory / "retired.toml")
    return Catalog(retired=retired).overlay(collected.values())


def _read_retired(path: Path) -> dict[str, RetiredPart]:
    """Parts that left the built-in catalog (a shipped file: a problem in it raises)."""
    if not path.is_file():
        return {}
    document, text = read_toml(path, CatalogError)
    lines = TomlLines(text)
    retired: dict[str, RetiredPart] = {}
    for index, table in enumerate(document.get("retired", [])):
        try:
            part = parse_record(RetiredPart, table)
        except RecordError as error:
            line = lines.array_entry("retired", index)
            where = Location(file=str(path), line=line, field=error.location.field)
            raise CatalogError(error.message, where) from None
        retired[part.id] = part
    return retired


def load_user_parts(directory: Path) -> tuple[list[tuple[Part, PartOrigin]], list[InputError]]:
    """The user's parts; a bad file or entry is reported and skipped, never fatal.

    A user part with the id of a built-in part replaces it; a second user part with an id
    already used by the user is reported and skipped.
    """
    if not directory.is_dir():
        return [], []
    collected: dict[str, tuple[Part, PartOrigin]] = {}
    problems: list[InputError] = []
    try:
        paths_found = sorted(path for path in directory.iterdir() if path.suffix == ".toml")
    except OSError as error:
        reason = error.strerror or str(error)
        return [], [
            CatalogError(f"cannot read your parts folder: {reason}", Location(str(directory)))
        ]
    for path in paths_found:
        try:
            parts, file_problems = read_part_file(path)
        except InputError as error:
            problems.append(error)
            continue
        problems.extend(file_problems)
        for part, origin in parts:
            earlier = collected.get(part.id)
            if earlier is not None:
                problems.append(_duplicate_error(part, origin, earlier[1]))
                continue
            collected[part.id] = (part, PartOrigin(origin.file, origin.line, user=True))
    return list(collected.values()), problems


def load_catalog(
    user_dir: Path | None = None, builtin_dir: Path | None = None, used: bool = False
) -> CatalogLoad:
    """The built-in catalog with the user's parts over it, at the user's own prices; with
    `used`, at used prices where they are lower than the list price (yours still first)."""
    from planner.core.used_price import with_used_prices
    from planner.core.user_price import with_user_prices
    from planner.io.used_prices import load_used_prices
    from planner.io.user_prices import load_user_prices

    builtin = load_builtin_catalog(builtin_dir)
    user_parts, problems = load_user_parts(user_dir or paths.user_catalog_dir())
    prices, price_problems = load_user_prices()
    catalog = builtin.overlay(user_parts)
    if used:
        catalog = with_used_prices(catalog, load_used_prices())
    catalog = with_user_prices(catalog, prices)
    return CatalogLoad(catalog, (*problems, *price_problems))


def part_table(part: Part) -> dict[str, Any]:
    """The part as a plain table, with its kind: what `catalog list --json` prints."""
    table: dict[str, Any] = {"id": part.id, "kind": part.kind.value}
    table.update(record_to_table(part))
    # Every field of the kind, null where the part has no value (an SXM module's slot width).
    for key in record_keys(type(part)):
        table.setdefault(key, None)
    table["price_usd"] = part.price_usd
    table["price_date"] = part.price_date.isoformat() if part.price_date else None
    return table
