"""Attention beyond plain multi-head and grouped-query attention: DeepSeek's multi-head
latent attention (MLA), sliding-window layers (Mistral, Gemma 2/3, gpt-oss) and how many
keys a query sees in them.

MLA (DeepSeek-V2, arXiv:2405.04434, section 2.1): keys and values are compressed into a
`kv_rank` latent plus a shared `rope_dim` positional key; queries through a `q_rank`
latent (0: a full projection). Training decompresses per head: query-key products over
`nope_dim + rope_dim`, values of `v_dim`.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Op, Params, elementwise, matmul


@dataclass(frozen=True)
class Mla:
    q_rank: int  # 0: queries from a full projection (DeepSeek-V2-Lite)
    kv_rank: int
    rope_dim: int
    nope_dim: int
    v_dim: int

    @property
    def qk_dim(self) -> int:
        return self.nope_dim + self.rope_dim

    def parameters(self, heads: int, hidden: int, layers: int) -> list[Params]:
        q_out = heads * self.qk_dim
        items = []
        if self.q_rank:
            items += [
                Params("layers.attn.q_a", (self.q_rank, hidden), "linear", layers),
                Params("layers.attn.q_a_norm", (self.q_rank,), "norm", layers),
                Params("layers.attn.q_b", (q_out, self.q_rank), "linear", layers),
            ]
        else:
            items.append(Params("layers.attn.q", (q_out, hidden), "linear", layers))
        kv_b = heads * (self.nope_dim + self.v_dim)
        items += [
            Params("layers.attn.kv_a", (self.kv_rank + self.rope_dim, hidden), "linear", layers),
            Params("layers.attn.kv_a_norm", (self.kv_rank,), "norm", layers),
            Params("layers.attn.kv_b", (kv_b, self.kv_rank), "linear", layers),
            Params("layers.attn.o", (hidden, heads * self.v_dim), "linear", layers),
        ]
        return items

    def projection_ops(self, tokens: int, heads: int, hidden: int, layers: int) -> list[Op]:
        q_out = heads * self.qk_dim
        ops = []
        if self.q_rank:
            ops += [
                matmul("q_a", tokens, self.q_rank, hidden, layers),
                matmul("q_b", tokens, q_out, self.q_rank, layers),
            ]
        else:
            ops.append(matmul("q", tokens, q_out, hidden, layers))
        ops += [
            matmul("kv_a", tokens, self.kv_rank + self.rope_dim, hidden, layers),
            matmul("kv_b", tokens, heads * (self.nope_dim + self.v_dim), self.kv_rank, layers),
        ]
        return ops

    def latent_width(self) -> int:
        """What the KV cache keeps per token and layer: the latent and the positional key."""
        return self.kv_rank + self.rope_dim


@dataclass(frozen=True)
class Window:
    """Sliding-window attention: `size` keys back from each query. `global_every`: every
    n-th layer attends to the whole sequence (Gemma 3: 6, gpt-oss: 2); 0: none do."""

    size: int
    global_every: int = 0

    def global_layers(self, layers: int) -> int:
        return layers // self.global_every if self.global_every else 0

    def local_layers(self, layers: int) -> int:
        return layers - self.global_layers(layers)


def keys_per_query(s: int, causal: bool, window: int = 0) -> float:
    """The mean number of keys a query attends to over a sequence of `s` positions (half
    of them in a causal layer, as flash attention's work counts)."""
    if not causal:
        return float(min(s, window) if window else s)
    if not window or window >= s:
        return s / 2
    # Queries before the window fills see all previous keys; later ones see `window`.
    return (window * window / 2 + (s - window) * window) / s


@dataclass(frozen=True)
class CoreShape:
    """The attention core of one layer: from q, k, v to the output projection's input."""

    batch: int
    s: int
    heads: int
    qk_dim: int  # per head
    v_dim: int
    moved: float  # elements fused attention reads and writes (q, k, v, output)
    causal: bool
    dropout: bool


def attention_ops(shape: CoreShape, fused: bool, layers: int, window: Window | None) -> list[Op]:
    """Fused (flash) attention per group of layers (windowed and global ones), or the
    explicit products around the score matrix, which Hugging Face's eager code computes
    in full whatever the window (it masks afterwards)."""
    b, s, heads = shape.batch, shape.s, shape.heads
    if fused:
        groups = [(layers, 0)]
        if window is not None:
            groups = [
                (window.global_layers(layers), 0),
                (window.local_layers(layers), window.size),
            ]
        ops = []
        for repeat, size in groups:
            if not repeat:
                continue
            keys = keys_per_query(s, shape.causal, size)
            flops = 2.0 * b * heads * s * keys * (shape.qk_dim + shape.v_dim)
            name = "attention_local" if size else "attention"
            ops.append(
                Op(name, "attention", flops, shape.moved, repeat, b * heads * s, s, shape.qk_dim)
            )
        return ops
    # Explicit attention: two batched products around passes over the score matrix
    # (scale and mask, softmax, dropout), each reading and writing b·heads·s² values.
    scores = b * heads * s * s
    dk, dv = shape.qk_dim, shape.v_dim
    ops = [
        Op(
            "scores", "matmul", 2.0 * scores * dk, 2 * b * heads * s * dk + scores, layers, s, s, dk
        ),
        Op("softmax", "softmax", 5.0 * scores, 2.0 * scores, layers),
        elementwise("scale_mask", scores, 1, 2.0, layers),
        Op(
            "context",
            "matmul",
            2.0 * scores * dv,
            scores + 2 * b * heads * s * dv,
            layers,
            s,
            dv,
            s,
        ),
    ]
    if shape.dropout:
        ops.append(elementwise("attention_dropout", scores, 1, 2.0, layers))
    return ops
