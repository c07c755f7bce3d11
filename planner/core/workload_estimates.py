"""Estimates for the workloads of a build, and for the cases of batch mode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from planner.core.assembly import Assembly
from planner.core.build import WorkloadChoice
from planner.core.errors import Location, RecordError
from planner.core.estimate import Estimate, RunOptions, estimate
from planner.core.gpu_link import build_link, placed_gpu_count
from planner.core.networks.common import Network
from planner.core.pcie import SlotLayout
from planner.core.performance import ComputeSpec, Constants
from planner.core.power import EFFICIENCY, PowerBudget, gpu_power_w
from planner.core.serving_plan import ServingPlan, plan_serving, served_network, serving_of
from planner.core.speed_ranges import SpeedRanges
from planner.core.training_setup import TrainingSetup
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
    offload = choice.offload
    if offload == "none" and choice.offload_optimizer:
        offload = "optimizer"
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
        offload=offload,
        fused_attention=choice.attention == "fused",
        master_weights=choice.master_weights,
        optimizer_in_backward=choice.optimizer_in_backward,
        grad_accum=choice.grad_accum,
        lora_targets=choice.lora_targets,
        compile=choice.compile,
        p2p=choice.p2p,
        expert_parallel=choice.expert_parallel,
    )


@dataclass(frozen=True)
class BuildEstimate:
    choice: WorkloadChoice
    workload: Workload | None
    estimate: Estimate | None
    problem: str = ""
    note: str = ""  # e.g. fewer GPUs train than the parts list holds
    serving: ServingPlan | None = None  # a served workload's plan (estimate is None)

    @property
    def answered(self) -> bool:
        return self.estimate is not None or self.serving is not None


def estimate_build(
    assembly: Assembly,
    layout: SlotLayout | None,
    power: PowerBudget,
    workloads: Mapping[str, Workload],
    constants: Constants,
    ranges: SpeedRanges,
) -> tuple[BuildEstimate, ...]:
    return tuple(
        _estimate_choice(choice, assembly, layout, power, workloads, constants, ranges)
        for choice in assembly.build.workloads
    )


def _estimate_choice(
    choice: WorkloadChoice,
    assembly: Assembly,
    layout: SlotLayout | None,
    power: PowerBudget,
    workloads: Mapping[str, Workload],
    constants: Constants,
    ranges: SpeedRanges,
) -> BuildEstimate:
    try:
        workload = resolve_workload(choice, workloads)
    except RecordError as error:
        return BuildEstimate(choice, None, None, _problem(error))
    gpus = assembly.gpus
    if not gpus:
        return BuildEstimate(choice, workload, None, "the build has no GPU")
    listed = sum(other.count for _g, other in gpus)
    count = placed_gpu_count(assembly, layout)
    if count == 0:
        return BuildEstimate(choice, workload, None, "no GPU can be placed on the board")
    note = ""
    if count < listed:
        note = f"only {count} of the {listed} GPUs can be placed, so the estimate uses {count}"
    if choice.serves:
        return _serve(choice, workload, assembly, layout, note)
    try:
        setup = setup_for(choice, workload, count)
    except RecordError as error:
        return BuildEstimate(choice, workload, None, _problem(error))
    gpu, item = gpus[0]
    psu = assembly.psu
    result = estimate(
        workload,
        network_for(workload),
        setup,
        ComputeSpec.of(gpu),
        constants,
        ranges,
        build_link(assembly, layout),
        gpu_power_w=gpu_power_w(gpu, item.choice.power_limit_w),
        host_w=power.sustained_w - power.gpu_w,
        efficiency=EFFICIENCY[psu.efficiency] if psu else 0.92,
        electricity_usd_per_kwh=assembly.build.settings.electricity_usd_per_kwh,
        run_options=RunOptions.of(choice),
    )
    if note:
        result = replace(result, note=note)
    return BuildEstimate(choice, workload, result, note=note)


def _serve(
    choice: WorkloadChoice,
    workload: Workload,
    assembly: Assembly,
    layout: SlotLayout | None,
    note: str,
) -> BuildEstimate:
    try:
        net = served_network(network_for(workload), workload.name)
        serving = serving_of(choice, net)
    except RecordError as error:
        return BuildEstimate(choice, workload, None, _problem(error))
    plan = plan_serving(assembly, layout, net, serving)
    return BuildEstimate(choice, workload, None, note=note, serving=plan)


def _problem(error: RecordError) -> str:
    """The error with the field it is about, when it names one."""
    field = error.location.field
    return f"{field} {error.message}" if field and field not in error.message else error.message


_networks: dict[tuple[str, str], Network] = {}


def network_for(workload: Workload) -> Network:
    key = (workload.id, repr(workload.architecture))
    network = _networks.get(key)
    if network is None:
        network = _networks[key] = build_network(workload.architecture)
    return network
