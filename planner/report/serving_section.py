"""The report's section for a served model: its settings, memory per GPU with how each part
is counted, speed with its range, what would change the answer, and tokens/s against the
context and against the sequences decoded together."""

from __future__ import annotations

import math

from PySide6.QtGui import QImage

from planner.core.inference import UBATCH, kv_bytes_per_token, served_params
from planner.core.networks.transformer import Transformer
from planner.core.serving_constants import DECODE_RANGE, PREFILL_RANGE
from planner.core.serving_plan import Curve, ServingPlan
from planner.core.units import GIB
from planner.report import chart_images as charts
from planner.report.markup import esc, image, table


def serving_summary(name: str, plan: ServingPlan) -> tuple[str, str]:
    """The title page's line for a served model."""
    result = plan.result
    serving, speed = result.serving, result.speed
    fit = "fits" if result.memory.fits else "does not fit"
    return (
        esc(name),
        f"serve {esc(serving.quant)} at {serving.context:,} tokens × {serving.concurrency}: "
        f"{fit} (longest context {result.longest_context:,}); "
        f"{speed.decode_tokens_per_s:,.1f} tokens/s per sequence, first token "
        f"{speed.ttft_s:,.2f} s",
    )


def serving_section(
    index: int,
    name: str,
    plan: ServingPlan,
    net: Transformer,
    found: tuple[Curve, Curve] | None,
    images: dict[str, QImage],
    width: int,
) -> str:
    serving, gpus = plan.result.serving, plan.gpus
    memory_rows = _memory_rows(plan, net)
    speed_rows = _speed_rows(plan)
    changes = [
        (
            esc(words),
            "fits" if other.memory.fits else "does not fit",
            (f"{other.memory.total / GIB:,.1f} GiB", "num"),
            (f"{other.longest_context:,}", "num"),
            (f"{other.speed.decode_tokens_per_s:,.1f}", "num"),
        )
        for words, other in plan.changes
    ]
    parts = [
        f"<h3>{esc(name)}: serving</h3>",
        f"<p>{esc(serving.quant)} weights, {serving.context:,} tokens × {serving.concurrency} "
        f"sequences, {esc(serving.kv_dtype)} KV cache, {esc(serving.split)} split, "
        f"{esc(serving.engine)}, on {gpus} × {esc(plan.gpu_name)} ({esc(plan.link_name)}).</p>",
        table(("Memory per GPU", ("GiB", "num"), "How it is counted"), memory_rows, (20, 10, 70)),
        table(None, speed_rows, widths=(25, 75)),
        "<p><b>What would change it</b></p>",
        table(
            ("Change", "", ("Per GPU", "num"), ("Longest context", "num"), ("Tokens/s", "num")),
            changes,
            widths=(40, 15, 15, 15, 15),
        ),
    ]
    if found is not None:
        for key, curve, what, aggregate in (
            ("context", found[0], "context (tokens)", False),
            ("users", found[1], "sequences decoded together", True),
        ):
            picture = f"chart-serving-{key}-{index}.png"
            images[picture] = _curve_chart(
                f"{name}: tokens/s against {what}", curve, what, aggregate
            )
            parts.append(image(picture, width))
    return "".join(parts)


