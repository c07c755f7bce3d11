"""An open-frame rig assembled in the window: risers and bifurcation cards from their tab,
two power supplies by count, the second on its own circuit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from planner.core.parts import PartKind
from tests.test_window import build_counts, finding_texts, pick

pytestmark = pytest.mark.gui

EIGHT_GPU_FRAME = (
    (PartKind.GPU, "3090 founders", "rtx-3090", 8),
    (PartKind.CPU, "9960x", "threadripper-9960x", 1),
    (PartKind.MOTHERBOARD, "aero d", "gigabyte-trx50-aero-d", 1),
    (PartKind.MEMORY, "zeta r5 neo", "gskill-zeta-r5-neo-192gb-4x48-ddr5-6400-cl32-rdimm", 1),
    (PartKind.PSU, "pg-1600g", "asrock-phantom-gaming-pg-1600g", 2),
    (PartKind.CASE, "core p8", "thermaltake-core-p8-tg", 1),
    (PartKind.COOLER, "tr5-sp6", "noctua-nh-u14s-tr5-sp6", 1),
    (PartKind.STORAGE, "990 pro 4tb", "samsung-990-pro-4tb", 1),
    (PartKind.RISER, "jmt", "jmt-pcie4-x16-to-x8x8-bifurcation-card", 4),
)


def test_an_eight_gpu_open_frame_rig_with_risers_and_two_psus(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    for kind, typed, part_id, count in EIGHT_GPU_FRAME:
        pick(qtbot, window, kind, typed, part_id, count)
    assert build_counts(window)["asrock-phantom-gaming-pg-1600g"] == 2
    labels = window.build_panel.slots.gpu_labels()
    assert len(labels) == 8 and all(label.startswith("Gen4 x") for label in labels), labels
    assert all("riser" in label for label in labels)
    texts = finding_texts(window)
    assert any("The build runs on 2 power supplies" in text for text in texts), texts
    assert any("bifurcation adapters" in text for text in texts), texts
    header = window.findChild(object, "secondCircuit")
    assert header is not None and header.isVisible() and not header.isChecked()
    assert any(text.startswith("At the wall the build draws") for text in texts), texts
    box = QPoint(8, header.height() // 2)  # on the box itself: the row is wider than its text
    qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=box)
    assert window.document.build.settings.psu_circuits == 2
    assert window.document.undo_stack.undoText() == "Put the second PSU on its own circuit"
    texts = finding_texts(window)
    assert not any(text.startswith("At the wall the build draws") for text in texts), texts
