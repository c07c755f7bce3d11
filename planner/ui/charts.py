"""The charts: time-to-train on every catalog GPU, scaling with GPU count, memory against
VRAM, the power budget against the PSU, price against speed, and a served model's tokens/s
against the context and against the sequences decoded together. Each plot's items are
created once and updated with new data; each chart exports to PNG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.estimate import Estimate
from planner.core.gpu_ranking import SCALING_COUNTS, Ranked, fastest, scaling, value_front
from planner.core.performance import Link
from planner.core.power import PowerBudget
from planner.core.serving_plan import Curve
from planner.core.units import GIB, time_scale
from planner.io.atomic import write_atomic
from planner.ui.plot_style import ThemedPlot, png_bytes
from planner.ui.serving_charts import caption, draw_curve

BLUE = (52, 120, 200)
ORANGE = (230, 126, 34)
GREEN = (46, 160, 90)
RED = (200, 60, 60)
GREY = (140, 140, 140)
PART_COLORS = [(52, 120, 200), (155, 89, 182), (230, 126, 34), (46, 160, 90), (140, 140, 140)]
TOP = 12


class Chart(QWidget):
    """A titled plot with its caption and a PNG export button; the PNG carries the title
    (with the workload's name) and the caption."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.title = title
        self.suggested: Callable[[str], Path] | None = None  # where to offer to save
        self.plot = ThemedPlot()
        self.plot.setObjectName(f"chart-{name}")
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.caption.setWordWrap(True)
        export = QPushButton("Export PNG…")
        export.clicked.connect(self.export_dialog)
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(export, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)

    def export_png(self, path: str) -> None:
        """Write the chart as a PNG; OSError when it cannot be written (Qt's own save would
        fail without a word)."""
        write_atomic(Path(path), png_bytes(self.plot.picture(self.title, self.caption.text())))

    def export_dialog(self) -> None:
        """Ask where to save the PNG, starting from `suggested` (beside the profile, named
        after the build, when the window sets it)."""
        start = self.suggested(self.name) if self.suggested else Path(f"{self.name}.png")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", str(start), "PNG images (*.png)"
        )
        if path:
            path = path if path.lower().endswith(".png") else path + ".png"
            try:
                self.export_png(path)
            except OSError as error:
                QMessageBox.warning(self, "Could not export the chart", f"{path}: {error}")


