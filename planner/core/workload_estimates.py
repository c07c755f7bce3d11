"""Estimates for the workloads of a build, and for the cases of batch mode."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.core.assembly import Assembly
from planner.core.build import WorkloadChoice
from planner.core.errors import Location, RecordError
from planner.core.estimate import Estimate, estimate
from planner.core.memory import TrainingSetup
from planner.core.networks.common import Network
from planner.core.parts import Gpu
from planner.core.pcie import SlotLayout, link_bandwidth_gbs
from planner.core.performance import ComputeSpec, Constants, Link
from planner.core.power import EFFICIENCY, PowerBudget, gpu_power_w
from planner.core.workloads import Workload, build_network, inline_workload, parse_architecture

# Decoder language models default to training at 2,048 tokens even when their context is
# longer: the common fine-tuning length. Others train at their architecture's length.
DEFAULT_DECODER_SEQ = 2048


def default_seq_len(workload: Workload) -> int:
    architecture = workload.architecture
    if architecture.family == "decoder":
        return min(architecture.seq_len, DEFAULT_DECODER_SEQ)
    if architecture.family == "whisper":
        return architecture.seq_len or 448
    return architecture.seq_len or 1


def check_seq_len(workload: Workload, seq_len: int) -> None:
    architecture = workload.architecture
    limit = architecture.max_positions or (
        architecture.seq_len if architecture.positions == "learned" else 0
    )
    if architecture.family == "whisper":
        limit = 448
    if limit and seq_len > limit:
        raise RecordError(
            f"{seq_len} exceeds the {limit} positions {workload.name} was built with",
            Location(field="seq_len"),
        )


def resolve_workload(choice: WorkloadChoice, workloads: Mapping[str, Workload]) -> Workload:
    if choice.inline is not None:
        return inline_workload(parse_architecture(choice.inline))
    if choice.id is None or choice.id not in workloads:
        raise RecordError(
            f"unknown workload '{choice.id}' (see 'planner catalog workloads')",
            Location(field="id"),
        )
    return workloads[choice.id]


def setup_for(choice: WorkloadChoice, workload: Workload, gpus: int) -> TrainingSetup:
    seq_len = choice.seq_len or default_seq_len(workload)
    check_seq_len(workload, seq_len)
    return TrainingSetup(
        mode=choice.mode,
        precision=choice.precision,
        batch_size=choice.batch_size,
        seq_len=seq_len,
        optimizer=choice.optimizer,
        activation_checkpointing=choice.activation_checkpointing,
        sharding=choice.sharding,
        gpus=gpus,
        lora_rank=choice.lora_rank,
        offload_optimizer=choice.offload_optimizer,
    )


def build_link(assembly: Assembly, layout: SlotLayout | None) -> Link | None:
    """The link gradients cross in this build: an NVLink bridge on a pair of cards that
    have one, else the slowest PCIe link of the placed GPUs, halved without peer-to-peer."""
    gpus = assembly.gpus
    if not gpus:
        return None
    gpu, item = gpus[0]
    count = sum(other_item.count for _gpu, other_item in gpus)
    if count < 2:
        return None
    if item.choice.nvlink_bridge and count == 2 and gpu.nvlink_gbs:
        return Link("NVLink bridge", gpu.nvlink_gbs)
    if layout is None or not layout.gpus:
        return Link("PCIe 4.0 x16 (no board chosen)", link_bandwidth_gbs(4, 16))
    slowest = min(layout.gpus, key=lambda placement: placement.bandwidth_gbs)
    name = f"PCIe {slowest.link_gen}.0 x{slowest.link_width}"
    if not all(g.pcie_p2p for g, _item in gpus):
        return Link(f"{name} through host memory (no peer-to-peer)", slowest.bandwidth_gbs / 2)
    return Link(name, slowest.bandwidth_gbs)


@dataclass(frozen=True)
class BuildEstimate:
    choice: WorkloadChoice
    workload: Workload | None
    estimate: Estimate | None
    problem: str = ""


def estimate_build(
    assembly: Assembly,
    layout: SlotLayout | None,
    power: PowerBudget,
    workloads: Mapping[str, Workload],
    constants: Constants,
    error_p90: float,
) -> tuple[BuildEstimate, ...]:
    gpus = assembly.gpus
    results = []
    for choice in assembly.build.workloads:
        try:
            workload = resolve_workload(choice, workloads)
        except RecordError as error:
            results.append(BuildEstimate(choice, None, None, error.message))
            continue
        if not gpus:
            results.append(BuildEstimate(choice, workload, None, "the build has no GPU"))
            continue
        gpu, item = gpus[0]
        count = sum(other.count for _g, other in gpus)
        try:
            setup = setup_for(choice, workload, count)
        except RecordError as error:
            results.append(BuildEstimate(choice, workload, None, error.message))
            continue
        host_w = power.sustained_w - power.gpu_w
        psu = assembly.psu
        result = estimate(
            workload,
            network_for(workload),
            setup,
            ComputeSpec.of(gpu),
            constants,
            error_p90,
            build_link(assembly, layout),
            gpu_power_w=gpu_power_w(gpu, item.choice.power_limit_w),
            host_w=host_w,
            efficiency=EFFICIENCY[psu.efficiency] if psu else 0.92,
            electricity_usd_per_kwh=assembly.build.settings.electricity_usd_per_kwh,
            task=choice.task,
            epochs=choice.epochs,
        )
        results.append(BuildEstimate(choice, workload, result))
    return tuple(results)


_networks: dict[tuple[str, str], Network] = {}


def network_for(workload: Workload) -> Network:
    key = (workload.id, repr(workload.architecture))
    network = _networks.get(key)
    if network is None:
        network = _networks[key] = build_network(workload.architecture)
    return network


# ---- batch mode --------------------------------------------------------------------------

CASE_KEYS = {
    "gpu",
    "gpu_count",
    "workload",
    "precision",
    "batch_size",
    "seq_len",
    "mode",
    "optimizer",
    "activation_checkpointing",
    "sharding",
    "interconnect",
    "offload_optimizer",
    "lora_rank",
    "task",
    "epochs",
    "power_limit_w",
    "electricity_usd_per_kwh",
    "suggest",
}
_PCIE = re.compile(r"pcie([3-6])x(1|2|4|8|16)")
_NETWORK = re.compile(r"(ib|eth|infiniband|ethernet)-?(\d+)g")


def parse_interconnect(value: object, gpu: Gpu) -> Link:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return Link(f"{value:g} GB/s", float(value))
    if isinstance(value, str):
        text = value.lower().replace(" ", "").replace(".0", "")
        match = _PCIE.fullmatch(text)
        if match:
            gen, width = int(match.group(1)), int(match.group(2))
            return Link(f"PCIe {gen}.0 x{width}", link_bandwidth_gbs(gen, width))
        if text == "nvlink":
            if not gpu.nvlink_gbs:
                raise RecordError(
                    f"the {gpu.display_name} has no NVLink", Location(field="interconnect")
                )
            return Link("NVLink bridge", gpu.nvlink_gbs)
        match = _NETWORK.fullmatch(text)
        if match:
            gbit = int(match.group(2))
            return Link(f"{gbit} Gbit/s network", gbit / 8)
    raise RecordError(
        "expected pcie4x16 (any generation 3-6 and width), nvlink, ib-200g / eth-100g, or "
        f"GB/s as a number (got {value!r})",
        Location(field="interconnect"),
    )


def estimate_case(
    case: object,
    gpus: Mapping[str, Gpu],
    workloads: Mapping[str, Workload],
    constants: Constants,
    error_p90: float,
) -> Estimate:
    """One batch-mode case: a JSON object as DESIGN.md describes; unknown keys are errors."""
    if not isinstance(case, Mapping):
        raise RecordError("expected an object", Location())
    unknown = sorted(set(case) - CASE_KEYS)
    if unknown:
        raise RecordError(f"unknown key '{unknown[0]}'", Location(field=unknown[0]))
    gpu = gpus.get(case.get("gpu"))  # type: ignore[arg-type]
    if gpu is None:
        raise RecordError(f"unknown GPU id {case.get('gpu')!r}", Location(field="gpu"))
    count = _integer(case, "gpu_count", 1, 1, 1024)
    workload_value = case.get("workload")
    if isinstance(workload_value, Mapping):
        workload = inline_workload(_located(parse_architecture, workload_value, "workload"))
    elif isinstance(workload_value, str) and workload_value in workloads:
        workload = workloads[workload_value]
    else:
        raise RecordError(f"unknown workload {workload_value!r}", Location(field="workload"))
    choice_table: dict[str, Any] = {
        key: case[key]
        for key in (
            "precision",
            "batch_size",
            "seq_len",
            "mode",
            "optimizer",
            "activation_checkpointing",
            "sharding",
            "offload_optimizer",
            "lora_rank",
            "task",
            "epochs",
        )
        if key in case
    }
    choice_table["id"] = workload.id
    from planner.core.records import parse_record

    choice = parse_record(WorkloadChoice, choice_table)
    setup = setup_for(choice, workload, count)
    link = parse_interconnect(case["interconnect"], gpu) if "interconnect" in case else None
    if link is None and count > 1:
        link = Link("PCIe 4.0 x16", link_bandwidth_gbs(4, 16) / (1 if gpu.pcie_p2p else 2))
    limit = case.get("power_limit_w")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0
    ):
        raise RecordError("expected watts as a positive number", Location(field="power_limit_w"))
    price = case.get("electricity_usd_per_kwh", 0.165)
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
        raise RecordError("expected a price per kWh", Location(field="electricity_usd_per_kwh"))
    return estimate(
        workload,
        network_for(workload),
        setup,
        ComputeSpec.of(gpu),
        constants,
        error_p90,
        link,
        gpu_power_w=gpu_power_w(gpu, int(limit) if limit is not None else None),
        electricity_usd_per_kwh=float(price),
        task=choice.task,
        epochs=choice.epochs,
        with_suggestions=case.get("suggest") is True,
    )


def _integer(case: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = case.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordError(f"expected a whole number from {low} to {high}", Location(field=key))
    return value


def _located(function: Any, table: Any, prefix: str) -> Any:
    try:
        return function(table)
    except RecordError as error:
        raise RecordError(
            error.message, Location(field=f"{prefix}.{error.location.field}")
        ) from None
