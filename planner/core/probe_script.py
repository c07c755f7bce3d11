"""The text of the probe script `planner probe` writes: self-contained PyTorch (nothing else
needed), synthetic data, the profile's workloads with their precision, micro-batch, sequence,
optimizer, checkpointing and LoRA; it measures samples/s and peak memory and prints them
next to the planner's prediction, and writes them as JSON for `planner probe --compare`.
The marker __PROFILE__ is replaced by the JSON of the workloads and predictions."""

TEMPLATE = r'''#!/usr/bin/env python3
"""Rig Planner probe for the build "__NAME__" (written by planner probe).

Trains each of the profile's workloads for a few steps on synthetic data, with the same
precision, micro-batch, sequence length, optimizer, checkpointing and LoRA, on one GPU, and
prints samples/s and peak memory next to what Rig Planner predicted for one GPU.

    python probe.py                      # every workload, on the first CUDA GPU
    python probe.py --steps 30 --out probe-results.json
    planner probe --compare probe-results.json PROFILE   # back in Rig Planner

Needs only PyTorch. Several GPUs and sharding are measured on one GPU: the planner's
one-GPU prediction is the one printed beside it. With two or more GPUs it also measures the
links between them (copy and reduce bandwidth, peer-to-peer) next to the planned link.
"""
import argparse
import json
import math
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

PROFILE = json.loads(r"""__PROFILE__""")


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update (alpha = 2 x rank)."""

    def __init__(self, base, rank):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad_(False)
        if self.base.bias is not None:
            self.base.bias.requires_grad_(False)
        self.down = nn.Linear(base.in_features, rank, bias=False)
        self.up = nn.Linear(rank, base.out_features, bias=False)
        nn.init.zeros_(self.up.weight)
        self.scale = 2.0

    def forward(self, x):
        return self.base(x) + self.up(self.down(x)) * self.scale


def norm_layer(arch, width):
    if arch.get("norm", "rmsnorm") == "rmsnorm" and hasattr(nn, "RMSNorm"):
        return nn.RMSNorm(width, eps=1e-6)
    return nn.LayerNorm(width)


class Block(nn.Module):
    def __init__(self, arch, causal):
        super().__init__()
        hidden, heads = arch["hidden"], arch["heads"]
        self.heads = heads
        self.kv_heads = arch.get("kv_heads") or heads
        self.head_dim = arch.get("head_dim") or hidden // heads
        self.causal = causal
        bias = bool(arch.get("bias") or arch.get("qkv_bias"))
        self.q = nn.Linear(hidden, heads * self.head_dim, bias=bias)
        self.k = nn.Linear(hidden, self.kv_heads * self.head_dim, bias=bias)
        self.v = nn.Linear(hidden, self.kv_heads * self.head_dim, bias=bias)
        self.o = nn.Linear(heads * self.head_dim, hidden, bias=bool(arch.get("bias")))
        ffn = arch.get("ffn") or 4 * hidden
        self.gated = bool(arch.get("gated_ffn"))
        self.up = nn.Linear(hidden, ffn * (2 if self.gated else 1), bias=bool(arch.get("bias")))
        self.down = nn.Linear(ffn, hidden, bias=bool(arch.get("bias")))
        self.norm1, self.norm2 = norm_layer(arch, hidden), norm_layer(arch, hidden)

    def forward(self, x):
        b, s, _ = x.shape
        h = self.norm1(x)
        q = self.q(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(h).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v(h).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        if self.kv_heads != self.heads:
            repeat = self.heads // self.kv_heads
            k, v = k.repeat_interleave(repeat, dim=1), v.repeat_interleave(repeat, dim=1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)
        x = x + self.o(a.transpose(1, 2).reshape(b, s, -1))
        h = self.up(self.norm2(x))
        if self.gated:
            gate, value = h.chunk(2, dim=-1)
            h = F.silu(gate) * value
        else:
            h = F.gelu(h)
        return x + self.down(h)


class Transformer(nn.Module):
    def __init__(self, arch, checkpointing):
        super().__init__()
        family = arch["family"]
        self.vision = family == "vit"
        hidden = arch["hidden"]
        if self.vision:
            patch = arch["patch_size"]
            self.embed = nn.Conv2d(3, hidden, patch, stride=patch)
        else:
            self.embed = nn.Embedding(arch["vocab"], hidden)
        self.blocks = nn.ModuleList(
            Block(arch, causal=family == "decoder") for _ in range(arch["layers"])
        )
        self.norm = norm_layer(arch, hidden)
        outputs = arch.get("num_classes") or 1000 if self.vision else arch["vocab"]
        self.head = nn.Linear(hidden, outputs, bias=False)
        self.checkpointing = checkpointing

    def forward(self, x):
        x = self.embed(x)
        if self.vision:
            x = x.flatten(2).transpose(1, 2)
        for block in self.blocks:
            x = checkpoint(block, x, use_reentrant=False) if self.checkpointing else block(x)
        x = self.norm(x)
        return self.head(x.mean(dim=1) if self.vision else x)


class Bottleneck(nn.Module):
    def __init__(self, inputs, width, stride):
        super().__init__()
        outputs = width * 4
        self.body = nn.Sequential(
            nn.Conv2d(inputs, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, outputs, 1, bias=False), nn.BatchNorm2d(outputs),
        )
        self.skip = nn.Identity()
        if stride != 1 or inputs != outputs:
            self.skip = nn.Sequential(
                nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs)
            )

    def forward(self, x):
        return F.relu(self.body(x) + self.skip(x))


class ResNet(nn.Module):
    def __init__(self, arch):
        super().__init__()
        layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                  nn.MaxPool2d(3, 2, 1)]
        inputs, width = 64, 64
        for stage, blocks in enumerate(arch.get("blocks") or [3, 4, 6, 3]):
            for index in range(blocks):
                stride = 2 if index == 0 and stage > 0 else 1
                layers.append(Bottleneck(inputs, width, stride))
                inputs = width * 4
            width *= 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(inputs, arch.get("num_classes") or 1000)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))


def shrink(arch):
    """A tiny version of the network (--tiny): the same code paths in seconds on a CPU."""
    small = dict(arch)
    small.update(layers=min(arch.get("layers") or 2, 2), hidden=64, heads=4, ffn=128,
                 head_dim=16, vocab=min(arch.get("vocab") or 1000, 1000), blocks=[1, 1])
    small["kv_heads"] = 2 if (arch.get("kv_heads") or 0) < (arch.get("heads") or 0) else 4
    small["image_size"] = 64 if arch.get("image_size") else arch.get("image_size")
    small["patch_size"] = 16 if arch.get("patch_size") else arch.get("patch_size")
    return small


def build(work, tiny):
    arch = shrink(work["architecture"]) if tiny else work["architecture"]
    if arch["family"] == "resnet":
        model = ResNet(arch)
    else:
        model = Transformer(arch, work["activation_checkpointing"])
    if work["mode"] in ("lora", "qlora"):
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        for module in model.modules():
            if isinstance(module, Block):
                names = ("q", "k", "v", "o") if work["lora_targets"] == "attention" else (
                    "q", "k", "v", "o", "up", "down")
                for name in names:
                    setattr(module, name, LoRALinear(getattr(module, name), work["lora_rank"]))
    return model, arch


def batch_for(arch, work, tiny, device):
    size = min(work["batch_size"], 2) if tiny else work["batch_size"]
    if arch["family"] in ("resnet", "vit"):
        side = 32 if tiny and arch["family"] == "resnet" else (arch.get("image_size") or 224)
        images = torch.randn(size, 3, side, side, device=device)
        return images, torch.randint(0, arch.get("num_classes") or 1000, (size,), device=device)
    seq = min(work["seq_len"], 32) if tiny else work["seq_len"]
    tokens = torch.randint(0, arch["vocab"], (size, seq), device=device)
    return tokens, tokens


def optimizer_for(work, parameters, device):
    notes = []
    name = work["optimizer"]
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=1e-3, momentum=0.9), notes
    if name == "adafactor" and hasattr(torch.optim, "Adafactor"):
        return torch.optim.Adafactor(parameters, lr=1e-3), notes
    if name != "adamw":
        notes.append(f"{name} measured as AdamW (no bitsandbytes in a self-contained probe)")
    fused = device.type == "cuda"
    return torch.optim.AdamW(parameters, lr=1e-4, fused=fused), notes


def measure(work, args):
    device = torch.device(args.device)
    notes = []
    if work["mode"] == "qlora":
        notes.append("QLoRA measured as LoRA over 16-bit weights: memory above a 4-bit run")
    precision = work["precision"]
    if precision == "fp8":
        notes.append("fp8 measured in bf16")
        precision = "bf16"
    model, arch = build(work, args.tiny)
    master_16 = work.get("master_weights") == "bf16" and precision in ("bf16", "fp16")
    model = model.to(device, dtype=torch.bfloat16 if master_16 else torch.float32)
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer, more = optimizer_for(work, parameters, device)
    notes += more
    autocast = precision in ("bf16", "fp16") and not master_16
    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    scaler = torch.amp.GradScaler(device.type, enabled=precision == "fp16" and autocast)
    inputs, targets = batch_for(arch, work, args.tiny, device)

    def step():
        with torch.autocast(device.type, dtype=dtype, enabled=autocast):
            out = model(inputs)
            if out.dim() == 3:
                loss = F.cross_entropy(out.reshape(-1, out.shape[-1]).float(), targets.reshape(-1))
            else:
                loss = F.cross_entropy(out.float(), targets)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(args.warmup):
        step()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    sync()
    started = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync()
    seconds = (time.perf_counter() - started) / args.steps
    samples = inputs.shape[0] / seconds
    tokens = samples * inputs.shape[1] if inputs.dim() == 2 else None
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    return {
        "samples_per_s": samples,
        "tokens_per_s": tokens,
        "peak_memory_bytes": peak,
        "step_s": seconds,
        "tiny": args.tiny,
        "notes": notes,
    }


def sync(devices):
    for device in devices:
        if device.type == "cuda":
            torch.cuda.synchronize(device)


def measure_links(devices, megabytes, repeats=5):
    """Copy from the first device to the second, and a reduce of every device's buffer onto
    the first (what a gradient all-reduce moves), in GB/s; peer-to-peer as the driver says."""
    values = megabytes * 2**20 // 4
    buffers = [torch.ones(values, device=device) for device in devices]

    def seconds(step):
        step()
        sync(devices)
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        sync(devices)
        return (time.perf_counter() - start) / repeats

    copy = seconds(lambda: buffers[1].copy_(buffers[0]))
    first = devices[0]
    reduce = seconds(lambda: sum((b.to(first) for b in buffers[1:]), buffers[0].clone()))
    size = values * 4
    peer = None
    if first.type == "cuda" and devices[1].type == "cuda":
        peer = torch.cuda.can_device_access_peer(first.index or 0, devices[1].index or 0)
    return {"devices": len(devices), "megabytes": megabytes, "peer_to_peer": peer,
            "copy_gbs": size / copy / 1e9, "reduce_gbs": size * (len(devices) - 1) / reduce / 1e9}


def link_devices(args):
    if args.link_devices:
        return [torch.device(name) for name in args.link_devices.split(",")]
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    return [torch.device("cuda", index) for index in range(count)]


def probe_links(args, results):
    devices = link_devices(args)
    if len(devices) < 2:
        return
    measured = measure_links(devices, args.link_mb)
    results["links"] = {"predicted": PROFILE.get("links"), "measured": measured}
    peer = {True: "yes", False: "no", None: "not a GPU pair"}[measured["peer_to_peer"]]
    print(f"GPU links ({len(devices)} devices): copy {measured['copy_gbs']:,.1f} GB/s, "
          f"reduce {measured['reduce_gbs']:,.1f} GB/s, peer-to-peer {peer}")
    planned = PROFILE.get("links")
    if planned:
        print(f"  planned: {planned['link']} ({planned['wire_gbs']} GB/s), "
              f"peer-to-peer {'yes' if planned['peer_to_peer'] else 'no'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--tiny", action="store_true", help="tiny networks, to try the script")
    parser.add_argument("--out", default="probe-results.json")
    parser.add_argument("--link-devices", help="devices for the link test, e.g. cuda:0,cuda:1 "
                        "(default: every CUDA GPU; the test needs two)")
    parser.add_argument("--link-mb", type=int, default=256, help="buffer size of the link test")
    args = parser.parse_args()
    device = torch.device(args.device)
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    results = {"build": PROFILE["build"], "device": gpu or args.device,
               "torch": torch.__version__, "workloads": []}
    print(f"Rig Planner probe: {PROFILE['build']} on {results['device']}")
    if args.tiny:
        print("(--tiny: the networks are shrunk to try the script; the ratios mean nothing)")
    print(f"{'workload':<34}{'measured':>14}{'predicted':>14}{'ratio':>8}{'peak GiB':>10}")
    for work in PROFILE["workloads"]:
        try:
            measured = measure(work, args)
        except torch.cuda.OutOfMemoryError:
            measured = {"samples_per_s": None, "out_of_memory": True, "notes": ["out of memory"]}
            torch.cuda.empty_cache()
        predicted = work["predicted"]
        speed = measured.get("samples_per_s")
        ratio = speed / predicted["samples_per_s"] if speed and predicted["samples_per_s"] else None
        peak = measured.get("peak_memory_bytes")
        print(
            f"{work['name'][:33]:<34}"
            f"{(f'{speed:,.2f}/s' if speed else 'OOM'):>14}"
            f"{predicted['samples_per_s']:>12,.2f}/s"
            f"{(f'{ratio:.2f}' if ratio else '-'):>8}"
            f"{(f'{peak / 2**30:,.2f}' if peak else '-'):>10}"
        )
        for note in measured.get("notes", []):
            print(f"  note: {note}")
        results["workloads"].append({"id": work["id"], "name": work["name"],
                                     "predicted": predicted, "measured": measured})
    probe_links(args, results)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
'''
