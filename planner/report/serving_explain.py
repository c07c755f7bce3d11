"""The "explain" view of a served model: each term of a decoding step and of the prompt,
with its inputs, and the fitted constants behind them."""

from __future__ import annotations

import html

from planner.core.inference import UBATCH
from planner.core.inference_speed import DecodeTerms, PromptTerms
from planner.core.serving_constants import DECODE_RANGE, PREFILL_RANGE, SERVING
from planner.core.serving_plan import ServingPlan
from planner.report.markup import esc

MS = 1000


def _rows(rows: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<tr><td>{name}</td><td align='right'>{value}</td><td>{how}</td></tr>"
        for name, value, how in rows
    )
    return (
        "<table cellspacing='0' cellpadding='3' border='1'>"
        "<tr><th>term</th><th>value</th><th>how</th></tr>" + body + "</table>"
    )


def serving_explain_html(plan: ServingPlan, name: str) -> str:
    result = plan.result
    serving, speed = result.serving, result.speed
    decode, prompt = speed.decode, speed.prompt
    if decode is None or prompt is None:
        return f"<p>{esc(name)}: no terms to show.</p>"
    decode_rows = _decode_rows(plan, decode)
    low, high = speed.decode_range
    prompt_low, prompt_high = speed.prefill_range
    prompt_rows = _prompt_rows(prompt)
    return "".join(
        [
            f"<h3>{esc(name)} served on {plan.gpus} × {esc(plan.gpu_name)}</h3>",
            f"<p>{esc(serving.quant)}, {serving.context:,} tokens × {serving.concurrency}, "
            f"{esc(serving.kv_dtype)} cache, {esc(serving.split)} split, "
            f"{esc(serving.engine)}.</p>",
            f"<h4>Decoding: {speed.decode_tokens_per_s:,.1f} tokens/s per sequence (range "
            f"{low:,.1f}–{high:,.1f})</h4>",
            "<p>Step = max(memory, compute) + per-layer time"
            + (" + layers in RAM" if decode.offloaded_s else "")
            + (" + all-reduces" if decode.link_s else "")
            + f" = {decode.total * MS:,.2f} ms; bound by <b>{html.escape(decode.bound)}</b>.</p>",
            _rows(decode_rows),
            f"<h4>Prompt: {speed.prefill_tokens_per_s:,.0f} tokens/s (range {prompt_low:,.0f}–"
            f"{prompt_high:,.0f}); first token after {speed.ttft_s:,.2f} s</h4>",
            _rows(prompt_rows),
            "<p>The ranges are the 5th–95th percentile of measured ÷ predicted on GPUs held out "
            f"of the fit (decoding ×{DECODE_RANGE[0]:.2f}–{DECODE_RANGE[1]:.2f}, prompt "
            f"×{PREFILL_RANGE[0]:.2f}–{PREFILL_RANGE[1]:.2f}). Constants: GDDR share "
            f"{SERVING.decode_gddr:.3f}, HBM share {SERVING.decode_hbm:.3f}, per-layer "
            f"{SERVING.decode_layer_us:.1f} µs, prompt share {SERVING.prefill:.3f} (16-bit) / "
            f"{SERVING.prefill_quantized:.3f} (quantized), prompt per-layer "
            f"{SERVING.prefill_layer_us:.0f} µs per micro-batch, fitted on published "
            "llama.cpp runs (tests/benchmarks/evaluate_serving.py).</p>",
        ]
    )


def _decode_rows(plan: ServingPlan, decode: DecodeTerms) -> list[tuple[str, str, str]]:
    """One decoding step's terms: what it reads and computes, and how long each takes."""
    serving = plan.result.serving
    split = plan.gpus if serving.split == "tensor" else 1
    rows = [
        (
            "Weights read",
            f"{decode.weights / 1e9:,.2f} GB",
            f"{esc(serving.quant)}: every weight the step uses (of a mixture of experts, only "
            "the experts its tokens chose); not the input embedding's table",
        ),
        (
            "KV cache read",
            f"{decode.cache / 1e9:,.2f} GB",
            f"{esc(serving.kv_dtype)} cache of "
            f"{serving.concurrency} sequence(s) at the answer's mean length",
        ),
        (
            "Memory time",
            f"{decode.memory_s * MS:,.2f} ms",
            f"bytes ÷ {decode.bandwidth / 1e9:,.0f} GB/s (the share of {esc(plan.gpu_name)}'s "
            f"bandwidth llama.cpp reaches)" + (f" ÷ {split} GPUs" if split > 1 else ""),
        ),
        (
            "Compute time",
            f"{decode.compute_s * MS:,.2f} ms",
            f"{decode.flops / 1e9:,.1f} GFLOP ÷ {decode.compute_rate / 1e12:,.0f} TFLOP/s",
        ),
        (
            "Per-layer time",
            f"{decode.layers_s * MS:,.2f} ms",
            f"{SERVING.decode_layer_us:.0f} µs × layers: launching and synchronising kernels",
        ),
    ]
    if decode.offloaded_s:
        rows.append(
            (
                "Layers in system RAM",
                f"{decode.offloaded_s * MS:,.2f} ms",
                f"{serving.offload_layers} layers read by the CPU at the memory's bandwidth",
            )
        )
    if decode.link_s:
        rows.append(
            (
                "All-reduces",
                f"{decode.link_s * MS:,.2f} ms",
                f"two per layer over {esc(plan.link_name)}: bytes ÷ link rate + ring latency",
            )
        )
    return rows


def _prompt_rows(prompt: PromptTerms) -> list[tuple[str, str, str]]:
    """The prompt's terms: its matrix products, the weights read once, per-layer work."""
    rows = [
        (
            "Products",
            f"{prompt.compute_s * MS:,.1f} ms",
            f"{prompt.flops / 1e12:,.2f} TFLOP ÷ {prompt.compute_rate / 1e12:,.0f} TFLOP/s",
        ),
        ("Weights read once", f"{prompt.memory_s * MS:,.1f} ms", "overlaps the products"),
        (
            "Per-layer time",
            f"{prompt.layers_s * MS:,.1f} ms",
            f"{SERVING.prefill_layer_us:.0f} µs per layer and {UBATCH} tokens: norms, rotary "
            "embedding, activation quantizing and launches around the products",
        ),
    ]
    if prompt.scores_s:
        rows.append(
            (
                "Attention scores",
                f"{prompt.scores_s * MS:,.1f} ms",
                "no flash attention: fp32 scores written and read four times",
            )
        )
    return rows
