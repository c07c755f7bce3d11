"""Model states per GPU: weights, gradients and optimizer states, and what goes to host RAM.

Byte counts follow what the frameworks allocate:
- PyTorch AMP (fp16/bf16/fp8, unsharded): fp32 parameters, fp32 gradients, fp32 optimizer
  states; the 16-bit copies of the matrix weights that autocast makes are added by
  planner/core/memory.py, since what the backward pass keeps of them depends on
  checkpointing.
- Pure 16-bit training (torchtune's default, `master_weights = "bf16"`): 16-bit weights,
  gradients and optimizer states, no fp32 copy.
- DeepSpeed ZeRO / FSDP (sharded mixed precision): 16-bit weights and gradients, and an
  optimizer holding fp32 master weights plus its states, sharded over the GPUs by stage
  (Rajbhandari et al. 2020). Stage 3 shards every parameter, frozen ones included.
- LoRA: frozen base weights in the compute dtype; adapters, their gradients and states in
  fp32 (16-bit in pure 16-bit training). QLoRA: the matrices of the blocks in 4-bit NF4 with
  double-quantized constants (Dettmers et al. 2023), the rest in 16-bit; under FSDP the
  4-bit base is sharded too (Answer.AI's FSDP+QLoRA).
- Offload: "optimizer" moves the fp32 master copy and states to host RAM (ZeRO-Offload);
  "parameters" moves the weights and gradients too (ZeRO-Infinity / FSDP CPU offload), and
  the GPU keeps only the layers in use.
- Optimizer-in-backward applies and frees each gradient as soon as it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.param_summary import ParamSummary
from planner.core.training_setup import MemoryPart, TrainingSetup

# NF4: 4 bits per weight, an 8-bit absmax per 64 weights and an fp32 constant per 256 of
# those (double quantization): 0.5 + 1/64 + 4/16384 bytes per weight.
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)


@dataclass(frozen=True)
class ModelStates:
    weights: MemoryPart
    gradients: MemoryPart
    optimizer: MemoryPart
    trainable: int
    host_bytes: float


def _split(setup: TrainingSetup, stage_needed: int) -> tuple[int, str]:
    """The divisor for a state sharded from ZeRO stage `stage_needed` on, and its words."""
    n = max(1, setup.gpus)
    if setup.stage >= stage_needed and n > 1:
        return n, f" ÷ {n} GPUs ({'FSDP/ZeRO-3' if setup.stage == 3 else f'ZeRO-{setup.stage}'})"
    return 1, ""


def _dtype(value: int) -> str:
    return "fp32" if value == 4 else "16-bit"


def model_states(summary: ParamSummary, setup: TrainingSetup) -> ModelStates:
    if setup.mode == "full":
        return _full(summary, setup)
    return _adapters(summary, setup)


def _full(summary: ParamSummary, setup: TrainingSetup) -> ModelStates:
    total, trainable = summary.total, summary.total - summary.frozen
    weight_value = 2 if setup.sixteen_bit_weights else 4
    grad_value = weight_value
    master = 4 * trainable if setup.sixteen_bit_weights and not setup.pure_16bit else 0
    state_value = 2 if setup.pure_16bit else 4
    state = summary.states(setup.optimizer, state_value)
    w_div, w_words = _split(setup, 3)
    g_div, g_words = _split(setup, 2)
    o_div, o_words = _split(setup, 1)
    weights = MemoryPart(
        "weights",
        weight_value * total / w_div,
        f"{total:,} {_dtype(weight_value)} params × {weight_value} B{w_words}",
    )
    gradients = MemoryPart(
        "gradients",
        grad_value * trainable / g_div,
        f"{trainable:,} {_dtype(grad_value)} params × {grad_value} B{g_words}",
    )
    if setup.optimizer_in_backward:
        gradients = MemoryPart(
            "gradients",
            grad_value * summary.largest_tensor,
            f"largest tensor {summary.largest_tensor:,.0f} params × {grad_value} B "
            "(optimizer in backward frees each gradient)",
        )
    optimizer = MemoryPart(
        "optimizer",
        (master + state) / o_div,
        f"({'fp32 master 4 B/param + ' if master else ''}{setup.optimizer} states "
        f"{state / max(trainable, 1):.2f} B/param) × {trainable:,}{o_words}",
    )
    return _paged(setup, _offloaded(setup, weights, gradients, optimizer, trainable))


def _paged(setup: TrainingSetup, states: ModelStates) -> ModelStates:
    """Paged optimizers (bitsandbytes) keep their states in CUDA unified memory, which the
    driver evicts to host RAM when the GPU runs short: they need host RAM, not VRAM."""
    if not setup.optimizer.startswith("paged_") or not states.optimizer.bytes:
        return states
    paged = states.optimizer.bytes
    optimizer = MemoryPart(
        "optimizer", 0.0, f"paged to host RAM when VRAM runs short ({states.optimizer.formula})"
    )
    host = states.host_bytes + paged * max(1, setup.gpus)
    return ModelStates(states.weights, states.gradients, optimizer, states.trainable, host)


def _adapters(summary: ParamSummary, setup: TrainingSetup) -> ModelStates:
    found = summary.adapters(setup.lora_rank, setup.lora_targets)
    trainable = found.params
    value = 2 if setup.pure_16bit else 4
    state = summary.adapter_states(setup.lora_rank, setup.lora_targets, setup.optimizer, value)
    adapted = summary.adapted
    rest = summary.total - adapted
    base_value = 2 if setup.mixed else 4
    if setup.mode == "qlora":
        base = NF4_BYTES * adapted + base_value * rest
        formula = (
            f"{adapted:,} NF4 matrix weights × {NF4_BYTES:.4f} B + {rest:,} others × {base_value} B"
        )
    else:
        base = base_value * summary.total
        formula = f"{summary.total:,} frozen params × {base_value} B"
    # FSDP / ZeRO-3 shard the frozen base as well as the adapters.
    div, words = _split(setup, 3)
    weights = MemoryPart(
        "weights",
        (base + value * trainable) / div,
        f"({formula} + {trainable:,} adapter params × {value} B){words}",
    )
    gradients = MemoryPart(
        "gradients", value * trainable / div, f"{trainable:,} adapter params × {value} B{words}"
    )
    optimizer = MemoryPart(
        "optimizer",
        state / div,
        f"{setup.optimizer} states for {trainable:,} adapter params{words}",
    )
    return _paged(setup, _offloaded(setup, weights, gradients, optimizer, trainable))


def _offloaded(
    setup: TrainingSetup,
    weights: MemoryPart,
    gradients: MemoryPart,
    optimizer: MemoryPart,
    trainable: int,
) -> ModelStates:
    """Move what `setup.offload` asks for to host RAM; the host holds every GPU's share."""
    if setup.offload == "none":
        return ModelStates(weights, gradients, optimizer, trainable, 0.0)
    gpus = max(1, setup.gpus)
    host = (optimizer.bytes + 4 * trainable / (gpus if setup.stage else 1)) * gpus
    optimizer = MemoryPart("optimizer", 0.0, f"offloaded to host RAM ({optimizer.formula})")
    if setup.offload == "parameters":
        host += (weights.bytes + gradients.bytes) * gpus
        weights = MemoryPart("weights", 0.0, f"offloaded to host RAM ({weights.formula})")
        gradients = MemoryPart("gradients", 0.0, f"offloaded to host RAM ({gradients.formula})")
    return ModelStates(weights, gradients, optimizer, trainable, host)
