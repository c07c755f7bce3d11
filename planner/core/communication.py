"""Traffic between data-parallel GPUs per micro-batch, and how much of it the step waits for.

- DDP and ZeRO-1/2: the gradients are reduced once per optimizer step (every `grad_accum`
  micro-batches): a ring all-reduce moves 2·(N−1)/N of the gradient bytes over each link
  (ZeRO's reduce-scatter plus all-gather of the updated weights moves the same).
- FSDP / ZeRO-3: every micro-batch all-gathers the sharded weights for the forward and again
  for the backward pass — the frozen base of LoRA and QLoRA too (Answer.AI's FSDP+QLoRA) —
  and reduce-scatters the gradients: (N−1)/N of the bytes each time.
- Expert parallelism: each GPU keeps its share of the experts, so their gradients are not
  reduced; instead every MoE layer sends each token's hidden state to the GPUs of its
  chosen experts and back (dispatch and combine all-to-alls), forward and backward: 4 ·
  tokens · k · hidden values per layer, (N−1)/N of them off the GPU. The layer waits for
  them (plain PyTorch and DeepSpeed-MoE do not overlap them).
- Collectives reach `link_efficiency` of the link's bandwidth (NCCL's bus bandwidth against
  the wire rate) and hide behind the backward pass by `overlap`. Without peer-to-peer
  (GeForce RTX 40/50, or P2P turned off) NCCL stages every transfer through host memory:
  each byte is copied twice, so half the bandwidth, and the proxy thread's copies do not
  overlap with compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.memory import estimate_memory
from planner.core.model_states import NF4_BYTES, model_states
from planner.core.networks.common import Network
from planner.core.networks.moe import MoE
from planner.core.param_summary import ParamSummary, expert_adapter_params, summarize
from planner.core.training_setup import TrainingSetup
from planner.core.units import GIB

# Host-staged transfers copy each byte twice (GPU → pinned host buffer → GPU).
HOST_STAGING_FACTOR = 0.5


@dataclass(frozen=True)
class Traffic:
    """Bytes each GPU sends per micro-batch, split by whether backward can hide them."""

    gradient_bytes: float  # reduced during backward (can overlap)
    gather_bytes: float  # FSDP weight gathers (prefetched; can overlap with compute)


def traffic(summary: ParamSummary, setup: TrainingSetup, trainable: int) -> Traffic:
    n = setup.gpus
    if n <= 1:
        return Traffic(0.0, 0.0)
    share = (n - 1) / n
    trainable -= _local_trainable(summary, setup)
    if setup.stage == 3:
        weights = _weight_bytes(summary, setup)
        grad_bytes = share * trainable * _grad_value(setup)
        return Traffic(grad_bytes, 2 * share * weights)
    grad_value = _grad_value(setup)
    return Traffic(2 * share * trainable * grad_value / max(1, setup.grad_accum), 0.0)


def _local_trainable(summary: ParamSummary, setup: TrainingSetup) -> int:
    """Trainable parameters whose gradients stay on their GPU: experts split over the GPUs."""
    if setup.experts_split <= 1:
        return 0
    if setup.mode == "full":
        return summary.experts
    return expert_adapter_params(summary, setup.lora_rank, setup.lora_targets)


def all_to_all_bytes(network: Network, setup: TrainingSetup) -> float:
    """Bytes one GPU sends per micro-batch routing tokens to experts on other GPUs."""
    moe = getattr(network, "moe", None)
    n = setup.experts_split
    if not isinstance(moe, MoE) or n <= 1:
        return 0.0
    tokens = setup.batch_size * network.tokens_per_sample(setup.seq_len)
    value = 2 if setup.mixed else 4
    hidden = int(getattr(network, "hidden", 0))
    layers = moe.moe_layers(int(getattr(network, "layers", 0)))
    return 4.0 * tokens * moe.per_token * hidden * value * layers * (n - 1) / n


def _grad_value(setup: TrainingSetup) -> int:
    """Bytes per gradient value on the wire: fp32 gradients under AMP (fp32 parameters) and
    fp32 training; 16-bit when sharded mixed precision or pure 16-bit training."""
    if not setup.mixed:
        return 4
    if (setup.mode == "full" and setup.sixteen_bit_weights) or setup.pure_16bit:
        return 2
    return 4


def _weight_bytes(summary: ParamSummary, setup: TrainingSetup) -> float:
    """The whole model's weights as FSDP gathers them."""
    value = 2 if setup.mixed else 4
    if setup.mode == "qlora":
        return NF4_BYTES * summary.adapted + value * (summary.total - summary.adapted)
    return float(value * summary.total)


def collective_gbs(link_gbs: float, p2p: bool, efficiency: float) -> float:
    """The bandwidth collectives reach over a link: its share `efficiency`, halved where the
    GPUs have no peer-to-peer and stage through host memory."""
    return link_gbs * efficiency * (1.0 if p2p else HOST_STAGING_FACTOR)


def communication_seconds(
    summary: ParamSummary,
    setup: TrainingSetup,
    link_gbs: float,
    p2p: bool,
    efficiency: float,
    overlap: float,
    trainable: int,
    compute_s: float,
    routed_bytes: float = 0.0,
) -> tuple[float, float]:
    """Seconds of collectives per micro-batch, and the part the step waits for. The expert
    all-to-alls (`routed_bytes`) sit on the critical path."""
    moved = traffic(summary, setup, trainable)
    total_bytes = moved.gradient_bytes + moved.gather_bytes
    if not total_bytes and not routed_bytes:
        return 0.0, 0.0
    bandwidth = collective_gbs(link_gbs, p2p, efficiency) * 1e9
    seconds = total_bytes / bandwidth
    routed = routed_bytes / bandwidth
    if not p2p:
        return seconds + routed, seconds + routed
    # Gradient buckets overlap with the rest of backward (about 2/3 of compute); prefetched
    # weight gathers with forward and backward.
    hidden = min(seconds * overlap, compute_s * (2 / 3 if not moved.gather_bytes else 1.0))
    return seconds + routed, seconds - hidden + routed


def host_transfer_seconds(
    network: Network, setup: TrainingSetup, vram_gb: float, host_link_gbs: float
) -> float:
    """Seconds per micro-batch spent moving states over the GPU's PCIe link to host RAM
    (a lower bound: the CPU's own work for an offloaded optimizer is not counted).
    - optimizer offload: gradients down and updated 16-bit weights up, once per step;
    - parameter offload: the weights come up for forward and backward, every micro-batch;
    - paged optimizer states: what does not fit in VRAM goes down and up each step."""
    if setup.offload == "none" and not setup.optimizer.startswith("paged_"):
        return 0.0
    summary = summarize(network)
    states = model_states(summary, setup)
    bandwidth = host_link_gbs * 1e9
    per_step = 0.0
    per_micro_batch = 0.0
    if setup.offload != "none":
        per_step += states.trainable * (_grad_value(setup) + 2)
    if setup.offload == "parameters":
        per_micro_batch += 2 * _weight_bytes(summary, setup) / max(1, setup.gpus)
    if setup.optimizer.startswith("paged_"):
        memory = estimate_memory(network, setup)
        paged = states.host_bytes / max(1, setup.gpus) if setup.offload == "none" else 0.0
        overflow = max(0.0, memory.total + paged - vram_gb * GIB)
        per_step += 2 * min(paged, overflow)
    return (per_step / max(1, setup.grad_accum) + per_micro_batch) / bandwidth
