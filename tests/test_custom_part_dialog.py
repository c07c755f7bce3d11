"""Adding a custom part through the form: checked like a catalog entry, the problem named by
line and field, saved to the user's parts folder, and in the catalog after a reload."""

from __future__ import annotations

import pytest
import tomli_w

from planner.core.parts import PartKind
from planner.io import paths
from planner.io.catalog_files import load_catalog, part_table
from planner.ui.custom_part_dialog import CUSTOM_FILE, CustomPartDialog

pytestmark = pytest.mark.gui


def gpu_text(catalog, **changes: object) -> str:  # type: ignore[no-untyped-def]
    table = {k: v for k, v in part_table(catalog.get("rtx-4090")).items() if v is not None}
    table.update(id="my-rtx-4090-oc", name="My RTX 4090 OC", **changes)
    return tomli_w.dumps(table)


def open_dialog(qtbot) -> CustomPartDialog:  # type: ignore[no-untyped-def]
    dialog = CustomPartDialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(PartKind.GPU.value))
    return dialog


def test_the_blank_template_is_not_accepted(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    assert 'id = "my-gpu"' in dialog.editor.toPlainText()
    dialog.accept()
    assert dialog.result() == 0 and dialog.saved is None
    assert "is not valid TOML" in dialog.message.text() and ":" in dialog.message.text()


def test_a_bad_value_is_named_by_line_and_field(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    text = gpu_text(catalog, vram_gb=-24.0)
    dialog.editor.setPlainText(text)
    assert dialog.validate() is None
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("vram_gb"))
    assert f"line {line}: vram_gb" in dialog.message.text()
    assert not (paths.user_catalog_dir() / CUSTOM_FILE).exists()


def test_a_valid_part_is_saved_and_joins_the_catalog(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    dialog.editor.setPlainText(gpu_text(catalog))
    dialog.accept()
    assert dialog.saved == "my-rtx-4090-oc"
    assert (paths.user_catalog_dir() / CUSTOM_FILE).exists()
    loaded = load_catalog()
    assert not loaded.problems
    part = loaded.catalog.get("my-rtx-4090-oc")
    assert part is not None and part.name == "My RTX 4090 OC" and part.vram_gb == 24
