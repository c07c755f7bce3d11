"""A build: the chosen parts with counts, the workloads to train or serve, and settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.core.inference import ENGINES, KV_BYTES, QUANT_BITS, SPLITS
from planner.core.param_summary import LORA_TARGETS
from planner.core.records import internal, spec
from planner.core.training_setup import MASTER_WEIGHTS, OFFLOAD

PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8")
TRAINING_MODES = ("full", "lora", "qlora")
OPTIMIZERS = ("adamw", "sgd", "adamw8bit", "paged_adamw", "paged_adamw8bit", "adafactor")
ATTENTION = ("fused", "eager")
SHARDING = ("none", "zero1", "zero2", "zero3", "fsdp")
# What a workload is for: training runs (pre-training or fine-tuning; None: the workload's
# default) or serving ("inference", the task name of `estimate --cases`).
TASKS = ("pretrain", "finetune", "inference")
# Keys that mean something only when a workload is served, and only when it is trained: a
# profile writes the ones of the workload's task.
SERVING_KEYS = (
    "quant",
    "context",
    "prompt_tokens",
    "gen_tokens",
    "concurrency",
    "kv_dtype",
    "split",
    "offload_layers",
    "offload_experts",
    "engine",
    "flash_attention",
)
TRAINING_KEYS = (
    "mode",
    "precision",
    "batch_size",
    "seq_len",
    "optimizer",
    "activation_checkpointing",
    "sharding",
    "offload_optimizer",
    "lora_rank",
    "epochs",
    "attention",
    "compile",
    "master_weights",
    "optimizer_in_backward",
    "grad_accum",
    "packing",
    "tokens_per_sample",
    "lora_targets",
    "offload",
    "p2p",
    "expert_parallel",
)
# Continuous load a circuit may carry (80% of the breaker rating for 120 V circuits, per
# the US National Electrical Code; 230 V figures are the breaker rating). DOMAIN.md, Power.
# Continuous watts: North American circuits carry 80% of the breaker's rating continuously
# (NEC 210.19/210.20), their 240 V ones (NEMA 6-20, L6-30) as much; European ones the rating.
WALL_CIRCUITS = {
    "120v-15a": 1_440,
    "120v-20a": 1_920,
    "240v-20a": 3_840,
    "240v-30a": 5_760,
    "230v-10a": 2_300,
    "230v-16a": 3_680,
}
# Average US residential electricity price in 2024 (EIA Electric Power Monthly, table 5.3:
# 16.48 cents/kWh); users set their own.
DEFAULT_ELECTRICITY_USD_PER_KWH = 0.165


@dataclass(frozen=True, kw_only=True)
class PartChoice:
    """A catalog part in the build, how many, and per-part settings."""

    id: str = spec()
    count: int = spec(default=1, low=1, high=64)
    power_limit_w: int | None = spec(default=None, low=50, high=2_000)
    nvlink_bridge: bool = spec(default=False)
    extra: Mapping[str, Any] = internal()


@dataclass(frozen=True, kw_only=True)
class WorkloadChoice:
    """A network to train or serve on the build: a catalog id, or an inline architecture
    table (written `id = { family = "decoder", layers = 24, ... }` in a profile)."""

    id: str | None = spec(default=None)
    inline: Mapping[str, Any] | None = internal(default_factory=lambda: None)
    mode: str = spec(default="full", choices=TRAINING_MODES)
    precision: str = spec(default="bf16", choices=PRECISIONS)
    batch_size: int = spec(default=8, low=1, high=1_000_000)
    seq_len: int | None = spec(default=None, low=1, high=10_000_000)
    optimizer: str = spec(default="adamw", choices=OPTIMIZERS)
    activation_checkpointing: bool = spec(default=False)
    sharding: str = spec(default="none", choices=SHARDING)
    offload_optimizer: bool = spec(default=False)  # older profiles; same as offload = "optimizer"
    lora_rank: int = spec(default=16, low=1, high=4_096)
    task: str | None = spec(default=None, choices=TASKS)
    epochs: float | None = spec(default=None, low=0.0001, high=100_000)
    # The recipe (README, "Training recipe keys"); defaults are what plain PyTorch gives.
    attention: str = spec(default="fused", choices=ATTENTION, quiet_default=True)
    compile: bool = spec(default=False, quiet_default=True)
    master_weights: str = spec(default="fp32", choices=MASTER_WEIGHTS, quiet_default=True)
    optimizer_in_backward: bool = spec(default=False, quiet_default=True)
    grad_accum: int = spec(default=1, low=1, high=1_000_000, quiet_default=True)
    packing: bool = spec(default=False, quiet_default=True)
    tokens_per_sample: float | None = spec(default=None, low=1, high=10_000_000, quiet_default=True)
    lora_targets: str = spec(default="all", choices=LORA_TARGETS, quiet_default=True)
    offload: str = spec(default="none", choices=OFFLOAD, quiet_default=True)
    p2p: bool | None = spec(default=None, quiet_default=True)
    expert_parallel: bool = spec(default=False, quiet_default=True)
    # Serving (task = "inference"): the keys of an inference case (README, "Serving cases");
    # None: the engine's default (split) or prompt + answer, at least 4,096 (context).
    quant: str = spec(default="bf16", choices=tuple(QUANT_BITS), quiet_default=True)
    context: int | None = spec(default=None, low=1, high=10_000_000, quiet_default=True)
    prompt_tokens: int = spec(default=512, low=1, high=10_000_000, quiet_default=True)
    gen_tokens: int = spec(default=128, low=0, high=10_000_000, quiet_default=True)
    concurrency: int = spec(default=1, low=1, high=4_096, quiet_default=True)
    kv_dtype: str = spec(default="f16", choices=tuple(KV_BYTES), quiet_default=True)
    split: str | None = spec(default=None, choices=SPLITS, quiet_default=True)
    offload_layers: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    offload_experts: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    engine: str = spec(default="llama.cpp", choices=ENGINES, quiet_default=True)
    flash_attention: bool = spec(default=True, quiet_default=True)
    extra: Mapping[str, Any] = internal()

    @property
    def serves(self) -> bool:
        return self.task == "inference"


@dataclass(frozen=True, kw_only=True)
class Settings:
    electricity_usd_per_kwh: float = spec(default=DEFAULT_ELECTRICITY_USD_PER_KWH, low=0, high=10)
    wall_circuit: str = spec(default="120v-15a", choices=tuple(WALL_CIRCUITS))
    # Circuits the power supplies plug into: 2 puts the second and later supplies on a
    # circuit of their own (of the same kind).
    psu_circuits: int = spec(default=1, low=1, high=2, quiet_default=True)
    extra: Mapping[str, Any] = internal()

    @property
    def wall_continuous_w(self) -> int:
        return WALL_CIRCUITS[self.wall_circuit]


@dataclass(frozen=True, kw_only=True)
class Build:
    name: str = "Untitled build"
    parts: tuple[PartChoice, ...] = ()
    workloads: tuple[WorkloadChoice, ...] = ()
    settings: Settings = dataclasses.field(default_factory=Settings)
    notes: str = ""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def count_of(self, part_id: str) -> int:
        return sum(choice.count for choice in self.parts if choice.id == part_id)
