"""FLUX.1's denoising transformer (Black Forest Labs, as diffusers builds it:
FluxTransformer2DModel): `layers` double-stream blocks, where image and text tokens keep
their own weights and attend jointly, then `single_layers` single-stream blocks over the
concatenated sequence with the attention and MLP side by side; every block is modulated
by the timestep, guidance and pooled-text embedding (adaptive LayerNorm, no affine).

A sample is an image: its latent (VAE 8× down, `latent_channels`) cut into 2×2 patches
gives (image_size / 16)² image tokens, beside `text_tokens` T5 tokens."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Activations, Op, Params, elementwise, matmul
from planner.core.networks.saved_tensors import (
    FP32,
    AttentionShape,
    attention_bytes,
    norm_bytes,
    precision,
)

FREQ_DIM = 256  # sinusoidal timestep and guidance features


@dataclass(frozen=True)
class Flux:
    layers: int = 19
    single_layers: int = 38
    hidden: int = 3072
    heads: int = 24
    ffn: int = 12288
    context_dim: int = 4096  # T5-XXL
    pooled_dim: int = 768  # CLIP-L pooled
    guidance: bool = True  # FLUX.1 [dev]: a guidance embedding ([schnell] has none)
    latent_channels: int = 16
    image_size: int = 1024
    text_tokens: int = 512
    family: str = "flux"
    sample_unit: str = "image"

    @property
    def in_channels(self) -> int:
        return self.latent_channels * 4  # 2×2 patches

    @property
    def image_tokens(self) -> int:
        return (self.image_size // 16) ** 2

    def tokens_per_sample(self, seq_len: int) -> int:
        return self.image_tokens + self.text_tokens

    def parameters(self) -> tuple[Params, ...]:
        h, f, d = self.hidden, self.ffn, self.hidden // self.heads
        items = [
            *_mlp_embedder("time", FREQ_DIM, h),
            *_mlp_embedder("text_pooled", self.pooled_dim, h),
            *_linear("context_embedder", self.context_dim, h),
            *_linear("x_embedder", self.in_channels, h),
        ]
        if self.guidance:
            items += _mlp_embedder("guidance", FREQ_DIM, h)
        double = self.layers
        for stream in ("image", "text"):
            items += _linear(f"double.{stream}.modulation", h, 6 * h, double)
            for name in ("q", "k", "v", "out"):
                items += _linear(f"double.{stream}.attn.{name}", h, h, double)
            items += [Params(f"double.{stream}.attn.norm_{n}", (d,), "norm", double) for n in "qk"]
            items += _linear(f"double.{stream}.ff.up", h, f, double)
            items += _linear(f"double.{stream}.ff.down", f, h, double)
        single = self.single_layers
        items += _linear("single.modulation", h, 3 * h, single)
        for name in ("q", "k", "v"):
            items += _linear(f"single.attn.{name}", h, h, single)
        items += [Params(f"single.attn.norm_{n}", (d,), "norm", single) for n in "qk"]
        items += _linear("single.ff.up", h, f, single)
        items += _linear("single.out", h + f, h, single)
        items += _linear("norm_out.modulation", h, 2 * h)
        items += _linear("proj_out", h, self.in_channels)
        return tuple(items)

    def forward_ops(self, batch: int, seq_len: int, fused_attention: bool = True) -> tuple[Op, ...]:
        h, f = self.hidden, self.ffn
        image, text = batch * self.image_tokens, batch * self.text_tokens
        tokens = image + text
        s = self.tokens_per_sample(seq_len)
        d = h // self.heads
        attention = Op(
            "attention",
            "attention",
            4.0 * batch * self.heads * s * s * d,
            batch * s * 4 * h,
            self.layers + self.single_layers,
            batch * self.heads * s,
            s,
            d,
        )
        double, single = self.layers, self.single_layers
        ops = [
            matmul("x_embedder", image, h, self.in_channels),
            matmul("context_embedder", text, h, self.context_dim),
            Op("adaln", "norm", 8.0 * tokens * h, 4.0 * tokens * h, double + single),
            matmul("double_qkv", tokens, 3 * h, h, double),
            elementwise("qk_norm_rope", tokens * 2 * h, 2, 6.0, double + single),
            attention,
            matmul("double_out", tokens, h, h, double),
            matmul("double_ff_up", tokens, f, h, double),
            elementwise("gelu", tokens * f, 1, 8.0, double + single),
            matmul("double_ff_down", tokens, h, f, double),
            elementwise("gates_residuals", tokens * h, 2, 2.0, 2 * double + single),
            matmul("single_qkv_mlp", tokens, 3 * h + f, h, single),
            matmul("single_out", tokens, h, h + f, single),
            matmul("proj_out", image, self.in_channels, h),
            Op("loss", "loss", 3.0 * image * self.in_channels, 3.0 * image * self.in_channels),
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
        """What autograd keeps per block, as diffusers' blocks run: adaptive LayerNorm
        (input, fp32 statistics, the scale it multiplies), q, k, v with their RMS norms and
        rotary products, attention, output projection, gate and MLP (tanh GELU)."""
        prec = precision(bytes_per_value, autocast)
        tokens = batch * self.tokens_per_sample(seq_len)
        h, f, p = self.hidden, self.ffn, prec.value
        s = self.tokens_per_sample(seq_len)
        shape = AttentionShape(batch, s, s, self.heads, h, h, False)
        core = attention_bytes(shape, prec, fused_attention, FP32)
        # Per-head RMS norms of q and k, and their rotary embedding's product with the
        # position table.
        qk = norm_bytes("rmsnorm", tokens, 2 * h, prec) + 2 * tokens * h * p
        modulated = norm_bytes("layernorm", tokens, h, prec) + tokens * h * p

        def casts(linears: int) -> float:
            # The modulated input is what q, k, v (and the MLP) read; under AMP each keeps
            # its own 16-bit cast of it.
            return prec.linear_inputs(tokens * h, linears) if prec.amp else 0.0

        gelu_in = tokens * f * p
        double = 2 * modulated + casts(4) + qk + core
        double += 2 * tokens * h * p  # output projection input, the gated attention output
        double += 2 * gelu_in + tokens * h * p  # GELU input and output, the gated MLP output
        single = modulated + casts(4) + qk + core + gelu_in
        single += tokens * (h + f) * p + tokens * h * p  # concatenated projection input, gate
        blocks = self.layers + self.single_layers
        per_layer = (double * self.layers + single * self.single_layers) / blocks
        image = batch * self.image_tokens
        other = (
            image * self.in_channels * FP32 * 2 + batch * self.text_tokens * self.context_dim * p
        )
        if checkpointing:
            kept = tokens * h * prec.residual
            return Activations(kept, blocks, other, True, recompute_bytes=max(double, single))
        return Activations(per_layer, blocks, other, False)


def _linear(name: str, fan_in: int, fan_out: int, repeat: int = 1) -> list[Params]:
    return [
        Params(name, (fan_out, fan_in), "linear", repeat),
        Params(f"{name}.bias", (fan_out,), "bias", repeat),
    ]


def _mlp_embedder(name: str, fan_in: int, width: int) -> list[Params]:
    return _linear(f"{name}_embedder.linear_1", fan_in, width) + _linear(
        f"{name}_embedder.linear_2", width, width
    )
