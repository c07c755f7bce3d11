"""A form for one kind of part, generated from the record's own rules: a spin box with
its unit and range for each number, a list of the allowed values for each choice, boxes
for yes/no, a table for slot lists. `table()` reads it as the catalog file's table,
`set_table()` fills it from one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.record_form import FormField

BLANK = "—"
NUMBER_CEILING = 1e9


class FieldEditor:
    """One field's widget and how its value is read and written; None is blank."""

    def __init__(self, field: FormField) -> None:
        self.field = field
        self.widget = self._make()
        tip = " · ".join(
            part
            for part in ("required" if field.required else "optional", field.range_text)
            if part
        )
        self.widget.setToolTip(f"{field.key}: {tip}")
        self.widget.setObjectName(f"field-{field.key}")

    def _make(self) -> QWidget:
        field = self.field
        if field.editor in ("int", "float"):
            return _spin(field)
        if field.editor == "choice" or (field.editor == "bool" and field.required):
            combo = QComboBox()
            combo.addItem(BLANK, None)
            values = field.choices if field.editor == "choice" else (True, False)
            for value in values:
                combo.addItem(_choice_text(value), value)
            return combo
        if field.editor == "bool":
            return QCheckBox()
        if field.editor == "texts" and field.choices:
            return _Checks(field.choices)
        if field.editor == "texts":
            lines = QPlainTextEdit()
            lines.setPlaceholderText("one per line")
            lines.setFixedHeight(lines.fontMetrics().height() * 4)
            lines.setTabChangesFocus(True)
            return lines
        if field.editor == "record":
            return RecordForm(field.fields, compact=True)
        if field.editor == "records":
            return _RowsTable(field.fields)
        edit = QLineEdit()
        if field.editor == "date":
            edit.setPlaceholderText("YYYY-MM-DD")
        if field.editor == "ints":
            edit.setPlaceholderText("numbers separated by commas, e.g. 8, 8")
        return edit

    def value(self) -> Any:
        widget, field = self.widget, self.field
        if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            if widget.value() == widget.minimum():
                return None
            return int(widget.value()) if field.editor == "int" else float(widget.value())
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, (_Checks, RecordForm, _RowsTable)):
            return widget.value()
        if isinstance(widget, QPlainTextEdit):
            lines = [line.strip() for line in widget.toPlainText().splitlines()]
            return [line for line in lines if line] or None
        assert isinstance(widget, QLineEdit)
        text = widget.text().strip()
        if not text:
            return None
        if field.editor == "date":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return text  # the parser names the field and the expected form
        if field.editor == "ints":
            items = [item.strip() for item in text.split(",") if item.strip()]
            return [int(item) if item.lstrip("-").isdigit() else item for item in items]
        return text

    def set_value(self, value: Any) -> None:
        widget = self.widget
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if isinstance(widget, QSpinBox):
            whole = number and float(value).is_integer()
            widget.setValue(int(value) if whole else widget.minimum())
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(float(value) if number else widget.minimum())
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)) if value is not None else 0)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, (_Checks, RecordForm, _RowsTable)):
            widget.set_value(value)
        elif isinstance(widget, QPlainTextEdit):
            items = [value] if isinstance(value, str) else list(value or [])
            widget.setPlainText("\n".join(str(item) for item in items))
        else:
            assert isinstance(widget, QLineEdit)
            if self.field.editor == "ints" and isinstance(value, (list, tuple)):
                widget.setText(", ".join(str(item) for item in value))
            else:
                widget.setText("" if value is None else str(value))


