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

from planner.core.networks.common import Activations, Op, Params, elementwise, matmul
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

INDEX = 8  # int64 token ids and masks kept for embedding backward


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

    def _norm(self, name: str, repeat: int = 1) -> list[Params]:
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
                items += self._norm("embeddings.norm")
        qkv_bias = self.bias or self.qkv_bias
        items += [
            Params("layers.attn.q", (self.q_width, h), "linear", layers),
            Params("layers.attn.k", (self.kv_width, h), "linear", layers),
            Params("layers.attn.v", (self.kv_width, h), "linear", layers),
            Params("layers.attn.o", (h, self.q_width), "linear", layers),
        ]
        if qkv_bias:
            items += [
                Params("layers.attn.q.bias", (self.q_width,), "bias", layers),
                Params("layers.attn.k.bias", (self.kv_width,), "bias", layers),
                Params("layers.attn.v.bias", (self.kv_width,), "bias", layers),
            ]
        if self.bias:
            items.append(Params("layers.attn.o.bias", (h,), "bias", layers))
        if self.gated_ffn:
            items += [
                Params("layers.mlp.gate", (self.ffn, h), "linear", layers),
                Params("layers.mlp.up", (self.ffn, h), "linear", layers),
                Params("layers.mlp.down", (h, self.ffn), "linear", layers),
            ]
        else:
            items += [
                Params("layers.mlp.up", (self.ffn, h), "linear", layers),
                Params("layers.mlp.down", (h, self.ffn), "linear", layers),
            ]
        if self.bias:
            items += [
                Params("layers.mlp.up.bias", (self.ffn,), "bias", layers),
                Params("layers.mlp.down.bias", (h,), "bias", layers),
            ]
            if self.gated_ffn:
                items.append(Params("layers.mlp.gate.bias", (self.ffn,), "bias", layers))
        items += self._norm("layers.norm1", layers) + self._norm("layers.norm2", layers)
        if not self.post_norm:
            items += self._norm("final_norm")
        items += self._head_parameters()
        return tuple(items)

    def _head_parameters(self) -> list[Params]:
        h = self.hidden
        items: list[Params] = []
        if self.pooler:
            items += [Params("pooler.dense", (h, h), "linear"), Params("pooler.bias", (h,), "bias")]
        if self.head == "lm" and not self.tied_embeddings:
            items.append(Params("lm_head", (self.vocab, h), "linear"))
        elif self.head == "mlm":
            items += [
                Params("mlm.transform", (h, h), "linear"),
                Params("mlm.transform.bias", (h,), "bias"),
                *self._norm("mlm.norm"),
                Params("mlm.decoder.bias", (self.vocab,), "bias"),
            ]
            if not self.tied_embeddings:
                items.append(Params("mlm.decoder", (self.vocab, h), "linear"))
        elif self.head == "qa":
            items += [
                Params("qa_outputs", (2, h), "linear"),
                Params("qa_outputs.bias", (2,), "bias"),
            ]
        elif self.head == "classifier":
            items += [
                Params("classifier", (self.num_classes, h), "linear"),
                Params("classifier.bias", (self.num_classes,), "bias"),
            ]
        return items

    # ---- operations -----------------------------------------------------------------------

    def forward_ops(self, batch: int, seq_len: int, fused_attention: bool = True) -> tuple[Op, ...]:
        s = self.tokens_per_sample(seq_len)
        tokens = batch * s
        h, f, layers = self.hidden, self.ffn, self.layers
        ops: list[Op] = []
        if self.patch_size:
            pixels = self.channels * self.patch_size**2
            ops.append(matmul("patch_embed", batch * self.patches, h, pixels))
        else:
            ops.append(Op("embedding", "embedding", 0.0, 2.0 * tokens * h))
        ops += [
            Op("norm1", "norm", 5.0 * tokens * h, 2.0 * tokens * h, layers),
            matmul("qkv", tokens, self.q_width + 2 * self.kv_width, h, layers),
        ]
        if self.positions == "rotary":
            ops.append(
                elementwise("rotary", tokens * (self.q_width + self.kv_width), 2, 3.0, layers)
            )
        ops += self._attention_ops(batch, s, fused_attention)
        ops += [
            matmul("attn_out", tokens, h, self.q_width, layers),
            elementwise("residual1", tokens * h, 2, 1.0, layers),
            Op("norm2", "norm", 5.0 * tokens * h, 2.0 * tokens * h, layers),
        ]
        if self.gated_ffn:
            ops += [
                matmul("mlp_gate_up", tokens, 2 * f, h, layers),
                elementwise("silu_mul", tokens * f, 2, 5.0, layers),
            ]
        else:
            ops += [
                matmul("mlp_up", tokens, f, h, layers),
                elementwise("gelu", tokens * f, 1, 8.0, layers),
            ]
        ops += [
            matmul("mlp_down", tokens, h, f, layers),
            elementwise("residual2", tokens * h, 2, 1.0, layers),
        ]
        if self.dropout:
            ops.append(elementwise("dropout", 3 * tokens * h, 1, 1.0, layers))
        ops.append(Op("final_norm", "norm", 5.0 * tokens * h, 2.0 * tokens * h))
        ops += self._head_ops(batch, s)
        return tuple(ops)

    def _attention_ops(self, batch: int, s: int, fused: bool) -> list[Op]:
        heads, d, layers = self.heads, self.head_size, self.layers
        if fused:
            causal = 0.5 if self.family == "decoder" else 1.0
            flops = 4.0 * batch * heads * s * s * d * causal
            # Fused (flash) attention reads q, k, v and writes the output once.
            moved = batch * s * (2 * self.q_width + 2 * self.kv_width)
            return [Op("attention", "attention", flops, moved, layers, batch * heads * s, s, d)]
        # Explicit attention: two batched products around passes over the score matrix
        # (scale and mask, softmax, dropout), each reading and writing b·heads·s² values.
        scores = batch * heads * s * s
        ops = [
            Op(
                "scores",
                "matmul",
                2.0 * scores * d,
                2 * batch * heads * s * d + scores,
                layers,
                s,
                s,
                d,
            ),
            Op("softmax", "softmax", 5.0 * scores, 2.0 * scores, layers),
            elementwise("scale_mask", scores, 1, 2.0, layers),
            Op(
                "context",
                "matmul",
                2.0 * scores * d,
                scores + 2 * batch * heads * s * d,
                layers,
                s,
                d,
                s,
            ),
        ]
        if self.dropout:
            ops.append(elementwise("attention_dropout", scores, 1, 2.0, layers))
        return ops

    def _head_ops(self, batch: int, s: int) -> list[Op]:
        tokens = batch * s
        h = self.hidden
        if self.head in ("lm", "mlm"):
            ops = [matmul("lm_head", tokens, self.vocab, h)]
            if self.head == "mlm":
                ops.insert(0, matmul("mlm_transform", tokens, h, h))
            ops.append(
                Op("cross_entropy", "loss", 5.0 * tokens * self.vocab, 3.0 * tokens * self.vocab)
            )
            return ops
        if self.head == "qa":
            return [matmul("qa_outputs", tokens, 2, h)]
        if self.head == "classifier":
            return [matmul("classifier", batch, self.num_classes, h)]
        return []

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
        other = self.outside_layers_bytes(batch, s, prec, frozen_head=lora_targets is not None)
        # The loss's backward allocates the fp32 gradient of the logits while they are alive.
        loss_grad = batch * s * self.vocab * FP32 if self.head in ("lm", "mlm") else 0.0
        if checkpointing:
            # Hugging Face checkpoints each layer (re-entrant): it keeps the layer's input, in
            # the residual dtype; backward rebuilds one layer at a time.
            kept = batch * s * self.hidden * prec.residual
            transient = max(per_layer, loss_grad)
            return Activations(kept, self.layers, other, True, recompute_bytes=transient)
        return Activations(per_layer, self.layers, other, False, recompute_bytes=loss_grad)

    def layer_saved_bytes(
        self, batch: int, s: int, prec: Precision, fused: bool, lora_targets: str | None = None
    ) -> float:
        """One layer. With LoRA on a frozen base, a frozen matrix product keeps no input
        (no weight gradient to compute); an adapter's A keeps the input instead."""
        tokens = batch * s
        h, f = self.hidden, self.ffn
        mlp_trained = lora_targets in (None, "all")
        saved = 2 * norm_bytes(self.norm, tokens, h, prec)
        saved += prec.linear_inputs(tokens * h, 3)  # q, k and v (or their adapters) read it
        shape = AttentionShape(
            batch, s, s, self.heads, self.q_width, self.kv_width, self.dropout > 0
        )
        softmax = softmax_bytes(prec, self.norm == "rmsnorm")
        saved += attention_bytes(shape, prec, fused, softmax)
        if self.dropout:
            saved += 2 * tokens * h * MASK  # after the attention and MLP output projections
        if self.gated_ffn:
            # gate and up read the normalized input; silu keeps its input, the product both
            # factors, down the product.
            saved += 3 * tokens * f * prec.value
            if mlp_trained:
                saved += prec.linear_inputs(tokens * h, 2) + tokens * f * prec.value
        else:
            saved += tokens * f * prec.activation(self.activation)
            if mlp_trained:
                saved += prec.linear_inputs(tokens * h, 1)
            else:  # the activation's output is the frozen down projection's input
                saved -= tokens * f * prec.value
        return float(saved)

    def outside_layers_bytes(
        self, batch: int, s: int, prec: Precision, frozen_head: bool = False
    ) -> float:
        tokens = batch * s
        h = self.hidden
        saved = 0.0
        if not self.patch_size:
            saved += tokens * INDEX  # token ids for the embedding backward
            if self.dropout:
                saved += tokens * h * MASK  # embedding dropout
        else:
            saved += batch * self.channels * self.image_size**2 * prec.value  # patchify input
        if self.embedding_norm:
            saved += norm_bytes(self.norm, tokens, h, prec)
        if not self.post_norm:
            saved += norm_bytes(self.norm, tokens, h, prec)  # final norm
        if self.head in ("lm", "mlm", "qa") and not frozen_head:
            saved += prec.linear_inputs(tokens * h, 1)  # head input
        if self.head == "mlm":
            # transform (dense, GELU, LayerNorm: fp32 under AMP) before the decoder.
            saved += tokens * h * prec.activation("gelu")
            saved += tokens * h * (FP32 if prec.amp else prec.value) + 2 * tokens * FP32
            saved += prec.linear_inputs(tokens * h, 1)
        if self.head == "lm":
            # HF's causal-LM loss upcasts the logits to fp32; log-softmax keeps that output.
            saved += tokens * self.vocab * FP32
        elif self.head == "mlm":
            # CrossEntropyLoss on 16-bit logits keeps their fp32 cast and its log-softmax.
            saved += tokens * self.vocab * (FP32 + (prec.value if prec.amp else 0))
        return saved
