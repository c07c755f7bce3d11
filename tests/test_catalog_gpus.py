"""The datacenter GPUs people rent or buy used: SXM modules, the AWS A10G and the T4, with
their key datasheet values; and a price (or the reason there is none) for every GPU."""

from __future__ import annotations

import pytest

from planner.core.catalog import Catalog, parse_part
from planner.core.errors import RecordError
from planner.core.parts import Gpu, PartKind

# id: (form factor, VRAM GB, GB/s, dense FP16/BF16 TFLOPS with FP32 accumulate, module/board W,
#      NVLink GB/s per direction or None)
EXPECTED = {
    "a100-sxm4-40gb": ("sxm", 40, 1555, 312, 400, 300),
    "a100-sxm4-80gb": ("sxm", 80, 2039, 312, 400, 300),
    "h100-sxm5-80gb": ("sxm", 80, 3350, 989.4, 700, 450),
    "h200-sxm-141gb": ("sxm", 141, 4800, 989.5, 700, 450),
    "b200-sxm-180gb": ("sxm", 180, 7700, 2250, 1000, 900),
    "v100-sxm2-16gb": ("sxm", 16, 900, 125, 300, 150),
    "v100-sxm2-32gb": ("sxm", 32, 900, 125, 300, 150),
    "a10g": ("pcie", 24, 600, 70, 300, None),
    "t4": ("pcie", 16, 320, 65, 70, None),
}


def _gpu(catalog: Catalog, part_id: str) -> Gpu:
    gpu = catalog.get(part_id)
    assert isinstance(gpu, Gpu), part_id
    return gpu


@pytest.mark.parametrize("part_id", sorted(EXPECTED))
def test_new_gpus_have_their_datasheet_values(catalog: Catalog, part_id: str) -> None:
    form, vram, bandwidth, fp16, watts, nvlink = EXPECTED[part_id]
    gpu = _gpu(catalog, part_id)
    assert gpu.form_factor == form
    assert gpu.is_sxm == (form == "sxm")
    assert gpu.vram_gb == vram
    assert gpu.memory_bandwidth_gbs == bandwidth
    assert gpu.fp16_tensor_tflops == pytest.approx(fp16)
    assert gpu.board_power_w == watts
    assert gpu.nvlink_gbs == nvlink


def test_hopper_and_blackwell_modules_have_tf32_and_fp8(catalog: Catalog) -> None:
    h100 = _gpu(catalog, "h100-sxm5-80gb")
    assert (h100.tf32_tensor_tflops, h100.fp8_tensor_tflops) == (494.7, 1978.9)
    assert (h100.pcie_gen, h100.l2_cache_mb, h100.memory_type) == (5, 50, "HBM3")
    b200 = _gpu(catalog, "b200-sxm-180gb")
    assert (b200.tf32_tensor_tflops, b200.fp8_tensor_tflops) == (1100, 4500)
    a100 = _gpu(catalog, "a100-sxm4-80gb")
    assert a100.fp8_tensor_tflops is None and a100.tf32_tensor_tflops == 156
    v100 = _gpu(catalog, "v100-sxm2-32gb")
    assert not v100.bf16 and v100.tf32_tensor_tflops is None


def test_sxm_modules_have_no_slot_length_or_plugs(catalog: Catalog) -> None:
    modules = [gpu for gpu in catalog.of_kind(PartKind.GPU) if isinstance(gpu, Gpu) and gpu.is_sxm]
    assert {gpu.id for gpu in modules} == {k for k, v in EXPECTED.items() if v[0] == "sxm"}
    for gpu in modules:
        assert (gpu.slot_width, gpu.length_mm, gpu.power_connectors) == (None, None, None)
        assert gpu.nvlink_gbs is not None
    t4 = _gpu(catalog, "t4")
    assert (t4.slot_width, t4.length_mm, t4.power_connectors) == (1.0, 168, t4.power_connectors)
    assert t4.power_connectors is not None and t4.power_connectors.cable_power_w == 0


def test_every_gpu_has_a_dated_price_or_is_sold_only_by_the_hour(catalog: Catalog) -> None:
    for gpu in catalog.of_kind(PartKind.GPU):
        assert isinstance(gpu, Gpu)
        if gpu.cloud_only:
            assert gpu.price_usd is None and "cloud only" in gpu.notes.lower(), gpu.id
        else:
            assert gpu.price_usd is not None and gpu.price_date is not None, gpu.id
    assert _gpu(catalog, "a10g").cloud_only  # AWS-only: nothing to buy


def test_used_prices_say_so(catalog: Catalog) -> None:
    for part_id in ("v100-sxm2-16gb", "h100-sxm5-80gb", "rtx-3090", "rtx-3090-ti", "h200-nvl"):
        assert "USED" in (_gpu(catalog, part_id).price_source or ""), part_id


def _module_table(**changes: object) -> dict[str, object]:
    table: dict[str, object] = {
        "id": "test-module",
        "name": "Test module",
        "vendor": "Test",
        "source": ["datasheet"],
        "architecture": "hopper",
        "release_year": 2023,
        "vram_gb": 80,
        "memory_type": "HBM3",
        "memory_bandwidth_gbs": 3350,
        "fp32_tflops": 67,
        "bf16": True,
        "l2_cache_mb": 50,
        "board_power_w": 700,
        "pcie_gen": 5,
        "pcie_lanes": 16,
        "cooler_type": "passive",
        "pcie_p2p": True,
        "form_factor": "sxm",
    }
    table.update(changes)
    return table


def test_an_sxm_module_needs_no_slot_width_length_or_plugs() -> None:
    gpu = parse_part(PartKind.GPU, _module_table())
    assert isinstance(gpu, Gpu) and gpu.is_sxm and gpu.slot_width is None


@pytest.mark.parametrize("missing", ["power_connectors", "slot_width", "length_mm"])
def test_a_pcie_card_still_needs_them(missing: str) -> None:
    table = _module_table(
        form_factor="pcie", power_connectors={"12vhpwr": 1}, slot_width=2, length_mm=267
    )
    del table[missing]
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.GPU, table)
    assert caught.value.location.field == missing
    assert "missing" in caught.value.message


def test_form_factor_defaults_to_pcie_and_is_checked() -> None:
    table = _module_table(power_connectors={}, slot_width=1, length_mm=168)
    del table["form_factor"]
    gpu = parse_part(PartKind.GPU, table)
    assert isinstance(gpu, Gpu) and gpu.form_factor == "pcie" and not gpu.is_sxm
    with pytest.raises(RecordError) as caught:
        parse_part(PartKind.GPU, _module_table(form_factor="oam"))
    assert caught.value.location.field == "form_factor"
