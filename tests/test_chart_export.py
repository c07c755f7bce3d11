"""The pinned PySide6 and pyqtgraph pair renders and exports a chart offscreen."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtGui import QImage


def test_pyqtgraph_exports_a_png(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot([1, 2, 3, 4], [10, 4, 7, 2])
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    target = tmp_path / "chart.png"
    pyqtgraph.exporters.ImageExporter(plot.plotItem).export(str(target))
    image = QImage(str(target))
    assert image.width() >= 300 and image.height() >= 200
