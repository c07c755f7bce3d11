"""Training memory per GPU: weights, gradients, optimizer states, activations, overhead.

Model states follow planner/core/model_states.py (AMP, pure 16-bit, ZeRO/FSDP, LoRA, QLoRA,
offload); activations are what autograd saves (planner/core/networks); the overhead is the
CUDA context, the allocator's fragmentation and the buffers sharding and QLoRA need.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.core.model_states import NF4_BYTES, model_states
from planner.core.networks.common import Network
from planner.core.param_summary import ADAM8BIT_STATE_BYTES, ParamSummary, summarize
from planner.core.training_setup import ZERO_STAGE, MemoryPart, TrainingSetup
from planner.core.units import GIB

__all__ = [
    "ADAM8BIT_STATE_BYTES",
    "GIB",
    "NF4_BYTES",
    "ZERO_STAGE",
    "MemoryEstimate",
    "MemoryPart",
    "TrainingSetup",
    "estimate_memory",
    "largest_batch",
    "summarize",
]

VALUE_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "fp8": 1}
# CUDA context, cuBLAS/cuDNN workspaces and kernels: about 0.5-1 GB per GPU (DOMAIN.md).
CONTEXT_BYTES = 0.75 * GIB
# The caching allocator's fragmentation: about 5-10% of what the model allocates.
FRAGMENTATION = 0.07


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


_estimates: dict[tuple[Network, TrainingSetup, float | None], MemoryEstimate] = {}


def estimate_memory(
    network: Network, setup: TrainingSetup, capacity_bytes: float | None = None
) -> MemoryEstimate:
    """Memory per GPU of one training setup (cached: estimates are immutable)."""
    key = (network, setup, capacity_bytes)
    found = _estimates.get(key)
    if found is None:
        if len(_estimates) > 4096:
            _estimates.clear()
        found = _estimates[key] = _estimate_memory(network, setup, capacity_bytes)
    return found


def _estimate_memory(
    network: Network, setup: TrainingSetup, capacity_bytes: float | None
) -> MemoryEstimate:
    summary = summarize(network, setup.experts_split)
    states = model_states(summary, setup)
    weights = states.weights
    copies = _autocast_copies(network, summary, setup)
    if copies:
        weights = MemoryPart(
            "weights",
            weights.bytes + copies,
            f"{weights.formula} + autocast {VALUE_BYTES[setup.precision]}-byte copies of "
            f"{copies / VALUE_BYTES[setup.precision]:,.0f} matrix weights",
        )
    activations = _activations(network, summary, setup)
    overhead = _overhead(
        summary,
        setup,
        weights.bytes + states.gradients.bytes + states.optimizer.bytes + activations.bytes,
    )
    return MemoryEstimate(
        weights=weights,
        gradients=states.gradients,
        optimizer=states.optimizer,
        activations=activations,
        overhead=overhead,
        total_params=summary.total,
        trainable_params=states.trainable,
        host_bytes=states.host_bytes,
        capacity_bytes=capacity_bytes,
    )


def _autocast_copies(network: Network, summary: ParamSummary, setup: TrainingSetup) -> float:
    """16-bit copies of the fp32 matrix weights that autocast makes in unsharded AMP full
    training, a tied output head's embedding included. Autocast's cache holds every one
    until the forward pass ends, checkpointed or not (measured: tests/data/
    library_activations.json); sharded and pure 16-bit runs hold 16-bit weights already."""
    if not setup.autocast:
        return 0.0
    tied = getattr(network, "tied_head_params", 0)
    return VALUE_BYTES[setup.precision] * (summary.matrices + tied)


def _activations(network: Network, summary: ParamSummary, setup: TrainingSetup) -> MemoryPart:
    value = VALUE_BYTES[setup.precision]
    activations = network.activations(
        setup.batch_size,
        setup.seq_len,
        4 if value == 4 else 2,
        setup.fused_attention,
        setup.activation_checkpointing,
        autocast=setup.autocast,
        lora_targets=setup.lora_targets if setup.mode == "lora" else None,
    )
    # Backward's largest transient (a rebuilt checkpointed layer, the logits' gradient) comes
    # on top of what the forward pass kept.
    act_bytes = activations.total_bytes + activations.recompute_bytes
    formula = (
        (
            f"{activations.layers} layers × {activations.per_layer_bytes / 2**20:,.1f} MiB + "
            f"{activations.other_bytes / 2**20:,.1f} MiB outside the layers"
            if activations.layers
            else f"{act_bytes / 2**20:,.1f} MiB saved for backward"
        )
        + f" at micro-batch {setup.batch_size}"
        + (" (checkpointed)" if activations.checkpointed else "")
        + (
            f" + {activations.recompute_bytes / 2**20:,.1f} MiB transient in backward"
            if activations.recompute_bytes
            else ""
        )
    )
    if setup.mode in ("lora", "qlora"):
        # Each adapter keeps its rank-wide intermediate (x·A) for the backward pass.
        tokens = setup.batch_size * network.tokens_per_sample(setup.seq_len)
        tensors = summary.adapters(setup.lora_rank, setup.lora_targets).tensors
        extra = tensors * tokens * setup.lora_rank * 2
        act_bytes += extra
        formula += f" + {tensors:,} adapters × {tokens:,} tokens × rank {setup.lora_rank} × 2 B"
    return MemoryPart("activations", act_bytes, formula)


def _overhead(summary: ParamSummary, setup: TrainingSetup, allocated: float) -> MemoryPart:
    extra = 0.0
    notes = []
    if setup.stage == 3 or setup.offload_parameters:
        # FSDP / ZeRO-3 gather the next layer's weights while one is in use.
        per_weight = 2.0 if setup.mixed else 4.0
        if setup.mode == "qlora":
            quantized = NF4_BYTES * summary.adapted + 2 * (summary.total - summary.adapted)
            per_weight = quantized / summary.total
        extra += 2 * per_weight * summary.per_layer
        notes.append(f"2 gathered layers of {per_weight:.2f}-byte weights")
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
