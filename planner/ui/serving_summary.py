"""The answer for one served model on the build: fits or not with the memory's parts, the
longest context and the most sequences that fit, tokens/s with their range, first token, and
what would change it — each change with an Apply link where it edits a workload."""

from __future__ import annotations

from html import escape

from planner.core.serving_plan import ServingPlan
from planner.core.units import gib
from planner.ui.workload_summary import APPLY


def plan_html(plan: ServingPlan, name: str, links: bool = False, note: str = "") -> str:
    result = plan.result
    serving, memory, speed = result.serving, result.memory, result.speed
    verdict = (
        "<span style='color:#2e8b57'><b>Fits</b></span>"
        if memory.fits
        else "<span style='color:#c0392b'><b>Does not fit</b></span>"
    )
    low, high = speed.decode_range
    prompt_low, prompt_high = speed.prefill_range
    lines = [f"<p><b>Note:</b> {escape(note)}.</p>"] if note else []
    lines += [
        f"<p>{verdict} — {escape(name)} {serving.quant} at {serving.context:,} tokens × "
        f"{serving.concurrency} on {plan.gpus} × {escape(plan.gpu_name)} "
        f"({escape(plan.link_name)}): {gib(memory.total)} per GPU of {gib(memory.capacity)}."
        f"<br>Weights {gib(memory.weights)}, KV cache {gib(memory.kv_cache)}, workspace "
        f"{gib(memory.activations)}, CUDA context {gib(memory.overhead)}"
        + (f"; {gib(memory.system_ram)} in system RAM" if memory.system_ram else "")
        + ".</p>",
        f"<p>Longest context that fits: <b>{result.longest_context:,} tokens</b>"
        + (
            f"; at {serving.context:,} tokens, up to <b>{result.most_sequences:,} "
            "sequences</b> at once.</p>"
            if result.most_sequences
            else ".</p>"
        )
        if result.longest_context
        else "<p>Not even the weights fit.</p>",
        f"<p><b>{speed.decode_tokens_per_s:,.1f} tokens/s</b> per sequence, likely "
        f"{low:,.1f}–{high:,.1f} ({speed.aggregate_tokens_per_s:,.1f} in all), bound by "
        f"{escape(speed.bound)}; prompt {speed.prefill_tokens_per_s:,.0f} tokens/s "
        f"({prompt_low:,.0f}–{prompt_high:,.0f}), first token in {speed.ttft_s:,.2f} s.</p>",
    ]
    if speed.link_share >= 0.05:
        lines.append(
            f"<p>All-reduces over {escape(plan.link_name)} take {speed.link_share:.0%} of "
            "each decoding step.</p>"
        )
    lines.append("<p><b>What would change it:</b></p><ul>")
    for index, (words, other) in enumerate(plan.changes):
        fits = "fits" if other.memory.fits else "does not fit"
        apply = f" <a href='{APPLY}{index}'>Apply</a>" if links else ""
        lines.append(
            f"<li>{escape(words)}: {fits} ({gib(other.memory.total)} per GPU), longest "
            f"context {other.longest_context:,}, {other.speed.decode_tokens_per_s:,.1f} "
            f"tokens/s{apply}</li>"
        )
    lines.append("</ul>")
    return "".join(lines)
