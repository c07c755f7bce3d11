"""Transformers: decoder-only language models and encoders (BERT, ViT) from their sizes.

Parameters follow the Hugging Face / timm implementations. Activations count the tensors
PyTorch autograd saves for the backward pass of one layer, op by op, as Hugging Face
models run on CUDA: F.layer_norm (input plus fp32 statistics), HF's RMSNorm (an fp32 copy
of its input, the normalized output in the value dtype and fp32 statistics), SDPA (fused)
or explicit (eager) attention with key/value heads repeated for grouped-query attention,
and bool dropout masks. tests/tools/measure_activations.py measures the same with PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.attention_variants import CoreShape, Mla, Window, attention_ops
from planner.core.networks.common import Activations, Op, Params, elementwise, matmul
from planner.core.networks.moe import MoE
from planner.core.networks.saved_tensors import (
    FP32,
    MASK,
    AttentionShape,
    Precision,
    attention_bytes,
    norm_bytes,
    precision,
    softmax_bytes,
)
from planner.core.networks.transformer_heads import head_ops, head_parameters, outside_layers_bytes
from planner.core.networks.vision_tower import VisionTower
from planner.core.param_summary import summarize


@dataclass(frozen=True)
class Transformer:
    family: str  # "decoder" (causal LM) or "encoder" (masked LM / classifier / ViT)
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    ffn: int
    vocab: int
    seq_len: int
    gated_ffn: bool = False
    tied_embeddings: bool = False
    positions: str = "rotary"  # rotary, learned, alibi, none
    max_positions: int = 0
    bias: bool = False  # biases on every linear layer
    qkv_bias: bool = False  # biases on q, k, v only (Qwen2)
    norm: str = "rmsnorm"  # rmsnorm or layernorm
    norm_bias: bool | None = None  # defaults to True for layernorm, False for rmsnorm
    dropout: float = 0.0
    activation: str = "gelu"  # of a non-gated MLP: gelu, gelu_tanh, gelu_pytorch_tanh, relu
    head_dim: int = 0  # 0: hidden / heads
    post_norm: bool = False  # BERT's post-LN layers
    # Encoder extras (BERT): token types, embedding LayerNorm, pooler, masked-LM head.
    type_vocab: int = 0
    embedding_norm: bool = False
    pooler: bool = False
    head: str = "lm"  # lm, mlm, qa, classifier, none
    num_classes: int = 0
    # Vision transformers: patch embedding instead of a vocabulary.
    patch_size: int = 0
    image_size: int = 0
    channels: int = 3
    sample_unit: str = "sequence"
    # 2024-26 architectures: experts, latent attention, sliding windows, and the extra
    # norms and sink logits some families add (see moe.py, attention_variants.py).
    moe: MoE | None = None
    mla: Mla | None = None
    window: Window | None = None
    qk_norm: bool = False  # Qwen3, Gemma 3: RMSNorm over each head's queries and keys
    sandwich_norm: bool = False  # Gemma 2/3: norms after attention and MLP as well
    attention_sinks: bool = False  # gpt-oss: a learned sink logit per head
    single_norm: bool = False  # Falcon-7B: one norm feeds attention and MLP side by side
    vision: VisionTower | None = None  # a multimodal model's (frozen) image encoder

    # ---- shape helpers ------------------------------------------------------------------

    @property
    def head_size(self) -> int:
        return self.head_dim or self.hidden // self.heads

    @property
    def q_width(self) -> int:
        return self.heads * self.head_size

    @property
    def kv_width(self) -> int:
        return self.kv_heads * self.head_size

    @property
    def has_norm_bias(self) -> bool:
        if self.norm_bias is not None:
            return self.norm_bias
        return self.norm == "layernorm"

    def norm_params(self, name: str, repeat: int = 1) -> list[Params]:
        items = [Params(f"{name}.weight", (self.hidden,), "norm", repeat)]
        if self.has_norm_bias:
            items.append(Params(f"{name}.bias", (self.hidden,), "bias", repeat))
        return items

    @property
    def tied_head_params(self) -> int:
        """The embedding matrix the output head reuses: autocast casts it once more."""
        tied = self.tied_embeddings and self.head in ("lm", "mlm") and not self.patch_size
        return self.vocab * self.hidden if tied else 0

    def tokens_per_sample(self, seq_len: int) -> int:
        if self.patch_size:
            return self.patches + 1
        return seq_len

    @property
    def patches(self) -> int:
        return (self.image_size // self.patch_size) ** 2 if self.patch_size else 0

    # ---- parameters -----------------------------------------------------------------------

    def parameters(self) -> tuple[Params, ...]:
        h, layers = self.hidden, self.layers
        items: list[Params] = []
        if self.patch_size:
            items += [
                Params(
                    "patch_embed.weight",
                    (h, self.channels, self.patch_size, self.patch_size),
                    "conv",
                ),
                Params("patch_embed.bias", (h,), "bias"),
                Params("cls_token", (h,), "embedding"),
                Params("pos_embed", (self.patches + 1, h), "embedding"),
            ]
        else:
            items.append(Params("embed_tokens", (self.vocab, h), "embedding"))
            if self.positions == "learned":
                items.append(Params("embed_positions", (self.max_positions, h), "embedding"))
            if self.type_vocab:
                items.append(Params("token_type_embeddings", (self.type_vocab, h), "embedding"))
            if self.embedding_norm:
                items += self.norm_params("embeddings.norm")
        items += self._attention_parameters()
        items += self._mlp_parameters()
        items += self.norm_params("layers.norm1", layers)
        if not self.single_norm:
            items += self.norm_params("layers.norm2", layers)
        if self.sandwich_norm:
            items += self.norm_params("layers.post_attn_norm", layers)
            items += self.norm_params("layers.post_mlp_norm", layers)
        if not self.post_norm:
            items += self.norm_params("final_norm")
        items += head_parameters(self)
        if self.vision is not None:
            items += self.vision.parameters()
        return tuple(items)

    def _attention_parameters(self) -> list[Params]:
        h, layers = self.hidden, self.layers
        if self.mla is not None:
            items = self.mla.parameters(self.heads, h, layers)
        else:
            items = [
                Params("layers.attn.q", (self.q_width, h), "linear", layers),
                Params("layers.attn.k", (self.kv_width, h), "linear", layers),
                Params("layers.attn.v", (self.kv_width, h), "linear", layers),
                Params("layers.attn.o", (h, self.q_width), "linear", layers),
            ]
            if self.bias or self.qkv_bias:
                items += [
                    Params("layers.attn.q.bias", (self.q_width,), "bias", layers),
                    Params("layers.attn.k.bias", (self.kv_width,), "bias", layers),
                    Params("layers.attn.v.bias", (self.kv_width,), "bias", layers),
                ]
            if self.bias:
                items.append(Params("layers.attn.o.bias", (h,), "bias", layers))
        if self.qk_norm:
            items += [
                Params("layers.attn.q_norm", (self.head_size,), "norm", layers),
                Params("layers.attn.k_norm", (self.head_size,), "norm", layers),
            ]
        if self.attention_sinks:
            items.append(Params("layers.attn.sinks", (self.heads,), "norm", layers))
        return items

    def _mlp_parameters(self) -> list[Params]:
        """Dense MLPs in every layer, or in the first `dense_layers` before the experts."""
        h, f = self.hidden, self.ffn
        dense = self.layers if self.moe is None else self.moe.dense_layers
        items: list[Params] = []
        if dense:
            names = ("gate", "up", "down") if self.gated_ffn else ("up", "down")
            for name in names:
                shape = (h, f) if name == "down" else (f, h)
                items.append(Params(f"layers.mlp.{name}", shape, "linear", dense))
            if self.bias:
                for name in names:
                    width = h if name == "down" else f
                    items.append(Params(f"layers.mlp.{name}.bias", (width,), "bias", dense))
        if self.moe is not None:
            items += self.moe.parameters(h, self.layers)
        return items

    def active_params(self) -> int:
        """Parameters a token runs through: all, less the experts the router leaves out."""
        total = summarize(self).total  # cached per network
        return total - (self.moe.idle_params(self.hidden, self.layers) if self.moe else 0)

    # ---- operations -----------------------------------------------------------------------

    def forward_ops(self, batch: int, seq_len: int, fused_attention: bool = True) -> tuple[Op, ...]:
        s = self.tokens_per_sample(seq_len)
        tokens = batch * s
        h, layers = self.hidden, self.layers
        ops: list[Op] = []
        if self.patch_size:
            pixels = self.channels * self.patch_size**2
            ops.append(matmul("patch_embed", batch * self.patches, h, pixels))
        else:
            ops.append(Op("embedding", "embedding", 0.0, 2.0 * tokens * h))
        ops.append(Op("norm1", "norm", 5.0 * tokens * h, 2.0 * tokens * h, layers))
        projections, out_width = self._projection_ops(tokens)
        ops += projections
        ops += self._attention_ops(batch, s, fused_attention)
        ops += [
            matmul("attn_out", tokens, h, out_width, layers),
            elementwise("residual1", tokens * h, 2, 1.0, layers),
            Op("norm2", "norm", 5.0 * tokens * h, 2.0 * tokens * h, layers),
        ]
        ops += self._mlp_ops(tokens)
        ops.append(elementwise("residual2", tokens * h, 2, 1.0, layers))
        if self.dropout:
            ops.append(elementwise("dropout", 3 * tokens * h, 1, 1.0, layers))
        ops.append(Op("final_norm", "norm", 5.0 * tokens * h, 2.0 * tokens * h))
        ops += head_ops(self, batch, s)
        return tuple(ops)

    def _attention_ops(self, batch: int, s: int, fused: bool) -> list[Op]:
        mla = self.mla
        qk_dim = mla.qk_dim if mla else self.head_size
        v_dim = mla.v_dim if mla else self.head_size
        if mla:
            moved = batch * s * self.heads * (2 * qk_dim + 2 * v_dim)
        else:
            moved = batch * s * (2 * self.q_width + 2 * self.kv_width)
        shape = CoreShape(
            batch, s, self.heads, qk_dim, v_dim, moved, self.family == "decoder", self.dropout > 0
        )
        return attention_ops(shape, fused, self.layers, self.window)

    def _projection_ops(self, tokens: int) -> tuple[list[Op], int]:
        """q, k and v (or MLA's compressions), rotary embeddings, and the output projection."""
        h, layers = self.hidden, self.layers
        if self.mla is not None:
            ops = self.mla.projection_ops(tokens, self.heads, h, layers)
            rotated = tokens * (self.heads + 1) * self.mla.rope_dim
            out_width = self.heads * self.mla.v_dim
        else:
            ops = [matmul("qkv", tokens, self.q_width + 2 * self.kv_width, h, layers)]
            rotated = tokens * (self.q_width + self.kv_width)
            out_width = self.q_width
        if self.positions == "rotary":
            ops.append(elementwise("rotary", rotated, 2, 3.0, layers))
        return ops, out_width

    def _mlp_ops(self, tokens: int) -> list[Op]:
        h, f = self.hidden, self.ffn
        dense = self.layers if self.moe is None else self.moe.dense_layers
        ops: list[Op] = []
        if dense:
            if self.gated_ffn:
                ops += [
                    matmul("mlp_gate_up", tokens, 2 * f, h, dense),
                    elementwise("silu_mul", tokens * f, 2, 5.0, dense),
                ]
            else:
                ops += [
                    matmul("mlp_up", tokens, f, h, dense),
                    elementwise("gelu", tokens * f, 1, 8.0, dense),
                ]
            ops.append(matmul("mlp_down", tokens, h, f, dense))
        if self.moe is not None:
            ops += self.moe.forward_ops(tokens, h, self.layers)
        return ops

    # ---- activations ------------------------------------------------------------------

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
        """What autograd keeps at the end of the forward pass. `autocast`: 16-bit values come
        from AMP (the default) rather than pure 16-bit training (False). `lora_targets`: the
        layers with adapters when a 16-bit base is frozen (LoRA)."""
        s = self.tokens_per_sample(seq_len)
        prec = precision(bytes_per_value, autocast)
        per_layer = self.layer_saved_bytes(batch, s, prec, fused_attention, lora_targets)
        if self.moe is not None:  # mean over dense and expert layers; the largest rebuilds
            moe_layers = self.moe.moe_layers(self.layers)
            dense = self.layer_saved_bytes(batch, s, prec, fused_attention, lora_targets, True)
            largest = max(per_layer, dense if self.moe.dense_layers else 0.0)
            per_layer = (per_layer * moe_layers + dense * self.moe.dense_layers) / self.layers
        else:
            largest = per_layer
        other = outside_layers_bytes(self, batch, s, prec, frozen_head=lora_targets is not None)
        # The loss's backward allocates the fp32 gradient of the logits while they are alive.
        loss_grad = batch * s * self.vocab * FP32 if self.head in ("lm", "mlm") else 0.0
        if checkpointing:
            # Hugging Face checkpoints each layer (re-entrant): it keeps the layer's input, in
            # the residual dtype; backward rebuilds one layer at a time.
            kept = batch * s * self.hidden * prec.residual
            transient = max(largest, loss_grad)
            return Activations(kept, self.layers, other, True, recompute_bytes=transient)
        return Activations(per_layer, self.layers, other, False, recompute_bytes=loss_grad)

    def layer_saved_bytes(
        self,
        batch: int,
        s: int,
        prec: Precision,
        fused: bool,
        lora_targets: str | None = None,
        dense: bool = False,
    ) -> float:
        """One layer (an expert layer when the network has experts, unless `dense`). With
        LoRA on a frozen base, a frozen matrix product keeps no input (no weight gradient to
        compute); an adapter's A keeps the input instead."""
        tokens = batch * s
        h = self.hidden
        mlp_trained = lora_targets in (None, "all")
        saved = 2 * norm_bytes(self.norm, tokens, h, prec)
        if self.sandwich_norm:
            saved += 2 * norm_bytes(self.norm, tokens, h, prec)
        saved += self._attention_saved_bytes(batch, s, prec, fused)
        if self.dropout:
            saved += 2 * tokens * h * MASK  # after the attention and MLP output projections
        if self.moe is not None and not dense:
            return float(saved + self.moe.saved_bytes(tokens, h, prec, mlp_trained))
        return float(saved + self._mlp_saved_bytes(tokens, prec, mlp_trained))

    def _attention_saved_bytes(self, batch: int, s: int, prec: Precision, fused: bool) -> float:
        tokens, h = batch * s, self.hidden
        if self.mla is not None:
            # q_a and kv_a read the input; their latents are normalised and read again.
            mla = self.mla
            saved = prec.linear_inputs(tokens * h, 2)
            saved += norm_bytes(self.norm, tokens, mla.kv_rank, prec)
            if mla.q_rank:
                saved += norm_bytes(self.norm, tokens, mla.q_rank, prec)
            width = self.heads * (mla.qk_dim + mla.v_dim) // 2  # q and out, k and v alike
            shape = AttentionShape(batch, s, s, self.heads, width, width, self.dropout > 0)
        else:
            saved = prec.linear_inputs(tokens * h, 3)  # q, k and v (or their adapters) read it
            shape = AttentionShape(
                batch, s, s, self.heads, self.q_width, self.kv_width, self.dropout > 0
            )
        if self.qk_norm:  # RMSNorm over each head's queries and keys
            saved += norm_bytes(self.norm, tokens, self.q_width + self.kv_width, prec)
        softmax = softmax_bytes(prec, self.norm == "rmsnorm")
        return saved + attention_bytes(shape, prec, fused, softmax)

    def _mlp_saved_bytes(self, tokens: int, prec: Precision, trained: bool) -> float:
        h, f = self.hidden, self.ffn
        if self.gated_ffn:
            # gate and up read the normalized input; silu keeps its input, the product both
            # factors, down the product.
            saved = 3.0 * tokens * f * prec.value
            if trained:
                saved += prec.linear_inputs(tokens * h, 2) + tokens * f * prec.value
            return saved
        saved = float(tokens * f * prec.activation(self.activation))
        if trained:
            return saved + prec.linear_inputs(tokens * h, 1)
        return saved - tokens * f * prec.value  # the activation's output feeds a frozen down
