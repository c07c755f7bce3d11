"""Serving a model on this build: the GPUs the slot plan places, their link, and the system
memory's bandwidth for offloaded layers; what fits, how fast, the longest context, and what
would change the answer (a smaller cache type or weight format, fewer sequences, layers in
system RAM, a tensor-parallel split)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.core.assembly import Assembly
from planner.core.build import WorkloadChoice
from planner.core.calibrated import CONSTANTS
from planner.core.errors import Location, RecordError
from planner.core.gpu_link import build_link, placed_gpu_count
from planner.core.inference import (
    QUANT_BITS,
    Serving,
    ServingMemory,
    check_serving,
    default_context,
    default_split,
    max_context,
    max_sequences,
    serving_memory,
)
from planner.core.inference_speed import ServingSpeed, serving_speed
from planner.core.networks.common import Network
from planner.core.networks.transformer import Transformer
from planner.core.performance import ComputeSpec, Link
from planner.core.slot_layout import SlotLayout
from planner.core.units import GIB

# Smaller weight formats in the order people step down (llama.cpp's GGUF types).
STEPS_DOWN = ("bf16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")


@dataclass(frozen=True)
class ServingResult:
    serving: Serving
    memory: ServingMemory
    speed: ServingSpeed
    longest_context: int
    most_sequences: int  # decoded together at the serving's context

    def to_json(self) -> dict[str, object]:
        """The results of an inference case (README, "Serving cases")."""
        speed = self.speed
        return {
            "quant": self.serving.quant,
            "decode_tokens_per_s": speed.decode_tokens_per_s,
            "decode_low": speed.decode_range[0],
            "decode_high": speed.decode_range[1],
            "aggregate_tokens_per_s": speed.aggregate_tokens_per_s,
            "prefill_tokens_per_s": speed.prefill_tokens_per_s,
            "prefill_low": speed.prefill_range[0],
            "prefill_high": speed.prefill_range[1],
            "ttft_s": speed.ttft_s,
            "bound": speed.bound,
            "max_context": self.longest_context,
            "max_concurrency": self.most_sequences,
            "memory": self.memory.to_json(),
        }


@dataclass(frozen=True)
class ServingPlan:
    gpu_name: str
    gpus: int
    link_name: str
    host_bandwidth_gbs: float
    result: ServingResult
    changes: tuple[tuple[str, ServingResult], ...]  # what would change the answer
    link: Link | None = None

    def to_json(self, workload_id: str) -> dict[str, object]:
        return {
            "task": "inference",
            "workload": workload_id,
            "gpu": self.gpu_name,
            "gpu_count": self.gpus,
            **self.result.to_json(),
        }


def system_memory_gbs(assembly: Assembly) -> float:
    """The CPU's populated memory channels × the kit's transfer rate × 8 bytes."""
    cpu = assembly.cpu
    kits = assembly.memory_kits
    if cpu is None or not kits:
        return 0.0
    kit = kits[0][0]
    modules = sum(found.modules * item.count for found, item in kits)
    channels = min(cpu.memory_channels, modules)
    return float(channels * kit.speed_mts * 8 / 1000)


@dataclass(frozen=True)
class OnBuild:
    """What serving on a build needs to know of it: its first GPU, how many the slot plan
    places, their link and the system memory's bandwidth."""

    gpu_name: str
    gpus: int
    spec: ComputeSpec
    vram: float  # bytes: a "24 GB" card holds 24 GiB
    link: Link | None
    host_gbs: float

    @classmethod
    def of(cls, assembly: Assembly, layout: SlotLayout | None) -> OnBuild | None:
        if not assembly.gpus:
            return None
        gpu = assembly.gpus[0][0]
        return cls(
            gpu.display_name,
            max(1, placed_gpu_count(assembly, layout)),
            ComputeSpec.of(gpu),
            gpu.vram_gb * GIB,
            build_link(assembly, layout),
            system_memory_gbs(assembly),
        )

    def speed(self, net: Transformer, option: Serving) -> ServingSpeed:
        return serving_speed(net, option, self.spec, CONSTANTS, self.link, self.host_gbs or 1.0)


def served_network(net: Network, name: str) -> Transformer:
    """The network, if it is a language model a serving plan can be made for."""
    if not isinstance(net, Transformer) or net.family != "decoder":
        raise RecordError(
            f"{name} is not a language model: serving plans decoders", Location(field="id")
        )
    return net


