"""Typed records from tables: every bad value is rejected with its field named."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.core.catalog import parse_part
from planner.core.errors import RecordError
from planner.core.parts import Cooler, Gpu, Motherboard, PartKind, Psu
from planner.core.records import record_to_table

GPU = {
    "id": "test-gpu",
    "name": "Test GPU",
    "vendor": "Test",
    "price_usd": 1000.0,
    "price_date": dt.date(2024, 1, 1),
    "source": ["https://example.com/spec"],
    "architecture": "ada",
    "release_year": 2023,
    "vram_gb": 24,
    "memory_type": "GDDR6X",
    "memory_bandwidth_gbs": 1008,
    "fp32_tflops": 82.6,
    "fp16_tensor_tflops": 165.2,
    "bf16": True,
    "l2_cache_mb": 72,
    "board_power_w": 450,
    "pcie_gen": 4,
    "pcie_lanes": 16,
    "power_connectors": {"12vhpwr": 1},
    "slot_width": 3,
    "length_mm": 304,
    "cooler_type": "open-air",
    "pcie_p2p": False,
}


def test_a_valid_gpu_parses_with_typed_values() -> None:
    gpu = parse_part(PartKind.GPU, GPU)
    assert isinstance(gpu, Gpu)
    assert gpu.vram_gb == 24.0
    assert gpu.power_connectors.hpwr_12v == 1
    assert gpu.power_connectors.cable_power_w == 600
    assert gpu.has_tensor_cores


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"vram_gb": -4}, "vram_gb", "at least"),
        ({"vram_gb": "24"}, "vram_gb", "expected a number"),
        ({"pcie_lanes": 12}, "pcie_lanes", "one of"),
        ({"cooler_type": "fan"}, "cooler_type", "one of"),
        ({"bf16": "yes"}, "bf16", "true or false"),
        ({"release_year": 2023.5}, "release_year", "whole number"),
        ({"price_date": "last year"}, "price_date", "date"),
        ({"id": "Bad Id"}, "id", "lowercase"),
        ({"power_connectors": {"12vhpwr": 9}}, "power_connectors.12vhpwr", "at most"),
        ({"power_connectors": "2x8"}, "power_connectors", "table"),
        ({"source": []}, "source", "source"),
        ({"memory_bandwidth_gbs": float("nan")}, "memory_bandwidth_gbs", "finite"),
    ],
)
def test_bad_values_name_the_field(change: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.GPU, {**GPU, **change})
    assert caught.value.location.field == field
    assert words in caught.value.message
    assert "gpu 'test-gpu'" in caught.value.location.record or field == "id"


def test_missing_required_field_is_named() -> None:
    table = {key: value for key, value in GPU.items() if key != "length_mm"}
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.GPU, table)
    assert caught.value.location.field == "length_mm"
    assert "missing" in caught.value.message


def test_unknown_fields_are_kept_and_written_back() -> None:
    gpu = parse_part(PartKind.GPU, {**GPU, "my_note": "bought used"})
    assert gpu.extra == {"my_note": "bought used"}
    assert record_to_table(gpu)["my_note"] == "bought used"


BOARD = {
    "id": "test-board",
    "name": "Test board",
    "vendor": "Test",
    "price_usd": 300,
    "price_date": "2024-01-01",
    "source": "https://example.com/board",
    "socket": "AM5",
    "chipset": "X670E",
    "form_factor": "ATX",
    "memory_type": "DDR5",
    "memory_module": "UDIMM",
    "ecc": True,
    "dimm_slots": 4,
    "max_memory_gb": 192,
    "sata_ports": 4,
    "pcie_slots": [
        {
            "name": "PCIEX16_1",
            "position": 1,
            "mechanical": 16,
            "electrical": 16,
            "gen": 5,
            "lanes_from": "cpu",
        },
        {
            "name": "PCIEX16_2",
            "position": 4,
            "mechanical": 16,
            "electrical": 8,
            "gen": 5,
            "lanes_from": "cpu",
        },
    ],
    "m2_slots": [{"name": "M2_1", "gen": 5, "lanes": 4, "lanes_from": "cpu"}],
    "lane_sharing": [{"if_used": ["PCIEX16_2"], "slot": "PCIEX16_1", "width": 8}],
}


def test_board_slots_and_sharing_parse() -> None:
    board = parse_part(PartKind.MOTHERBOARD, BOARD)
    assert isinstance(board, Motherboard)
    assert [slot.position for slot in board.pcie_slots] == [1, 4]
    assert board.lane_sharing[0].width == 8
    assert board.source == ("https://example.com/board",)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"lane_sharing": [{"if_used": ["M2_9"], "slot": "PCIEX16_1", "width": 8}]},
            "lane_sharing[0]",
        ),
        (
            {
                "pcie_slots": [
                    {
                        "name": "A",
                        "position": 3,
                        "mechanical": 16,
                        "electrical": 16,
                        "gen": 5,
                        "lanes_from": "cpu",
                    },
                    {
                        "name": "B",
                        "position": 2,
                        "mechanical": 16,
                        "electrical": 16,
                        "gen": 5,
                        "lanes_from": "cpu",
                    },
                ],
                "lane_sharing": [],
            },
            "pcie_slots",
        ),
        (
            {
                "pcie_slots": [
                    {
                        "name": "A",
                        "position": 1,
                        "mechanical": 8,
                        "electrical": 16,
                        "gen": 5,
                        "lanes_from": "cpu",
                    }
                ],
                "lane_sharing": [],
            },
            "pcie_slots[0].electrical",
        ),
        ({"pcie_slots": [{"name": "A", "position": 1}]}, "pcie_slots[0].mechanical"),
    ],
)
def test_board_consistency_errors_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.MOTHERBOARD, {**BOARD, **change})
    assert caught.value.location.field == field


def test_cross_field_rules() -> None:
    cooler = {
        "id": "c",
        "name": "C",
        "vendor": "V",
        "price_usd": 50,
        "price_date": "2024-01-01",
        "source": ["s"],
        "cooler_type": "air",
        "sockets": ["AM5"],
    }
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.COOLER, cooler)
    assert caught.value.location.field == "height_mm"
    assert isinstance(parse_part(PartKind.COOLER, {**cooler, "height_mm": 158}), Cooler)


def test_psu_connector_key_that_is_not_a_python_name() -> None:
    psu = {
        "id": "p",
        "name": "P",
        "vendor": "V",
        "price_usd": 200,
        "price_date": "2024-01-01",
        "source": ["s"],
        "wattage_w": 1000,
        "form_factor": "ATX",
        "atx_version": "3.1",
        "efficiency": "Gold",
        "length_mm": 160,
        "modular": "full",
        "connectors": {"pcie_8pin": 4, "12vhpwr": 1, "eps_8pin": 2, "sata": 8},
    }
    parsed = parse_part(PartKind.PSU, psu)
    assert isinstance(parsed, Psu)
    assert parsed.connectors.hpwr_12v == 1
    assert record_to_table(parsed)["connectors"]["12vhpwr"] == 1
