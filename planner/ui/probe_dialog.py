"""Build → Probe the Rig…: write the probe script for the open build's workloads, or read a
probe's results back — measured next to predicted — and keep them on the profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import InputError
from planner.core.probe import ProbeRow, keep_measured, probe_plan
from planner.core.probe_links import LinkProbe, link_lines

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow

COLUMNS = (
    "Workload",
    "Measured /s",
    "Predicted /s",
    "Measured ÷ predicted",
    "Peak GiB",
    "Predicted GiB",
    "Notes",
)


class ProbeResultsDialog(QDialog):
    def __init__(
        self,
        device: str,
        rows: list[ProbeRow],
        parent: QWidget | None = None,
        links: LinkProbe | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Probe results")
        self.resize(960, 420)
        self.rows = rows
        tiny = any(row.tiny for row in rows)
        heading = QLabel(
            f"Measured on {device or 'an unnamed device'}, next to the planner's one-GPU "
            "prediction."
            + (" These are --tiny runs: they try the script and cannot be kept." if tiny else "")
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)  # the device name comes from the file
        heading.setWordWrap(True)
        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setObjectName("probeResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for index, row in enumerate(rows):
            measured, peak = row.measured_samples_per_s, row.measured_peak_bytes
            cells = (
                row.name,
                f"{measured:,.2f}" if measured else "out of memory",
                f"{row.predicted_samples_per_s:,.2f}",
                f"{row.ratio:.2f}" if row.ratio else "—",
                f"{peak / 2**30:,.2f}" if peak else "—",
                f"{row.predicted_allocated_bytes / 2**30:,.2f}",
                "; ".join(row.notes),
            )
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.keep = buttons.addButton("Keep on Profile", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep.setEnabled(not tiny and any(r.measured_samples_per_s for r in rows))
        self.keep.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        if links is not None:
            self.links = QLabel("\n".join(link_lines(links)))
            self.links.setTextFormat(Qt.TextFormat.PlainText)  # the file's text, never markup
            self.links.setObjectName("probeLinks")
            self.links.setWordWrap(True)
            layout.addWidget(self.links)
        layout.addWidget(buttons)


def write_probe(window: MainWindow, path: Path | None = None) -> bool:
    """Write the probe script beside the profile (asking where unless given)."""
    document = window.document
    try:
        plan = probe_plan(document.build, document.catalog, document.workloads)
    except InputError as error:
        window.files.complain("Nothing to probe", str(error))
        return False
    if path is None:
        start = document.path.parent if document.path else Path.home()
        chosen, _ = QFileDialog.getSaveFileName(
            window, "Write the probe script", str(start / "probe.py"), "Python (*.py)"
        )
        if not chosen:
            return False
        path = Path(chosen)
    try:
        path.write_text(plan.script, encoding="utf-8")
    except OSError as error:
        window.files.complain("Could not write the probe", f"{path}: {error.strerror or error}")
        return False
    skipped = f"; not probed: {'; '.join(plan.skipped)}" if plan.skipped else ""
    window.statusBar().showMessage(f"Wrote {path.name}: run it on the rig{skipped}", 10_000)
    return True


def compare_probe(window: MainWindow, path: Path | None = None, keep: bool | None = None) -> bool:
    """Read a probe's results, show them, and keep them on the profile if asked."""
    from planner.io.probe_results import read_probe_file

    if path is None:
        start = window.document.path.parent if window.document.path else Path.home()
        chosen, _ = QFileDialog.getOpenFileName(
            window, "Probe results", str(start), "Probe results (*.json)"
        )
        if not chosen:
            return False
        path = Path(chosen)
    try:
        device, rows, links = read_probe_file(path)
    except InputError as error:
        window.files.complain("Could not read the probe results", str(error))
        return False
    dialog = ProbeResultsDialog(device, rows, window, links)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted if keep is None else keep
    if accepted and dialog.keep.isEnabled():
        build = keep_measured(window.document.build, device, rows, dt.date.today().isoformat())
        window.document.apply(build, "Keep probe measurements")
    return True
