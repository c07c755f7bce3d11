"""The bytes autograd saves for a transformer layer, tensor by tensor, as Hugging Face models
train on CUDA (tests/data/library_activations.json, measured on the real implementations).

Three precisions: fp32; AMP (16-bit autocast over fp32 parameters: the matrix products run
in 16-bit, while the residual stream stays fp32 because the embeddings and every residual sum
are fp32, and CUDA autocast runs LayerNorm and softmax in fp32); and pure 16-bit (parameters
in 16-bit, no autocast). Under AMP each linear layer fed by an fp32 tensor saves its own
16-bit cast of it, so q, k and v keep three copies of the normalized input.
"""

from __future__ import annotations

from dataclasses import dataclass

FP32 = 4
MASK = 1  # CUDA dropout keeps a bool mask
# Bytes kept per element of the MLP's hidden width by the activation, input and output
# (the output is the down projection's input) in fp32, AMP and pure 16-bit. HF's "gelu_new"
# is Python: pow (fp32 under CUDA autocast), tanh, 1 + tanh and 0.5·x each keep a tensor.
ACTIVATION_BYTES = {
    "gelu": (8, 4, 4),
    "gelu_pytorch_tanh": (8, 4, 4),
    "gelu_tanh": (20, 16, 10),
    "relu": (4, 2, 2),
}


@dataclass(frozen=True)
class Precision:
    """Byte sizes of the tensors a layer keeps: `value` for matrix-product outputs,
    `residual` for the residual stream and norm outputs, `amp` for autocast's casts."""

    value: int
    amp: bool

    @property
    def residual(self) -> int:
        return FP32 if self.amp else self.value

    def linear_inputs(self, elements: float, linears: int) -> float:
        """What `linears` layers reading one residual-dtype tensor keep: one shared tensor,
        or under AMP one 16-bit cast each."""
        if self.amp:
            return linears * elements * self.value
        return elements * self.residual

    def activation(self, name: str) -> int:
        fp32, amp, pure = ACTIVATION_BYTES.get(name, (8, 4, 4))
        if self.value == FP32:
            return fp32
        return amp if self.amp else pure


def precision(bytes_per_value: int, autocast: bool | None) -> Precision:
    """16-bit values run under AMP unless `autocast` is False (pure 16-bit training)."""
    amp = bytes_per_value < FP32 and autocast is not False
    return Precision(bytes_per_value, amp)


def norm_bytes(norm: str, tokens: int, width: int, prec: Precision) -> float:
    """LayerNorm keeps its input and fp32 mean and rstd; HF's RMSNorm keeps an fp32 view of
    its input, the normalized tensor in the residual dtype and the fp32 rstd."""
    if norm == "rmsnorm":
        return tokens * width * (FP32 + prec.residual) + tokens * FP32
    return tokens * width * prec.residual + 2 * tokens * FP32


def softmax_bytes(prec: Precision, rmsnorm_family: bool) -> int:
    """Eager attention's softmax output: fp32 under AMP (CUDA autocast) and in Llama-style
    code, which asks for an fp32 softmax."""
    return FP32 if prec.amp or rmsnorm_family else prec.value


@dataclass(frozen=True)
class AttentionShape:
    batch: int
    queries: int  # query positions per sample
    keys: int  # key positions per sample
    heads: int
    q_width: int
    kv_width: int
    dropout: bool


def attention_bytes(shape: AttentionShape, prec: Precision, fused: bool, softmax: int) -> float:
    """The attention core, from q, k, v to the output projection's input."""
    b, heads = shape.batch, shape.heads
    q_tokens, k_tokens = b * shape.queries, b * shape.keys
    p = prec.value
    if fused:
        # Flash / memory-efficient SDPA keep q, k, v (grouped k, v not repeated), the output
        # (allocated so that the output projection reads it as is) and an fp32 log-sum-exp.
        saved = (2 * q_tokens * shape.q_width + 2 * k_tokens * shape.kv_width) * p
        return saved + b * heads * shape.queries * FP32
    scores = b * heads * shape.queries * shape.keys
    # Matmul keeps contiguous copies of q and kᵀ, then of the probabilities and v (k and v
    # repeated to every head), and the output is copied back to (b, s, h) for the projection.
    saved = (2 * q_tokens * shape.q_width + 2 * k_tokens * shape.q_width) * p
    saved += scores * softmax
    if shape.dropout:
        saved += scores * (MASK + p)
    elif softmax != p:
        saved += scores * p  # the 16-bit cast the second matmul reads
    return float(saved)
