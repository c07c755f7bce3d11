"""Parsed part files kept between runs, so a large catalog is parsed once, not at every
start. An entry is used only while its file has the same size and modification time and
the planner the same version; anything unreadable in the cache is ignored and rebuilt.
The TOML files stay the truth: the cache only skips re-parsing them.

The cache is JSON — data only, never code: each part is kept as its table and validated
again on load like any part file, so a file planted in the cache folder can at worst be
ignored or describe a part, never run anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner import __version__
from planner.core.catalog import PartOrigin, parse_part
from planner.core.errors import CatalogError, InputError, Location, RecordError
from planner.core.part_base import Part, PartKind
from planner.core.records import record_to_table
from planner.io import paths
from planner.io.atomic import write_atomic

CACHE_FORMAT = 3  # 3: JSON instead of pickle
# A cache entry larger than this is not read (the part files themselves are capped too).
MAX_ENTRY_BYTES = 256 * 2**20

Parsed = tuple[list[tuple[Part, PartOrigin]], list[InputError]]


def _entry(path: Path) -> Path:
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
    return paths.cache_dir() / f"parts-{digest}.json"


def _stamp(path: Path) -> list[object] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [CACHE_FORMAT, __version__, str(path.resolve()), stat.st_size, stat.st_mtime_ns]


def load(path: Path) -> Parsed | None:
    """What `store` kept for `path`, or None when the file changed or nothing was kept."""
    stamp = _stamp(path)
    if stamp is None:
        return None
    try:
        entry = _entry(path)
        if entry.stat().st_size > MAX_ENTRY_BYTES:
            return None
        kept = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(kept, dict) or kept.get("stamp") != stamp:
            return None
        return _decode(kept)
    except (OSError, ValueError, TypeError, KeyError, RecordError, RecursionError):
        return None  # missing, truncated, planted or from another version: parse again


def store(path: Path, value: Parsed) -> None:
    stamp = _stamp(path)
    if stamp is None:
        return
    try:
        entry = _entry(path)
        entry.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"stamp": stamp, **_encode(value)}, default=_plain)
        write_atomic(entry, text.encode("utf-8"))
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()  # parse_record reads ISO dates back
    raise TypeError(f"not JSON: {type(value).__name__}")


def _encode(value: Parsed) -> dict[str, Any]:
    parts, problems = value
    return {
        "parts": [
            [part.kind.value, record_to_table(part), [origin.file, origin.line, origin.user]]
            for part, origin in parts
        ],
        "problems": [[problem.message, [*_location(problem.location)]] for problem in problems],
    }


def _location(location: Location) -> tuple[str, int | None, str, str]:
    return (location.file, location.line, location.record, location.field)


def _decode(kept: Mapping[str, Any]) -> Parsed:
    parts = []
    for kind, table, (file, line, user) in kept["parts"]:
        origin = PartOrigin(str(file), None if line is None else int(line), bool(user))
        parts.append((parse_part(PartKind(kind), table), origin))
    problems: list[InputError] = []
    for message, (file, line, record, field) in kept["problems"]:
        where = Location(str(file), None if line is None else int(line), str(record), str(field))
        problems.append(CatalogError(str(message), where))
    return parts, problems
