"""The window at the sizes people have (1600×1000 down to 1024×640): every finding in
full, the part's name readable in the build table, the kind buttons and the catalog's
name column always in view, and a first window that uses the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QToolButton

from planner.core.parts import PartKind
from planner.ui.build_table_model import BuildTableModel

pytestmark = pytest.mark.gui

SAMPLES = Path(__file__).resolve().parents[1] / "resources/samples"
FOUR = SAMPLES / "four-gpu-threadripper.rigplan.toml"
SIZES = ((1600, 1000), (1280, 800), (1024, 640))


def shown(window, qtbot, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    window.resize(*size)
    assert window.files.open(FOUR)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=3000)
    for _ in range(3):
        QApplication.processEvents()
    return window


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_finding_is_shown_in_full(driver, qtbot, size) -> None:  # type: ignore[no-untyped-def]
    window = shown(driver.window, qtbot, size)
    view = window.findings
    assert view.count() >= 3
    metrics = QFontMetrics(view.font())
    for row in range(view.count()):
        item = view.item(row)
        rect = view.visualItemRect(item)
        text_width = rect.width() - view.iconSize().width() - 12
        needed = metrics.boundingRect(
            0, 0, text_width, 10_000, int(Qt.TextFlag.TextWordWrap), item.text()
        )
        assert rect.height() >= needed.height(), (size, item.text()[:60])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_build_table_keeps_room_for_the_part(driver, qtbot, size) -> None:  # type: ignore[no-untyped-def]
    window = shown(driver.window, qtbot, size)
    table = window.build_panel.table
    assert table.columnWidth(BuildTableModel.NAME) >= 150
    model = table.model()
    rows = model.rowCount()
    assert rows == 9
    if size[1] >= 800:  # every part in view, not two rows over a half-empty slot diagram
        assert table.viewport().height() >= rows * table.rowHeight(0)
    header = table.horizontalHeader()
    assert sum(header.sectionSize(c) for c in range(model.columnCount())) <= (
        table.viewport().width() + 1
    )  # no column pushed off to the side


def test_a_cloud_only_card_reads_cloud_only_with_the_reason(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = shown(driver.window, qtbot, (1280, 800))
    window.document.add_part("a10g")  # sold only as AWS instances: no purchase price
    model = window.build_panel.model
    row = model.row_of("a10g")
    for column in (BuildTableModel.UNIT_PRICE, BuildTableModel.LINE_TOTAL):
        cell = model.index(row, column)
        assert cell.data() == "cloud only"
    tip = model.index(row, BuildTableModel.UNIT_PRICE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Sold only as cloud instances" in tip and "Buy or Rent" in tip


def test_kind_buttons_wrap_instead_of_scrolling(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = shown(driver.window, qtbot, (1024, 640))
    buttons = [
        button
        for button in window.picker.findChildren(QToolButton)
        if button.objectName().startswith("kind-")
    ]
    assert len(buttons) == len(PartKind)
    bar = buttons[0].parentWidget()
    for button in buttons:
        assert button.isVisible()
        assert button.width() >= button.sizeHint().width()
        assert button.x() >= 0 and button.geometry().right() <= bar.width()
    buttons[4].click()
    assert window.picker.currentWidget() is window.picker.pickers[PartKind.PSU]


def test_the_part_name_stays_while_the_catalog_scrolls_sideways(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = shown(driver.window, qtbot, (1024, 640))
    picker = window.picker.pickers[PartKind.GPU]
    table = picker.table
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0  # more columns than the panel holds
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    frozen = table.frozen
    assert frozen.isVisible() and frozen.x() <= table.frameWidth() + 1
    assert frozen.columnWidth(0) == table.columnWidth(0)
    top = frozen.indexAt(frozen.viewport().rect().topLeft())
    assert top.data() == picker.proxy.index(0, 0).data()
    frozen.horizontalHeader().sectionClicked.emit(0)  # sorting from the frozen header
    assert table.horizontalHeader().sortIndicatorSection() == 0


def test_the_first_window_uses_most_of_the_screen(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    screen = window.screen().availableGeometry()
    assert window.width() >= min(screen.width(), max(1024, int(screen.width() * 0.9)))
    assert window.height() >= min(screen.height(), max(640, int(screen.height() * 0.9)))
