"""The summary of one workload on the build: fit, memory parts, speed, run time and cost,
and fixes that fit, each with an Apply link."""

from __future__ import annotations

from html import escape

from planner.core.estimate import Estimate
from planner.core.speed_ranges import range_note
from planner.core.units import GIB, duration, gib

APPLY = "apply:"


def summary_html(estimate: Estimate | None, problem: str = "") -> str:
    if estimate is None:
        return f"<p><b>No estimate:</b> {escape(problem or 'add a GPU to the build')}.</p>"
    memory = estimate.memory
    verdict = (
        "<span style='color:#2e8b57'><b>Fits</b></span>"
        if memory.fits
        else "<span style='color:#c0392b'><b>Does not fit</b></span>"
    )
    setup = estimate.setup
    lines = [f"<p><b>Note:</b> {escape(estimate.note)}.</p>"] if estimate.note else []
    lines += [
        # GPU memory sizes are binary: a "24 GB" card holds 24 GiB.
        f"<p>{verdict} — {gib(memory.total)} per GPU of {gib(estimate.gpu.vram_gb * GIB)} on "
        f"{setup.gpus} × {escape(estimate.gpu.name)}.<br>Weights {gib(memory.weights.bytes)}, "
        f"gradients {gib(memory.gradients.bytes)}, optimizer {gib(memory.optimizer.bytes)}, "
        f"activations {gib(memory.activations.bytes)}, overhead {gib(memory.overhead.bytes)}. "
        + (
            f"Largest micro-batch that fits: {estimate.largest_batch}.</p>"
            if estimate.largest_batch
            else "Not even a micro-batch of 1 fits.</p>"
        )
    ]
    tokens = f" ({estimate.tokens_per_s:,.0f} tokens/s)" if estimate.tokens_per_s else ""
    lines.append(
        f"<p><b>{estimate.samples_per_s:,.1f} samples/s</b>{tokens}, likely "
        f"{estimate.low:,.1f}–{estimate.high:,.1f}{range_note(estimate.regime)}; bound by "
        f"{estimate.step.bound}.</p>"
    )
    run = estimate.run
    lines.append(
        f"<p><b>{duration(estimate.time_to_train_s)}</b> for {escape(run.description)} "
        f"({duration(run.samples / estimate.high)}–{duration(run.samples / estimate.low)}); "
        f"{estimate.energy_kwh:,.1f} kWh at the wall, ${estimate.cost_usd:,.2f} of electricity.</p>"
    )
    shown = [(i, s) for i, s in enumerate(estimate.suggestions) if s.fits][:3]
    for index, suggestion in shown:
        lines.append(
            f"<p>Try <b>{escape(suggestion.change)}</b>: {gib(suggestion.memory_bytes)}, "
            f"{suggestion.speed_change:+.0%} speed. <a href='{APPLY}{index}'>Apply</a></p>"
        )
    return "".join(lines)
