"""Estimates for one workload on one GPU model: memory, speed, time-to-train, energy, cost."""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.core.build import WorkloadChoice
from planner.core.memory import MemoryEstimate, TrainingSetup, estimate_memory, largest_batch
from planner.core.networks.common import Network
from planner.core.performance import ComputeSpec, Constants, Link, StepTime, step_time
from planner.core.power import speed_loss
from planner.core.speed_ranges import ONE_GPU, SpeedRanges, speed_regime
from planner.core.units import GIB
from planner.core.workloads import PRETRAIN_TOKENS_PER_PARAM, Workload

# Everything but the GPUs while training: CPU, board, memory, drives, fans (DOMAIN.md's
# ~10% rule on a typical 250-350 W CPU); used when no build is known.
DEFAULT_HOST_W = 300.0
DEFAULT_EFFICIENCY = 0.92


@dataclass(frozen=True)
class RunLength:
    samples: float  # training samples (images, sequences) the run processes
    description: str


@dataclass(frozen=True)
class RunOptions:
    """What the run covers beyond the per-step recipe: the task, epochs, and how examples
    become sequences (padded one per sequence, or packed by their real token counts)."""

    task: str | None = None
    epochs: float | None = None
    packing: bool = False
    tokens_per_sample: float | None = None  # mean real tokens per example

    @classmethod
    def of(cls, choice: WorkloadChoice) -> RunOptions:
        return cls(choice.task, choice.epochs, choice.packing, choice.tokens_per_sample)


def run_length(
    workload: Workload, options: RunOptions, seq_len: int, params: int, sequences: bool = True
) -> RunLength:
    """The default run of a workload: its dataset × epochs, or 20 tokens per parameter.
    Packed sequences hold `seq_len` real tokens of several examples; padded ones hold one
    example each, whatever its length."""
    task = options.task or workload.task
    if task == "pretrain" and workload.family in ("decoder",):
        tokens = PRETRAIN_TOKENS_PER_PARAM * params
        return RunLength(
            tokens / seq_len, f"pre-training on {tokens / 1e9:,.1f}B tokens (20 per parameter)"
        )
    epochs = options.epochs if options.epochs is not None else workload.epochs
    examples = workload.dataset_samples * epochs
    description = f"{workload.dataset}, {epochs:g} epochs"
    mean = options.tokens_per_sample or workload.dataset_tokens_per_sample
    if not sequences:
        return RunLength(examples, description)
    if options.packing and mean:
        packed = examples * min(mean, seq_len) / seq_len
        return RunLength(
            packed, f"{description}, {mean:,.0f} tokens per example packed into {seq_len:,}"
        )
    padding = f", each example padded to {seq_len:,} tokens"
    if mean:
        padding += f" (mean {mean:,.0f} real tokens"
        if mean < seq_len / 2:
            padding += f"; packing would process {seq_len / mean:,.0f}× fewer sequences"
        padding += ")"
    return RunLength(examples, description + padding)


@dataclass(frozen=True)
class Suggestion:
    change: str
    setup: TrainingSetup
    memory_bytes: float
    fits: bool
    samples_per_s: float
    speed_change: float  # relative to the setup as asked (negative = slower)

    def to_json(self) -> dict[str, object]:
        return {
            "change": self.change,
            "memory_bytes": int(self.memory_bytes),
            "fits": self.fits,
            "samples_per_s": round(self.samples_per_s, 3),
            "speed_change": round(self.speed_change, 3),
        }


