"""Probe the finished rig: the script `planner probe` writes for a profile's workloads
(planner/core/probe_script.py), with the planner's one-GPU prediction for each, and the
comparison of a probe's results with the predictions, kept on the profile if wanted."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.core.build import Build
from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.catalog import Catalog
from planner.core.errors import InputError, Location
from planner.core.estimate import RunOptions, estimate
from planner.core.parts import Gpu
from planner.core.performance import ComputeSpec
from planner.core.probe_links import planned_links
from planner.core.probe_script import TEMPLATE
from planner.core.workload_estimates import network_for, resolve_workload, setup_for
from planner.core.workloads import Workload

PROBED_FAMILIES = ("decoder", "encoder", "vit", "resnet")


@dataclass(frozen=True)
class ProbePlan:
    script: str
    probed: tuple[str, ...]  # workload names
    skipped: tuple[str, ...]  # "name: why"


def probe_plan(build: Build, catalog: Catalog, workloads: Mapping[str, Workload]) -> ProbePlan:
    gpu = next((p for p in (catalog.get(c.id) for c in build.parts) if isinstance(p, Gpu)), None)
    if gpu is None:
        raise InputError("the build has no GPU to predict for", Location(field="parts"))
    entries, probed, skipped = [], [], []
    for choice in build.workloads:
        workload = resolve_workload(choice, workloads)
        why = _why_not(choice.serves, workload)
        if why:
            skipped.append(f"{workload.name}: {why}")
            continue
        one = dataclasses.replace(choice, sharding="none", expert_parallel=False)
        setup = setup_for(one, workload, 1)
        result = estimate(
            workload,
            network_for(workload),
            setup,
            ComputeSpec.of(gpu),
            CONSTANTS,
            SPEED_RANGES,
            None,
            run_options=RunOptions.of(one),
        )
        memory = result.memory
        entries.append(
            {
                "id": workload.id,
                "name": workload.name,
                "architecture": _plain(dataclasses.asdict(workload.architecture)),
                "mode": setup.mode,
                "precision": setup.precision,
                "batch_size": setup.batch_size,
                "seq_len": setup.seq_len,
                "optimizer": setup.optimizer,
                "activation_checkpointing": setup.activation_checkpointing,
                "lora_rank": setup.lora_rank,
                "lora_targets": setup.lora_targets,
                "master_weights": setup.master_weights,
                "predicted": {
                    "gpu": gpu.display_name,
                    "samples_per_s": result.samples_per_s,
                    "low": result.low,
                    "high": result.high,
                    "memory_bytes": memory.total,
                    "allocated_bytes": memory.total - memory.overhead.bytes,
                    "fits": memory.fits,
                },
            }
        )
        probed.append(workload.name)
    links = planned_links(build, catalog)
    document = json.dumps(
        {"build": build.name, "workloads": entries, "links": links}, indent=1, default=str
    )
    name = re.sub(r'["\\\n\r]', "", build.name)
    script = TEMPLATE.replace("__NAME__", name).replace("__PROFILE__", document)
    return ProbePlan(script, tuple(probed), tuple(skipped))


def _why_not(serves: bool, workload: Workload) -> str:
    architecture = workload.architecture
    if serves:
        return "served, not trained (the probe measures training)"
    if architecture.family not in PROBED_FAMILIES:
        return f"a {architecture.family} network (the probe builds {', '.join(PROBED_FAMILIES)})"
    if architecture.experts:
        return "a mixture of experts (not built by the probe)"
    return ""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class ProbeRow:
    workload_id: str
    name: str
    predicted_samples_per_s: float
    measured_samples_per_s: float | None
    predicted_allocated_bytes: float
    measured_peak_bytes: float | None
    notes: tuple[str, ...]
    tiny: bool = False  # the script's --tiny networks: not a measurement of the real ones

    @property
    def ratio(self) -> float | None:
        measured = self.measured_samples_per_s
        return measured / self.predicted_samples_per_s if measured else None


def read_results(document: object, source: str) -> tuple[str, list[ProbeRow]]:
    """A probe's JSON, checked: the device and one row per workload (errors name the field)."""

    def fail(message: str, field: str) -> InputError:
        return InputError(message, Location(file=source, field=field))

    if not isinstance(document, dict) or not isinstance(document.get("workloads"), list):
        raise fail("not a probe result: expected an object with a 'workloads' list", "workloads")
    rows = []
    for index, entry in enumerate(document["workloads"]):
        where = f"workloads[{index}]"
        if not isinstance(entry, dict):
            raise fail("expected an object", where)
        predicted, measured = entry.get("predicted"), entry.get("measured")
        if not isinstance(predicted, dict) or not isinstance(measured, dict):
            raise fail("expected 'predicted' and 'measured' objects", where)
        rows.append(
            ProbeRow(
                str(entry.get("id", "")),
                str(entry.get("name", "")),
                _number(predicted.get("samples_per_s"), f"{where}.predicted.samples_per_s", fail),
                _optional(measured.get("samples_per_s"), f"{where}.measured.samples_per_s", fail),
                _number(
                    predicted.get("allocated_bytes"), f"{where}.predicted.allocated_bytes", fail
                ),
                _optional(
                    measured.get("peak_memory_bytes"), f"{where}.measured.peak_memory_bytes", fail
                ),
                tuple(str(note) for note in measured.get("notes", []) if isinstance(note, str)),
                measured.get("tiny") is True,
            )
        )
    return str(document.get("device", "")), rows


def _number(value: object, field: str, fail: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise fail("expected a number", field)
    return float(value)


def _optional(value: object, field: str, fail: Any) -> float | None:
    return None if value is None else _number(value, field, fail)


def measured_table(device: str, rows: Sequence[ProbeRow], date: str) -> list[dict[str, object]]:
    """What a profile keeps of a probe: one [[measured]] entry per workload measured on the
    real networks (--tiny runs are not kept)."""
    kept = []
    for row in rows:
        if row.measured_samples_per_s is None or row.tiny:
            continue
        entry: dict[str, object] = {
            "workload": row.workload_id,
            "device": device,
            "date": date,
            "samples_per_s": row.measured_samples_per_s,
        }
        if row.measured_peak_bytes:
            entry["peak_memory_bytes"] = int(row.measured_peak_bytes)
        kept.append(entry)
    return kept


def keep_measured(build: Build, device: str, rows: Sequence[ProbeRow], date: str) -> Build:
    """The build with the probe's measurements in its [[measured]] table (replacing earlier
    ones of the same workloads; --tiny runs are not kept)."""
    new = measured_table(device, rows, date)
    if not new:
        return build
    measured = {str(row["workload"]) for row in new}
    earlier = [
        entry
        for entry in build.extra.get("measured", [])
        if isinstance(entry, dict) and entry.get("workload") not in measured
    ]
    return dataclasses.replace(build, extra={**build.extra, "measured": [*earlier, *new]})