def serving_of(choice: WorkloadChoice, net: Transformer) -> Serving:
    """A profile's serving workload as a Serving, checked against the model."""
    context = choice.context or default_context(net, choice.prompt_tokens, choice.gen_tokens)
    serving = Serving(
        quant=choice.quant,
        context=context,
        prompt_tokens=choice.prompt_tokens,
        gen_tokens=choice.gen_tokens,
        concurrency=choice.concurrency,
        kv_dtype=choice.kv_dtype,
        split=choice.split or default_split(choice.engine),
        offload_layers=choice.offload_layers,
        offload_experts=choice.offload_experts,
        engine=choice.engine,
        flash_attention=choice.flash_attention,
    )
    check_serving(net, serving)
    return serving


def choice_with(choice: WorkloadChoice, serving: Serving) -> WorkloadChoice:
    """`choice` changed to serve as `serving` does (one of a plan's changes)."""
    return replace(
        choice,
        quant=serving.quant,
        kv_dtype=serving.kv_dtype,
        concurrency=serving.concurrency,
        split=serving.split,
        offload_layers=serving.offload_layers,
        offload_experts=serving.offload_experts,
    )


def plan_serving(
    assembly: Assembly, layout: SlotLayout | None, net: Transformer, serving: Serving
) -> ServingPlan | None:
    build = OnBuild.of(assembly, layout)
    if build is None:
        return None
    serving = replace(serving, gpus=build.gpus)

    def run(option: Serving) -> ServingResult:
        return ServingResult(
            option,
            serving_memory(net, option, build.vram),
            build.speed(net, option),
            max_context(net, option, build.vram),
            max_sequences(net, option, build.vram),
        )

    options = _options(net, serving, build.host_gbs)
    link = build.link.name if build.link else "one GPU"
    return ServingPlan(
        build.gpu_name,
        build.gpus,
        link,
        build.host_gbs,
        run(serving),
        tuple((words, run(option)) for words, option in options),
        build.link,
    )


def _options(net: Transformer, serving: Serving, host_gbs: float) -> list[tuple[str, Serving]]:
    options: list[tuple[str, Serving]] = []
    for kv in ("q8_0", "q4_0"):
        if serving.kv_dtype in ("f16", "bf16") or (kv == "q4_0" and serving.kv_dtype == "q8_0"):
            options.append((f"a {kv} KV cache", replace(serving, kv_dtype=kv)))
    if serving.quant in STEPS_DOWN and serving.quant != STEPS_DOWN[-1]:
        smaller = STEPS_DOWN[STEPS_DOWN.index(serving.quant) + 1]
        bits = QUANT_BITS[smaller]
        options.append((f"{smaller} weights ({bits:.2f} bits)", replace(serving, quant=smaller)))
    if serving.concurrency > 1:
        options.append(("one sequence at a time", replace(serving, concurrency=1)))
    if serving.gpus > 1:
        other = "layer" if serving.split == "tensor" else "tensor"
        options.append((f"a {other} split", replace(serving, split=other)))
    if host_gbs and serving.offload_layers == 0 and serving.offload_experts == 0:
        quarter = max(1, net.layers // 4)
        if net.moe is not None:
            options.append(
                (
                    f"the experts of {quarter} layers in system RAM",
                    replace(serving, offload_experts=min(quarter, net.moe.moe_layers(net.layers))),
                )
            )
        options.append(
            (f"{quarter} layers in system RAM", replace(serving, offload_layers=quarter))
        )
    return options


@dataclass(frozen=True)
class Curve:
    """Tokens/s at each x (context or sequences), and whether the setting fits."""

    x: tuple[int, ...]
    per_sequence: tuple[float, ...]
    aggregate: tuple[float, ...]
    fits: tuple[bool, ...]


CONTEXTS = (1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)
USERS = (1, 2, 4, 8, 16, 32, 64, 128)


def curves(
    assembly: Assembly, layout: SlotLayout | None, net: Transformer, serving: Serving
) -> tuple[Curve, Curve] | None:
    """Decoding speed against the context (at the chosen sequences) and against the
    sequences decoded together (at the chosen context), on this build."""
    build = OnBuild.of(assembly, layout)
    if build is None:
        return None
    serving = replace(serving, gpus=build.gpus)
    limit = net.max_positions or CONTEXTS[-1]

    def point(option: Serving) -> tuple[float, float, bool]:
        speed = build.speed(net, option)
        fits = serving_memory(net, option, build.vram).fits
        return speed.decode_tokens_per_s, speed.aggregate_tokens_per_s, fits

    def curve(options: list[tuple[int, Serving]]) -> Curve:
        points = [point(option) for _x, option in options]
        return Curve(
            tuple(x for x, _option in options),
            tuple(p[0] for p in points),
            tuple(p[1] for p in points),
            tuple(p[2] for p in points),
        )

    by_context = [
        (c, replace(serving, context=c, prompt_tokens=c - 1, gen_tokens=1))
        for c in CONTEXTS
        if c <= limit
    ]
    by_users = [(u, replace(serving, concurrency=u)) for u in USERS]
    return curve(by_context), curve(by_users)
