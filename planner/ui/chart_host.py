"""The Charts dock's content: the chart panel is built on first need, so pyqtgraph and its
plots load after the window is on screen; data sent before then is kept and replayed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from planner.core.estimate import Estimate
from planner.core.gpu_ranking import Ranked
from planner.core.performance import Link
from planner.core.power import PowerBudget
from planner.core.serving_plan import Curve

if TYPE_CHECKING:
    from planner.ui.charts import ChartPanel


class ChartHost(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartHost")
        waiting = QLabel("Drawing charts…")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(waiting)
        self._panel: ChartPanel | None = None
        self._power: PowerBudget | None = None
        self._estimate: tuple[Estimate | None, list[Estimate], Link | None] = (None, [], None)
        self._ranking: tuple[list[Ranked], str | None, str, int] = ([], None, "", 1)
        self._serving: tuple[tuple[Curve, Curve] | None, str] = (None, "")
        self.suggested: Callable[[str], Path] | None = None  # a chart's name → a PNG path

    @property
    def built(self) -> bool:
        return self._panel is not None

    @property
    def panel(self) -> ChartPanel:
        """The chart panel, built now if it was not yet."""
        if self._panel is None:
            from planner.ui.charts import ChartPanel

            panel = ChartPanel()
            self.addWidget(panel)
            self.setCurrentWidget(panel)
            self._panel = panel
            for chart in panel.every_chart:
                chart.suggested = self.suggested
            panel.show_power(self._power)
            panel.show_estimate(*self._estimate)
            panel.show_ranking(*self._ranking)
            panel.show_serving(*self._serving)
        return self._panel

    def build(self) -> None:
        _ = self.panel

    def show_power(self, power: PowerBudget | None) -> None:
        self._power = power
        if self._panel is not None:
            self._panel.show_power(power)

    def show_estimate(
        self, estimate: Estimate | None, estimates: list[Estimate], link: Link | None
    ) -> None:
        self._estimate = (estimate, estimates, link)
        if self._panel is not None:
            self._panel.show_estimate(estimate, estimates, link)

    def show_serving(self, found: tuple[Curve, Curve] | None, name: str) -> None:
        self._serving = (found, name)
        if self._panel is not None:
            self._panel.show_serving(found, name)

    def show_ranking(
        self, results: list[Ranked], build_gpu: str | None, workload_name: str, gpu_count: int
    ) -> None:
        self._ranking = (results, build_gpu, workload_name, gpu_count)
        if self._panel is not None:
            self._panel.show_ranking(results, build_gpu, workload_name, gpu_count)
