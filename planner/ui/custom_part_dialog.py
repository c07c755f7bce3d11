"""Adding a custom part: a TOML form checked by the same parser as the catalog, saved to
the user's parts folder."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import tomli_w
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.core.catalog import parse_part
from planner.core.errors import InputError, RecordError
from planner.core.parts import PART_CLASSES, PartKind
from planner.core.records import record_keys
from planner.io import paths
from planner.io.atomic import write_atomic
from planner.io.tomlfile import TomlLines, parse_toml_text

CUSTOM_FILE = "custom-parts.toml"


def template(kind: PartKind) -> str:
    """A starting table with every field of the kind, to fill in."""
    lines = [f"# A {kind.noun}: fill in every value from its spec sheet.", ""]
    for key in record_keys(PART_CLASSES[kind]):
        if key in ("price_source", "unverified", "notes"):
            continue
        if key == "id":
            lines.append(f'id = "my-{kind.value}"')
        elif key == "price_date":
            lines.append(f"price_date = {dt.date.today().isoformat()}")
        elif key == "source":
            lines.append('source = ["spec sheet URL"]')
        else:
            lines.append(f"{key} = ")
    return "\n".join(lines) + "\n"


def save_custom_part(
    kind: PartKind, table: dict[str, object], directory: Path | None = None
) -> Path:
    """Append the part to the user's custom parts file (atomically)."""
    directory = directory or paths.user_catalog_dir()
    path = directory / CUSTOM_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    text = existing + ("\n" if existing else "") + tomli_w.dumps({kind.value: [table]})
    write_atomic(path, text.encode("utf-8"))
    return path


class CustomPartDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a custom part")
        self.resize(520, 560)
        self.saved: str | None = None
        self.kind = QComboBox()
        for kind in PartKind:
            self.kind.addItem(kind.label, kind.value)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("customPartEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("customPartMessage")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._new_template)
        self._new_template()

    def current_kind(self) -> PartKind:
        return PartKind(self.kind.currentData())

    def _new_template(self) -> None:
        self.editor.setPlainText(template(self.current_kind()))
        self.message.setText("Fields of catalog/README.md; the planner checks every value.")

    def validate(self) -> dict[str, object] | None:
        """The part's table if it is valid; otherwise shows the problem and returns None."""
        kind = self.current_kind()
        text = self.editor.toPlainText()
        try:
            table = parse_toml_text(text, "custom part")
            parse_part(kind, table)
        except RecordError as error:
            line = TomlLines(text).key(error.location.field) if error.location.field else None
            where = f"line {line}: " if line else ""
            self.message.setText(
                f"<b>{escape(where)}{escape(error.location.field)}</b>: {escape(error.message)}"
            )
            return None
        except InputError as error:  # not TOML at all: the message names the line
            self.message.setText(f"<b>{escape(str(error))}</b>")
            return None
        return table

    def accept(self) -> None:
        table = self.validate()
        if table is None:
            return
        save_custom_part(self.current_kind(), table)
        self.saved = str(table.get("id"))
        super().accept()