@dataclass(frozen=True)
class Estimate:
    workload: Workload
    gpu: ComputeSpec
    setup: TrainingSetup
    memory: MemoryEstimate
    step: StepTime
    samples_per_s: float
    low: float
    high: float
    tokens_per_sample: int | None
    run: RunLength
    wall_w: float
    electricity_usd_per_kwh: float
    largest_batch: int
    suggestions: tuple[Suggestion, ...] = ()
    note: str = ""  # what the estimate assumes beyond the recipe, e.g. fewer placed GPUs
    run_options: RunOptions = RunOptions()
    power_factor: float = 1.0  # speed at the GPUs' power limit relative to full power
    regime: str = ONE_GPU  # how the GPUs work together, which sets the range (speed_ranges)

    @property
    def tokens_per_s(self) -> float | None:
        if self.tokens_per_sample is None:
            return None
        return self.samples_per_s * self.tokens_per_sample

    @property
    def time_to_train_s(self) -> float:
        return self.run.samples / self.samples_per_s if self.samples_per_s else float("inf")

    @property
    def energy_kwh(self) -> float:
        return self.wall_w * self.time_to_train_s / 3600 / 1000

    @property
    def cost_usd(self) -> float:
        return self.energy_kwh * self.electricity_usd_per_kwh

    def to_json(self) -> dict[str, object]:
        hours = self.time_to_train_s / 3600
        return {
            "workload": self.workload.id,
            "gpu": self.gpu.name,
            "gpu_count": self.setup.gpus,
            "mode": self.setup.mode,
            "precision": self.setup.precision,
            "batch_size": self.setup.batch_size,
            "seq_len": self.setup.seq_len,
            "samples_per_s": round(self.samples_per_s, 4),
            "tokens_per_s": round(self.tokens_per_s, 2) if self.tokens_per_s is not None else None,
            "step_time_s": round(self.step.total_s, 6),
            "bound": self.step.bound,
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "speed_regime": self.regime,
            "memory": self.memory.to_json(),
            "largest_batch": self.largest_batch,
            "run": {"samples": self.run.samples, "description": self.run.description},
            "time_to_train_h": round(hours, 3),
            "time_to_train_h_range": [
                round(self.run.samples / self.high / 3600, 3),
                round(self.run.samples / self.low / 3600, 3),
            ],
            "energy_kwh": round(self.energy_kwh, 3),
            "electricity_usd": round(self.cost_usd, 2),
            "wall_w": round(self.wall_w, 1),
            "suggestions": [suggestion.to_json() for suggestion in self.suggestions],
            "note": self.note,
        }


def throughput(
    network: Network,
    setup: TrainingSetup,
    gpu: ComputeSpec,
    constants: Constants,
    link: Link | None,
    power_w: float | None = None,
    detail: bool = True,
) -> tuple[float, StepTime]:
    """Samples per second over all the setup's GPUs, and the step behind it. A power limit
    below the board power slows the GPU by the curve the power advice quotes."""
    memory = estimate_memory(network, setup)
    step = step_time(
        network,
        setup,
        gpu,
        constants,
        link,
        trainable_params=memory.trainable_params,
        total_params=memory.total_params,
        detail=detail,
    )
    speed = setup.gpus * setup.batch_size / step.total_s
    return speed * power_factor(gpu, power_w), step


def power_factor(gpu: ComputeSpec, power_w: float | None) -> float:
    """Speed at a power limit relative to full board power (planner/core/power.py)."""
    if power_w is None or power_w >= gpu.board_power_w:
        return 1.0
    return max(0.05, 1 - speed_loss(power_w / gpu.board_power_w))


def estimate(
    workload: Workload,
    network: Network,
    setup: TrainingSetup,
    gpu: ComputeSpec,
    constants: Constants,
    ranges: SpeedRanges,
    link: Link | None = None,
    gpu_power_w: float | None = None,
    host_w: float = DEFAULT_HOST_W,
    efficiency: float = DEFAULT_EFFICIENCY,
    electricity_usd_per_kwh: float = 0.165,
    run_options: RunOptions | None = None,
    with_suggestions: bool = True,
) -> Estimate:
    capacity = gpu.vram_gb * GIB
    memory = estimate_memory(network, setup, capacity)
    samples_per_s, step = throughput(network, setup, gpu, constants, link, gpu_power_w)
    regime = speed_regime(setup, link)
    power = gpu_power_w if gpu_power_w is not None else gpu.board_power_w
    wall = (power * setup.gpus + host_w) / efficiency
    tokens = network.tokens_per_sample(setup.seq_len) if network.sample_unit == "sequence" else None
    sequences = network.sample_unit == "sequence"
    run_options = run_options or RunOptions()
    run = run_length(workload, run_options, setup.seq_len, memory.total_params, sequences)
    suggestions: tuple[Suggestion, ...] = ()
    if with_suggestions and not memory.fits:
        suggestions = tuple(
            suggest(network, setup, gpu, constants, link, samples_per_s, gpu_power_w)
        )
    return Estimate(
        workload=workload,
        gpu=gpu,
        setup=setup,
        memory=memory,
        step=step,
        samples_per_s=samples_per_s,
        low=samples_per_s * ranges[regime][0],
        high=samples_per_s * ranges[regime][1],
        tokens_per_sample=tokens,
        run=run,
        wall_w=wall,
        electricity_usd_per_kwh=electricity_usd_per_kwh,
        largest_batch=largest_batch(network, setup, capacity),
        suggestions=suggestions,
        run_options=run_options,
        power_factor=power_factor(gpu, gpu_power_w),
        regime=regime,
    )


