"""How a network is trained: the recipe the memory and speed models read.

The defaults are what a current PyTorch user gets without asking for more: mixed precision
with an fp32 master copy (AMP), fused (SDPA) attention, no torch.compile, one micro-batch
per optimizer step, LoRA on every linear layer of the blocks, nothing offloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

ZERO_STAGE = {"none": 0, "zero1": 1, "zero2": 2, "zero3": 3, "fsdp": 3}
OFFLOAD = ("none", "optimizer", "parameters")
# fp32: AMP (fp32 weights on the GPU, autocast); bf16: pure 16-bit, no fp32 copy; fp32_copy:
# 16-bit weights and gradients with an fp32 master copy in the optimizer (apex O2,
# DeepSpeed and Megatron without ZeRO, NVIDIA's DeepLearningExamples BERT).
MASTER_WEIGHTS = ("fp32", "bf16", "fp32_copy")


@dataclass(frozen=True)
class TrainingSetup:
    mode: str = "full"  # full, lora, qlora
    precision: str = "bf16"  # fp32, tf32, fp16, bf16, fp8
    batch_size: int = 8  # micro-batch per GPU
    seq_len: int = 2048
    optimizer: str = "adamw"  # adamw, sgd, adamw8bit, paged_adamw8bit, adafactor
    activation_checkpointing: bool = False
    sharding: str = "none"  # none, zero1, zero2, zero3, fsdp
    gpus: int = 1  # data-parallel GPUs the states are sharded over
    lora_rank: int = 16
    offload: str = "none"  # none, optimizer (ZeRO-Offload), parameters (and optimizer)
    fused_attention: bool = True  # SDPA / FlashAttention rather than eager attention
    master_weights: str = "fp32"  # fp32 (AMP), bf16 (pure 16-bit), fp32_copy (apex O2)
    optimizer_in_backward: bool = False  # each gradient is applied and freed at once
    grad_accum: int = 1  # micro-batches per optimizer step
    lora_targets: str = "all"  # all linear layers of the blocks, or attention only
    compile: bool = False  # torch.compile fuses the elementwise kernels
    p2p: bool | None = None  # peer-to-peer between GPUs; None: what the link implies
    expert_parallel: bool = False  # each GPU holds 1/N of the experts (all-to-all routing)

    @property
    def mixed(self) -> bool:
        return self.precision in ("fp16", "bf16", "fp8")

    @property
    def pure_16bit(self) -> bool:
        """Weights, gradients and optimizer states in 16-bit with no fp32 master copy."""
        return self.mixed and self.master_weights == "bf16"

    @property
    def attention_name(self) -> str:
        return "fused" if self.fused_attention else "eager"

    @property
    def sixteen_bit_weights(self) -> bool:
        """Whether the GPU holds the weights and gradients in 16-bit (sharded mixed precision,
        pure 16-bit, or a separate fp32 master copy)."""
        return self.mixed and (bool(self.stage) or self.master_weights != "fp32")

    @property
    def autocast(self) -> bool:
        """Whether 16-bit math comes from autocast over fp32 weights on the GPU (PyTorch AMP),
        which keeps an fp32 residual stream and casts per layer. A 16-bit base (LoRA, QLoRA),
        FSDP / ZeRO mixed precision and pure 16-bit training compute on 16-bit weights."""
        return self.mode == "full" and self.mixed and not self.sixteen_bit_weights

    @property
    def stage(self) -> int:
        return ZERO_STAGE[self.sharding] if self.gpus > 1 else 0

    @property
    def experts_split(self) -> int:
        """The GPUs the experts are divided over: all of them with expert parallelism."""
        return self.gpus if self.expert_parallel and self.gpus > 1 else 1

    @property
    def offload_optimizer(self) -> bool:
        return self.offload != "none"

    @property
    def offload_parameters(self) -> bool:
        return self.offload == "parameters"


@dataclass(frozen=True)
class MemoryPart:
    """One component with the formula and inputs behind it, for the explain view."""

    name: str
    bytes: float
    formula: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "bytes": int(self.bytes), "formula": self.formula}
