"""The parts catalog: typed parts by id, built from tables with located errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.core.errors import Location, RecordError
from planner.core.parts import PART_CLASSES, Part, PartKind
from planner.core.records import parse_record, spec


@dataclass(frozen=True)
class PartOrigin:
    """Where a part was defined: a file and the line of its table."""

    file: str
    line: int | None = None
    user: bool = False


@dataclass(frozen=True, kw_only=True)
class RetiredPart:
    """A part that left the built-in catalog, kept so a saved build that names it can say
    what it was and why it went (catalog/retired.toml)."""

    id: str = spec()
    kind: str = spec(choices=tuple(kind.value for kind in PartKind))
    name: str = spec()
    retired: dt.date = spec()  # the day it left
    reason: str = spec()

    @property
    def why(self) -> str:
        return f"left the built-in catalog on {self.retired.isoformat()}: {self.reason}"

    @property
    def fix(self) -> str:
        return (
            "add it as your own part with the price you were quoted (Edit → Add Custom Part…), "
            f"or choose another {self.kind} from the catalog"
        )


@dataclass(frozen=True)
class Catalog:
    """Parts by id, in catalog order. Immutable: overlays make new catalogs."""

    parts: Mapping[str, Part] = field(default_factory=dict)
    origins: Mapping[str, PartOrigin] = field(default_factory=dict)
    retired: Mapping[str, RetiredPart] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.parts)

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts.values())

    def __contains__(self, part_id: object) -> bool:
        return part_id in self.parts

    def get(self, part_id: str) -> Part | None:
        return self.parts.get(part_id)

    def of_kind(self, kind: PartKind) -> tuple[Part, ...]:
        return tuple(part for part in self.parts.values() if part.KIND is kind)

    def with_changed(self, changed: Mapping[str, Part]) -> Catalog:
        """This catalog with some parts' values changed (a price), each where it was."""
        return Catalog({**self.parts, **changed}, self.origins, self.retired)

    def overlay(self, parts: Iterable[tuple[Part, PartOrigin]]) -> Catalog:
        """A catalog where `parts` add to or replace (same id) the parts of this one."""
        merged = dict(self.parts)
        origins = dict(self.origins)
        for part, origin in parts:
            merged[part.id] = part
            origins[part.id] = origin
        return Catalog(merged, origins, self.retired)


def parse_part(kind: PartKind, table: Mapping[str, Any]) -> Part:
    """One part from its table; RecordError names the id and the field when it is bad."""
    part_id = table.get("id") if isinstance(table, Mapping) else None
    record = f"{kind.value} '{part_id}'" if isinstance(part_id, str) else f"{kind.value} entry"
    try:
        return parse_record(PART_CLASSES[kind], table)
    except RecordError as error:
        raise RecordError(
            error.message, Location(record=record, field=error.location.field)
        ) from None


def kind_from_table_name(name: str) -> PartKind | None:
    try:
        return PartKind(name)
    except ValueError:
        return None
