"""The PDF build report: parts and prices, power, slot layout, findings with fixes, each
workload's memory, speed, time and energy, the charts, and the assumptions behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage

from planner import APP_NAME, __version__
from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Severity
from planner.core.gpu_link import build_link
from planner.core.gpu_ranking import Ranked, fastest, rank_gpus
from planner.core.networks.transformer import Transformer
from planner.core.part_specs import key_specs
from planner.core.parts import Gpu, PartKind
from planner.core.performance import Link
from planner.core.power import SIZING_MARGIN
from planner.core.rent import Ownership, RentPlan, rent_plan
from planner.core.serving_plan import Curve, curves, served_network
from planner.core.units import duration
from planner.core.used_price import is_used
from planner.core.workload_estimates import BuildEstimate, network_for
from planner.core.workloads import Workload
from planner.io.cloud_prices import load_all_cloud_prices
from planner.report import chart_images as charts
from planner.report.assumptions_section import assumptions_section
from planner.report.markup import Cell, esc, image, money, table
from planner.report.pdf import ensure_gui_application, render_pdf, text_width_px, write_pdf
from planner.report.rent_section import rent_section
from planner.report.serving_section import serving_section, serving_summary
from planner.report.sources_section import sources_section
from planner.report.training_section import memory_chart, training_section

TOP_GPUS = 12
SEVERITY_CLASS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SEVERITY_WORD = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Note"}


@dataclass(frozen=True)
class ReportData:
    build: Build
    source: str
    assembly: Assembly
    report: CheckReport
    link: Link | None  # what gradients cross between the GPUs; None with one GPU
    rankings: tuple[tuple[Ranked, ...], ...]  # per estimate, the catalog's GPUs
    made: dt.datetime
    # Per estimate: a served model's network and curves on the build (None: trained).
    served: tuple[tuple[Transformer, tuple[Curve, Curve] | None] | None, ...] = ()
    rent: RentPlan | None = None  # the build against renting its GPUs


def collect(
    build: Build,
    catalog: Catalog,
    workloads: Mapping[str, Workload],
    source: str = "",
    made: dt.datetime | None = None,
) -> ReportData:
    report = run_checks(build, catalog, workloads)
    assembly = Assembly.resolve(build, catalog)
    link = build_link(assembly, report.layout)
    gpus = tuple(part for part in catalog.of_kind(PartKind.GPU) if isinstance(part, Gpu))
    rankings: list[tuple[Ranked, ...]] = []
    for result in report.estimates:
        if result.estimate is None or result.workload is None:
            rankings.append(())
            continue
        rankings.append(
            tuple(
                rank_gpus(
                    result.workload, result.estimate.setup, gpus, link, result.estimate.run_options
                )
            )
        )
    return ReportData(
        build,
        source,
        assembly,
        report,
        link,
        tuple(rankings),
        made or dt.datetime.now().astimezone(),
        tuple(_served(result, assembly, report) for result in report.estimates),
        rent_plan(assembly, report, load_all_cloud_prices()[0], Ownership()),
    )


def _served(
    result: BuildEstimate, assembly: Assembly, report: CheckReport
) -> tuple[Transformer, tuple[Curve, Curve] | None] | None:
    if result.serving is None or result.workload is None:
        return None
    net = served_network(network_for(result.workload), result.workload.name)
    return net, curves(assembly, report.layout, net, result.serving.result.serving)


# ---- sections ------------------------------------------------------------------------------


def _title(data: ReportData) -> str:
    build, report = data.build, data.report
    counts = {severity: len(report.of_severity(severity)) for severity in Severity}
    verdict = (
        f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} notes"
    )
    total = data.assembly.total_price_usd
    price = money(total) + esc(data.assembly.unpriced_note)
    lines = [
        f"<h1>{esc(build.name)}</h1>",
        f'<p class="muted">Build report, {data.made:%Y-%m-%d %H:%M %Z} · {APP_NAME} {__version__}'
        + (f" · {esc(data.source)}" if data.source else "")
        + "</p>",
    ]
    if build.notes:
        lines.append(f"<p>{esc(build.notes)}</p>")
    summary = [
        ("Total price", price),
        (
            "Checks",
            verdict + (" — the build does not work as listed" if counts[Severity.ERROR] else ""),
        ),
    ]
    if report.power is not None and report.power.gpu_w:
        power = report.power
        psu = f"{power.psu_w:,} W PSU" if power.psu_w else "no PSU chosen"
        summary.append(
            (
                "Power",
                f"{power.sustained_w:,.0f} W sustained under training load, {psu}, "
                f"{power.wall_w:,.0f} W at the wall",
            )
        )
    for result in report.estimates:
        item = result.estimate
        if result.serving is not None and result.workload is not None:
            summary.append(serving_summary(result.workload.name, result.serving))
        if item is None:
            continue
        fit = "fits" if item.memory.fits else "does not fit"
        summary.append(
            (
                esc(item.workload.name),
                f"{fit}; {item.samples_per_s:,.1f} samples/s; {duration(item.time_to_train_s)} per "
                f"run; {money(item.cost_usd)} of electricity",
            )
        )
    lines.append(table(None, summary, widths=(22, 78)))
    return "".join(lines)


def _parts(data: ReportData) -> str:
    rows: list[Sequence[Cell]] = []
    for kind in PartKind:
        for item in data.assembly.items_of(kind):
            part = item.part
            price = part.price_usd
            rows.append(
                (
                    esc(kind.label),
                    f"<b>{esc(part.display_name)}</b><br>"
                    f'<span class="small muted">{esc(key_specs(part))}</span>',
                    (str(item.count), "num"),
                    (money(price) + (" used" if is_used(part.price_source) else ""), "num"),
                    (money(None if price is None else price * item.count), "num"),
                )
            )
    for choice in data.assembly.unknown:
        retired = data.assembly.retired.get(choice.id)
        name = f"{retired.name}: {retired.why}" if retired else f"{choice.id} (not in the catalog)"
        rows.append(("?", esc(name), (str(choice.count), "num"), "", ""))
    count = sum(item.count for item in data.assembly.items)
    unpriced = len(data.assembly.unpriced)
    rows.append(
        (
            "Total",
            f"{len(data.assembly.items)} lines"
            + (f"; {unpriced} without a list price (not in the total)" if unpriced else ""),
            (str(count), "num"),
            "",
            (money(data.assembly.total_price_usd), "num"),
        )
    )
    classes = [""] * (len(rows) - 1) + ["total"]
    prices = [item.part.price_date for item in data.assembly.items if item.part.price_date]
    dated = (
        f"Prices in US dollars as of {min(prices):%Y-%m-%d} to {max(prices):%Y-%m-%d} "
        "(per part under Sources; “used” marks a used-market price); check current prices "
        "before ordering."
        if prices
        else ""
    )
    return (
        "<h2>Parts</h2>"
        + table(
            ("Kind", "Part", ("Count", "num"), ("Unit price", "num"), ("Line total", "num")),
            rows,
            widths=(13, 55, 8, 12, 12),
            row_classes=classes,
        )
        + (f'<p class="small muted">{dated}</p>' if dated else "")
    )


def _findings(data: ReportData) -> str:
    findings = data.report.findings
    if not findings:
        return (
            "<h2>Checks</h2><p>No problems found: power, PCIe, fit, cooling and memory checks "
            "pass.</p>"
        )
    rows = [
        (
            (SEVERITY_WORD[finding.severity], SEVERITY_CLASS[finding.severity]),
            f"{esc(finding.message)}"
            + (f"<br><i>Fix:</i> {esc(finding.fix)}" if finding.fix else "")
            + '<br><span class="small muted">'
            + f"{esc(finding.category.value)} · {esc(finding.code)}</span>",
        )
        for finding in findings
    ]
    return "<h2>Checks</h2>" + table(("Severity", "Finding and fix"), rows, widths=(12, 88))


def _power(data: ReportData, images: dict[str, QImage], width: int) -> str:
    power = data.report.power
    if power is None or not power.gpu_w:
        return "<h2>Power</h2><p>Add GPUs, a CPU and a power supply to size the power budget.</p>"
    rows = [(esc(line.label), (f"{line.watts:,.0f} W", "num")) for line in power.lines]
    rows += [
        (
            "<b>Sustained draw under training load</b>",
            (f"<b>{power.sustained_w:,.0f} W</b>", "num"),
        ),
        (
            f"Recommended PSU (+{SIZING_MARGIN:.0%} margin)",
            (f"{power.recommended_psu_w:,.0f} W", "num"),
        ),
        (
            "Transient peak (GPU spikes to 2× board power)",
            (f"{power.transient_peak_w:,.0f} W", "num"),
        ),
        ("Power supply rating", (f"{power.psu_w:,} W" if power.psu_w else "none", "num")),
        (f"Draw at the wall ({power.efficiency:.0%} efficient)", (f"{power.wall_w:,.0f} W", "num")),
    ]
    bars = [
        charts.Bar("GPUs", ((power.gpu_w, charts.BLUE),), f"{power.gpu_w:,.0f} W"),
        charts.Bar("CPU", ((power.cpu_w, charts.BLUE),), f"{power.cpu_w:,.0f} W"),
        charts.Bar("Rest of system", ((power.rest_w, charts.BLUE),), f"{power.rest_w:,.0f} W"),
        charts.Bar(
            "Sustained", ((power.sustained_w, charts.GREEN),), f"{power.sustained_w:,.0f} W", True
        ),
        charts.Bar(
            "Recommended PSU",
            ((power.recommended_psu_w, charts.ORANGE),),
            f"{power.recommended_psu_w:,.0f} W",
        ),
        charts.Bar(
            "Transient peak",
            ((power.transient_peak_w, charts.GREY),),
            f"{power.transient_peak_w:,.0f} W",
        ),
    ]
    marker = charts.Marker(power.psu_w, f"PSU {power.psu_w:,} W") if power.psu_w else None
    images["chart-power.png"] = charts.bar_chart("Power budget", bars, "watts", marker)
    return (
        "<h2>Power</h2>"
        + table(("", ("Watts", "num")), rows, widths=(80, 20))
        + image("chart-power.png", width)
    )


def _slots(data: ReportData) -> str:
    layout = data.report.layout
    if layout is None or not (
        layout.gpus or layout.drives or layout.unplaced_gpus or layout.sxm_gpus
    ):
        return ""
    names = {item.part.id: item.part.display_name for item in data.assembly.items}
    rows: list[Sequence[Cell]] = [
        (
            esc(gpu.slot),
            esc(names.get(gpu.part_id, gpu.part_id)),
            f"PCIe {gpu.link_gen}.0 x{gpu.link_width}",
            (f"{gpu.bandwidth_gbs:,.1f} GB/s", "num"),
            (
                f"on {esc(names.get(gpu.riser, gpu.riser))}"
                if gpu.riser
                else f"slots {gpu.position}–{gpu.last_position}"
            ),
            esc(gpu.lanes_from),
        )
        for gpu in layout.gpus
    ]
    rows += [
        (
            esc(drive.socket),
            esc(names.get(drive.part_id, drive.part_id)),
            f"PCIe {drive.link_gen}.0 x{drive.link_width}",
            "",
            "",
            esc(drive.lanes_from),
        )
        for drive in layout.drives
    ]
    rows += [
        ("no slot", esc(names.get(part_id, part_id)), "", "", "", "")
        for part_id in layout.unplaced_gpus
    ]
    rows += [
        ("SXM module", esc(names.get(part_id, part_id)), "HGX/DGX baseboard", "", "", "")
        for part_id in layout.sxm_gpus
    ]
    exchange = (
        f"gradients between the GPUs cross {esc(data.link.name)}"
        if data.link is not None
        else "one GPU, so no gradients cross a link"
    )
    used, available = layout.cpu_lanes_used, layout.cpu_lanes_available
    lanes = f"<p>CPU lanes used: {used} of {available}; {exchange}.</p>"
    return (
        "<h2>Slot layout</h2>"
        + table(
            ("Slot", "Card", "Link", ("Bandwidth", "num"), "Covers", "Lanes from"),
            rows,
            widths=(16, 30, 14, 12, 12, 16),
        )
        + lanes
    )


def _workloads(data: ReportData, images: dict[str, QImage], width: int) -> str:
    results = data.report.estimates
    if not results:
        return ""
    sections = ["<h2>Workloads</h2>"]
    problems = [result for result in results if not result.answered]
    for result in problems:
        name = result.workload.name if result.workload else (result.choice.id or "custom network")
        sections.append(f"<p>{esc(name)}: no estimate — {esc(result.problem)}.</p>")
    estimates = [result.estimate for result in results if result.estimate is not None]
    sections.append(memory_chart(estimates, images, width))
    for index, result in enumerate(results):
        if result.estimate is not None:
            build_gpu = data.assembly.gpus[0][0].id if data.assembly.gpus else None
            ranked = fastest(data.rankings[index], build_gpu, TOP_GPUS)
            sections.append(
                training_section(
                    index, result.estimate, ranked, build_gpu, data.link, images, width
                )
            )
        served = data.served[index] if index < len(data.served) else None
        if result.serving is not None and result.workload is not None and served is not None:
            net, found = served
            name = result.workload.name
            sections.append(serving_section(index, name, result.serving, net, found, images, width))
    return "".join(sections)


def report_html(data: ReportData, paper: str) -> tuple[str, dict[str, QImage]]:
    ensure_gui_application()
    images: dict[str, QImage] = {}
    width = text_width_px(paper)
    served = any(result.serving is not None for result in data.report.estimates)
    body = [
        _title(data),
        _parts(data),
        _findings(data),
        _power(data, images, width),
        _slots(data),
        _workloads(data, images, width),
        rent_section(data.rent, images, width),
        assumptions_section(data.build.settings, served),
        sources_section(data.assembly),
    ]
    return "<html><body>" + "".join(body) + "</body></html>", images


def make_build_report(data: ReportData, paper: str = "a4") -> tuple[bytes, int]:
    """The report as PDF bytes, and its page count."""
    html, images = report_html(data, paper)
    return render_pdf(html, images, f"{data.build.name} — build report", paper)


def export_build_report(path: Path, data: ReportData, paper: str = "a4") -> int:
    pdf, pages = make_build_report(data, paper)
    write_pdf(path, pdf)
    return pages
