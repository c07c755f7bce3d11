"""A transformer's ends: the output heads (LM, masked LM, question answering, classifier,
pooler) with their parameters and operations, and what autograd keeps outside the layers
(token ids, embedding and final norms, the head's input, the logits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.core.networks.common import Op, Params, matmul
from planner.core.networks.saved_tensors import FP32, MASK, Precision, norm_bytes

if TYPE_CHECKING:
    from planner.core.networks.transformer import Transformer

INDEX = 8  # int64 token ids and masks kept for embedding backward


def head_parameters(t: Transformer) -> list[Params]:
    """Pooler and output head: LM, masked LM, question answering or classifier."""
    h = t.hidden
    items: list[Params] = []
    if t.pooler:
        items += [Params("pooler.dense", (h, h), "linear"), Params("pooler.bias", (h,), "bias")]
    if t.head == "lm" and not t.tied_embeddings:
        items.append(Params("lm_head", (t.vocab, h), "linear"))
    elif t.head == "mlm":
        items += [
            Params("mlm.transform", (h, h), "linear"),
            Params("mlm.transform.bias", (h,), "bias"),
            *t.norm_params("mlm.norm"),
            Params("mlm.decoder.bias", (t.vocab,), "bias"),
        ]
        if not t.tied_embeddings:
            items.append(Params("mlm.decoder", (t.vocab, h), "linear"))
    elif t.head == "qa":
        items += [
            Params("qa_outputs", (2, h), "linear"),
            Params("qa_outputs.bias", (2,), "bias"),
        ]
    elif t.head == "classifier":
        items += [
            Params("classifier", (t.num_classes, h), "linear"),
            Params("classifier.bias", (t.num_classes,), "bias"),
        ]
    return items


def head_ops(t: Transformer, batch: int, s: int) -> list[Op]:
    tokens = batch * s
    h = t.hidden
    if t.head in ("lm", "mlm"):
        ops = [matmul("lm_head", tokens, t.vocab, h)]
        if t.head == "mlm":
            ops.insert(0, matmul("mlm_transform", tokens, h, h))
        ops.append(Op("cross_entropy", "loss", 5.0 * tokens * t.vocab, 3.0 * tokens * t.vocab))
        return ops
    if t.head == "qa":
        return [matmul("qa_outputs", tokens, 2, h)]
    if t.head == "classifier":
        return [matmul("classifier", batch, t.num_classes, h)]
    return []


def outside_layers_bytes(
    t: Transformer, batch: int, s: int, prec: Precision, frozen_head: bool = False
) -> float:
    """Saved outside the layers: token ids, embedding and final norms, head, logits."""
    tokens = batch * s
    h = t.hidden
    saved = 0.0
    if not t.patch_size:
        saved += tokens * INDEX  # token ids for the embedding backward
        if t.dropout:
            saved += tokens * h * MASK  # embedding dropout
    else:
        saved += batch * t.channels * t.image_size**2 * prec.value  # patchify input
    if t.embedding_norm:
        saved += norm_bytes(t.norm, tokens, h, prec)
    if not t.post_norm:
        saved += norm_bytes(t.norm, tokens, h, prec)  # final norm
    if t.head in ("lm", "mlm", "qa") and not frozen_head:
        saved += prec.linear_inputs(tokens * h, 1)  # head input
    if t.head == "mlm":
        # transform (dense, GELU, LayerNorm: fp32 under AMP) before the decoder.
        saved += tokens * h * prec.activation("gelu")
        saved += tokens * h * (FP32 if prec.amp else prec.value) + 2 * tokens * FP32
        saved += prec.linear_inputs(tokens * h, 1)
    if t.head == "lm":
        # HF's causal-LM loss upcasts the logits to fp32; log-softmax keeps that output.
        saved += tokens * t.vocab * FP32
    elif t.head == "mlm":
        # CrossEntropyLoss on 16-bit logits keeps their fp32 cast and its log-softmax.
        saved += tokens * t.vocab * (FP32 + (prec.value if prec.amp else 0))
    return saved
