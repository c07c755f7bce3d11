"""Findings for the models the build is meant to serve: GPU memory at the chosen context and
sequences, system RAM for offloaded layers, and the link a tensor-parallel split crosses."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from planner.core.checks.context import CheckContext
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Gpu, Part, PartKind
from planner.core.serving_plan import ServingPlan
from planner.core.slot_layout import link_bandwidth_gbs
from planner.core.units import GIB, gib

# The operating system and the engine's own host buffers beside offloaded layers.
HOST_RESERVE = 8 * GIB
# A tensor split that spends more of each decoding step than this in all-reduces is slowed
# by its link enough to say so.
LINK_SHARE_WARNING = 0.2
# Below PCIe 4.0 x8 a link is "slow" for multi-GPU serving.
SLOW_LINK_GBS = link_bandwidth_gbs(4, 8)


def _served(context: CheckContext) -> Iterator[tuple[str, ServingPlan]]:
    for result in context.estimates:
        if result.serving is not None and result.workload is not None:
            serving = result.serving.result.serving
            name = (
                f"{result.workload.name} {serving.quant} at {serving.context:,} tokens × "
                f"{serving.concurrency}"
            )
            yield name, result.serving


def check_serving_memory(context: CheckContext) -> Iterator[Finding]:
    gpu_id = context.gpu_list[0].id if context.gpu_list else ""
    for name, plan in _served(context):
        memory = plan.result.memory
        if memory.fits:
            yield from _host_ram(context, name, plan)
            continue
        breakdown = (
            f"weights {gib(memory.weights)}, KV cache {gib(memory.kv_cache)}, workspace "
            f"{gib(memory.activations)}, CUDA context {gib(memory.overhead)}"
        )
        longest = plan.result.longest_context
        reach = f" It fits up to {longest:,} tokens." if longest else " Not even the weights fit."
        fixes = [
            f"{words} ({gib(other.memory.total)}, {other.speed.decode_tokens_per_s:,.1f} tokens/s)"
            for words, other in plan.changes
            if other.memory.fits
        ][:2]
        share = memory.capacity / (context.gpu_list[0].vram_gb * GIB) if gpu_id else 1.0
        needed = memory.total / share
        fixes.append(
            f"a GPU with {needed / GIB:,.0f} GB or more"
            + context.examples(PartKind.GPU, _holds(needed))
        )
        fix = "; or ".join(fixes)
        yield Finding(
            Severity.ERROR,
            Category.MEMORY,
            "memory.serving_fit",
            f"Serving {name} needs {gib(memory.total)} per GPU ({breakdown}); each of the "
            f"{plan.gpus} × {plan.gpu_name} can give it {gib(memory.capacity)}.{reach}",
            (gpu_id,),
            "Use " + fix + ".",
        )


def _holds(needed_bytes: float) -> Callable[[Part], bool]:
    return lambda part: isinstance(part, Gpu) and part.vram_gb * GIB >= needed_bytes


def _host_ram(context: CheckContext, name: str, plan: ServingPlan) -> Iterator[Finding]:
    offloaded = plan.result.memory.system_ram
    if not offloaded:
        return
    kits = context.assembly.memory_kits
    installed = sum(kit.capacity_gb * entry.count for kit, entry in kits) * GIB
    needed = offloaded + HOST_RESERVE
    if installed < needed:
        yield Finding(
            Severity.ERROR,
            Category.MEMORY,
            "memory.serving_host_ram",
            f"Serving {name} keeps {plan.result.serving.offload_layers} layers in system RAM "
            f"({gib(offloaded)}); with the operating system that needs about {gib(needed)}, "
            f"and the build has {installed / GIB:,.0f} GB.",
            tuple(kit.id for kit, _entry in kits),
            f"Fit at least {needed / GIB:,.0f} GB of RAM, or keep fewer layers in system RAM.",
        )


def check_serving_link(context: CheckContext) -> Iterator[Finding]:
    for name, plan in _served(context):
        link = plan.link
        serving = plan.result.serving
        if link is None or plan.gpus < 2:
            continue
        speed = plan.result.speed
        other = next((o for words, o in plan.changes if words.endswith("split")), None)
        if serving.split == "tensor" and speed.link_share > LINK_SHARE_WARNING:
            layer = (
                f" (a layer split: {other.speed.decode_tokens_per_s:,.1f} tokens/s)"
                if other
                else ""
            )
            yield Finding(
                Severity.WARNING,
                Category.PCIE,
                "pcie.serving_tensor_link",
                f"Tensor-parallel serving of {name} spends {speed.link_share:.0%} of each "
                f"decoding step in all-reduces over {link.name}"
                + ("" if link.p2p else " without peer-to-peer (through host memory)")
                + f": {speed.decode_tokens_per_s:,.1f} tokens/s per sequence.",
                tuple(gpu.id for gpu in context.gpu_list[:1]),
                "Put the GPUs in x16 or x8 slots wired to the CPU, bridge them with NVLink, or "
                f"split by layers{layer}.",
            )
        elif serving.split == "layer" and link.gbs < SLOW_LINK_GBS:
            tensor = (
                f"; a tensor split would make {other.speed.decode_tokens_per_s:,.1f} tokens/s "
                f"and spend {other.speed.link_share:.0%} of each step on the link"
                if other
                else ""
            )
            yield Finding(
                Severity.INFO,
                Category.PCIE,
                "pcie.serving_layer_link",
                f"A layer split of {name} over {link.name} sends only each token's hidden "
                f"state between GPUs, so the slow link costs little "
                f"({speed.decode_tokens_per_s:,.1f} tokens/s per sequence){tensor}.",
                tuple(gpu.id for gpu in context.gpu_list[:1]),
                "Keep the layer split on this board; for tensor parallelism use x8 or x16 "
                "slots wired to the CPU.",
            )
