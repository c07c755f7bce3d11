"""The charts as a reader sees them: units chosen for the data, whole GPU counts, the
ideal line on top, named points, thousands separators, exported titles, captions that
match what is drawn, readable text, and the theme followed at run time."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from planner.core.units import time_scale
from planner.ui.plot_style import ReadableAxis

pytestmark = pytest.mark.gui

SAMPLES = Path(__file__).resolve().parents[1] / "resources/samples"
SINGLE = SAMPLES / "single-rtx-4090.rigplan.toml"
FOUR = SAMPLES / "four-gpu-threadripper.rigplan.toml"
BUDGET = SAMPLES / "budget-rtx-4060-ti.rigplan.toml"
DUAL = SAMPLES / "dual-rtx-3090-nvlink.rigplan.toml"


def opened(driver, qtbot, path: Path, workload: int = 0):  # type: ignore[no-untyped-def]
    window = driver.window
    assert window.files.open(path)
    window.workload_panel.list.setCurrentRow(workload)
    window.charts.build()
    window.ranker.wait()
    name = window.document.report.estimates[workload].workload.name
    panel = window.charts.panel
    qtbot.waitUntil(lambda: panel.time.caption.text().startswith(name), timeout=10_000)
    return window, panel


def test_time_axes_read_in_minutes_hours_or_days(qapp) -> None:  # type: ignore[no-untyped-def]
    assert time_scale(40 * 60) == (60.0, "minutes")
    assert time_scale(30 * 3600) == (3600.0, "hours")
    assert time_scale(20 * 86400) == (86400.0, "days")
    axis = ReadableAxis("bottom")
    assert axis.tickStrings([12_000.0, 1_500_000.0], 1.0, 1000.0) == ["12,000", "1,500,000"]
    assert axis.tickStrings([0.25, 0.5], 1.0, 0.25) == ["0.25", "0.50"]


def test_time_chart_names_its_unit_and_no_scaled_axis(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, panel = opened(driver, qtbot, SINGLE)
    label = panel.time.plot.getAxis("bottom").labelString()
    assert any(unit in label for unit in ("minutes", "hours", "days"))
    assert "×" not in label and "(x" not in label


def test_scaling_chart_counts_whole_gpus_with_the_ideal_line_on_top(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, panel = opened(driver, qtbot, FOUR)
    ticks = panel.scaling.plot.getAxis("bottom")._tickLevels
    assert [label for _value, label in ticks[0]] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert panel._ideal_line.zValue() > panel._scaling_line.zValue()
    legend = panel.scaling.plot.plotItem.legend
    assert {label.text for _sample, label in legend.items} == {"this build", "perfect scaling"}


def test_price_chart_names_the_value_front(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, panel = opened(driver, qtbot, SINGLE)
    named = [label.toPlainText() for label in panel.price.plot._labels]
    assert len(named) >= 2
    assert "named: the fastest at each price" in panel.price.caption.text()


def profile(tmp_path: Path, gpu: str, mode: str) -> Path:
    path = tmp_path / f"{gpu}-{mode}.rigplan.toml"
    path.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\nname = "7B"\n\n'
        f'[[parts]]\nid = "{gpu}"\n\n[[workloads]]\nid = "llama-2-7b"\nmode = "{mode}"\n',
        encoding="utf-8",
    )
    return path


def test_the_caption_says_when_the_builds_gpu_is_not_drawn(driver, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, panel = opened(driver, qtbot, profile(tmp_path, "rtx-3070", "lora"))
    estimate = window.document.report.estimates[0].estimate
    assert estimate is not None and not estimate.memory.fits  # 8 GB
    assert "this build's RTX 3070 Founders Edition runs out of memory" in panel.time.caption.text()
    assert "in orange" not in panel.time.caption.text()
    window, panel = opened(driver, qtbot, profile(tmp_path, "rtx-4090", "full"))
    qtbot.waitUntil(lambda: "none of the" in panel.time.caption.text(), timeout=10_000)


def test_exported_charts_carry_their_title_and_workload(driver, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _window, panel = opened(driver, qtbot, SINGLE)
    assert panel.time.title.startswith("Time to train: BERT-large")
    target = tmp_path / "time.png"
    panel.time.export_png(str(target))
    image = QImage(str(target))
    bare = panel.time.plot.grab()
    assert image.height() > bare.height() + 30  # room for the title and caption
    header = image.copy(0, 0, image.width(), 40)
    base = panel.palette().color(QPalette.ColorRole.Base).rgb()
    assert any(header.pixel(x, y) != base for x in range(0, header.width(), 2) for y in range(40))


def test_text_and_background_follow_the_theme_at_run_time(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window, panel = opened(driver, qtbot, DUAL)
    compare = window.compare_profiles([BUDGET, SINGLE])
    qtbot.waitExposed(compare)
    plots = [chart.plot for chart in panel.charts] + [compare.charts.time, compare.charts.scaling]
    try:
        window.set_theme("dark")
        QApplication.processEvents()
        for plot in plots:
            assert plot.backgroundBrush().color().lightness() < 60
            text = plot.getAxis("left").textPen().color()
            assert text.lightness() > 180
            assert plot.getAxis("bottom").labelStyle.get("color", "#e6e6e6") == text.name()
        legend = panel.scaling.plot.plotItem.legend
        assert QColor(legend.opts["labelTextColor"]).lightness() > 180
    finally:
        window.set_theme("light")
        QApplication.processEvents()
    assert all(plot.backgroundBrush().color().lightness() > 200 for plot in plots)
    compare.close()


def test_compare_time_labels_stay_apart_with_four_builds(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    compare = driver.window.compare_profiles([BUDGET, SINGLE, DUAL, FOUR])
    qtbot.waitExposed(compare)
    charts = compare.charts
    ticks = charts.time.getAxis("left")._tickLevels[0]
    assert sorted(value for value, _name in ticks) == [0, 1, 2, 3]  # one row per build
    from pyqtgraph import TextItem

    labels = [item for item in charts.time.plotItem.items if isinstance(item, TextItem)]
    assert len(labels) == 4
    assert len({round(label.pos().y()) for label in labels}) == 4
    assert "to train" in charts.time.getAxis("bottom").labelString()
    compare.close()
