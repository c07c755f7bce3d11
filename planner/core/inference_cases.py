"""`planner estimate --cases` with `"task": "inference"`: serving a model on GPUs of the
catalog. Unknown keys are errors naming the field, as for training cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.core.build import SERVING_KEYS
from planner.core.calibrated import CONSTANTS
from planner.core.cases import (
    default_link,
    integer_in,
    parse_interconnect,
    resolve_workload,
    shown,
)
from planner.core.errors import Location, RecordError
from planner.core.inference import (
    ENGINES,
    KV_BYTES,
    QUANT_BITS,
    SPLITS,
    Serving,
    check_serving,
    default_context,
    default_split,
    max_context,
    max_sequences,
    position_limit,
    serving_memory,
)
from planner.core.inference_speed import serving_speed
from planner.core.networks.transformer import Transformer
from planner.core.parts import Gpu
from planner.core.performance import ComputeSpec
from planner.core.serving_constants import SERVING, ServingConstants
from planner.core.serving_plan import ServingResult
from planner.core.units import GIB
from planner.core.workloads import Workload, build_network

INFERENCE_KEYS = {
    "task",
    "gpu",
    "gpu_count",
    "workload",
    "interconnect",
    "system_ram_gbs",
    *SERVING_KEYS,
}


def is_inference(case: object) -> bool:
    return isinstance(case, Mapping) and case.get("task") == "inference"


def estimate_inference_case(
    case: Mapping[str, Any],
    gpus: Mapping[str, Gpu],
    workloads: Mapping[str, Workload],
    fitted: ServingConstants = SERVING,
) -> dict[str, object]:
    unknown = sorted(set(case) - INFERENCE_KEYS)
    if unknown:
        raise RecordError(f"unknown key '{unknown[0]}'", Location(field=unknown[0]))
    gpu_id = case.get("gpu")
    gpu = gpus.get(gpu_id) if isinstance(gpu_id, str) else None
    if gpu is None:
        raise RecordError(f"unknown GPU id {shown(gpu_id)}", Location(field="gpu"))
    workload = resolve_workload(case.get("workload"), workloads)
    net = build_network(workload.architecture)
    if not isinstance(net, Transformer) or net.family != "decoder":
        raise RecordError(
            f"{workload.name} is not a language model: serving plans decoders",
            Location(field="workload"),
        )
    serving = _serving(case, net)
    count = serving.gpus
    link = parse_interconnect(case["interconnect"], gpu) if "interconnect" in case else None
    link = None if count == 1 else (link or default_link(gpu))
    ram = case.get("system_ram_gbs")
    offloaded = serving.offload_layers or serving.offload_experts
    if offloaded and not (isinstance(ram, (int, float)) and 1 <= ram <= 2_000):
        raise RecordError(
            "is needed with offload_layers or offload_experts: the system memory's bandwidth "
            "in GB/s (channels × MT/s × 8 bytes / 1,000)",
            Location(field="system_ram_gbs"),
        )
    vram = gpu.vram_gb * GIB  # a "24 GB" card holds 24 GiB
    spec = ComputeSpec.of(gpu)
    result = ServingResult(
        serving,
        serving_memory(net, serving, vram),
        serving_speed(net, serving, spec, CONSTANTS, link, float(ram or 0) or 1.0, fitted),
        max_context(net, serving, vram),
        max_sequences(net, serving, vram),
    )
    return {
        "task": "inference",
        "workload": workload.id,
        "gpu": gpu.display_name,
        "gpu_count": count,
        **result.to_json(),
    }


def _serving(case: Mapping[str, Any], net: Transformer) -> Serving:
    quant = case.get("quant", "bf16")
    if quant not in QUANT_BITS:
        raise RecordError(f"expected one of {', '.join(QUANT_BITS)}", Location(field="quant"))
    kv = case.get("kv_dtype", "f16")
    if kv not in KV_BYTES:
        raise RecordError(f"expected one of {', '.join(KV_BYTES)}", Location(field="kv_dtype"))
    engine = case.get("engine", "llama.cpp")
    split = case.get("split", default_split(engine))
    if split not in SPLITS:
        raise RecordError("expected tensor or layer", Location(field="split"))
    if engine not in ENGINES:
        raise RecordError(f"expected one of {', '.join(ENGINES)}", Location(field="engine"))
    limit = position_limit(net)
    prompt = integer_in(case, "prompt_tokens", 512, 1, limit)
    generated = integer_in(case, "gen_tokens", 128, 0, limit)
    context = integer_in(case, "context", default_context(net, prompt, generated), 1, limit)
    serving = Serving(
        quant=quant,
        context=context,
        prompt_tokens=prompt,
        gen_tokens=generated,
        concurrency=integer_in(case, "concurrency", 1, 1, 4096),
        kv_dtype=kv,
        split=split,
        offload_layers=integer_in(case, "offload_layers", 0, 0, net.layers),
        offload_experts=integer_in(case, "offload_experts", 0, 0, net.layers),
        engine=engine,
        gpus=integer_in(case, "gpu_count", 1, 1, 1024),
        flash_attention=_flag(case, "flash_attention", True),
    )
    check_serving(net, serving)
    return serving


def _flag(case: Mapping[str, Any], key: str, default: bool) -> bool:
    value = case.get(key, default)
    if not isinstance(value, bool):
        raise RecordError("expected true or false", Location(field=key))
    return value
