"""The user's imported models: `planner workloads import FILE` (and Workloads → Import
Model… in the app) turns a config.json or .gguf file into a workload saved as one TOML file
in the user's workloads folder, next to their parts; every start loads them beside the
built-in ones. A broken file there is reported and skipped, never fatal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from planner.core.errors import CatalogError, InputError, Location, RecordError
from planner.core.networks.common import total_params
from planner.core.records import parse_record
from planner.core.workloads import (
    FINETUNE_EPOCHS,
    FINETUNE_SAMPLES,
    Workload,
    build_network,
    parse_architecture,
)
from planner.io import paths
from planner.io.atomic import write_atomic
from planner.io.model_files import ImportedModel, read_model_file
from planner.io.tomlfile import read_toml

# Alpaca, as the catalog's language models fine-tune by default (catalog/workloads.toml).
ALPACA_TOKENS = 92.4


@dataclass(frozen=True)
class Imported:
    workload: Workload
    path: Path  # the workload file written
    params: int
    active: int
    file_params: int | None  # what a GGUF file's tensors hold, to compare
    model: ImportedModel


def import_model(
    source: Path, name: str | None = None, taken: set[str] | None = None, folder: Path | None = None
) -> Imported:
    """Read `source`, check the network it describes, and save it as a user workload."""
    model = read_model_file(source)
    try:
        architecture = parse_architecture(model.architecture)
    except RecordError as error:
        raise CatalogError(
            f"describes a network the planner cannot size: {error.message}",
            Location(file=str(source), field=error.location.field),
        ) from None
    network = build_network(architecture)
    params = total_params(network.parameters())
    active = getattr(network, "active_params", lambda: params)()
    shown = (name or model.name).strip() or source.stem
    folder = folder or paths.user_workloads_dir()
    workload_id = _free_id(_slug(shown), (taken or set()) | _ids_in(folder))
    table = _workload_table(workload_id, shown, model, params)
    workload = parse_record(Workload, table)
    path = folder / f"{workload_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, tomli_w.dumps({"workload": [table]}).encode("utf-8"))
    return Imported(workload, path, params, active, model.file_params, model)


def _workload_table(
    workload_id: str, name: str, model: ImportedModel, params: int
) -> dict[str, Any]:
    notes = f"Imported from {model.source}."
    if model.quantization:
        gib = (model.weights_bytes or 0) / 2**30
        notes += f" The file's weights: {model.quantization}, {gib:,.1f} GiB."
    return {
        "id": workload_id,
        "name": name,
        "params_published": params,
        "source": [model.source],
        "default_batch": 4,
        "dataset": "Stanford Alpaca (52,002 instruction examples)",
        "dataset_samples": FINETUNE_SAMPLES,
        "dataset_tokens_per_sample": ALPACA_TOKENS,
        "epochs": FINETUNE_EPOCHS,
        "task": "finetune",
        "notes": notes,
        "architecture": model.architecture,
    }


def load_user_workloads(folder: Path | None = None) -> tuple[dict[str, Workload], list[InputError]]:
    folder = folder or paths.user_workloads_dir()
    found: dict[str, Workload] = {}
    problems: list[InputError] = []
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.glob("*.toml")):
        try:
            document, _text = read_toml(path, CatalogError)
            for table in document.get("workload", []):
                workload = parse_record(Workload, table)
                parse_architecture(table.get("architecture", {}))  # unknown keys: errors
                found[workload.id] = workload
        except RecordError as error:
            problems.append(
                CatalogError(error.message, Location(file=str(path), field=error.location.field))
            )
        except InputError as error:
            problems.append(error)
    return found, problems


def _ids_in(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("*.toml")} if folder.is_dir() else set()


def _slug(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return cleaned[:60].strip("-") or "imported-model"


def _free_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
