"""Adding a custom part: a form per kind (units, allowed values and ranges from the
catalog's own rules) that can also show the part as TOML, checked by the same parser as
the catalog, with misspelled keys and taken ids named, saved to the user's parts folder."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import tomli_w
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.catalog import Catalog, parse_part
from planner.core.errors import InputError, RecordError
from planner.core.parts import PART_CLASSES, Part, PartKind
from planner.core.record_form import form_fields, unknown_keys
from planner.io.catalog_files import part_table
from planner.io.custom_parts import CUSTOM_FILE, blocks_saving, id_conflict, save_custom_part
from planner.io.tomlfile import TomlLines, parse_toml_text
from planner.ui.part_form import RecordForm

__all__ = ["CUSTOM_FILE", "CustomPartDialog"]
# What every kind has: kept when the user switches kind half-way through.
COMMON = ("id", "name", "vendor", "price_usd", "price_date", "source", "price_source", "notes")


class CustomPartDialog(QDialog):
    def __init__(self, catalog: Catalog | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a custom part")
        self.resize(640, 720)
        self.saved: str | None = None
        self._catalog = catalog or Catalog()
        self.kind = QComboBox()
        for kind in PartKind:
            self.kind.addItem(kind.label, kind.value)
        self.start = QComboBox()
        self.start.setToolTip("Fill the form from a catalog part, e.g. to add a partner card")
        self.forms: dict[PartKind, RecordForm] = {}
        self.pages = QStackedWidget()
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("customPartEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.show_toml = QPushButton("Show TOML")
        self.show_toml.setCheckable(True)
        self.show_toml.setToolTip("Edit the part as it will be saved in your parts file")
        self.show_toml.toggled.connect(self._toggle_toml)
        self.replace = QCheckBox("Replace the part with this id")
        self.replace.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("customPartMessage")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.show_toml, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QFormLayout()
        top.addRow("Kind", self.kind)
        top.addRow("Start from", self.start)
        self.form_page = QScrollArea()
        self.form_page.setWidgetResizable(True)
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.replace)
        layout.addWidget(buttons)
        self._kind_shown: PartKind | None = None
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.start.activated.connect(self._start_from)
        self._kind_changed()

    # ---- kind and form ------------------------------------------------------------------

    def current_kind(self) -> PartKind:
        return PartKind(self.kind.currentData())

    def form(self) -> RecordForm:
        kind = self.current_kind()
        if kind not in self.forms:
            self.forms[kind] = RecordForm(form_fields(PART_CLASSES[kind]))
            self.forms[kind].set_value({"price_date": dt.date.today().isoformat()})
        return self.forms[kind]

    def _kind_changed(self) -> None:
        """Show the kind's form; what was typed in every kind's form stays, and the fields
        all kinds share follow the user to the new kind."""
        before = self.forms.get(self._kind_shown) if self._kind_shown else None
        if self.show_toml.isChecked() and before is not None:
            self._read_toml_into(before)
        typed = (before.value() if before is not None else None) or {}
        shared = {key: value for key, value in typed.items() if key in COMMON}
        form = self.form()
        if before is not None and before is not form:
            form.set_value({**(form.value() or {}), **shared})
        self.form_page.takeWidget()
        self.form_page.setWidget(form)
        self._kind_shown = self.current_kind()
        self._fill_starts()
        if self.show_toml.isChecked():
            self.editor.setPlainText(_toml(form.value() or {}))
        self.message.setText("Every value from the spec sheet; hover a field for its range.")

    def _fill_starts(self) -> None:
        self.start.clear()
        self.start.addItem("A blank form", None)
        parts = sorted(self._catalog.of_kind(self.current_kind()), key=lambda p: p.display_name)
        for part in parts:
            self.start.addItem(part.display_name, part.id)

    def _start_from(self) -> None:
        part = self._catalog.get(self.start.currentData() or "")
        if part is not None:
            self.fill_from(part)

    def fill_from(self, part: Part) -> None:
        table = {key: value for key, value in part_table(part).items() if value is not None}
        table.pop("kind", None)
        table.pop("unverified", None)
        table.update(id=f"my-{part.id}", name=f"{part.name} (mine)")
        self.set_table(table)

    def set_table(self, table: dict[str, Any]) -> None:
        self.form().set_value(table)
        if self.show_toml.isChecked():
            self.editor.setPlainText(_toml(table))

    # ---- TOML view ----------------------------------------------------------------------

    def _toggle_toml(self, on: bool) -> None:
        if on:
            self.editor.setPlainText(_toml(self.form().value() or {}))
            self.pages.setCurrentWidget(self.editor)
            return
        if not self._read_toml_into(self.form()):
            self.show_toml.blockSignals(True)
            self.show_toml.setChecked(True)  # stay until the text reads
            self.show_toml.blockSignals(False)
            return
        self.pages.setCurrentWidget(self.form_page)

    def _read_toml_into(self, form: RecordForm) -> bool:
        try:
            table = parse_toml_text(self.editor.toPlainText(), "custom part")
        except InputError as error:
            self.message.setText(f"<b>{escape(str(error))}</b>")
            return False
        form.set_value(table)
        return True

    # ---- checking and saving ------------------------------------------------------------

    def current_table(self) -> tuple[dict[str, Any], str | None]:
        """The part as a table, and the TOML text it came from (None from the form)."""
        if self.show_toml.isChecked():
            text = self.editor.toPlainText()
            return parse_toml_text(text, "custom part"), text
        return self.form().value() or {}, None

    def validate(self) -> dict[str, Any] | None:
        """The part's table if it is valid; otherwise shows the problem and returns None."""
        kind = self.current_kind()
        try:
            table, text = self.current_table()
        except InputError as error:  # not TOML at all: the message names the line
            self.message.setText(f"<b>{escape(str(error))}</b>")
            return None
        misspelled = unknown_keys(PART_CLASSES[kind], table)
        if misspelled:
            key, guess = misspelled[0]
            hint = f" — did you mean “{guess}”?" if guess else ""
            self._show_error(text, key, f"is not a field of a {kind.noun}{hint}")
            return None
        try:
            parse_part(kind, table)
        except RecordError as error:
            self._show_error(text, error.location.field, error.message)
            return None
        return table if self._id_free(str(table["id"])) else None

    def _id_free(self, part_id: str) -> bool:
        conflict = id_conflict(part_id, self._catalog)
        if conflict is None:
            self.replace.setVisible(False)
            return True
        if blocks_saving(part_id, self._catalog):
            self._show_error(None, "id", f"“{part_id}” is taken: {conflict}; choose another id")
            return False
        self.replace.setVisible(True)
        if self.replace.isChecked():
            return True
        self._show_error(None, "id", f"“{part_id}” is taken: {conflict}. Tick “Replace” to go on")
        return False

    def _show_error(self, text: str | None, field: str, message: str) -> None:
        line = TomlLines(text).key(field.split("[")[0]) if text and field else None
        where = f"line {line}: " if line else ""
        self.message.setText(f"<b>{escape(where)}{escape(field)}</b>: {escape(message)}")
        widget = None if text else self.form().editor(field.split(".")[0].split("[")[0])
        if widget is not None:
            self.form_page.ensureWidgetVisible(widget)
            widget.setFocus()

    def accept(self) -> None:
        table = self.validate()
        if table is None:
            return
        save_custom_part(self.current_kind(), table)
        self.saved = str(table.get("id"))
        super().accept()


def _toml(table: dict[str, Any]) -> str:
    ordered = dict(sorted(table.items(), key=lambda item: isinstance(item[1], (dict, list))))
    try:
        return tomli_w.dumps(ordered)
    except (TypeError, ValueError):  # a value the form could not type: shown as text
        return tomli_w.dumps({key: str(value) for key, value in ordered.items()})
