"""Edits of a build as pure functions: each returns a new Build and leaves the old one."""

from __future__ import annotations

from dataclasses import replace

from planner.core.build import Build, PartChoice, Settings, WorkloadChoice
from planner.core.catalog import Catalog
from planner.core.parts import PartKind

# Kinds a build holds one of: picking another replaces it.
SINGLE_KINDS = (PartKind.CPU, PartKind.MOTHERBOARD, PartKind.PSU, PartKind.CASE, PartKind.COOLER)


def add_part(build: Build, catalog: Catalog, part_id: str, count: int = 1) -> Build:
    """Add a part: one more of it if present; a CPU, board, PSU, case or cooler replaces
    the one the build has."""
    part = catalog.get(part_id)
    parts = list(build.parts)
    for index, choice in enumerate(parts):
        if choice.id == part_id:
            parts[index] = replace(choice, count=choice.count + count)
            return replace(build, parts=tuple(parts))
    if part is not None and part.kind in SINGLE_KINDS:
        for index, choice in enumerate(parts):
            other = catalog.get(choice.id)
            if other is not None and other.kind is part.kind:
                parts[index] = PartChoice(id=part_id, count=count)
                return replace(build, parts=tuple(parts))
    parts.append(PartChoice(id=part_id, count=count))
    return replace(build, parts=tuple(_in_kind_order(parts, catalog)))


def _in_kind_order(parts: list[PartChoice], catalog: Catalog) -> list[PartChoice]:
    order = {kind: index for index, kind in enumerate(PartKind)}

    def key(choice: PartChoice) -> int:
        part = catalog.get(choice.id)
        return order[part.kind] if part is not None else len(order)

    return sorted(parts, key=key)


def set_count(build: Build, part_id: str, count: int) -> Build:
    if count <= 0:
        return remove_part(build, part_id)
    return replace(
        build,
        parts=tuple(replace(c, count=count) if c.id == part_id else c for c in build.parts),
    )


def remove_part(build: Build, part_id: str) -> Build:
    return replace(build, parts=tuple(c for c in build.parts if c.id != part_id))


def set_power_limit(build: Build, part_id: str, watts: int | None) -> Build:
    return replace(
        build,
        parts=tuple(replace(c, power_limit_w=watts) if c.id == part_id else c for c in build.parts),
    )


def add_workload(build: Build, choice: WorkloadChoice) -> Build:
    return replace(build, workloads=(*build.workloads, choice))


def update_workload(build: Build, index: int, choice: WorkloadChoice) -> Build:
    workloads = list(build.workloads)
    workloads[index] = choice
    return replace(build, workloads=tuple(workloads))


def remove_workload(build: Build, index: int) -> Build:
    return replace(build, workloads=tuple(w for i, w in enumerate(build.workloads) if i != index))


def set_settings(build: Build, settings: Settings) -> Build:
    return replace(build, settings=settings)


def rename(build: Build, name: str) -> Build:
    return replace(build, name=name)
