"""The formula, inputs and constants behind an estimate, as HTML for the app and the report."""

from __future__ import annotations

import html

from planner.core import calibrated
from planner.core.estimate import Estimate
from planner.core.performance import described_constants
from planner.core.training_setup import TrainingSetup
from planner.core.units import duration, gib


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _table(header: tuple[str, ...], rows: list[str]) -> str:
    head = "<tr>" + "".join(f"<th>{cell}</th>" for cell in header) + "</tr>"
    return f"<table cellpadding=3>{head}{''.join(rows)}</table>"


def _tflops(value: float | None) -> str:
    return f"{value:,.1f} TFLOPS" if value else "none"


def _gpu_inputs(estimate: Estimate) -> str:
    gpu = estimate.gpu
    rows = [
        _row("memory bandwidth", f"{gpu.memory_bandwidth_gbs:,.0f} GB/s"),
        _row("FP16/BF16 tensor (dense)", _tflops(gpu.fp16_tensor_tflops)),
        _row("TF32 tensor (dense)", _tflops(gpu.tf32_tensor_tflops)),
        _row("FP32", _tflops(gpu.fp32_tflops)),
        _row("L2 cache", f"{gpu.l2_cache_mb:g} MB"),
        _row("VRAM", f"{gpu.vram_gb:g} GB"),
        _row("board power", f"{gpu.board_power_w:,.0f} W"),
    ]
    return f"<h4>Inputs: {html.escape(gpu.name)}</h4>" + _table(("spec", "value"), rows)


def explain_html(estimate: Estimate, link_name: str) -> str:
    memory, step, setup = estimate.memory, estimate.step, estimate.setup
    parts = [_row(part.name, gib(part.bytes), html.escape(part.formula)) for part in memory.parts]
    top = sorted(step.ops, key=lambda op: -op.seconds)[:12]
    ops = [
        _row(
            html.escape(op.name),
            op.bound,
            f"{op.seconds * 1000:,.2f} ms",
            f"{op.flops / 1e9:,.1f}",
            f"{op.bytes / 1e6:,.1f}",
        )
        for op in top
    ]
    constants = [
        _row(name, value, html.escape(meaning))
        for name, value, meaning in described_constants(
            calibrated.CONSTANTS, calibrated.SOFTWARE_GAIN
        )
    ]
    checkpointing = ", activation checkpointing" if setup.activation_checkpointing else ""
    ms = 1000
    return "".join(
        [
            f"<h3>{html.escape(estimate.workload.name)} on {setup.gpus} × ",
            f"{html.escape(estimate.gpu.name)}</h3>",
            f"<p>{setup.mode}, {setup.precision}, micro-batch {setup.batch_size}, sequence ",
            f"{setup.seq_len}, {setup.optimizer}{checkpointing}, sharding {setup.sharding}, ",
            f"{html.escape(_recipe(setup))}; ",
            f"{memory.total_params:,} parameters, {memory.trainable_params:,} trained.</p>",
            _gpu_inputs(estimate),
            f"<h4>Memory per GPU: {gib(memory.total)} of {estimate.gpu.vram_gb:g} GB</h4>",
            _table(("part", "size", "formula"), parts),
            f"<h4>Speed: {estimate.samples_per_s:,.2f} samples/s (range ",
            f"{estimate.low:,.2f}–{estimate.high:,.2f})</h4>",
            f"<p>Step time = forward and backward kernels {step.compute_s * ms:,.1f} ms + ",
            f"optimizer and host transfers {step.optimizer_s * ms:,.1f} ms + exposed ",
            f"communication {step.exposed_communication_s * ms:,.1f} ms ",
            f"(of {step.communication_s * ms:,.1f} ms ",
            f"over {html.escape(link_name)}); the input pipeline ({step.input_s * ms:,.1f} ms) ",
            f"runs alongside. Bound by <b>{step.bound}</b>.",
            _power_sentence(estimate),
            "</p>",
            "<p>Each kernel takes max(FLOPs ÷ (peak × efficiency), bytes ÷ (bandwidth × memory ",
            "efficiency)) + launch; efficiency = ceiling × size ÷ (size + half-size). The range ",
            "is the 5th–95th percentile of measured ÷ predicted throughput on GPUs held out of ",
            f"the calibration, for runs on {html.escape(estimate.regime)} ",
            f"(×{calibrated.SPEED_RANGES[estimate.regime][0]:.2f}–"
            f"{calibrated.SPEED_RANGES[estimate.regime][1]:.2f}).</p>",
            _table(("kernel (largest first)", "bound", "time", "GFLOP", "MB"), ops),
            f"<h4>Time to train: {duration(estimate.time_to_train_s)}</h4>",
            f"<p>{estimate.run.samples:,.0f} samples ({html.escape(estimate.run.description)}) ÷ ",
            f"{estimate.samples_per_s:,.2f} samples/s. Energy: {estimate.wall_w:,.0f} W at the ",
            f"wall × time = {estimate.energy_kwh:,.1f} kWh; at ",
            f"${estimate.electricity_usd_per_kwh:.3f}/kWh that is ${estimate.cost_usd:,.2f}.</p>",
            "<h4>Calibrated constants</h4>",
            _table(("constant", "value", "meaning"), constants),
            f"<p>Fitted on {calibrated.FITTED_ROWS} measured training runs; errors on GPUs held ",
            "out of the fit are in tests/data/calibration_report.json.</p>",
        ]
    )


def _recipe(setup: TrainingSetup) -> str:
    """The recipe keys in words (README, "Estimate cases and training recipe keys")."""
    words = [
        f"{setup.attention_name} attention",
        "pure 16-bit weights" if setup.pure_16bit else "fp32 master weights",
        f"gradient accumulation {setup.grad_accum}",
    ]
    if setup.compile:
        words.append("torch.compile")
    if setup.optimizer_in_backward:
        words.append("optimizer in backward")
    if setup.offload != "none":
        words.append(f"{setup.offload} offloaded to CPU RAM")
    if setup.mode != "full":
        words.append(f"LoRA rank {setup.lora_rank} on {setup.lora_targets} linear layers")
    if setup.p2p is not None:
        words.append(f"peer-to-peer {'on' if setup.p2p else 'off'}")
    if setup.experts_split > 1:
        words.append(f"experts split over {setup.experts_split} GPUs (all-to-all routing)")
    return ", ".join(words)


def _power_sentence(estimate: Estimate) -> str:
    if estimate.power_factor >= 1:
        return ""
    return (
        f" The power limit slows the GPUs to {estimate.power_factor:.0%} of full speed "
        "(the curve the power advice quotes)."
    )