class RecordForm(QWidget):
    """The fields of one record class, as a form."""

    edited = Signal()

    def __init__(
        self, fields: tuple[FormField, ...], compact: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.editors = {field.key: FieldEditor(field) for field in fields}
        layout = QFormLayout(self)
        if compact:
            layout.setContentsMargins(0, 0, 0, 0)
        for field in fields:
            editor = self.editors[field.key].widget
            label = field.label + ("" if field.required else " (optional)")
            if field.editor in ("record", "records"):
                box = QGroupBox(label)
                inner = QVBoxLayout(box)
                inner.addWidget(editor)
                layout.addRow(box)
            else:
                layout.addRow(label, editor)

    def value(self) -> dict[str, Any] | None:
        table = {key: editor.value() for key, editor in self.editors.items()}
        table = {key: value for key, value in table.items() if value is not None}
        return table or None

    def set_value(self, table: Any) -> None:
        table = table if isinstance(table, Mapping) else {}
        for key, editor in self.editors.items():
            editor.set_value(table.get(key, _default(editor.field)))

    def editor(self, key: str) -> QWidget | None:
        found = self.editors.get(key)
        return found.widget if found else None


class _Checks(QWidget):
    """A box per allowed value, for a list of choices (sockets, form factors)."""

    def __init__(self, choices: tuple[Any, ...]) -> None:
        super().__init__()
        self.boxes = {choice: QCheckBox(str(choice)) for choice in choices}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in self.boxes.values():
            layout.addWidget(box)
        layout.addStretch(1)

    def value(self) -> list[Any] | None:
        chosen = [choice for choice, box in self.boxes.items() if box.isChecked()]
        return chosen or None

    def set_value(self, value: Any) -> None:
        values = [value] if isinstance(value, str) else list(value or [])
        for choice, box in self.boxes.items():
            box.setChecked(choice in values)


class _RowsTable(QWidget):
    """A list of small records (PCIe slots, M.2 sockets): a row each, a column per field."""

    def __init__(self, fields: tuple[FormField, ...]) -> None:
        super().__init__()
        self.fields = fields
        self.table = QTableWidget(0, len(fields))
        self.table.setHorizontalHeaderLabels([field.key for field in fields])
        for column, field in enumerate(fields):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(field.range_text or field.label)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.fontMetrics().height() * 8)
        add, remove = QPushButton("Add row"), QPushButton("Remove row")
        add.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _remove(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)

    def value(self) -> list[dict[str, Any]] | None:
        rows = []
        for row in range(self.table.rowCount()):
            table = {}
            for column, field in enumerate(self.fields):
                item = self.table.item(row, column)
                text = item.text().strip() if item is not None else ""
                if text:
                    table[field.key] = _typed(field, text)
            if table:
                rows.append(table)
        return rows or None

    def set_value(self, value: Any) -> None:
        rows = [row for row in (value or []) if isinstance(row, Mapping)]
        self.table.setRowCount(len(rows))
        for row, table in enumerate(rows):
            for column, field in enumerate(self.fields):
                cell = table.get(field.key)
                text = "" if cell is None else _cell_text(cell)
                self.table.setItem(row, column, QTableWidgetItem(text))


def _spin(field: FormField) -> QSpinBox | QDoubleSpinBox:
    """A spin box over the field's range whose lowest value, one step below it, means
    blank (shown as "—"): nothing is filled in for the user."""
    low = field.low if field.low is not None else 0.0
    high = field.high if field.high is not None else NUMBER_CEILING
    spin: QSpinBox | QDoubleSpinBox
    if field.editor == "int":
        spin = QSpinBox()
        spin.setRange(int(low) - 1, int(min(high, 2**31 - 1)))
    else:
        spin = QDoubleSpinBox()
        spin.setDecimals(2)
        spin.setRange(low - 0.01, high)
    spin.setSpecialValueText(BLANK)
    spin.setValue(spin.minimum())  # type: ignore[arg-type]  # int for QSpinBox
    spin.setGroupSeparatorShown("year" not in field.key)
    spin.setKeyboardTracking(False)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    if field.unit:
        spin.setSuffix(f" {field.unit}" if field.unit != "$" else "")
        if field.unit == "$":
            spin.setPrefix("$")
    return spin


def _default(field: FormField) -> Any:
    """What a field shows before the user types: blank, or zero plugs of a connector."""
    if field.editor == "int" and not field.required and field.low == 0 and field.high:
        return 0 if field.key.endswith(("pin", "12vhpwr", "sata")) else None
    return None


def _choice_text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _typed(field: FormField, text: str) -> Any:
    """A table cell's text as the field's type; text that does not convert is kept as
    text, for the parser to name with the field."""
    if field.editor == "texts":
        return [item.strip() for item in text.split(",") if item.strip()]
    if field.editor == "bool":
        return {"true": True, "yes": True, "false": False, "no": False}.get(text.lower(), text)
    wants_int = field.editor == "int" or (
        field.editor == "choice" and all(isinstance(c, int) for c in field.choices)
    )
    try:
        if wants_int:
            return int(text)
        if field.editor == "float":
            return float(text)
    except ValueError:
        return text
    return text
