"""Types shared by the network families: parameter tensors, operations, activations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Params:
    """A parameter tensor, repeated `repeat` times (once per layer, say).

    `role` tells the memory model what training does with it: "linear" weights are the
    matrices LoRA adapts and QLoRA quantizes; the rest stay in 16-bit.
    """

    name: str
    shape: tuple[int, ...]
    role: str = "linear"
    repeat: int = 1

    @property
    def numel(self) -> int:
        return math.prod(self.shape) * self.repeat


@dataclass(frozen=True)
class Op:
    """One forward operation of a micro-batch, repeated `repeat` times.

    `flops` and `elements` (tensor elements read plus written) are per repetition. Matrix
    products also carry their GEMM shape (m, n, k) so efficiency can depend on size.
    """

    name: str
    kind: str  # matmul, attention, elementwise, norm, softmax, embedding, conv, loss
    flops: float
    elements: float
    repeat: int = 1
    m: int = 0
    n: int = 0
    k: int = 0
    winograd: bool = False  # a stride-1 3×3 convolution (cuDNN may use Winograd in FP32)


@dataclass(frozen=True)
class Activations:
    """Bytes autograd keeps for the backward pass, per micro-batch, with the parts.

    With checkpointing `per_layer_bytes` is what each layer keeps (its input). `recompute_bytes`
    is the largest transient of the backward pass on top of what the forward kept: the layer
    a checkpointed backward rebuilds, or the loss gradient over the logits, whichever is
    larger. It is not in `total_bytes` (what is kept when the forward pass ends).
    """

    per_layer_bytes: float
    layers: int
    other_bytes: float  # embeddings, head, logits, loss
    checkpointed: bool
    recompute_bytes: float = 0.0

    @property
    def total_bytes(self) -> float:
        return self.per_layer_bytes * self.layers + self.other_bytes


class Network(Protocol):
    @property
    def family(self) -> str: ...

    @property
    def sample_unit(self) -> str:
        """What one training sample is: "sequence" or "image"."""
        ...

    def parameters(self) -> tuple[Params, ...]: ...

    def forward_ops(
        self, batch: int, seq_len: int, fused_attention: bool = True
    ) -> tuple[Op, ...]: ...

    def activations(
        self,
        batch: int,
        seq_len: int,
        bytes_per_value: int,
        fused_attention: bool,
        checkpointing: bool,
        autocast: bool | None = None,
        lora_targets: str | None = None,
    ) -> Activations:
        """`autocast`: whether 16-bit values come from AMP over fp32 parameters (None: yes)
        or from pure 16-bit training (False); fp32 ignores it. `lora_targets`: with LoRA on a
        frozen 16-bit base ("all" or "attention"), a frozen linear layer keeps no input for
        a weight gradient; only the adapters' inputs are kept."""
        ...

    def tokens_per_sample(self, seq_len: int) -> int: ...


def matmul(name: str, m: int, n: int, k: int, repeat: int = 1) -> Op:
    """C[m, n] = A[m, k] @ B[k, n]."""
    return Op(name, "matmul", 2.0 * m * n * k, m * k + k * n + m * n, repeat, m, n, k)


def elementwise(
    name: str, elements: float, reads: int = 1, flops_per: float = 1.0, repeat: int = 1
) -> Op:
    return Op(name, "elementwise", flops_per * elements, elements * (reads + 1), repeat)


def total_params(params: tuple[Params, ...]) -> int:
    return sum(item.numel for item in params)
