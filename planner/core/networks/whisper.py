"""Whisper: a convolutional front end and transformer encoder over 30 s of log-mel audio,
and a transformer decoder with cross-attention, as Hugging Face builds it."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Activations, Op, Params, elementwise, matmul
from planner.core.networks.transformer import FP32, INDEX, Transformer

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
    ) -> Activations:
        p = bytes_per_value
        d = self.hidden
        source = batch * self.source_positions
        target = batch * seq_len
        encoder = self._stack("encoder").activations(
            batch, self.source_positions, p, fused_attention, checkpointing
        )
        decoder_layer = self._decoder(seq_len)._layer_saved_bytes(
            batch, seq_len, p, fused_attention
        )
        # Cross-attention adds a norm, the query input, SDPA's q, k, v, output and log-sum-exp,
        # and the output-projection input; the encoder output feeding k and v is shared.
        cross = target * d * p + batch * seq_len * FP32
        cross += target * d * p
        cross += (2 * target * d + 2 * source * d) * p + batch * self.heads * seq_len * FP32
        cross += target * d * p
        front = (
            batch * self.mel_bins * AUDIO_FRAMES + 2 * batch * d * AUDIO_FRAMES + source * d
        ) * p
        other = (
            front + source * d * p + target * INDEX + target * d * p + target * self.vocab * FP32
        )
        layer = decoder_layer + cross
        if checkpointing:
            return Activations(
                target * d * p, self.layers, encoder.total_bytes + other + layer, True
            )
        return Activations(layer, self.layers, encoder.total_bytes + other, False)


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
