"""The user's own parts file: parts added through the form are written to
`custom-parts.toml` in the user's parts folder; saving a part whose id is already there
replaces that entry (whatever its kind), keeping the rest of the file as it was."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit

from planner.core.catalog import Catalog
from planner.core.parts import PartKind
from planner.io import paths
from planner.io.atomic import write_atomic

CUSTOM_FILE = "custom-parts.toml"


def custom_parts_path(directory: Path | None = None) -> Path:
    return (directory or paths.user_catalog_dir()) / CUSTOM_FILE


def save_custom_part(
    kind: PartKind, table: Mapping[str, Any], directory: Path | None = None
) -> Path:
    """Write the part to the custom parts file atomically, replacing one with its id."""
    path = custom_parts_path(directory)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    document = tomlkit.parse(text)
    part_id = table.get("id")
    for entries in document.values():
        if isinstance(entries, list):
            kept = [entry for entry in entries if not _has_id(entry, part_id)]
            if len(kept) != len(entries):
                entries.clear()
                entries.extend(kept)
    for key in [key for key, value in document.items() if isinstance(value, list) and not value]:
        del document[key]
    entries = document.get(kind.value)
    if entries is None:
        entries = tomlkit.aot()
        document[kind.value] = entries
    entries.append(dict(table))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"))
    return path


def _has_id(entry: Any, part_id: object) -> bool:
    return isinstance(entry, Mapping) and entry.get("id") == part_id


def id_conflict(part_id: str, catalog: Catalog, directory: Path | None = None) -> str | None:
    """Why saving a part with `part_id` needs the user's say: the built-in or own part it
    would replace; None when the id is free."""
    part = catalog.get(part_id)
    if part is None:
        return None
    origin = catalog.origins.get(part_id)
    custom = custom_parts_path(directory)
    if origin is not None and origin.user:
        if Path(origin.file) == custom:
            return f"your part “{part.display_name}” has this id: saving replaces it"
        where = f"{origin.file}:{origin.line}" if origin.line else origin.file
        return f"your part “{part.display_name}” in {where} has this id"
    return f"the built-in part “{part.display_name}” has this id: saving puts yours in its place"


def blocks_saving(part_id: str, catalog: Catalog, directory: Path | None = None) -> bool:
    """An id used by a part in another of the user's files cannot be taken over here."""
    origin = catalog.origins.get(part_id)
    return bool(origin and origin.user and Path(origin.file) != custom_parts_path(directory))
