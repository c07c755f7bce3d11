"""The keyboard in the real window: the catalog pickers (filter, results, Enter, Tab) and
undo/redo. Runs offscreen with the suite and again under a real X server
(tests/test_under_x11.py), where focus and shortcuts go through the window system."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from planner.core.parts import PartKind

pytestmark = pytest.mark.gui


def focus(widget, qtbot) -> None:  # type: ignore[no-untyped-def]
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)


def test_down_from_the_filter_reaches_the_results_and_enter_adds(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.new()
    picker = window.picker.pickers[PartKind.GPU]
    window.picker.setCurrentWidget(picker)
    focus(picker.filter, qtbot)
    QTest.keyClicks(picker.filter, "4090")
    first = picker.proxy.index(0, 0).data()
    QTest.keyClick(picker.filter, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.table, timeout=3000)
    assert picker.table.selectionModel().selectedRows()[0].data() == first
    chosen = picker.selected_id()
    assert chosen is not None
    QTest.keyClick(picker.table, Qt.Key.Key_Return)
    assert window.document.build.count_of(chosen) == 1


def test_enter_in_the_filter_adds_the_first_match(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.new()
    picker = window.picker.pickers[PartKind.PSU]
    window.picker.setCurrentWidget(picker)
    focus(picker.filter, qtbot)
    QTest.keyClicks(picker.filter, "RM650e")
    assert picker.proxy.rowCount() == 1
    QTest.keyClick(picker.filter, Qt.Key.Key_Enter)
    assert window.document.build.count_of("corsair-rm650e-2023") == 1


def test_tab_leaves_the_catalog_table(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    picker = driver.window.picker.pickers[PartKind.CPU]
    driver.window.picker.setCurrentWidget(picker)
    focus(picker.table, qtbot)
    picker.table.setCurrentIndex(picker.proxy.index(0, 0))
    QTest.keyClick(picker.table, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not picker.table, timeout=3000)
    assert picker.table.currentIndex().column() == 0  # the table did not move along its row


def test_undo_and_both_redo_keys_work_from_the_window(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.new()
    focus(window.build_panel, qtbot)
    window.document.rename("Keyboard build")
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.build.name != "Keyboard build"
    QTest.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.document.build.name == "Keyboard build"
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.document.build.name == "Keyboard build"
