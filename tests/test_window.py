"""The main window driven with pytest-qt the way a first-time user works: pick parts from the
catalog, change counts, read the findings, add workloads, watch the charts, undo and redo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from planner.core.findings import Severity
from planner.core.parts import PartKind
from planner.ui.build_table_model import BuildTableModel
from planner.ui.catalog_model import PART_ROLE

pytestmark = pytest.mark.gui

FOUR_GPU_WORKSTATION = (
    (PartKind.GPU, "rtx a6000", "rtx-a6000", 4),
    (PartKind.CPU, "7975wx", "threadripper-pro-7975wx", 1),
    (PartKind.MOTHERBOARD, "wrx90e", "asus-pro-ws-wrx90e-sage-se", 1),
    (PartKind.MEMORY, "64gb rdimm", "samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk", 8),
    (PartKind.PSU, "leadex 2000", "super-flower-leadex-platinum-2000w", 1),
    (PartKind.CASE, "rm44", "silverstone-rm44", 1),
    (PartKind.COOLER, "freezer 4u", "arctic-freezer-4u-m", 1),
    (PartKind.STORAGE, "990 pro 4tb", "samsung-990-pro-4tb", 1),
)


def pick(qtbot, window, kind: PartKind, typed: str, part_id: str, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Type in the kind's filter, select the part among the rows left, set the count, Add."""
    window.picker.setCurrentWidget(window.picker.pickers[kind])
    picker = window.picker.pickers[kind]
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, typed)
    rows = [picker.proxy.index(row, 0).data(PART_ROLE).id for row in range(picker.proxy.rowCount())]
    assert part_id in rows, f"typing {typed!r} left {rows}"
    picker.table.selectRow(rows.index(part_id))
    picker.count.setValue(count)
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)


def add_workload(qtbot, window, workload_id: str, mode: str = "full") -> None:  # type: ignore[no-untyped-def]
    panel = window.workload_panel
    panel.catalog_combo.setCurrentIndex(panel.catalog_combo.findData(workload_id))
    qtbot.mouseClick(panel.findChild(object, "addWorkload"), Qt.MouseButton.LeftButton)
    panel.mode.setCurrentIndex(panel.mode.findData(mode))


def finding_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    view = window.findings
    return [view.item(row).text() for row in range(view.count())]


def build_counts(window) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {choice.id: choice.count for choice in window.document.build.parts}


