"""Describe a custom transformer by its sizes; the core validates the architecture."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from planner.core.errors import RecordError
from planner.core.workloads import parse_architecture


class TransformerDialog(QDialog):
    """Describe a decoder or encoder transformer by its sizes."""

    FIELDS = (
        ("layers", 24, 1, 1000),
        ("hidden", 2048, 64, 100_000),
        ("heads", 16, 1, 1024),
        ("kv_heads", 16, 1, 1024),
        ("ffn", 8192, 64, 1_000_000),
        ("vocab", 50368, 2, 10_000_000),
        ("seq_len", 2048, 1, 10_000_000),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Define a transformer")
        self.table: dict[str, object] | None = None
        self.family = QComboBox()
        self.family.addItems(["decoder", "encoder"])
        self.gated = QCheckBox("Gated FFN (SwiGLU)")
        self.tied = QCheckBox("Tied embeddings")
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        form.addRow("Family", self.family)
        for name, default, low, high in self.FIELDS:
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(default)
            self.spins[name] = spin
            form.addRow(name.replace("_", " ").capitalize(), spin)
        form.addRow("", self.gated)
        form.addRow("", self.tied)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        table: dict[str, object] = {"family": self.family.currentText()}
        table.update({name: spin.value() for name, spin in self.spins.items()})
        table["gated_ffn"] = self.gated.isChecked()
        table["tied_embeddings"] = self.tied.isChecked()
        try:
            parse_architecture(table)
        except RecordError as error:
            QMessageBox.warning(
                self, "Define a transformer", f"{error.location.field}: {error.message}"
            )
            return
        self.table = table
        super().accept()
