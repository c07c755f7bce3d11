"""Loading the workload catalog (catalog/workloads.toml) with located errors."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from planner.core.errors import CatalogError, InputError, Location, RecordError
from planner.core.records import parse_record, record_to_table
from planner.core.workloads import Workload
from planner.io import paths
from planner.io.tomlfile import TomlLines, read_toml

WORKLOADS_FILE = "workloads.toml"


def load_workloads(path: Path | None = None) -> dict[str, Workload]:
    """The built-in workloads by id. A problem in the shipped file is a defect: it raises."""
    return dict(_load(path or paths.catalog_dir() / WORKLOADS_FILE))


def load_all_workloads() -> tuple[dict[str, Workload], list[InputError]]:
    """The built-in workloads with the user's imported models over them, and the problems
    met reading the user's files (those are skipped)."""
    from planner.io.user_workloads import load_user_workloads

    workloads = load_workloads()
    imported, problems = load_user_workloads()
    workloads.update(imported)
    return workloads, problems


@cache
def _load(path: Path) -> tuple[tuple[str, Workload], ...]:
    document, text = read_toml(path, CatalogError)
    lines = TomlLines(text)
    entries = document.get("workload", [])
    if not isinstance(entries, list):
        raise CatalogError(
            "must be an array of tables, written [[workload]]", Location(file=str(path))
        )
    workloads: dict[str, Workload] = {}
    for index, table in enumerate(entries):
        try:
            workload = parse_record(Workload, table)
        except RecordError as error:
            field = error.location.field
            line = lines.key(field, "workload", index) if field else None
            workload_id = table.get("id") if isinstance(table, dict) else None
            raise CatalogError(
                error.message,
                Location(
                    file=str(path),
                    line=line or lines.array_entry("workload", index),
                    record=f"workload '{workload_id}'",
                    field=field,
                ),
            ) from None
        if workload.id in workloads:
            raise CatalogError(
                f"workload id '{workload.id}' repeats",
                Location(file=str(path), line=lines.array_entry("workload", index), field="id"),
            )
        workloads[workload.id] = workload
    return tuple(workloads.items())


def workload_table(workload: Workload) -> dict[str, Any]:
    """A workload as `catalog workloads --json` prints it."""
    from planner.core.networks.common import total_params
    from planner.core.workloads import build_network

    table = record_to_table(workload)
    table["family"] = workload.family
    table["params"] = total_params(build_network(workload.architecture).parameters())
    return table
