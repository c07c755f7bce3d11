"""Whisper: a convolutional front end and transformer encoder over 30 s of log-mel audio,
and a transformer decoder with cross-attention, as Hugging Face builds it."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Activations, Op, Params, elementwise, matmul
from planner.core.networks.saved_tensors import (
    FP32,
    AttentionShape,
    Precision,
    attention_bytes,
    norm_bytes,
    precision,
    softmax_bytes,
)
from planner.core.networks.transformer import Transformer
from planner.core.networks.transformer_heads import INDEX

AUDIO_FRAMES = 3000  # 30 s of 10 ms mel frames; the encoder sees half after the stride-2 conv


@dataclass(frozen=True)
class Whisper:
    layers: int  # per stack (encoder and decoder have the same depth)
    hidden: int
    heads: int
    ffn: int
    vocab: int
    mel_bins: int = 80
    max_target_positions: int = 448
    seq_len: int = 448
    family: str = "encoder-decoder"
    sample_unit: str = "sequence"

    @property
    def source_positions(self) -> int:
        return AUDIO_FRAMES // 2

    def _stack(self, family: str) -> Transformer:
        return Transformer(
            family,
            self.layers,
            self.hidden,
            self.heads,
            self.heads,
            self.ffn,
            self.vocab,
            self.source_positions,
            positions="none",
            qkv_bias=False,
            bias=True,
            norm="layernorm",
            head="none",
        )

    def _decoder(self, seq_len: int) -> Transformer:
        return Transformer(
            "decoder",
            self.layers,
            self.hidden,
            self.heads,
            self.heads,
            self.ffn,
            self.vocab,
            seq_len,
            positions="learned",
            max_positions=self.max_target_positions,
            bias=True,
            norm="layernorm",
            tied_embeddings=True,
        )

    @property
    def tied_head_params(self) -> int:
        """The decoder's output projection reuses its token embedding (cast once more)."""
        return self.vocab * self.hidden

    def tokens_per_sample(self, seq_len: int) -> int:
        return seq_len

    def parameters(self) -> tuple[Params, ...]:
        d, f, layers = self.hidden, self.ffn, self.layers
        items = [
            Params("encoder.conv1.weight", (d, self.mel_bins, 3), "conv"),
            Params("encoder.conv1.bias", (d,), "bias"),
            Params("encoder.conv2.weight", (d, d, 3), "conv"),
            Params("encoder.conv2.bias", (d,), "bias"),
            # Sinusoidal, stored as a parameter but never trained.
            Params("encoder.embed_positions", (self.source_positions, d), "frozen"),
        ]
        items += _attention("encoder.layers.self_attn", d, layers)
        items += _mlp_and_norms("encoder.layers", d, f, layers, norms=2)
        items += [
            Params("encoder.layer_norm.weight", (d,), "norm"),
            Params("encoder.layer_norm.bias", (d,), "bias"),
        ]
        items += [
            Params("decoder.embed_tokens", (self.vocab, d), "embedding"),
            Params("decoder.embed_positions", (self.max_target_positions, d), "embedding"),
        ]
        items += _attention("decoder.layers.self_attn", d, layers)
        items += _attention("decoder.layers.encoder_attn", d, layers)
        items += _mlp_and_norms("decoder.layers", d, f, layers, norms=3)
        items += [
            Params("decoder.layer_norm.weight", (d,), "norm"),
            Params("decoder.layer_norm.bias", (d,), "bias"),
        ]
        return tuple(items)

    def forward_ops(self, batch: int, seq_len: int, fused_attention: bool = True) -> tuple[Op, ...]:
        d = self.hidden
        frames = batch * AUDIO_FRAMES
        source = batch * self.source_positions
        target = batch * seq_len
        ops = [
            matmul("conv1", frames, d, self.mel_bins * 3),
            elementwise("gelu1", frames * d, 1, 8.0),
            matmul("conv2", source, d, 3 * d),
            elementwise("gelu2", source * d, 1, 8.0),
        ]
        encoder = self._stack("encoder")
        ops += [
            op
            for op in encoder.forward_ops(batch, self.source_positions, fused_attention)
            if op.repeat > 1
        ]
        ops += list(self._decoder(seq_len).forward_ops(batch, seq_len, fused_attention))
        # Cross-attention: queries from the decoder, keys and values from the encoder output.
        ops += [
            matmul("cross_q", target, d, d, self.layers),
            matmul("cross_kv", source, 2 * d, d, self.layers),
            Op(
                "cross_attention",
                "attention",
                4.0 * batch * seq_len * self.source_positions * d,
                2.0 * target * d + 2.0 * source * d,
                self.layers,
                batch * self.heads * seq_len,
                self.source_positions,
                d // self.heads,
            ),
            matmul("cross_out", target, d, d, self.layers),
        ]
        return tuple(ops)

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
        del lora_targets  # adapters are modelled on decoder and encoder transformers only
        prec = precision(bytes_per_value, autocast)
        d, source, target = self.hidden, self.source_positions, seq_len
        encoder = self._stack("encoder")
        encoder_layer = encoder.layer_saved_bytes(batch, source, prec, fused_attention)
        layer = self._decoder(seq_len).layer_saved_bytes(batch, target, prec, fused_attention)
        layer += self._cross_attention_bytes(batch, target, prec, fused_attention)
        other = self._outside_bytes(batch, target, prec)
        if checkpointing:
            # Each encoder and decoder layer keeps its input; the encoder output, which every
            # decoder layer reads, is kept once.
            kept = batch * (source + target) * d * prec.residual
            other += batch * source * d * prec.residual
            recompute = max(encoder_layer, layer)
            return Activations(kept, self.layers, other, True, recompute_bytes=recompute)
        return Activations(encoder_layer + layer, self.layers, other, False)

    def _cross_attention_bytes(
        self, batch: int, target: int, prec: Precision, fused: bool
    ) -> float:
        """A decoder layer's cross-attention: its LayerNorm, the query input, k and v read
        from the encoder output (under AMP each layer casts it twice), and the core."""
        d, source = self.hidden, self.source_positions
        saved = norm_bytes("layernorm", batch * target, d, prec)
        saved += prec.linear_inputs(batch * target * d, 1)
        if prec.amp:
            saved += 2 * batch * source * d * prec.value
        shape = AttentionShape(batch, target, source, self.heads, d, d, False)
        return saved + attention_bytes(shape, prec, fused, softmax_bytes(prec, False))

    def _outside_bytes(self, batch: int, target: int, prec: Precision) -> float:
        """The convolutional front end, both final LayerNorms, the encoder output the
        cross-attention reads (fp32 and 16-bit runs share one tensor), the projection and the
        loss (under AMP the loss keeps the logits' fp32 cast and a 16-bit log-softmax)."""
        d, source, p = self.hidden, batch * self.source_positions, prec.value
        frames = batch * AUDIO_FRAMES
        saved = float((batch * self.mel_bins * AUDIO_FRAMES + 2 * frames * d + source * d) * p)
        saved += norm_bytes("layernorm", source, d, prec)
        if not prec.amp:
            saved += source * d * prec.residual
        tokens = batch * target
        saved += tokens * INDEX + norm_bytes("layernorm", tokens, d, prec)
        saved += prec.linear_inputs(tokens * d, 1)
        saved += tokens * self.vocab * (FP32 + (p if prec.amp else 0))
        return saved


def _attention(prefix: str, d: int, layers: int) -> list[Params]:
    return [
        Params(f"{prefix}.q", (d, d), "linear", layers),
        Params(f"{prefix}.q.bias", (d,), "bias", layers),
        Params(f"{prefix}.k", (d, d), "linear", layers),
        Params(f"{prefix}.v", (d, d), "linear", layers),
        Params(f"{prefix}.v.bias", (d,), "bias", layers),
        Params(f"{prefix}.out", (d, d), "linear", layers),
        Params(f"{prefix}.out.bias", (d,), "bias", layers),
    ]


def _mlp_and_norms(prefix: str, d: int, f: int, layers: int, norms: int) -> list[Params]:
    items = [
        Params(f"{prefix}.fc1", (f, d), "linear", layers),
        Params(f"{prefix}.fc1.bias", (f,), "bias", layers),
        Params(f"{prefix}.fc2", (d, f), "linear", layers),
        Params(f"{prefix}.fc2.bias", (d,), "bias", layers),
    ]
    for index in range(norms):
        items += [
            Params(f"{prefix}.norm{index}.weight", (d,), "norm", layers),
            Params(f"{prefix}.norm{index}.bias", (d,), "bias", layers),
        ]
    return items