def suggest(
    network: Network,
    setup: TrainingSetup,
    gpu: ComputeSpec,
    constants: Constants,
    link: Link | None,
    baseline: float,
    power_w: float | None = None,
) -> list[Suggestion]:
    """Changes that shrink memory, each with its memory and speed, fitting ones first."""
    capacity = gpu.vram_gb * GIB
    candidates = _memory_changes(network, setup, capacity)
    # Combine with checkpointing, which most fixes need at the sizes where they matter.
    combined = [
        (f"{label} + activation checkpointing", replace(change, activation_checkpointing=True))
        for label, change in candidates
        if not change.activation_checkpointing
    ]
    found = []
    for label, candidate in candidates + combined:
        memory = estimate_memory(network, candidate, capacity)
        speed, _ = throughput(network, candidate, gpu, constants, link, power_w)
        found.append(
            Suggestion(label, candidate, memory.total, memory.fits, speed, speed / baseline - 1)
        )
    fitting = sorted((s for s in found if s.fits), key=lambda s: -s.samples_per_s)
    others = sorted((s for s in found if not s.fits), key=lambda s: s.memory_bytes)
    return fitting[:5] + others[: max(0, 3 - len(fitting))]


def _memory_changes(
    network: Network, setup: TrainingSetup, capacity: float
) -> list[tuple[str, TrainingSetup]]:
    """The setup changes that shrink memory, each with its label: checkpointing, a smaller
    micro-batch, 8-bit AdamW, sharding, LoRA/QLoRA, optimizer offload."""
    candidates: list[tuple[str, TrainingSetup]] = []
    if not setup.activation_checkpointing:
        candidates.append(
            ("turn on activation checkpointing", replace(setup, activation_checkpointing=True))
        )
    biggest = largest_batch(network, setup, capacity)
    if 0 < biggest < setup.batch_size:
        candidates.append(
            (
                f"micro-batch {biggest} with gradient accumulation",
                replace(setup, batch_size=biggest),
            )
        )
    if setup.optimizer == "adamw":
        candidates.append(("8-bit AdamW", replace(setup, optimizer="adamw8bit")))
    if setup.gpus > 1:
        # Adapters are small: only sharding the frozen base (FSDP / ZeRO-3) helps LoRA.
        for sharding in ("zero2", "zero3") if setup.mode == "full" else ("fsdp",):
            if setup.stage < (2 if sharding == "zero2" else 3):
                label = {"zero2": "ZeRO-2", "zero3": "ZeRO-3", "fsdp": "FSDP"}[sharding]
                candidates.append(
                    (f"{label} over {setup.gpus} GPUs", replace(setup, sharding=sharding))
                )
    if setup.mode == "full":
        candidates.append(
            ("LoRA (rank 16) instead of full fine-tuning", replace(setup, mode="lora"))
        )
    if setup.mode in ("full", "lora"):
        candidates.append(("QLoRA (4-bit base weights)", replace(setup, mode="qlora")))
    if setup.mode == "full" and not setup.offload_optimizer:
        candidates.append(
            ("offload optimizer states to CPU RAM", replace(setup, offload="optimizer"))
        )
    return candidates