class ChartPanel(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("charts")
        self.time = Chart("time-to-train", "Time to train")
        self.scaling = Chart("scaling", "Throughput against GPU count")
        self.memory = Chart("memory", "Memory per GPU")
        self.power = Chart("power", "Power budget")
        self.price = Chart("price-vs-speed", "Price against speed")
        self.context = Chart("serving-context", "Tokens/s against context")
        self.users = Chart("serving-users", "Tokens/s against sequences")
        for chart, tab in (
            (self.time, "Time to train"),
            (self.scaling, "GPUs"),
            (self.memory, "Memory"),
            (self.power, "Power"),
            (self.price, "Price vs speed"),
            (self.context, "Context"),
            (self.users, "Users"),
        ):
            self.addTab(chart, tab)
        self._time_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brushes=[])
        self.time.plot.addItem(self._time_bars)
        self.scaling.plot.addLegend(offset=(10, 10))
        self._scaling_line = self.scaling.plot.plot(
            [], [], pen=pg.mkPen(BLUE, width=2), symbol="o", symbolBrush=BLUE, name="this build"
        )
        self._ideal_line = self.scaling.plot.plot(
            [], [], pen=pg.mkPen(GREY, width=2, style=Qt.PenStyle.DashLine), name="perfect scaling"
        )
        self._ideal_line.setZValue(self._scaling_line.zValue() + 1)  # drawn over the data
        self.scaling.plot.restyle()
        self.scaling.plot.setLabel("bottom", "GPUs")
        self.scaling.plot.getAxis("bottom").setTicks([[(n, str(n)) for n in SCALING_COUNTS]])
        self.scaling.plot.setLabel("left", "samples/s")
        self._memory_bars = pg.BarGraphItem(x0=[], y=[], height=0.6, width=[], brushes=[])
        self._vram_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(RED, width=2))
        self.memory.plot.addItem(self._memory_bars)
        self.memory.plot.addItem(self._vram_line)
        self.memory.plot.setLabel("bottom", "GiB per GPU")
        self._power_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brushes=[])
        self._psu_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(RED, width=2))
        self.power.plot.addItem(self._power_bars)
        self.power.plot.addItem(self._psu_line)
        self.power.plot.setLabel("left", "watts")
        self._price_points = pg.ScatterPlotItem(size=9)
        self._price_build = pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush(ORANGE))
        self._price_label = pg.TextItem(anchor=(0, 1), color=ORANGE)
        for item in (self._price_points, self._price_build, self._price_label):
            self.price.plot.addItem(item)
        self.price.plot.setLabel("bottom", "GPU price, $")
        self.price.plot.setLabel("left", "samples/s")
        self.context.plot.setLabel("bottom", "context (tokens)")
        self.context.plot.setLabel("left", "tokens/s per sequence")
        self.users.plot.setLabel("bottom", "sequences decoded together")
        self.users.plot.setLabel("left", "tokens/s")
        self.users.plot.addLegend(offset=(10, 10))
        self.users.plot.restyle()
        self.show_serving(None, "")

    @property
    def charts(self) -> tuple[Chart, ...]:
        """The charts with something to show (and export): the serving curves only while a
        served model is selected."""
        serving = (self.context, self.users) if self._serving_shown else ()
        return (self.time, self.scaling, self.memory, self.power, self.price, *serving)

    @property
    def every_chart(self) -> tuple[Chart, ...]:
        return (
            self.time,
            self.scaling,
            self.memory,
            self.power,
            self.price,
            self.context,
            self.users,
        )

    # ---- updates ----------------------------------------------------------------------

    def show_ranking(
        self, results: list[Ranked], build_gpu: str | None, workload_name: str, gpu_count: int
    ) -> None:
        self._show_time(results, build_gpu, workload_name)
        self._show_price(results, build_gpu, workload_name, max(1, gpu_count))

    def _show_time(self, results: list[Ranked], build_gpu: str | None, workload: str) -> None:
        shown = fastest(results, build_gpu, TOP)
        shown.reverse()  # fastest at the top
        per_unit, unit = time_scale(max((r.time_to_train_s for r in shown), default=3600.0))
        lengths = [r.time_to_train_s / per_unit for r in shown]
        brushes = [pg.mkBrush(ORANGE if r.gpu.id == build_gpu else BLUE) for r in shown]
        self._time_bars.setOpts(
            x0=[0] * len(shown), y=list(range(len(shown))), width=lengths, brushes=brushes
        )
        ticks = [
            (i, r.gpu.display_name.replace("NVIDIA ", "").replace("GeForce ", ""))
            for i, r in enumerate(shown)
        ]
        self.time.plot.set_category_ticks("left", ticks)
        self.time.plot.setLabel("bottom", unit)
        self.time.plot.setYRange(-0.5, max(0.5, len(shown) - 0.5), padding=0)
        self.time.plot.setXRange(0, max(lengths, default=1) * 1.05, padding=0)
        self.time.title = f"Time to train: {workload}" if workload else "Time to train"
        if not results:
            self.time.caption.setText("Add a workload to rank the catalog's GPUs.")
            return
        missing = sum(1 for r in results if not r.fits)
        if not shown:
            self.time.caption.setText(
                f"{workload}: none of the {len(results)} catalog GPUs holds this run at the "
                "build's GPU count; see the workload's fixes."
            )
            return
        mine = next((r for r in results if r.gpu.id == build_gpu), None)
        if any(r.gpu.id == build_gpu for r in shown):
            where = "this build's GPU in orange"
        elif mine is not None:
            where = f"this build's {_short(mine)} runs out of memory"
        else:
            where = "this build has no GPU from the catalog"
        self.time.caption.setText(
            f"{workload}: time to train on the {len(shown)} fastest catalog GPUs (same count "
            f"as this build); {where}. {missing} GPUs run out of memory."
        )

    def _show_price(
        self, results: list[Ranked], build_gpu: str | None, workload: str, count: int
    ) -> None:
        priced = [r for r in results if r.fits and r.gpu.price_usd]

        def cost(r: Ranked) -> float:
            return (r.gpu.price_usd or 0) * count

        self.price.plot.setLabel(
            "bottom", "GPU price, $" if count == 1 else f"price of {count} GPUs, $"
        )
        self._price_points.setData(
            [cost(r) for r in priced],
            [r.samples_per_s for r in priced],
            brush=pg.mkBrush(BLUE),
            data=[r.gpu.display_name for r in priced],
            tip=lambda x, y, data: f"{data}\n${x:,.0f} · {y:,.1f} samples/s",
        )
        mine = [r for r in priced if r.gpu.id == build_gpu]
        self._price_build.setData([cost(r) for r in mine], [r.samples_per_s for r in mine])
        if mine:
            self._price_label.setText(_short(mine[0]))
            self._price_label.setPos(cost(mine[0]), mine[0].samples_per_s)
        else:
            self._price_label.setText("")
        self._label_front([r for r in value_front(priced) if r.gpu.id != build_gpu], cost)
        if priced:  # room right of the dearest point for its name
            self.price.plot.setXRange(0, max(cost(r) for r in priced) * 1.2, padding=0)
            self.price.plot.setYRange(0, max(r.samples_per_s for r in priced) * 1.08, padding=0)
        self.price.title = f"Price against speed: {workload}" if workload else "Price vs speed"
        best = max(priced, key=lambda r: r.samples_per_s / cost(r), default=None)
        self.price.caption.setText(
            f"{workload}: speed against price for catalog GPUs that fit, {count} of each; "
            "named: the fastest at each price; best value: "
            f"{best.gpu.display_name} "
            f"({best.samples_per_s / cost(best) * 1000:,.2f} samples/s per $1k)."
            if best
            else "No GPU with a list price fits this workload."
        )

    def _label_front(self, front: list[Ranked], cost: Callable[[Ranked], float]) -> None:
        """Name the GPUs nobody beats on speed for their price, right of their points."""
        plot = self.price.plot
        plot.clear_labels()
        for ranked in front:
            plot.label(_short(ranked), anchor=(-0.05, 0.5)).setPos(
                cost(ranked), ranked.samples_per_s
            )

    def show_estimate(
        self, estimate: Estimate | None, estimates: list[Estimate], link: Link | None
    ) -> None:
        self._show_memory(estimates)
        self._show_scaling(estimate, link)

    def _show_memory(self, estimates: list[Estimate]) -> None:
        x0, y, width, brushes = [], [], [], []
        ticks = []
        for row, item in enumerate(estimates):
            start = 0.0
            for index, part in enumerate(item.memory.parts):
                size = part.bytes / GIB
                x0.append(start)
                y.append(row)
                width.append(size)
                brushes.append(pg.mkBrush(PART_COLORS[index]))
                start += size
            ticks.append((row, item.workload.name))
        self._memory_bars.setOpts(x0=x0, y=y, width=width, brushes=brushes)
        self.memory.plot.set_category_ticks("left", ticks)
        if estimates:
            vram = estimates[0].gpu.vram_gb
            self._vram_line.setValue(vram)
            self._vram_line.show()
            largest = max(e.memory.total / GIB for e in estimates)
            self.memory.plot.setXRange(0, max(vram, largest) * 1.08, padding=0)
            self.memory.plot.setYRange(-0.6, len(estimates) - 0.4, padding=0)
            self.memory.caption.setText(
                f"Per GPU: weights, gradients, optimizer, activations, overhead (blue, purple, "
                f"orange, green, grey); red line: the {estimates[0].gpu.name}'s {vram:g} GB."
            )
        else:
            self._vram_line.hide()
            self.memory.caption.setText("Add a workload to see its memory against the GPU's.")

    def _show_scaling(self, estimate: Estimate | None, link: Link | None) -> None:
        if estimate is None:
            self._scaling_line.setData([], [])
            self._ideal_line.setData([], [])
            self.scaling.caption.setText("Add a workload and a GPU to see how speed scales.")
            return
        counts = list(SCALING_COUNTS)
        speeds = scaling(estimate, link)
        chosen = link
        self._scaling_line.setData(counts, speeds)
        self._ideal_line.setData(counts, [speeds[0] * n for n in counts])
        name = chosen.name if chosen else "PCIe"
        self.scaling.title = f"Throughput against GPU count: {estimate.workload.name}"
        self.scaling.caption.setText(
            f"{estimate.workload.name} on 1–8 × {estimate.gpu.name} over {name}; dashed: "
            f"perfect scaling. At 4 GPUs: {speeds[3] / speeds[0]:.2f}× one GPU."
        )

    def show_serving(self, found: tuple[Curve, Curve] | None, name: str) -> None:
        """A served model's curves on this build (None: the selected workload is not served)."""
        self._serving_shown = found is not None
        if found is None:
            for chart in (self.context, self.users):
                chart.plot.clear()
                chart.caption.setText(
                    "Select a served model in Workloads (Use: Serve it) to see its tokens/s "
                    "against the context and against the users."
                )
            return
        by_context, by_users = found
        draw_curve(self.context.plot, by_context, aggregate=False)
        draw_curve(self.users.plot, by_users, aggregate=True)
        self.context.title = f"Tokens/s against context: {name}"
        self.users.title = f"Tokens/s against sequences: {name}"
        self.context.caption.setText(f"{name}: {caption(by_context, 'tokens of context')}")
        self.users.caption.setText(f"{name}: {caption(by_users, 'sequences at once')}")

    def show_power(self, power: PowerBudget | None) -> None:
        if power is None or not power.gpu_w:
            self._power_bars.setOpts(x=[], height=[], brushes=[])
            self._psu_line.hide()
            self.power.caption.setText("Add GPUs, a CPU and a power supply to see the budget.")
            return
        labels = ["GPUs", "CPU", "Rest", "Sustained", "Recommended", "Peak spikes"]
        values = [
            power.gpu_w,
            power.cpu_w,
            power.rest_w,
            power.sustained_w,
            power.recommended_psu_w,
            power.transient_peak_w,
        ]
        colors = [BLUE, BLUE, BLUE, GREEN, ORANGE, GREY]
        self._power_bars.setOpts(
            x=list(range(len(values))), height=values, brushes=[pg.mkBrush(c) for c in colors]
        )
        self.power.plot.getAxis("bottom").setTicks([list(enumerate(labels))])
        if power.psu_w:
            self._psu_line.setValue(power.psu_w)
            self._psu_line.show()
        else:
            self._psu_line.hide()
        self.power.plot.setYRange(0, max([*values, power.psu_w or 0]) * 1.1, padding=0)
        rating = f"{power.psu_w:,} W PSU (red line)" if power.psu_w else "no PSU chosen"
        self.power.caption.setText(
            f"Sustained {power.sustained_w:,.0f} W under training load; recommended "
            f"{power.recommended_psu_w:,.0f} W; {rating}; {power.wall_w:,.0f} W at the wall."
        )


def _short(ranked: Ranked) -> str:
    return ranked.gpu.display_name.replace("NVIDIA ", "").replace("GeForce ", "")
