"""Batch mode: estimate cases (`planner estimate --cases`), as DESIGN.md and the README
describe them. `prepare_case` turns a case into the inputs of an estimate; the CLI and the
calibration of the performance model both go through it, so what is evaluated is what
users get."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.core.build import TRAINING_KEYS, WorkloadChoice
from planner.core.errors import Location, RecordError
from planner.core.estimate import Estimate, RunOptions, estimate
from planner.core.networks.common import Network
from planner.core.parts import Gpu
from planner.core.pcie import link_bandwidth_gbs
from planner.core.performance import ComputeSpec, Constants, Link
from planner.core.power import gpu_power_w
from planner.core.records import parse_record
from planner.core.speed_ranges import SpeedRanges
from planner.core.training_setup import TrainingSetup
from planner.core.workload_estimates import network_for, setup_for
from planner.core.workloads import Workload, inline_workload, parse_architecture

# Keys of a workload choice a case may carry (the recipe; README "Training recipe keys").
CHOICE_KEYS = (*TRAINING_KEYS, "task")
CASE_KEYS = {
    "gpu",
    "gpu_count",
    "workload",
    "interconnect",
    "power_limit_w",
    "electricity_usd_per_kwh",
    "suggest",
    *CHOICE_KEYS,
}
_PCIE = re.compile(r"pcie([3-6])x(1|2|4|8|16)")
_NETWORK = re.compile(r"(ib|eth|infiniband|ethernet)-?(\d+)g")


@dataclass(frozen=True)
class PreparedCase:
    """A case resolved into what `estimate` takes."""

    workload: Workload
    network: Network
    setup: TrainingSetup
    gpu: ComputeSpec
    link: Link | None
    gpu_power_w: float
    electricity_usd_per_kwh: float
    run: RunOptions
    suggest: bool


# Links slower than this (a 1 Gbit/s network) or faster than 100 TB/s are typing errors.
LINK_GBS_RANGE = (0.1, 100_000.0)


def parse_interconnect(value: object, gpu: Gpu) -> Link:
    low, high = LINK_GBS_RANGE
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not _number_in(value, low, high):
            raise RecordError(
                f"expected GB/s from {low:g} to {high:,.0f} (got {shown(value)})",
                Location(field="interconnect"),
            )
        return Link(f"{value:g} GB/s", float(value))
    if isinstance(value, str):
        text = value.lower().replace(" ", "").replace(".0", "")
        match = _PCIE.fullmatch(text)
        if match:
            gen, width = int(match.group(1)), int(match.group(2))
            return Link(f"PCIe {gen}.0 x{width}", link_bandwidth_gbs(gen, width), gpu.pcie_p2p)
        if text == "nvlink":
            if not gpu.nvlink_gbs:
                raise RecordError(
                    f"the {gpu.display_name} has no NVLink", Location(field="interconnect")
                )
            return Link("NVLink", gpu.nvlink_gbs)
        match = _NETWORK.fullmatch(text)
        if match and low <= int(match.group(2)) / 8 <= high:
            gbit = int(match.group(2))
            return Link(f"{gbit} Gbit/s network", gbit / 8)
    raise RecordError(
        "expected pcie4x16 (any generation 3-6 and width), nvlink, ib-200g / eth-100g, or "
        f"GB/s as a number (got {value!r})",
        Location(field="interconnect"),
    )


def default_link(gpu: Gpu) -> Link:
    """Without an `interconnect`: NVLink for SXM modules, else a PCIe 4.0 x16 slot each."""
    if gpu.is_sxm and gpu.nvlink_gbs:
        return Link("NVLink", gpu.nvlink_gbs)
    return Link("PCIe 4.0 x16", link_bandwidth_gbs(4, 16), gpu.pcie_p2p)


def prepare_case(
    case: object, gpus: Mapping[str, Gpu], workloads: Mapping[str, Workload]
) -> PreparedCase:
    """Check a case (unknown keys are errors, each naming its field) and resolve it."""
    if not isinstance(case, Mapping):
        raise RecordError("expected an object", Location())
    unknown = sorted(set(case) - CASE_KEYS)
    if unknown:
        raise RecordError(f"unknown key '{unknown[0]}'", Location(field=unknown[0]))
    gpu_id = case.get("gpu")
    gpu = gpus.get(gpu_id) if isinstance(gpu_id, str) else None
    if gpu is None:
        raise RecordError(f"unknown GPU id {shown(gpu_id)}", Location(field="gpu"))
    count = integer_in(case, "gpu_count", 1, 1, 1024)
    workload = resolve_workload(case.get("workload"), workloads)
    table: dict[str, Any] = {key: case[key] for key in CHOICE_KEYS if key in case}
    table["id"] = workload.id
    choice = parse_record(WorkloadChoice, table)
    setup = setup_for(choice, workload, count)
    link = parse_interconnect(case["interconnect"], gpu) if "interconnect" in case else None
    if count == 1:
        link = None
    elif link is None:
        link = default_link(gpu)
    limit = case.get("power_limit_w")
    if limit is not None and not _number_in(limit, 1, 2_000):
        raise RecordError("expected watts from 1 to 2,000", Location(field="power_limit_w"))
    price = case.get("electricity_usd_per_kwh", 0.165)
    if not _number_in(price, 0, 10):
        raise RecordError(
            "expected a price per kWh from 0 to 10", Location(field="electricity_usd_per_kwh")
        )
    return PreparedCase(
        workload=workload,
        network=network_for(workload),
        setup=setup,
        gpu=ComputeSpec.of(gpu),
        link=link,
        gpu_power_w=gpu_power_w(gpu, int(limit) if limit is not None else None),
        electricity_usd_per_kwh=float(price),
        run=RunOptions.of(choice),
        suggest=case.get("suggest") is True,
    )


def estimate_case(
    case: object,
    gpus: Mapping[str, Gpu],
    workloads: Mapping[str, Workload],
    constants: Constants,
    ranges: SpeedRanges,
) -> Estimate:
    """One batch-mode case: a JSON object as DESIGN.md describes; unknown keys are errors."""
    prepared = prepare_case(case, gpus, workloads)
    return estimate(
        prepared.workload,
        prepared.network,
        prepared.setup,
        prepared.gpu,
        constants,
        ranges,
        prepared.link,
        gpu_power_w=prepared.gpu_power_w,
        electricity_usd_per_kwh=prepared.electricity_usd_per_kwh,
        run_options=prepared.run,
        with_suggestions=prepared.suggest,
    )


def _number_in(value: object, low: float, high: float) -> bool:
    """A real, finite number (not a bool) from `low` to `high`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return low <= value <= high  # exact for integers of any size
    return math.isfinite(value) and low <= value <= high


def shown(value: object) -> str:
    """A value for an error message: short, one line, control characters escaped."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**16:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def resolve_workload(value: object, workloads: Mapping[str, Workload]) -> Workload:
    if isinstance(value, Mapping):
        try:
            return inline_workload(parse_architecture(value))
        except RecordError as error:
            field = f"workload.{error.location.field}"
            raise RecordError(error.message, Location(field=field)) from None
    if isinstance(value, str) and value in workloads:
        return workloads[value]
    raise RecordError(f"unknown workload {shown(value)}", Location(field="workload"))


def integer_in(case: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = case.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordError(f"expected a whole number from {low} to {high}", Location(field=key))
    return value
