"""The Stable Diffusion 1.x denoising UNet as diffusers builds it (UNet2DConditionModel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from planner.core.networks.common import Op, Params, matmul
from planner.core.networks.convolutional import FP32, Trace, TracedImageNetwork


@dataclass(frozen=True)
class UNet(TracedImageNetwork):
    channels: tuple[int, ...] = (320, 640, 1280, 1280)
    attention: tuple[bool, ...] = (True, True, True, False)
    layers_per_block: int = 2
    heads: int = 8
    context_dim: int = 768
    context_len: int = 77
    latent_channels: int = 4
    latent_size: int = 64  # 512 × 512 images, 8× VAE downsampling
    groups: int = 32
    family: str = "unet"
    sample_unit: str = "image"

    def _traced(self, batch: int, value_bytes: int, amp: bool = False) -> Trace:
        return _trace(self, batch, value_bytes, amp)


class _Builder:
    def __init__(self, net: UNet, trace: Trace) -> None:
        self.net = net
        self.trace = trace

    def resnet(self, name: str, c_in: int, c_out: int, size: int) -> None:
        t = self.trace
        # diffusers checkpoints each ResNet block: it keeps the block's input.
        t.begin_block(t.batch * c_in * size**2 * t.value_bytes)
        t.norm(f"{name}.norm1", c_in, size, fp32=True)
        t.activation(f"{name}.silu1", c_in, size, after_norm=True)
        t.conv(f"{name}.conv1", c_in, c_out, 3, size, bias=True)
        t.linear(f"{name}.time_emb_proj", t.batch, 1280, c_out)
        t.norm(f"{name}.norm2", c_out, size, fp32=True)
        t.activation(f"{name}.silu2", c_out, size, after_norm=True)
        t.conv(f"{name}.conv2", c_out, c_out, 3, size, bias=True)
        if c_in != c_out:
            t.conv(f"{name}.conv_shortcut", c_in, c_out, 1, size, bias=True, keep_input=False)
        t.add(f"{name}.add", c_out, size)
        t.end_block()

    def transformer(self, name: str, dim: int, size: int) -> None:
        t, net = self.trace, self.net
        tokens = t.batch * size * size
        t.norm(f"{name}.norm", dim, size, fp32=True)
        t.conv(f"{name}.proj_in", dim, dim, 1, size, bias=True)
        # diffusers checkpoints the transformer block between proj_in and proj_out.
        t.begin_block(tokens * dim * t.value_bytes)
        amp = t.norm_bytes > t.value_bytes
        for norm in ("norm1", "norm2", "norm3"):
            t.params += [
                Params(f"{name}.{norm}.weight", (dim,), "norm"),
                Params(f"{name}.{norm}.bias", (dim,), "bias"),
            ]
            t.ops.append(Op(f"{name}.{norm}", "norm", 5.0 * tokens * dim, 2.0 * tokens * dim))
            t.saved += tokens * dim * t.norm_value_bytes + tokens * 2 * FP32
        # Under autocast q, k and v each cast the fp32 norm output (the text context too).
        if amp:
            t.saved += (tokens * dim + t.batch * net.context_len * net.context_dim) * t.value_bytes
        # Self-attention over the latent pixels, then cross-attention to the text context.
        for attn, kv_dim, kv_len in (
            ("attn1", dim, size * size),
            ("attn2", net.context_dim, net.context_len),
        ):
            t.params += [
                Params(f"{name}.{attn}.to_q", (dim, dim), "linear"),
                Params(f"{name}.{attn}.to_k", (dim, kv_dim), "linear"),
                Params(f"{name}.{attn}.to_v", (dim, kv_dim), "linear"),
                Params(f"{name}.{attn}.to_out", (dim, dim), "linear"),
                Params(f"{name}.{attn}.to_out.bias", (dim,), "bias"),
            ]
            rows = t.batch * kv_len
            t.ops += [
                matmul(f"{name}.{attn}.q", tokens, dim, dim),
                matmul(f"{name}.{attn}.kv", rows, 2 * dim, kv_dim),
                Op(
                    f"{name}.{attn}.sdpa",
                    "attention",
                    4.0 * tokens * kv_len * dim,
                    2.0 * tokens * dim + 2.0 * rows * dim,
                    1,
                    tokens,
                    kv_len,
                    dim // net.heads,
                ),
                matmul(f"{name}.{attn}.out", tokens, dim, dim),
            ]
            # q/k/v inputs, SDPA's q, k, v, output and log-sum-exp, out-projection input.
            t.saved += (tokens * dim + rows * kv_dim) * t.value_bytes
            t.saved += (2 * tokens * dim + 2 * rows * dim) * t.value_bytes
            t.saved += tokens * dim * t.value_bytes + t.batch * net.heads * size * size * FP32
        inner = 4 * dim
        t.params += [
            Params(f"{name}.ff.proj", (2 * inner, dim), "linear"),
            Params(f"{name}.ff.proj.bias", (2 * inner,), "bias"),
            Params(f"{name}.ff.out", (dim, inner), "linear"),
            Params(f"{name}.ff.out.bias", (dim,), "bias"),
        ]
        t.ops += [
            matmul(f"{name}.ff.proj", tokens, 2 * inner, dim),
            Op(f"{name}.ff.geglu", "elementwise", 10.0 * tokens * inner, 3.0 * tokens * inner),
            matmul(f"{name}.ff.out", tokens, dim, inner),
        ]
        t.saved += (tokens * dim + 3 * tokens * inner) * t.value_bytes
        t.end_block()
        t.conv(f"{name}.proj_out", dim, dim, 1, size, bias=True)


@cache
def _trace(net: UNet, batch: int, value_bytes: int, amp: bool = False) -> Trace:
    trace = Trace(batch, value_bytes, FP32 if amp else 0)
    build = _Builder(net, trace)
    size = net.latent_size
    trace.linear("time_embedding.linear_1", batch, net.channels[0], 1280)
    trace.linear("time_embedding.linear_2", batch, 1280, 1280)
    trace.conv("conv_in", net.latent_channels, net.channels[0], 3, size, bias=True)
    skips = [net.channels[0]]
    channels = net.channels[0]
    levels = len(net.channels)
    for level, out in enumerate(net.channels):
        for layer in range(net.layers_per_block):
            build.resnet(f"down{level}.resnet{layer}", channels, out, size)
            channels = out
            if net.attention[level]:
                build.transformer(f"down{level}.attn{layer}", out, size)
            skips.append(out)
        if level < levels - 1:
            trace.conv(f"down{level}.downsample", out, out, 3, size, stride=2, bias=True)
            size //= 2
            skips.append(out)
    build.resnet("mid.resnet0", channels, channels, size)
    build.transformer("mid.attn", channels, size)
    build.resnet("mid.resnet1", channels, channels, size)
    reversed_channels = list(reversed(net.channels))
    reversed_attention = list(reversed(net.attention))
    for level, out in enumerate(reversed_channels):
        for layer in range(net.layers_per_block + 1):
            skip = skips.pop()
            build.resnet(f"up{level}.resnet{layer}", channels + skip, out, size)
            channels = out
            if reversed_attention[level]:
                build.transformer(f"up{level}.attn{layer}", out, size)
        if level < levels - 1:
            size *= 2
            trace.conv(f"up{level}.upsample", out, out, 3, size, bias=True)
    trace.norm("conv_norm_out", channels, size, fp32=True)
    trace.activation("conv_act", channels, size, after_norm=True)
    trace.conv("conv_out", channels, net.latent_channels, 3, size, bias=True)
    # The loss is a mean-squared error on the predicted noise.
    trace.ops.append(
        Op(
            "mse",
            "loss",
            3.0 * batch * net.latent_channels * size**2,
            3.0 * batch * net.latent_channels * size**2,
        )
    )
    return trace
