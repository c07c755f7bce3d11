"""A trained workload in the build report: its memory per GPU with how each part is counted,
speed, time and energy of a run, ways to make it fit, how long it takes on other catalog
GPUs, and how it scales over the build's link."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QImage

from planner.core.estimate import Estimate
from planner.core.gpu_ranking import SCALING_COUNTS, Ranked, scaling
from planner.core.performance import Link
from planner.core.units import GIB, duration
from planner.report import chart_images as charts
from planner.report.markup import Cell, esc, image, money, table


def memory_chart(estimates: list[Estimate], images: dict[str, QImage], width: int) -> str:
    if not estimates:
        return ""
    bars = [
        charts.Bar(
            item.workload.name,
            tuple(
                (part.bytes / GIB, color)
                for part, color in zip(item.memory.parts, charts.MEMORY_PARTS, strict=True)
            ),
            f"{item.memory.total / GIB:,.1f} GiB",
        )
        for item in estimates
    ]
    vram = estimates[0].gpu.vram_gb
    legend = [
        (part.name, color)
        for part, color in zip(estimates[0].memory.parts, charts.MEMORY_PARTS, strict=True)
    ]
    images["chart-memory.png"] = charts.bar_chart(
        "Memory per GPU",
        bars,
        "GiB per GPU",
        charts.Marker(vram, f"{estimates[0].gpu.name}: {vram:g} GB"),
        legend,
    )
    return image("chart-memory.png", width)


def training_section(
    index: int,
    item: Estimate,
    shown: Sequence[Ranked],
    build_gpu: str | None,
    link: Link | None,
    images: dict[str, QImage],
    width: int,
) -> str:
    """The section of one trained workload; `shown`: the catalog GPUs its time chart ranks."""
    memory, setup = item.memory, item.setup
    parts = [
        f"<h3>{esc(item.workload.name)}</h3>",
        f"<p>{esc(', '.join(_options(item)))} on {setup.gpus} × {esc(item.gpu.name)}; "
        f"{memory.total_params:,} parameters, {memory.trainable_params:,} trained.</p>",
        table(
            ("Memory per GPU", ("GiB", "num"), "How it is counted"),
            _memory_rows(item),
            widths=(20, 10, 70),
        ),
        table(None, _speed_rows(item), widths=(25, 75)),
        _fixes(item),
        _time_chart(index, item, shown, build_gpu, images, width),
        _scaling_chart(index, item, link, images, width) if setup.gpus > 1 else "",
    ]
    return "".join(parts)


def _options(item: Estimate) -> list[str]:
    setup = item.setup
    options = [
        f"{setup.mode}",
        setup.precision,
        f"micro-batch {setup.batch_size}",
        f"sequence {setup.seq_len}",
        setup.optimizer,
    ]
    if setup.activation_checkpointing:
        options.append("activation checkpointing")
    if setup.sharding != "none":
        options.append(setup.sharding)
    if setup.offload_optimizer:
        options.append("optimizer offloaded to the CPU")
    return options


def _memory_rows(item: Estimate) -> list[tuple[Cell, ...]]:
    memory = item.memory
    verdict = "fits" if memory.fits else "<b>does not fit</b>"
    rows: list[tuple[Cell, ...]] = [
        (
            esc(part.name),
            (f"{part.bytes / GIB:,.2f}", "num"),
            f'<span class="small">{esc(part.formula)}</span>',
        )
        for part in memory.parts
    ]
    rows.append(
        (
            "Total per GPU",
            (f"{memory.total / GIB:,.2f}", "num"),
            f"of {item.gpu.vram_gb:g} GB: {verdict}",
        )
    )
    return rows


def _speed_rows(item: Estimate) -> list[tuple[Cell, ...]]:
    step = item.step
    low_time = item.run.samples / item.high
    high_time = item.run.samples / item.low
    tokens = f" ({item.tokens_per_s:,.0f} tokens/s)" if item.tokens_per_s is not None else ""
    return [
        (
            "Throughput",
            f"{item.samples_per_s:,.2f} samples/s{tokens}; range {item.low:,.2f}–{item.high:,.2f}",
        ),
        (
            "Step",
            f"{step.total_s * 1000:,.1f} ms: kernels {step.compute_s * 1000:,.1f} ms, optimizer "
            f"{step.optimizer_s * 1000:,.1f} ms, exposed communication "
            f"{step.exposed_communication_s * 1000:,.1f} ms; bound by {esc(step.bound)}",
        ),
        ("Run", esc(item.run.description) + f" ({item.run.samples:,.0f} samples)"),
        (
            "Time to train",
            f"{duration(item.time_to_train_s)} (range {duration(low_time)}–{duration(high_time)})",
        ),
        (
            "Energy and cost",
            f"{item.wall_w:,.0f} W at the wall → {item.energy_kwh:,.1f} kWh per run; at "
            f"${item.electricity_usd_per_kwh:.3f}/kWh {money(item.cost_usd)} of electricity "
            f"(range {money(item.cost_usd * low_time / item.time_to_train_s)}–"
            f"{money(item.cost_usd * high_time / item.time_to_train_s)})",
        ),
        ("Largest micro-batch that fits", str(item.largest_batch)),
    ]


def _fixes(item: Estimate) -> str:
    if not item.suggestions:
        return ""
    fixes = [
        (
            esc(s.change),
            (f"{s.memory_bytes / GIB:,.1f} GiB", "num"),
            "fits" if s.fits else "still too big",
            (f"{s.speed_change:+.0%}", "num"),
        )
        for s in item.suggestions[:6]
    ]
    return "<p><b>Ways to make it fit</b></p>" + table(
        ("Change", ("Memory", "num"), "", ("Speed", "num")), fixes, widths=(55, 15, 15, 15)
    )


def _time_chart(
    index: int,
    item: Estimate,
    shown: Sequence[Ranked],
    build_gpu: str | None,
    images: dict[str, QImage],
    width: int,
) -> str:
    if not shown:
        return ""
    bars = [
        charts.Bar(
            r.gpu.display_name.replace("NVIDIA ", "").replace("GeForce ", ""),
            ((r.time_to_train_s / 3600, charts.ORANGE if r.gpu.id == build_gpu else charts.BLUE),),
            duration(r.time_to_train_s),
            bold=r.gpu.id == build_gpu,
        )
        for r in shown
    ]
    name = f"chart-time-{index}.png"
    images[name] = charts.bar_chart(
        f"{item.workload.name}: time to train with {item.setup.gpus} of each catalog GPU "
        "(this build's in orange)",
        bars,
        "hours",
    )
    return image(name, width)


def _scaling_chart(
    index: int, item: Estimate, link: Link | None, images: dict[str, QImage], width: int
) -> str:
    speeds = scaling(item, link)
    counts = tuple(float(c) for c in SCALING_COUNTS)
    name = f"chart-scaling-{index}.png"
    images[name] = charts.line_chart(
        f"{item.workload.name}: scaling over {link.name if link else 'PCIe'}",
        [
            charts.Line(f"{item.gpu.name}", counts, tuple(speeds), charts.BLUE),
            charts.Line(
                "perfect scaling", counts, tuple(speeds[0] * c for c in counts), charts.GREY, True
            ),
        ],
        "GPUs",
        "samples/s",
    )
    return image(name, width)
