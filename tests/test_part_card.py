"""What a builder reads about a part before choosing it: the picker's and the build
table's tooltips show the part's card - key specs, which values are estimated, the
catalog's notes on it and its source - wrapped as paragraphs."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from planner.core.part_specs import part_card
from planner.core.parts import PartKind
from planner.io.catalog_files import load_builtin_catalog


def test_the_card_has_specs_estimates_notes_and_source() -> None:
    psu = load_builtin_catalog().get("super-flower-leadex-titanium-2800w")
    name, maker, specs, estimated, notes, source = part_card(psu)
    assert name.startswith("Super Flower LEADEX Titanium 2800W")
    assert maker == "Super Flower · id super-flower-leadex-titanium-2800w"
    assert specs.startswith("2800 W, 80+ Titanium")
    assert estimated == "Estimated: connectors, length."
    assert "needs a 200-240 V circuit" in notes
    assert source.startswith("Source: PCPartPicker listing") and "more)" in source


def test_a_part_without_notes_or_estimates_has_a_short_card() -> None:
    card = part_card(load_builtin_catalog().get("t4"))
    assert not any(line.startswith("Estimated") for line in card)
    assert card[-1].startswith("Source: NVIDIA T4 product page")


@pytest.mark.gui
def test_the_picker_tooltip_is_the_card_after_the_reason(qtbot, driver) -> None:  # type: ignore[no-untyped-def]
    boards = driver.window.picker.pickers[PartKind.MOTHERBOARD].model
    index = boards.index(boards.row_of("asus-proart-z790-creator-wifi"), 0)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("<qt>") and "<b>ASUS ProArt Z790-Creator WiFi</b>" in tip
    assert "Z790: 1 x PCIe 4.0 x16 slot (x4 mode)" in tip  # from the catalog's notes
    assert "Estimated: PCIe slots" in tip


def test_text_from_files_shows_as_written_in_tooltips() -> None:
    from planner.ui.part_tooltip import part_tooltip, plain_tip

    tip = plain_tip("Your price, entered 2026-12-06 (<img src='x'> quote)\nsecond line")
    assert "&lt;img src=&#x27;x&#x27;&gt;" in tip and "<br>" in tip and "<img" not in tip
    catalog = load_builtin_catalog()
    odd = dataclasses.replace(catalog.get("t4"), name="T4 <b>bold</b>", notes="<i>note</i>")
    card = part_tooltip(odd)
    assert "&lt;b&gt;bold&lt;/b&gt;" in card and "&lt;i&gt;note&lt;/i&gt;" in card
