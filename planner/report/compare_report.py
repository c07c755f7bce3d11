"""The comparison report: builds side by side with the best value in each row marked, and
charts of every compared workload's time to train and scaling on each build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from planner import APP_NAME, __version__
from planner.core.comparison import Comparison, workload_title
from planner.core.gpu_ranking import SCALING_COUNTS, scaling
from planner.core.units import duration
from planner.report import chart_images as charts
from planner.report.markup import CELL_PADDING, esc
from planner.report.pdf import (
    CSS_DPI,
    ensure_gui_application,
    render_pdf,
    text_width_px,
    write_pdf,
)

LANDSCAPE_FROM = 4  # builds; more columns than this get a landscape page


def build_color(index: int) -> QColor:
    return charts.SERIES[index % len(charts.SERIES)]


def time_chart(comparison: Comparison, index: int, width_in: float) -> QImage | None:
    """One workload's time to train on each build."""
    bars = []
    for number, item in enumerate(comparison.candidates):
        estimate = item.estimates[index].estimate
        color = build_color(number)
        if estimate is None or not estimate.memory.fits:
            note = "does not fit" if estimate is not None else "no estimate"
            bars.append(charts.Bar(item.name, ((0.0, color),), note))
        else:
            hours = estimate.time_to_train_s / 3600
            bars.append(
                charts.Bar(item.name, ((hours, color),), duration(estimate.time_to_train_s))
            )
    if all(bar.total == 0 for bar in bars):
        return None
    return charts.bar_chart("Time to train", bars, "hours", width_in=width_in)


def serving_chart(comparison: Comparison, index: int, width_in: float) -> QImage | None:
    """A served model's tokens/s per sequence on each build."""
    bars = []
    for number, item in enumerate(comparison.candidates):
        plan = item.estimates[index].serving
        color = build_color(number)
        if plan is None or not plan.result.memory.fits:
            bars.append(charts.Bar(item.name, ((0.0, color),), "does not fit" if plan else "—"))
            continue
        speed = plan.result.speed.decode_tokens_per_s
        bars.append(charts.Bar(item.name, ((speed, color),), f"{speed:,.1f} tokens/s"))
    if all(bar.total == 0 for bar in bars):
        return None
    return charts.bar_chart("Tokens/s per sequence", bars, "tokens/s", width_in=width_in)


def scaling_chart(comparison: Comparison, index: int, width_in: float) -> QImage | None:
    """One workload's throughput with 1-8 of each build's GPU over that build's link."""
    lines = []
    counts = tuple(float(count) for count in SCALING_COUNTS)
    for number, item in enumerate(comparison.candidates):
        estimate = item.estimates[index].estimate
        if estimate is None:
            continue
        speeds = scaling(estimate, item.link)
        lines.append(charts.Line(item.name, counts, tuple(speeds), build_color(number)))
    if not lines:
        return None
    return charts.line_chart(
        "Throughput with 1–8 of each build's GPU", lines, "GPUs", "samples/s", width_in=width_in
    )


def comparison_table(comparison: Comparison) -> str:
    names = comparison.names
    first = 28
    other = (100 - first) // max(1, len(names))
    columns = f'<col width="{first}%">' + "".join(f'<col width="{other}%">' for _ in names)
    head = (
        "<thead><tr><th></th>"
        + "".join(f"<th>{esc(name)}</th>" for name in names)
        + "</tr></thead>"
    )
    body = []
    section = None
    wins = comparison.wins()
    body.append(
        "<tr><td><b>Best in</b></td>"
        + "".join(f"<td><b>{count} rows</b></td>" for count in wins)
        + "</tr>"
    )
    for row in comparison.rows:
        if row.section != section:
            section = row.section
            span = len(names) + 1
            body.append(f'<tr><td colspan="{span}" class="section"><b>{esc(section)}</b></td></tr>')
        same = "" if row.differs else ' class="same"'
        cells = []
        for index, cell in enumerate(row.cells):
            css = ' class="best"' if index in row.best else same
            cells.append(f"<td{css}>{esc(cell.text)}</td>")
        body.append(f"<tr><td{same}>{esc(row.label)}</td>{''.join(cells)}</tr>")
    return (
        f'<table width="100%" cellspacing="0" cellpadding="{CELL_PADDING}">{columns}{head}'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def comparison_html(
    comparison: Comparison, paper: str, made: dt.datetime | None = None
) -> tuple[str, dict[str, QImage], bool]:
    """The HTML, its images, and whether the page is landscape."""
    ensure_gui_application()
    made = made or dt.datetime.now().astimezone()
    landscape = len(comparison.candidates) >= LANDSCAPE_FROM
    width = text_width_px(paper, landscape)
    images: dict[str, QImage] = {}
    sources = "".join(
        f"<li>{esc(item.name)} — {esc(item.source)}; GPUs exchange gradients over "
        f"{esc(item.link_name)}</li>"
        for item in comparison.candidates
    )
    parts = [
        f"<h1>Comparing {len(comparison.candidates)} builds</h1>",
        f'<p class="muted">{made:%Y-%m-%d %H:%M %Z} · {APP_NAME} {__version__}</p>',
        f"<ul>{sources}</ul>",
        "<p>Every build is estimated on every workload any of them trains, with that "
        "workload's settings; energy is priced at each build's own electricity rate. The best "
        "value in each row is green; rows where the builds do not differ are grey.</p>",
        comparison_table(comparison),
        "<h2>Workloads</h2>",
    ]
    half_in = (width / CSS_DPI - 0.25) / 2
    half_px = int(half_in * CSS_DPI)
    for index, choice in enumerate(comparison.workloads):
        workload = next((item.estimates[index].workload for item in comparison.candidates), None)
        pair = []
        drawn = (
            ((f"compare-serving-{index}.png", serving_chart(comparison, index, half_in)),)
            if choice.serves
            else (
                (f"compare-time-{index}.png", time_chart(comparison, index, half_in)),
                (f"compare-scaling-{index}.png", scaling_chart(comparison, index, half_in)),
            )
        )
        for name, chart in drawn:
            if chart is not None:
                images[name] = chart
                pair.append(f'<td class="plain"><img src="{name}" width="{half_px}"></td>')
        if pair:
            parts.append(
                f"<h3>{esc(workload_title(choice, workload))}</h3>"
                f'<table cellspacing="0" cellpadding="0"><tr>{"".join(pair)}</tr></table>'
            )
    return "<html><body>" + "".join(parts) + "</body></html>", images, landscape


def make_comparison_report(comparison: Comparison, paper: str = "a4") -> tuple[bytes, int]:
    html, images, landscape = comparison_html(comparison, paper)
    title = "Comparison: " + " · ".join(comparison.names)
    return render_pdf(html, images, title, paper, landscape)


def export_comparison_report(path: Path, comparison: Comparison, paper: str = "a4") -> int:
    pdf, pages = make_comparison_report(comparison, paper)
    write_pdf(path, pdf)
    return pages