def test_a_first_time_user_assembles_a_four_gpu_workstation(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    assert finding_texts(window)[0].startswith("The build has no GPU")
    for kind, typed, part_id, count in FOUR_GPU_WORKSTATION:
        pick(qtbot, window, kind, typed, part_id, count)
    assert build_counts(window) == {part_id: n for _k, _t, part_id, n in FOUR_GPU_WORKSTATION}

    texts = finding_texts(window)
    assert any("120 V" in t and "circuit" in t for t in texts), texts
    header = window.build_panel.header
    header.circuit.setCurrentIndex(header.circuit.findData("230v-16a"))
    assert window.document.undo_stack.undoText() == "Set the outlet to 230 V / 16 A"
    report = window.document.report
    assert not [f for f in report.findings if f.severity is Severity.ERROR]
    assert window.findChild(QLabel, "total").text().startswith("<b>Total $")
    power = window.build_panel.power
    assert "of 2,000 W PSU" in power.text() and power.text().endswith("fine")
    assert power.verdict() == "fine"
    placed = report.layout.gpus
    assert len(placed) == 4 and all(p.link_width == 16 and p.link_gen == 4 for p in placed)
    assert window.build_panel.slots.gpu_labels() == ["RTX A6000\nPCIe 4.0 x16 · 31.5 GB/s"] * 4

    add_workload(qtbot, window, "llama-2-7b", "lora")
    panel = window.workload_panel
    # Micro-batch 4 of 4,096 tokens without checkpointing: the activations overflow 48 GB,
    # and the summary offers fixes that fit, each one click away.
    assert "LoRA" in panel.list.item(0).text() and "✗ does not fit" in panel.list.item(0).text()
    summary = panel.summary.text()
    assert "Does not fit" in summary and "Apply</a>" in summary
    panel.summary.linkActivated.emit("apply:0")
    assert "✓ fits" in panel.list.item(0).text()
    assert window.document.undo_stack.undoText().startswith("Apply ")
    assert "Fits" in panel.summary.text() and "of electricity" in panel.summary.text()

    add_workload(qtbot, window, "bert-large", "full")
    assert panel.list.count() == 2
    assert "✓ fits" in panel.list.item(1).text()
    summary = panel.summary.text()
    assert "Fits" in summary and "samples/s" in summary and "of electricity" in summary
    panel.list.setCurrentRow(0)
    window.ranker.wait()
    qtbot.waitUntil(lambda: "Llama 2 7B" in window.charts.panel.time.caption.text(), timeout=10_000)
    assert window.isWindowModified()
    assert window.windowTitle().startswith("Untitled build[*]")


def test_changing_a_count_updates_findings_power_and_charts(qtbot, driver, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    for kind, typed, part_id, count in FOUR_GPU_WORKSTATION:
        pick(qtbot, window, kind, typed, part_id, count)
    before_power = window.build_panel.power.fraction()
    model = window.build_panel.model
    row = model.row_of("rtx-a6000")
    assert model.setData(model.index(row, BuildTableModel.COUNT), 8, Qt.ItemDataRole.EditRole)
    assert build_counts(window)["rtx-a6000"] == 8
    assert window.build_panel.power.fraction() > before_power
    assert window.build_panel.power.verdict() == "over"
    texts = finding_texts(window)
    assert any("has 7 x16 slots, but the build has 8 GPUs" in text for text in texts), texts
    assert any(text.startswith("The GPUs need 16 PCIe 8-pin cables") for text in texts), texts
    assert window.document.undo_stack.undoText() == "Set NVIDIA RTX A6000 to 8"
    errors = sum(1 for f in window.document.report.findings if f.severity is Severity.ERROR)
    assert errors >= 3
    assert window.findings_dock.windowTitle().startswith(f"Findings ({errors} errors, 1 warning)")
    status = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert any(text.startswith(f"{errors} errors") for text in status), status


def test_power_limit_edit_lowers_the_power_budget(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    for kind, typed, part_id, count in FOUR_GPU_WORKSTATION:
        pick(qtbot, window, kind, typed, part_id, count)
    sustained = window.document.report.power.sustained_w
    model = window.build_panel.model
    index = model.index(model.row_of("rtx-a6000"), BuildTableModel.POWER_LIMIT)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, 250, Qt.ItemDataRole.EditRole)
    power = window.document.report.power
    assert power.gpu_w == 4 * 250
    assert power.sustained_w < sustained - 4 * 50
    assert window.document.undo_stack.undoText() == "Limit NVIDIA RTX A6000 to 250 W"
    assert "250 W" in index.data()


def test_undo_and_redo_walk_through_the_edits_with_their_labels(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    stack = window.document.undo_stack
    pick(qtbot, window, PartKind.GPU, "rtx 4090 founders", "rtx-4090", 1)
    pick(qtbot, window, PartKind.CPU, "7950x", "ryzen-9-7950x", 1)
    model = window.build_panel.model
    model.setData(model.index(model.row_of("rtx-4090"), 2), 2)
    assert stack.undoText() == "Set NVIDIA GeForce RTX 4090 Founders Edition to 2"
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    undo = edit_menu.actions()[0]
    assert undo.text() == "&Undo Set NVIDIA GeForce RTX 4090 Founders Edition to 2"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert build_counts(window) == {"rtx-4090": 1, "ryzen-9-7950x": 1}
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert build_counts(window) == {"rtx-4090": 1}
    assert stack.redoText() == "Add AMD Ryzen 9 7950X"
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert build_counts(window) == {"rtx-4090": 1, "ryzen-9-7950x": 1}
    assert window.build_panel.model.rowCount() == 2
    stack.setIndex(0)
    assert not window.isWindowModified()
    assert window.build_panel.model.rowCount() == 0


def test_removing_the_selected_part_with_delete(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    pick(qtbot, window, PartKind.GPU, "rtx 4090 founders", "rtx-4090", 1)
    pick(qtbot, window, PartKind.CPU, "7950x", "ryzen-9-7950x", 1)
    window.build_panel.select_part("ryzen-9-7950x")
    window.build_panel.table.setFocus()
    qtbot.keyClick(window.build_panel.table, Qt.Key.Key_Delete)
    assert build_counts(window) == {"rtx-4090": 1}
    assert window.document.undo_stack.undoText() == "Remove AMD Ryzen 9 7950X"


def test_incompatible_parts_are_greyed_with_the_reason(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    pick(qtbot, window, PartKind.CPU, "14900k", "core-i9-14900k", 1)
    boards = window.picker.pickers[PartKind.MOTHERBOARD].model
    row = boards.row_of("asus-proart-x670e-creator-wifi")
    index = boards.index(row, 0)
    assert "LGA1700" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "AM5" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    fitting = boards.index(boards.row_of("asus-proart-z790-creator-wifi"), 0)
    assert "AM5" not in fitting.data(Qt.ItemDataRole.ToolTipRole)
    assert fitting.data(Qt.ItemDataRole.ForegroundRole) is None


def test_selecting_a_finding_selects_its_parts(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    pick(qtbot, window, PartKind.CPU, "14900k", "core-i9-14900k", 1)
    pick(qtbot, window, PartKind.MOTHERBOARD, "proart x670e", "asus-proart-x670e-creator-wifi", 1)
    view = window.findings
    row = next(r for r, text in enumerate(finding_texts(window)) if "LGA1700" in text)
    view.setCurrentRow(row)
    assert window.build_panel.selected_part() in (
        "core-i9-14900k",
        "asus-proart-x670e-creator-wifi",
    )
    assert "Fix:" in view.item(row).text()


def test_gpu_table_ranks_gpus_on_the_selected_workload(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    pick(qtbot, window, PartKind.GPU, "rtx 4090 founders", "rtx-4090", 1)
    add_workload(qtbot, window, "resnet-50")
    window.ranker.wait()
    qtbot.waitUntil(lambda: "ResNet-50" in window.charts.panel.time.caption.text(), timeout=10_000)
    gpus = window.picker.pickers[PartKind.GPU].model
    speed_column = gpus.columnCount() - 2
    row = gpus.row_of("rtx-4090")
    speed = gpus.index(row, speed_column).data()
    per_dollar = gpus.index(row, speed_column + 1).data()
    assert float(speed.replace(",", "")) > 100
    assert float(per_dollar.replace(",", "")) > 0
    assert "this build's GPU in orange" in window.charts.panel.time.caption.text()
    assert "best value" in window.charts.panel.price.caption.text()


def test_charts_follow_the_workloads_and_export_png(qtbot, driver, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    for kind, typed, part_id, count in FOUR_GPU_WORKSTATION:
        pick(qtbot, window, kind, typed, part_id, count)
    assert "recommended" in window.charts.panel.power.caption.text()
    assert "Add a workload" in window.charts.panel.memory.caption.text()
    add_workload(qtbot, window, "bert-large")
    assert "48 GB" in window.charts.panel.memory.caption.text()
    assert "At 4 GPUs" in window.charts.panel.scaling.caption.text()
    window.ranker.wait()
    qtbot.waitUntil(lambda: "BERT" in window.charts.panel.time.caption.text(), timeout=10_000)
    for chart in window.charts.panel.charts:
        target = tmp_path / f"{chart.name}.png"
        chart.export_png(str(target))
        assert target.stat().st_size > 2_000


def test_explain_shows_formula_inputs_and_constants(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    from planner.report.explain_html import explain_html

    window = driver.window
    pick(qtbot, window, PartKind.GPU, "rtx 4090 founders", "rtx-4090", 1)
    add_workload(qtbot, window, "bert-large")
    estimate = window.document.report.estimates[0].estimate
    html = explain_html(estimate, "no link (one GPU)")
    for needle in ("bandwidth", "1,008", "samples/s", "constant"):
        assert needle.lower() in html.lower(), needle


def test_catalog_tables_sort_by_a_column_and_filter_as_you_type(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    picker = driver.window.picker.pickers[PartKind.GPU]
    vram = next(
        column
        for column in range(picker.model.columnCount())
        if picker.model.headerData(column, Qt.Orientation.Horizontal) == "VRAM GB"
    )
    picker.table.sortByColumn(vram, Qt.SortOrder.DescendingOrder)

    def vram_of(row: int) -> float:
        return picker.proxy.index(row, 0).data(PART_ROLE).vram_gb

    shown = [vram_of(row) for row in range(picker.proxy.rowCount())]
    assert shown == sorted(shown, reverse=True) and shown[0] >= 141
    picker.table.selectRow(3)
    selected = picker.selected_id()
    picker.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert picker.selected_id() == selected  # the selection follows the part
    qtbot.keyClicks(picker.filter, "rtx 40")
    names = [picker.proxy.index(r, 0).data() for r in range(picker.proxy.rowCount())]
    # Every typed word must appear, in any order: "RTX A4000" matches "rtx" and "40" too.
    assert "NVIDIA GeForce RTX 4090 Founders Edition" in names
    assert "NVIDIA RTX A4000" in names
    assert all("rtx" in name.casefold() and "40" in name for name in names)
    assert names == sorted(names, key=str.casefold)
    assert picker.status.text() == f"{len(names)} of {picker.model.rowCount()}"
    picker.filter.clear()
    assert picker.proxy.rowCount() == picker.model.rowCount()


def test_advanced_recipe_controls_change_the_workload_and_its_estimate(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    for kind, typed, part_id, count in FOUR_GPU_WORKSTATION:
        pick(qtbot, window, kind, typed, part_id, count)
    add_workload(qtbot, window, "llama-2-70b", mode="qlora")
    panel = window.workload_panel
    panel.checkpointing.setChecked(True)
    assert not window.document.report.estimates[0].estimate.memory.fits
    panel.sharding.setCurrentIndex(panel.sharding.findData("fsdp"))
    before = window.document.report.estimates[0].estimate
    assert before.memory.fits  # the 4-bit base shards over the four A6000s
    recipe = panel.recipe
    recipe.accum.setValue(8)
    recipe.master.setCurrentIndex(recipe.master.findData("bf16"))
    recipe.targets.setCurrentIndex(recipe.targets.findData("attention"))
    choice = window.document.build.workloads[0]
    assert (choice.grad_accum, choice.master_weights, choice.lora_targets) == (
        8,
        "bf16",
        "attention",
    )
    after = window.document.report.estimates[0].estimate
    assert after.memory.trainable_params < before.memory.trainable_params
    assert window.document.undo_stack.canUndo()
    window.document.undo_stack.undo()
    assert window.document.build.workloads[0].lora_targets == "all"
