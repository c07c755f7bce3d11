"""Dev-only: measure the bytes PyTorch autograd saves for the backward pass, to check the
planner's activation model against. Needs PyTorch (CPU is fine) and, for the Whisper and
UNet references, transformers and diffusers; none of them is a runtime dependency.

    python -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 \
        "transformers<5" diffusers
    /tmp/torchenv/bin/python tests/tools/measure_activations.py > tests/data/activation_measurements.json

Each case builds a model from a config (random weights, no downloads) in the dtype under
test, runs one forward pass of a micro-batch under saved_tensors_hooks, and sums the bytes
of the distinct storages autograd keeps, leaving out the parameters themselves.
"""

from __future__ import annotations

import json
import math
import sys

import torch
import torch.nn.functional as F
from torch import nn

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}


def saved_bytes(model: nn.Module, run) -> int:  # type: ignore[no-untyped-def]
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        pointer = storage.data_ptr()
        if pointer not in params and pointer != 0:
            storages[pointer] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run()
    return sum(storages.values())


# ---- a transformer written the way the planner models it -------------------------------


def rms_norm(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Hugging Face's LlamaRMSNorm, op for op."""
    dtype = x.dtype
    hidden = x.to(torch.float32)
    variance = hidden.pow(2).mean(-1, keepdim=True)
    hidden = hidden * torch.rsqrt(variance + 1e-6)
    return weight * hidden.to(dtype)


def dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """Dropout keeping a bool mask, as CUDA's native_dropout does (CPU keeps one in the
    value dtype)."""
    if not training or p == 0:
        return x
    keep = torch.rand_like(x, dtype=torch.float32) >= p
    return x * keep * (1.0 / (1.0 - p))


class Block(nn.Module):
    def __init__(self, c: dict) -> None:  # type: ignore[type-arg]
        super().__init__()
        h, heads, kv, f = c["hidden"], c["heads"], c.get("kv_heads", c["heads"]), c["ffn"]
        d = h // heads
        bias = c.get("bias", False)
        self.c, self.d = c, d
        self.q = nn.Linear(h, heads * d, bias=bias)
        self.k = nn.Linear(h, kv * d, bias=bias)
        self.v = nn.Linear(h, kv * d, bias=bias)
        self.o = nn.Linear(heads * d, h, bias=bias)
        if c.get("gated_ffn"):
            self.gate = nn.Linear(h, f, bias=bias)
        self.up = nn.Linear(h, f, bias=bias)
        self.down = nn.Linear(f, h, bias=bias)
        self.norm1_w = nn.Parameter(torch.ones(h))
        self.norm2_w = nn.Parameter(torch.ones(h))
        if c.get("norm") == "layernorm":
            self.norm1_b = nn.Parameter(torch.zeros(h))
            self.norm2_b = nn.Parameter(torch.zeros(h))

    def norm(self, x: torch.Tensor, which: int) -> torch.Tensor:
        weight = getattr(self, f"norm{which}_w")
        if self.c.get("norm") == "layernorm":
            return F.layer_norm(x, (x.shape[-1],), weight, getattr(self, f"norm{which}_b"))
        return rms_norm(x, weight)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        c, d = self.c, self.d
        b, s, _ = x.shape
        heads, kv = c["heads"], c.get("kv_heads", c["heads"])
        q = self.q(x).view(b, s, heads, d).transpose(1, 2)
        k = self.k(x).view(b, s, kv, d).transpose(1, 2)
        v = self.v(x).view(b, s, kv, d).transpose(1, 2)
        if c.get("positions", "rotary") == "rotary":
            angle = torch.arange(s, dtype=torch.float32)[:, None] / 10000 ** (
                torch.arange(d // 2) * 2 / d
            )
            cos = torch.cat([angle.cos(), angle.cos()], -1).to(x.dtype)
            sin = torch.cat([angle.sin(), angle.sin()], -1).to(x.dtype)

            def rotate(t: torch.Tensor) -> torch.Tensor:
                half = torch.cat([-t[..., d // 2 :], t[..., : d // 2]], -1)
                return t * cos + half * sin

            q, k = rotate(q), rotate(k)
        if kv != heads:  # HF's repeat_kv
            k = k[:, :, None].expand(b, kv, heads // kv, s, d).reshape(b, heads, s, d)
            v = v[:, :, None].expand(b, kv, heads // kv, s, d).reshape(b, heads, s, d)
        causal = c["family"] == "decoder"
        p = c.get("dropout", 0.0) if self.training else 0.0
        if c.get("fused", True):
            out = F.scaled_dot_product_attention(q, k, v, is_causal=causal, dropout_p=p)
        else:
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
            if causal:
                mask = torch.ones(s, s, dtype=torch.bool).triu(1)
                scores = scores.masked_fill(mask, float("-inf"))
            probs = dropout(scores.softmax(-1), p, True)
            out = probs @ v
        out = out.transpose(1, 2).contiguous().reshape(b, s, heads * d)
        return dropout(self.o(out), c.get("dropout", 0.0), self.training)

    def mlp(self, x: torch.Tensor) -> torch.Tensor:
        if self.c.get("gated_ffn"):
            hidden = F.silu(self.gate(x)) * self.up(x)
        else:
            hidden = F.gelu(self.up(x))
        return dropout(self.down(hidden), self.c.get("dropout", 0.0), self.training)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.c.get("post_norm"):
            x = self.norm(x + self.attention(x), 1)
            return self.norm(x + self.mlp(x), 2)
        x = x + self.attention(self.norm(x, 1))
        return x + self.mlp(self.norm(x, 2))


class LM(nn.Module):
    def __init__(self, c: dict) -> None:  # type: ignore[type-arg]
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab"], c["hidden"])
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["layers"]))
        self.final = nn.Parameter(torch.ones(c["hidden"]))
        self.head = nn.Linear(c["hidden"], c["vocab"], bias=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        if self.c.get("norm") == "layernorm":
            x = F.layer_norm(x, (x.shape[-1],), self.final)
        else:
            x = rms_norm(x, self.final)
        logits = self.head(x)
        return F.cross_entropy(logits.float().flatten(0, 1), ids.flatten())


TRANSFORMER_CASES = [
    dict(
        name="llama-like gqa sdpa",
        family="decoder",
        layers=2,
        hidden=256,
        heads=8,
        kv_heads=2,
        ffn=688,
        vocab=4096,
        gated_ffn=True,
        fused=True,
    ),
    dict(
        name="llama-like gqa eager",
        family="decoder",
        layers=2,
        hidden=256,
        heads=8,
        kv_heads=2,
        ffn=688,
        vocab=4096,
        gated_ffn=True,
        fused=False,
    ),
    dict(
        name="gpt2-like dropout eager",
        family="decoder",
        layers=2,
        hidden=256,
        heads=4,
        ffn=1024,
        vocab=4096,
        norm="layernorm",
        bias=True,
        positions="learned",
        dropout=0.1,
        fused=False,
    ),
    dict(
        name="bert-like post-norm eager",
        family="encoder",
        layers=2,
        hidden=256,
        heads=4,
        ffn=1024,
        vocab=4096,
        norm="layernorm",
        bias=True,
        positions="learned",
        dropout=0.1,
        fused=False,
        post_norm=True,
    ),
]


def transformer_cases() -> list[dict]:  # type: ignore[type-arg]
    results = []
    for case in TRANSFORMER_CASES:
        for precision in ("bf16", "fp32"):
            for batch, seq in ((2, 128), (1, 256)):
                torch.manual_seed(0)
                model = LM(case).to(DTYPES[precision]).train()
                ids = torch.randint(0, case["vocab"], (batch, seq))
                measured = saved_bytes(model, lambda: model(ids))
                results.append(
                    {
                        **case,
                        "precision": precision,
                        "batch": batch,
                        "seq_len": seq,
                        "measured_bytes": measured,
                    }
                )
    return results


# ---- ResNet-50 as torchvision builds it ------------------------------------------------


class Bottleneck(nn.Module):
    def __init__(self, c_in: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, 4 * width, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(4 * width)
        self.relu = nn.ReLU(inplace=True)
        self.down = (
            nn.Sequential(
                nn.Conv2d(c_in, 4 * width, 1, stride, bias=False), nn.BatchNorm2d(4 * width)
            )
            if stride != 1 or c_in != 4 * width
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (self.down(x) if self.down is not None else x))


def resnet50() -> nn.Module:
    layers: list[nn.Module] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2, 1),
    ]
    channels = 64
    for stage, count in enumerate((3, 4, 6, 3)):
        for block in range(count):
            layers.append(Bottleneck(channels, 64 * 2**stage, 2 if stage and not block else 1))
            channels = 4 * 64 * 2**stage
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 1000)]
    return nn.Sequential(*layers)


def resnet_cases() -> list[dict]:  # type: ignore[type-arg]
    results = []
    for precision in ("bf16", "fp32"):
        for batch, size in ((2, 64), (1, 128)):
            torch.manual_seed(0)
            model = resnet50().to(DTYPES[precision]).train()
            images = torch.randn(batch, 3, size, size, dtype=DTYPES[precision])
            labels = torch.zeros(batch, dtype=torch.long)
            measured = saved_bytes(model, lambda: F.cross_entropy(model(images).float(), labels))
            results.append(
                {
                    "name": "resnet-50",
                    "family": "resnet",
                    "precision": precision,
                    "batch": batch,
                    "image_size": size,
                    "measured_bytes": measured,
                }
            )
    return results


def whisper_cases() -> list[dict]:  # type: ignore[type-arg]
    try:
        from transformers import WhisperConfig, WhisperForConditionalGeneration
    except ImportError:
        return []
    config = WhisperConfig(
        d_model=256,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=1024,
        decoder_ffn_dim=1024,
        vocab_size=4096,
        num_mel_bins=80,
        max_target_positions=448,
        pad_token_id=1,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=3,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        attn_implementation="sdpa",
    )
    results = []
    for precision in ("bf16",):
        torch.manual_seed(0)
        model = WhisperForConditionalGeneration(config).to(DTYPES[precision]).train()
        batch, seq = 2, 64
        features = torch.randn(batch, 80, 3000, dtype=DTYPES[precision])
        labels = torch.randint(0, 4096, (batch, seq))
        measured = saved_bytes(model, lambda: model(input_features=features, labels=labels).loss)
        results.append(
            {
                "name": "whisper-like (transformers)",
                "family": "whisper",
                "layers": 2,
                "hidden": 256,
                "heads": 4,
                "ffn": 1024,
                "vocab": 4096,
                "precision": precision,
                "batch": batch,
                "seq_len": seq,
                "measured_bytes": measured,
            }
        )
    return results


def unet_cases() -> list[dict]:  # type: ignore[type-arg]
    try:
        from diffusers import UNet2DConditionModel
    except ImportError:
        return []
    results = []
    torch.manual_seed(0)
    model = (
        UNet2DConditionModel(sample_size=16, cross_attention_dim=768, attention_head_dim=8)
        .to(torch.bfloat16)
        .train()
    )
    batch, size = 1, 16
    latents = torch.randn(batch, 4, size, size, dtype=torch.bfloat16)
    context = torch.randn(batch, 77, 768, dtype=torch.bfloat16)
    step = torch.tensor([10])
    measured = saved_bytes(
        model, lambda: F.mse_loss(model(latents, step, context).sample.float(), latents.float())
    )
    results.append(
        {
            "name": "sd-1.5 unet (diffusers)",
            "family": "unet",
            "precision": "bf16",
            "batch": batch,
            "latent_size": size,
            "measured_bytes": measured,
        }
    )
    return results


def main() -> int:
    torch.set_num_threads(2)
    results = transformer_cases() + resnet_cases() + whisper_cases() + unet_cases()
    json.dump({"torch": torch.__version__, "cases": results}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
