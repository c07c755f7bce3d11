"""Training memory per GPU: weights, gradients, optimizer states, activations, overhead.

Byte counts follow what the frameworks allocate:
- PyTorch AMP (fp16/bf16/fp8 without sharding): fp32 parameters, fp32 gradients, fp32
  optimizer states, and 16-bit copies of the matrix weights that autocast makes and the
  backward pass keeps.
- DeepSpeed ZeRO / FSDP (sharded mixed precision): 16-bit weights and gradients, and an
  optimizer holding fp32 master weights plus its states (2 + 2 + 12 bytes per parameter for
  AdamW), sharded over the GPUs by stage (Rajbhandari et al. 2020).
- LoRA: frozen base weights in the compute dtype; fp32 adapters with fp32 gradients and
  states. QLoRA: the matrices of the blocks in 4-bit NF4 with double-quantized constants
  (Dettmers et al. 2023), the rest in bf16.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.core.networks.common import Network, Params
from planner.core.units import GIB

VALUE_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "fp8": 1}
# CUDA context, cuBLAS/cuDNN workspaces and kernels: about 0.5-1 GB per GPU (DOMAIN.md).
CONTEXT_BYTES = 0.75 * GIB
# The caching allocator's fragmentation: about 5-10% of what the model allocates.
FRAGMENTATION = 0.07
# NF4: 4 bits per weight, an 8-bit absmax per 64 weights and an fp32 constant per 256 of
# those (double quantization): 0.5 + 1/64 + 4/16384 bytes per weight.
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)
# bitsandbytes 8-bit optimizers: uint8 states with an fp32 absmax per 2048 values.
ADAM8BIT_STATE_BYTES = 2 + 2 * 4 / 2048
ZERO_STAGE = {"none": 0, "zero1": 1, "zero2": 2, "zero3": 3, "fsdp": 3}


@dataclass(frozen=True)
class TrainingSetup:
    mode: str = "full"  # full, lora, qlora
    precision: str = "bf16"  # fp32, tf32, fp16, bf16, fp8
    batch_size: int = 8  # micro-batch per GPU
    seq_len: int = 2048
    optimizer: str = "adamw"  # adamw, sgd, adamw8bit, adafactor
    activation_checkpointing: bool = False
    sharding: str = "none"  # none, zero1, zero2, zero3, fsdp
    gpus: int = 1  # data-parallel GPUs the states are sharded over
    lora_rank: int = 16
    offload_optimizer: bool = False
    fused_attention: bool = True

    @property
    def mixed(self) -> bool:
        return self.precision in ("fp16", "bf16", "fp8")

    @property
    def stage(self) -> int:
        return ZERO_STAGE[self.sharding] if self.gpus > 1 else 0


@dataclass(frozen=True)
class MemoryPart:
    """One component with the formula and inputs behind it, for the explain view."""

    name: str
    bytes: float
    formula: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "bytes": int(self.bytes), "formula": self.formula}


@dataclass(frozen=True)
class MemoryEstimate:
    weights: MemoryPart
    gradients: MemoryPart
    optimizer: MemoryPart
    activations: MemoryPart
    overhead: MemoryPart
    total_params: int
    trainable_params: int
    host_bytes: float
    capacity_bytes: float | None

    @property
    def parts(self) -> tuple[MemoryPart, ...]:
        return (self.weights, self.gradients, self.optimizer, self.activations, self.overhead)

    @property
    def total(self) -> float:
        return sum(part.bytes for part in self.parts)

    @property
    def fits(self) -> bool:
        return self.capacity_bytes is None or self.total <= self.capacity_bytes

    def to_json(self) -> dict[str, object]:
        return {
            "weights": int(self.weights.bytes),
            "gradients": int(self.gradients.bytes),
            "optimizer": int(self.optimizer.bytes),
            "activations": int(self.activations.bytes),
            "overhead": int(self.overhead.bytes),
            "total": int(self.total),
            "fits": self.fits,
            "capacity": int(self.capacity_bytes) if self.capacity_bytes is not None else None,
            "host_ram": int(self.host_bytes),
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "explain": [part.to_json() for part in self.parts],
        }


def _adapted(item: Params) -> bool:
    """Matrices LoRA adapts and QLoRA quantizes: every linear layer inside the repeated
    blocks (PEFT's "all-linear"), not the output head."""
    return item.role == "linear" and (item.repeat > 1 or ".attn" in item.name or "ff." in item.name)


def _optimizer_state_bytes(optimizer: str, params: tuple[Params, ...], only: bool | None) -> float:
    """Optimizer state bytes (fp32 unless 8-bit) for the trainable tensors."""
    total = 0.0
    for item in params:
        if only is not None and _adapted(item) != only:
            continue
        count = item.numel
        if optimizer == "adamw":
            total += 8 * count
        elif optimizer == "sgd":
            total += 4 * count
        elif optimizer == "adamw8bit":
            total += ADAM8BIT_STATE_BYTES * count
        else:  # Adafactor: factored second moment of matrices, full for vectors, no momentum
            if len(item.shape) >= 2:
                rows, cols = item.shape[0], int(count / item.repeat / item.shape[0])
                total += 4 * (rows + cols) * item.repeat
            else:
                total += 4 * count
    return total


def _lora_params(params: tuple[Params, ...], rank: int) -> tuple[Params, ...]:
    adapters = []
    for item in params:
        if _adapted(item) and len(item.shape) == 2:
            out_features, in_features = item.shape
            adapters.append(
                Params(
                    f"{item.name}.lora", (rank * (in_features + out_features),), "lora", item.repeat
                )
            )
    return tuple(adapters)


@dataclass(frozen=True)
class ParamSummary:
    """Sums over a network's parameter tensors that the memory model needs."""

    total: int
    frozen: int
    matrices: int  # linear and convolution weights (autocast casts these)
    adapted: int  # the matrices LoRA adapts and QLoRA quantizes
    largest_adapted: float
    largest_layer: float
    per_layer: float
    adapted_tensors: int  # adapted matrices, counting repeats
    lora: dict[int, int]  # adapter parameters by rank
    states: dict[str, float]  # optimizer state bytes of all trainable tensors
    lora_states: dict[tuple[str, int], float]


_summaries: dict[Network, ParamSummary] = {}


def summarize(network: Network) -> ParamSummary:
    cached = _summaries.get(network)
    if cached is not None:
        return cached
    params = network.parameters()
    trainable = tuple(item for item in params if item.role != "frozen")
    repeated = [item.numel / item.repeat for item in params if item.repeat > 1]
    summary = ParamSummary(
        total=sum(item.numel for item in params),
        frozen=sum(item.numel for item in params if item.role == "frozen"),
        matrices=sum(item.numel for item in params if item.role in ("linear", "conv")),
        adapted=sum(item.numel for item in params if _adapted(item)),
        largest_adapted=max(
            (item.numel / item.repeat for item in params if _adapted(item)), default=0.0
        ),
        largest_layer=max(repeated, default=0.0),
        per_layer=sum(repeated),
        adapted_tensors=sum(item.repeat for item in params if _adapted(item)),
        lora={},
        states={
            optimizer: _optimizer_state_bytes(optimizer, trainable, None)
            for optimizer in ("adamw", "sgd", "adamw8bit", "adafactor")
        },
        lora_states={},
    )
    _summaries[network] = summary
    return summary


def _lora(network: Network, summary: ParamSummary, rank: int, optimizer: str) -> tuple[int, float]:
    """Adapter parameters at `rank` and their optimizer state bytes (cached)."""
    key = (optimizer, rank)
    if key not in summary.lora_states:
        adapters = _lora_params(network.parameters(), rank)
        summary.lora[rank] = sum(item.numel for item in adapters)
        summary.lora_states[key] = _optimizer_state_bytes(optimizer, adapters, None)
    return summary.lora[rank], summary.lora_states[key]


def estimate_memory(
    network: Network, setup: TrainingSetup, capacity_bytes: float | None = None
) -> MemoryEstimate:
    summary = summarize(network)
    total = summary.total
    frozen = summary.frozen
    value = VALUE_BYTES[setup.precision]
    n = max(1, setup.gpus)
    stage = setup.stage
    host = 0.0

    if setup.mode == "full":
        trainable = total - frozen
        state = summary.states[setup.optimizer]
        matrices = summary.matrices
        if stage:
            weight_bytes = (2 if setup.mixed else 4) * total / (n if stage == 3 else 1)
            grad_bytes = (2 if setup.mixed else 4) * trainable / (n if stage >= 2 else 1)
            master = 4 * trainable if setup.mixed else 0
            opt_bytes = (master + state) / n
            weights = MemoryPart(
                "weights",
                weight_bytes,
                f"{total:,} params × {2 if setup.mixed else 4} B"
                + (f" ÷ {n} GPUs (ZeRO-3)" if stage == 3 else ""),
            )
            gradients = MemoryPart(
                "gradients",
                grad_bytes,
                f"{trainable:,} params × {2 if setup.mixed else 4} B"
                + (f" ÷ {n} GPUs (ZeRO-{stage})" if stage >= 2 else ""),
            )
            optimizer = MemoryPart(
                "optimizer",
                opt_bytes,
                f"({'fp32 master 4 B/param + ' if setup.mixed else ''}{setup.optimizer} states "
                f"{state / max(trainable, 1):.2f} B/param) × {trainable:,} ÷ {n} GPUs",
            )
        else:
            copies = (value if setup.mixed else 0) * matrices
            weights = MemoryPart(
                "weights",
                4 * total + copies,
                f"{total:,} fp32 params × 4 B"
                + (
                    f" + autocast {value}-byte copies of {matrices:,} matrix weights"
                    if copies
                    else ""
                ),
            )
            gradients = MemoryPart("gradients", 4 * trainable, f"{trainable:,} params × 4 B (fp32)")
            optimizer = MemoryPart(
                "optimizer",
                state,
                f"{setup.optimizer} states, "
                f"{state / max(trainable, 1):.2f} B/param × {trainable:,}",
            )
        if setup.offload_optimizer:
            host = optimizer.bytes * (n if stage else 1) + 4 * trainable
            optimizer = MemoryPart(
                "optimizer", 0.0, f"offloaded to host RAM ({host / GIB:.1f} GiB)"
            )
    else:
        trainable, state = _lora(network, summary, setup.lora_rank, setup.optimizer)
        adapted = summary.adapted
        rest = total - adapted
        base_value = 4 if not setup.mixed else 2
        if setup.mode == "qlora":
            base = NF4_BYTES * adapted + 2 * rest
            base_formula = (
                f"{adapted:,} NF4 matrix weights × {NF4_BYTES:.4f} B + {rest:,} others × 2 B"
            )
        else:
            base = base_value * total
            base_formula = f"{total:,} frozen params × {base_value} B"
        weights = MemoryPart(
            "weights",
            base + 4 * trainable,
            f"{base_formula} + {trainable:,} fp32 adapter params × 4 B",
        )
        gradients = MemoryPart("gradients", 4 * trainable, f"{trainable:,} adapter params × 4 B")
        optimizer = MemoryPart(
            "optimizer", state, f"{setup.optimizer} states for {trainable:,} adapter params"
        )

    activations = network.activations(
        setup.batch_size,
        setup.seq_len,
        4 if value == 4 else 2,
        setup.fused_attention,
        setup.activation_checkpointing,
    )
    act_bytes = activations.total_bytes
    act_formula = (
        (
            f"{activations.layers} layers × {activations.per_layer_bytes / 2**20:,.1f} MiB + "
            f"{activations.other_bytes / 2**20:,.1f} MiB outside the layers"
            if activations.layers
            else f"{act_bytes / 2**20:,.1f} MiB saved for backward"
        )
        + f" at micro-batch {setup.batch_size}"
        + (" (checkpointed)" if activations.checkpointed else "")
    )
    if setup.mode in ("lora", "qlora"):
        tokens = setup.batch_size * network.tokens_per_sample(setup.seq_len)
        extra = summary.adapted_tensors * tokens * setup.lora_rank * 2
        act_bytes += extra
    overhead = _overhead(
        summary, setup, weights.bytes + gradients.bytes + optimizer.bytes + act_bytes
    )
    return MemoryEstimate(
        weights=weights,
        gradients=gradients,
        optimizer=optimizer,
        activations=MemoryPart("activations", act_bytes, act_formula),
        overhead=overhead,
        total_params=total,
        trainable_params=trainable,
        host_bytes=host,
        capacity_bytes=capacity_bytes,
    )


def _overhead(summary: ParamSummary, setup: TrainingSetup, allocated: float) -> MemoryPart:
    extra = 0.0
    notes = []
    if setup.stage == 3:
        # ZeRO-3/FSDP gathers the next layer's weights while one is in use.
        extra += 2 * 2 * max(summary.largest_layer, summary.per_layer)
        notes.append("2 gathered layers of 16-bit weights")
    if setup.mode == "qlora":
        extra += 2 * summary.largest_adapted
        notes.append("one dequantized matrix")
    fragmentation = FRAGMENTATION * allocated
    formula = f"CUDA context {CONTEXT_BYTES / GIB:.2f} GiB + {FRAGMENTATION:.0%} fragmentation"
    if notes:
        formula += " + " + ", ".join(notes)
    return MemoryPart("overhead", CONTEXT_BYTES + fragmentation + extra, formula)


def largest_batch(
    network: Network, setup: TrainingSetup, capacity_bytes: float, limit: int = 65_536
) -> int:
    """The largest micro-batch that fits, 0 if not even one sample does.

    Memory is affine in the micro-batch (every activation scales with it), so two
    estimates give the answer; a check on each side guards against rounding.
    """

    def total(batch: int) -> float:
        return estimate_memory(network, replace(setup, batch_size=batch)).total

    one = total(1)
    if one > capacity_bytes:
        return 0
    per_sample = total(2) - one
    if per_sample <= 0:
        return limit
    batch = min(limit, int((capacity_bytes - one) // per_sample) + 1)
    while batch > 1 and total(batch) > capacity_bytes:
        batch -= 1
    while batch < limit and total(batch + 1) <= capacity_bytes:
        batch += 1
    return batch
