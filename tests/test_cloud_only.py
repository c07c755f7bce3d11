"""A card sold only as cloud instances (AWS's A10G) has no purchase price: the catalog marks
it, the price cells say "cloud only", a build with it is warned that it cannot be ordered
(with buyable cards of the same memory and bandwidth), and it cannot be given a list price."""

from __future__ import annotations

import dataclasses

import pytest

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.catalog import PartOrigin, parse_part
from planner.core.checks.context import CheckContext
from planner.core.checks.prices import check_cloud_only_gpus
from planner.core.citations import unpriced_label
from planner.core.errors import RecordError
from planner.core.parts import Gpu, PartKind
from planner.core.records import record_to_table
from planner.io.catalog_files import load_builtin_catalog
from planner.ui.catalog_columns import PRICE


def _context(*choices: PartChoice) -> CheckContext:
    catalog = load_builtin_catalog()
    return CheckContext(Assembly.resolve(Build(parts=choices), catalog), catalog)


def test_a_build_with_a_cloud_only_card_is_told_it_cannot_be_ordered() -> None:
    (finding,) = check_cloud_only_gpus(_context(PartChoice(id="a10g", count=4)))
    assert finding.code == "cost.cloud_only_gpu" and finding.parts == ("a10g",)
    assert "cannot be ordered" in finding.message and "4 cards" in finding.message
    assert "Buy or Rent" in finding.fix and "24 GB and 600 GB/s (e.g. " in finding.fix
    catalog = load_builtin_catalog()
    named = [p for p in catalog.of_kind(PartKind.GPU) if p.display_name in finding.fix]
    assert named
    for gpu in named:  # buyable NVIDIA cards at least as big and as fast
        assert isinstance(gpu, Gpu) and gpu.price_usd is not None and not gpu.cloud_only
        assert gpu.chip_maker == "NVIDIA"
        assert gpu.vram_gb >= 24 and gpu.memory_bandwidth_gbs >= 600


def test_a_card_that_can_be_bought_gets_no_such_warning() -> None:
    assert list(check_cloud_only_gpus(_context(PartChoice(id="rtx-4090", count=2)))) == []


def test_price_cells_say_cloud_only_rather_than_a_blank() -> None:
    catalog = load_builtin_catalog()
    a10g, rtx = catalog.get("a10g"), catalog.get("rtx-4090")
    assert a10g is not None and rtx is not None
    assert unpriced_label(a10g) == "cloud only" and PRICE.display(a10g) == "cloud only"
    assert PRICE.display(rtx).startswith("$")
    quote_only = dataclasses.replace(rtx, price_usd=None, price_date=None)
    assert unpriced_label(quote_only) == "—"


def test_a_cloud_only_card_cannot_carry_a_list_price() -> None:
    catalog = load_builtin_catalog()
    a10g = catalog.get("a10g")
    assert isinstance(a10g, Gpu)
    table = dict(record_to_table(a10g), price_usd=3000.0, price_date="2026-01-01")
    with pytest.raises(RecordError, match="price_usd"):
        parse_part(PartKind.GPU, table)


def test_cloud_only_is_written_only_where_it_is_set() -> None:
    catalog = load_builtin_catalog()
    rtx, a10g = catalog.get("rtx-4090"), catalog.get("a10g")
    assert rtx is not None and a10g is not None
    assert "cloud_only" not in record_to_table(rtx)
    assert record_to_table(a10g)["cloud_only"] is True


def test_the_total_says_what_it_leaves_out() -> None:
    catalog = load_builtin_catalog()
    quote_only = dataclasses.replace(catalog.get("rtx-4090"), id="quote-only", price_usd=None)
    catalog = catalog.overlay([(quote_only, PartOrigin("test"))])

    def note(*choices: PartChoice) -> str:
        return Assembly.resolve(Build(parts=choices), catalog).unpriced_note

    assert note(PartChoice(id="rtx-4090")) == ""
    assert note(PartChoice(id="a10g", count=4)) == " + 4 cloud-only cards"
    assert note(PartChoice(id="a10g"), PartChoice(id="quote-only", count=2)) == (
        " + 1 cloud-only card + 1 part without a list price"
    )


def test_the_build_total_in_the_window_names_the_cloud_only_cards(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    driver.window.document.add_part("a10g", 4)
    qtbot.waitUntil(lambda: "cloud-only" in driver.window.build_panel.total.text())
    assert "+ 4 cloud-only cards" in driver.window.build_panel.total.text()


def test_suggest_says_the_cloud_only_card_was_left_out() -> None:
    from planner.core.build import WorkloadChoice
    from planner.core.suggest import Constraints, suggest
    from planner.io.workload_files import load_workloads

    found = suggest(
        (WorkloadChoice(id="bert-base"),),
        load_builtin_catalog(),
        load_workloads(),
        Constraints(max_gpus=1, budget_usd=2500),
    )
    assert "1 GPU sold only as cloud instances was not considered (see Buy or Rent)" in found.notes
    assert all(pick.candidate.build.parts[0].id != "a10g" for pick in found.picks)
