"""Adding a custom part: a real form per kind (units, ranges, allowed values), a TOML view
of the same part, checks like a catalog entry with the problem named by field (and line
in the TOML), misspelled keys and taken ids caught, saved to the user's parts folder and
in the catalog after a reload."""

from __future__ import annotations

import pytest
import tomli_w
import tomllib
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from planner.core.parts import PartKind
from planner.io import paths
from planner.io.catalog_files import load_catalog, part_table
from planner.ui.custom_part_dialog import CUSTOM_FILE, CustomPartDialog

pytestmark = pytest.mark.gui


def gpu_table(catalog, **changes: object) -> dict:  # type: ignore[no-untyped-def]
    table = {k: v for k, v in part_table(catalog.get("rtx-4090")).items() if v is not None}
    table.pop("kind")
    table.pop("unverified", None)
    table.update({"id": "my-rtx-4090-oc", "name": "My RTX 4090 OC", **changes})
    return table


def open_dialog(qtbot, kind: PartKind = PartKind.GPU) -> CustomPartDialog:  # type: ignore[no-untyped-def]
    dialog = CustomPartDialog(load_catalog().catalog)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))
    return dialog


def as_toml(dialog: CustomPartDialog, text: str) -> None:
    dialog.show_toml.setChecked(True)
    dialog.editor.setPlainText(text)


def test_fields_carry_their_units_ranges_and_allowed_values(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    vram = dialog.form().editor("vram_gb")
    assert isinstance(vram, QDoubleSpinBox)
    assert vram.suffix() == " GB" and vram.maximum() == 1024
    assert vram.text() == "—"  # nothing filled in for the user
    length = dialog.form().editor("length_mm")
    assert isinstance(length, QSpinBox) and length.suffix() == " mm"
    assert "100–450 mm" in length.toolTip()
    cooler = dialog.form().editor("cooler_type")
    assert {cooler.itemText(i) for i in range(cooler.count())} >= {"blower", "open-air"}


def test_the_blank_form_is_not_saved_and_names_what_is_missing(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    dialog.accept()
    assert dialog.result() == 0 and dialog.saved is None
    assert "is required but missing" in dialog.message.text()
    dialog.show_toml.setChecked(True)  # its TOML is valid TOML as given
    tomllib.loads(dialog.editor.toPlainText())


def test_a_part_started_from_the_catalog_is_saved_and_joins_it(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    dialog.start.setCurrentIndex(dialog.start.findData("rtx-4090"))
    dialog.start.activated.emit(dialog.start.currentIndex())
    dialog.form().editors["length_mm"].set_value(358)
    dialog.accept()
    assert dialog.saved == "my-rtx-4090"
    loaded = load_catalog()
    assert not loaded.problems
    part = loaded.catalog.get("my-rtx-4090")
    assert part is not None and part.length_mm == 358 and part.vram_gb == 24
    assert part.power_connectors == catalog.get("rtx-4090").power_connectors


def test_a_bad_value_in_the_toml_is_named_by_line_and_field(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    text = tomli_w.dumps(gpu_table(catalog, vram_gb=-24.0))
    as_toml(dialog, text)
    assert dialog.validate() is None
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("vram_gb"))
    assert f"line {line}: vram_gb" in dialog.message.text()
    assert not (paths.user_catalog_dir() / CUSTOM_FILE).exists()


def test_a_misspelled_key_is_named_with_the_right_one(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    table = gpu_table(catalog)
    table["slot_widht"] = table.pop("slot_width")
    as_toml(dialog, tomli_w.dumps(table))
    assert dialog.validate() is None
    assert "slot_widht" in dialog.message.text() and "slot_width" in dialog.message.text()


def test_a_built_in_id_is_replaced_only_when_the_user_says_so(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    as_toml(dialog, tomli_w.dumps(gpu_table(catalog, id="rtx-4090", price_usd=1899.0)))
    dialog.accept()
    assert dialog.saved is None and dialog.replace.isVisibleTo(dialog)
    assert "built-in part" in dialog.message.text()
    dialog.replace.setChecked(True)
    dialog.accept()
    assert dialog.saved == "rtx-4090"
    assert load_catalog().catalog.get("rtx-4090").price_usd == 1899.0


def test_saving_the_same_id_again_replaces_the_first(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    for price in (1500.0, 1600.0):
        dialog = open_dialog(qtbot)
        as_toml(dialog, tomli_w.dumps(gpu_table(catalog, price_usd=price)))
        dialog.replace.setChecked(True)
        dialog.accept()
        assert dialog.saved == "my-rtx-4090-oc"
    loaded = load_catalog()
    assert not loaded.problems  # no duplicate id
    assert loaded.catalog.get("my-rtx-4090-oc").price_usd == 1600.0
    text = (paths.user_catalog_dir() / CUSTOM_FILE).read_text(encoding="utf-8")
    assert text.count('id = "my-rtx-4090-oc"') == 1


def test_switching_kind_keeps_what_was_typed(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot)
    form = dialog.form()
    form.editors["name"].set_value("Mystery card")
    form.editors["vram_gb"].set_value(20.0)
    dialog.kind.setCurrentIndex(dialog.kind.findData(PartKind.CPU.value))
    assert dialog.form().editors["name"].value() == "Mystery card"  # shared fields follow
    dialog.kind.setCurrentIndex(dialog.kind.findData(PartKind.GPU.value))
    assert dialog.form().editors["vram_gb"].value() == 20.0


def test_form_and_toml_show_the_same_part(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, PartKind.MOTHERBOARD)
    board = catalog.get("asus-pro-ws-wrx90e-sage-se")
    dialog.fill_from(board)
    before = dialog.form().value()
    dialog.show_toml.setChecked(True)
    text = dialog.editor.toPlainText()
    assert "[[pcie_slots]]" in text and 'socket = "sTR5"' in text
    dialog.editor.setPlainText(text.replace('chipset = "WRX90"', 'chipset = "WRX90E"'))
    dialog.show_toml.setChecked(False)
    after = dialog.form().value()
    assert after["chipset"] == "WRX90E"
    assert after["pcie_slots"] == before["pcie_slots"]
    assert dialog.validate() is not None


def test_a_part_added_in_the_window_is_in_its_catalog(driver, monkeypatch, catalog) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window._reload_catalog = lambda: load_catalog().catalog

    def fill_and_save(dialog: CustomPartDialog) -> int:
        dialog.kind.setCurrentIndex(dialog.kind.findData(PartKind.GPU.value))
        as_toml(dialog, tomli_w.dumps(gpu_table(catalog, id="strix-4090", length_mm=358)))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(CustomPartDialog, "exec", fill_and_save)
    window.add_custom_part()
    picker = window.picker.pickers[PartKind.GPU]
    assert picker.select("strix-4090")
    assert window.document.catalog.get("strix-4090").length_mm == 358


def test_a_riser_started_from_the_catalog_keeps_its_links(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, PartKind.RISER)
    dialog.start.setCurrentIndex(dialog.start.findData("jmt-pcie4-x16-to-x8x8-bifurcation-card"))
    dialog.start.activated.emit(dialog.start.currentIndex())
    dialog.form().editors["length_mm"].set_value(150)
    dialog.accept()
    part = load_catalog().catalog.get(dialog.saved)
    assert part is not None and part.length_mm == 150
    assert part.outputs == (8, 8) and part.bifurcation_mode == "8x8"