def _memory_rows(plan: ServingPlan, net: Transformer) -> list[tuple[str, tuple[str, str], str]]:
    """Memory per GPU, term by term, with how each is counted."""
    serving, memory, gpus = plan.result.serving, plan.result.memory, plan.gpus
    per_token = kv_bytes_per_token(net, serving, serving.context)
    memory_rows = [
        (
            "Weights",
            (f"{memory.weights / GIB:,.2f}", "num"),
            f"{served_params(net):,} parameters × {serving.weight_bits:g} bits ÷ 8"
            + (f", over {gpus} GPUs" if gpus > 1 else "")
            + (
                f", {serving.offload_layers} layers in system RAM" if serving.offload_layers else ""
            ),
        ),
        (
            "KV cache",
            (f"{memory.kv_cache / GIB:,.2f}", "num"),
            f"{per_token:,.0f} bytes per token ({esc(serving.kv_dtype)}) × {serving.context:,} "
            f"tokens × {serving.concurrency} sequences" + (f" ÷ {gpus} GPUs" if gpus > 1 else ""),
        ),
        (
            "Workspace",
            (f"{memory.activations / GIB:,.2f}", "num"),
            f"a {UBATCH}-token micro-batch's fp32 logits and widest intermediates"
            + ("" if serving.flash_attention else ", and its fp32 attention scores over the cache"),
        ),
        ("CUDA context", (f"{memory.overhead / GIB:,.2f}", "num"), "the runtime on each GPU"),
        (
            "<b>Total per GPU</b>",
            (f"<b>{memory.total / GIB:,.2f}</b>", "num"),
            f"of {memory.capacity / GIB:,.2f} GiB the engine may use — "
            + ("<b>fits</b>" if memory.fits else "<b>does not fit</b>"),
        ),
    ]
    if memory.system_ram:
        memory_rows.append(
            ("System RAM", (f"{memory.system_ram / GIB:,.2f}", "num"), "offloaded layers and cache")
        )
    return memory_rows


def _speed_rows(plan: ServingPlan) -> list[tuple[str, str]]:
    """Decoding and prompt speed with their likely ranges, and how far the build stretches."""
    result = plan.result
    serving, speed = result.serving, result.speed
    low, high = speed.decode_range
    prompt_low, prompt_high = speed.prefill_range
    speed_rows = [
        (
            "Decoding",
            f"{speed.decode_tokens_per_s:,.1f} tokens/s per sequence (likely {low:,.1f}–"
            f"{high:,.1f}), {speed.aggregate_tokens_per_s:,.1f} in all; bound by "
            f"{esc(speed.bound)}",
        ),
        (
            "Prompt",
            f"{speed.prefill_tokens_per_s:,.0f} tokens/s (likely {prompt_low:,.0f}–"
            f"{prompt_high:,.0f}); first token after {speed.ttft_s:,.2f} s",
        ),
        ("Longest context", f"{result.longest_context:,} tokens"),
        ("Most sequences", f"{result.most_sequences:,} at {serving.context:,} tokens"),
    ]
    if speed.link_share:
        speed_rows.append(("Link", f"all-reduces take {speed.link_share:.0%} of each step"))
    return speed_rows


def _curve_chart(title: str, curve: Curve, what: str, aggregate: bool) -> QImage:
    xs = tuple(math.log2(x) for x in curve.x)
    hollow = tuple(not fits for fits in curve.fits)
    lines = [charts.Line("each sequence", xs, curve.per_sequence, charts.BLUE, hollow=hollow)]
    if aggregate:
        lines.append(charts.Line("all together", xs, curve.aggregate, charts.ORANGE, hollow=hollow))
    labels = {math.log2(x): f"{x:,}" for x in curve.x}
    return charts.line_chart(
        title + " (open points: does not fit)", lines, what, "tokens/s", x_labels=labels
    )


def serving_assumptions() -> str:
    return (
        "<p><b>Serving.</b> Memory per GPU: the weights in their format, the KV cache the "
        "architecture keeps (grouped-query heads, a latent for DeepSeek, windows), the "
        "engine's workspace and the CUDA context; vLLM uses 90% of each GPU. Decoding is a "
        "roofline of the weights and caches read per step at the share of memory bandwidth "
        "llama.cpp reaches, plus a fixed time per layer, plus two all-reduces per layer over "
        "the link for a tensor split; the prompt is compute-bound. Five constants were fitted "
        "on published llama.cpp runs; "
        "the ranges are the 5th–95th percentile of measured ÷ predicted on GPUs held out "
        f"(decoding ×{DECODE_RANGE[0]:.2f}–{DECODE_RANGE[1]:.2f}, prompt "
        f"×{PREFILL_RANGE[0]:.2f}–{PREFILL_RANGE[1]:.2f}).</p>"
    )
