"""The build's own settings above the parts: its name, the wall outlet it plugs into, and
the electricity price that run costs use."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from planner.core.build import WALL_CIRCUITS
from planner.core.parts import PartKind
from planner.io.profiles import MAX_NAME_CHARS
from planner.ui.document import BuildDocument

CIRCUIT_LABELS = {
    "120v-15a": "120 V / 15 A (North America, 1,440 W continuous)",
    "120v-20a": "120 V / 20 A (North America, 1,920 W continuous)",
    "240v-20a": "240 V / 20 A (North America, NEMA 6-20, 3,840 W continuous)",
    "240v-30a": "240 V / 30 A (North America, NEMA L6-30, 5,760 W continuous)",
    "230v-10a": "230 V / 10 A (2,300 W continuous)",
    "230v-16a": "230 V / 16 A (Europe, 3,680 W continuous)",
}


class BuildHeader(QWidget):
    def __init__(self, document: BuildDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._updating = False
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME_CHARS)  # what a profile may hold
        self.name.setObjectName("buildName")
        self.name.setPlaceholderText("Name of this build")
        self.name.setMinimumWidth(120)
        self.name.editingFinished.connect(self._renamed)
        self.circuit = QComboBox()
        self.circuit.setObjectName("wallCircuit")
        self.circuit.setToolTip(
            "The outlet the machine plugs into: it limits the continuous power at the wall "
            "and which PSU rating applies (many PSUs deliver less on 115 V)."
        )
        for key in WALL_CIRCUITS:
            self.circuit.addItem(CIRCUIT_LABELS.get(key, key), key)
        self.circuit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.circuit.setMinimumContentsLength(14)
        self.circuit.currentIndexChanged.connect(self._settings_edited)
        self.price = QDoubleSpinBox()
        self.price.setObjectName("electricityPrice")
        self.price.setRange(0.0, 10.0)
        self.price.setDecimals(3)
        self.price.setSingleStep(0.01)
        self.price.setPrefix("$")
        self.price.setSuffix(" /kWh")
        self.price.setKeyboardTracking(False)
        self.price.setToolTip("Electricity price used for the cost of each training run")
        self.second_circuit = QCheckBox("Second PSU on its own circuit")
        self.second_circuit.setObjectName("secondCircuit")
        self.second_circuit.setToolTip(
            "With two power supplies, plug the second into another outlet of the same kind on "
            "a different breaker: each circuit then carries its own supply's share."
        )
        self.second_circuit.toggled.connect(self._settings_edited)
        self.price.valueChanged.connect(self._settings_edited)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Build"), 0, 0)
        layout.addWidget(self.name, 0, 1, 1, 3)
        layout.addWidget(QLabel("Outlet"), 1, 0)
        layout.addWidget(self.circuit, 1, 1)
        layout.addWidget(QLabel("Electricity"), 1, 2)
        layout.addWidget(self.price, 1, 3)
        layout.addWidget(self.second_circuit, 2, 1, 1, 3)
        layout.setColumnStretch(1, 1)
        document.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        build = self._document.build
        self._updating = True
        if not self.name.hasFocus() or self.name.text() != build.name:
            self.name.setText(build.name)
        self.circuit.setCurrentIndex(max(0, self.circuit.findData(build.settings.wall_circuit)))
        self.price.setValue(build.settings.electricity_usd_per_kwh)
        self.second_circuit.setChecked(build.settings.psu_circuits == 2)
        self.second_circuit.setVisible(self._document.assembly.count(PartKind.PSU) > 1)
        self._updating = False

    def _renamed(self) -> None:
        name = self.name.text().strip()
        if name and name != self._document.build.name:
            self._document.rename(name)
        elif not name:
            self.name.setText(self._document.build.name)

    def _settings_edited(self) -> None:
        if self._updating:
            return
        settings = dataclasses.replace(
            self._document.build.settings,
            wall_circuit=self.circuit.currentData(),
            electricity_usd_per_kwh=round(self.price.value(), 3),
            psu_circuits=2 if self.second_circuit.isChecked() else 1,
        )
        self._document.set_settings(settings)
