"""The built-in catalog: every entry walked, the coverage the planner promises, sane values,
and the user's parts layered over it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from planner.core.catalog import Catalog
from planner.core.parts import (
    SOCKETS,
    Case,
    Cooler,
    Cpu,
    Gpu,
    MemoryKit,
    Motherboard,
    PartKind,
    Psu,
    Storage,
)
from planner.io import paths
from planner.io.catalog_files import load_catalog, read_part_file
from planner.io.tomlfile import read_toml

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"

MINIMUM = {
    PartKind.GPU: 40,
    PartKind.CPU: 25,
    PartKind.MOTHERBOARD: 20,
    PartKind.MEMORY: 15,
    PartKind.PSU: 15,
    PartKind.CASE: 12,
    PartKind.COOLER: 10,
    PartKind.STORAGE: 10,
}

REQUIRED_GPUS = [
    "gtx-1080-ti",
    "rtx-3060-12gb",
    "rtx-3080-10gb",
    "rtx-3090",
    "rtx-4060-ti-16gb",
    "rtx-4070-ti-super",
    "rtx-4080-super",
    "rtx-4090",
    "rtx-5080",
    "rtx-5090",
    "rtx-a4000",
    "rtx-a5000",
    "rtx-a6000",
    "rtx-6000-ada",
    "rtx-pro-6000-blackwell-workstation",
    "tesla-v100-pcie-32gb",
    "a100-40gb-pcie",
    "a100-80gb-pcie",
    "a40",
    "l4",
    "l40s",
    "h100-pcie-80gb",
    "h100-nvl",
    "h200-nvl",
    "radeon-rx-7900-xtx",
    "radeon-pro-w7900",
    "instinct-mi210",
]


def test_every_file_entry_is_a_valid_part_with_a_source() -> None:
    """Walks each table of each file: every entry parses, none is dropped."""
    seen: Counter[str] = Counter()
    part_files = sorted(CATALOG_DIR / f"{kind.value}.toml" for kind in PartKind)
    assert sorted(CATALOG_DIR.glob("*.toml")) == sorted(
        [
            *part_files,
            CATALOG_DIR / "workloads.toml",
            CATALOG_DIR / "cloud_prices.toml",
            CATALOG_DIR / "used_prices.toml",
            CATALOG_DIR / "retired.toml",
        ]
    )
    for path in part_files:
        document, _text = read_toml(path)
        parts, problems = read_part_file(path)
        assert problems == [], [str(problem) for problem in problems]
        assert len(parts) == sum(len(entries) for entries in document.values())
        for part, origin in parts:
            seen[part.id] += 1
            assert origin.file == str(path)
            assert origin.line is not None
            assert part.name.strip() and part.vendor.strip()
            assert part.source, part.id
            assert (part.price_usd is None) == (part.price_date is None), part.id
            assert path.stem == part.kind.value, f"{part.id} is in {path.name}"
    duplicates = [part_id for part_id, count in seen.items() if count > 1]
    assert duplicates == []


def test_the_catalog_covers_what_the_planner_promises(catalog: Catalog) -> None:
    counts = Counter(part.kind for part in catalog)
    for kind, minimum in MINIMUM.items():
        assert counts[kind] >= minimum, f"{kind.value}: {counts[kind]} < {minimum}"
    missing = [part_id for part_id in REQUIRED_GPUS if part_id not in catalog]
    assert missing == []


def test_every_socket_has_cpus_boards_and_coolers(catalog: Catalog) -> None:
    for socket in SOCKETS:
        assert any(isinstance(p, Cpu) and p.socket == socket for p in catalog), socket
        assert any(isinstance(p, Motherboard) and p.socket == socket for p in catalog), socket
        assert any(isinstance(p, Cooler) and socket in p.sockets for p in catalog), socket


def test_every_board_has_memory_and_a_case_in_the_catalog(catalog: Catalog) -> None:
    kits = [p for p in catalog if isinstance(p, MemoryKit)]
    cases = [p for p in catalog if isinstance(p, Case)]
    for board in (p for p in catalog if isinstance(p, Motherboard)):
        assert any(
            kit.memory_type == board.memory_type and kit.module_type == board.memory_module
            for kit in kits
        ), board.id
        assert any(case.takes_board(board.form_factor) for case in cases), board.id


def test_a_case_holds_four_gpus(catalog: Catalog) -> None:
    assert any(isinstance(p, Case) and p.expansion_slots >= 8 for p in catalog)


def test_gpu_values_are_consistent(catalog: Catalog) -> None:
    for gpu in (p for p in catalog if isinstance(p, Gpu)):
        if gpu.power_connectors is not None:  # SXM modules are fed by their baseboard
            cable = gpu.power_connectors.cable_power_w
            # NVIDIA rates the RTX A5000/A5500 at 230 W on one 8-pin (225 W nominal): allow 5%.
            assert gpu.board_power_w <= 1.05 * (cable + 75), f"{gpu.id}: connectors can't feed it"
        if gpu.fp16_tensor_tflops is not None:
            assert gpu.fp16_tensor_tflops >= 1.5 * gpu.fp32_tflops or gpu.architecture in (
                "cdna2",
                "ada",
                "blackwell",
                "ampere",
                "rdna3",
            ), gpu.id
            if gpu.tf32_tensor_tflops is not None:
                assert gpu.tf32_tensor_tflops <= gpu.fp16_tensor_tflops * 0.51, gpu.id
            if gpu.fp8_tensor_tflops is not None:
                assert gpu.fp8_tensor_tflops == pytest.approx(2 * gpu.fp16_tensor_tflops, rel=0.1)
        else:
            assert gpu.architecture == "pascal", f"{gpu.id} lacks a tensor rate"
        if gpu.architecture in ("ada", "blackwell") and gpu.vendor == "NVIDIA":
            assert gpu.fp8_tensor_tflops is not None, gpu.id


def test_cpu_board_and_part_values_are_consistent(catalog: Catalog) -> None:
    for part in catalog:
        if isinstance(part, Cpu):
            assert part.boost_clock_ghz >= part.base_clock_ghz, part.id
        if isinstance(part, Motherboard):
            assert any(slot.mechanical == 16 for slot in part.pcie_slots), part.id
        if isinstance(part, Storage) and part.interface == "nvme":
            assert part.is_m2, part.id
        if isinstance(part, Psu):
            assert part.connectors.eps_8pin >= 1, part.id
        if isinstance(part, Cooler) and part.cooler_type == "air":
            assert part.height_mm is not None


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


CUSTOM_GPU = """\
[[gpu]]
id = "my-4090-oc"
name = "My RTX 4090 OC"
vendor = "Some AIB"
price_usd = 1799
price_date = 2024-06-01
source = ["the box"]
architecture = "ada"
release_year = 2022
vram_gb = 24
memory_type = "GDDR6X"
memory_bandwidth_gbs = 1008
fp32_tflops = 82.6
fp16_tensor_tflops = 165.2
bf16 = true
l2_cache_mb = 72
board_power_w = 450
pcie_gen = 4
pcie_lanes = 16
power_connectors = { 12vhpwr = 1 }
slot_width = 3.5
length_mm = 358
cooler_type = "open-air"
pcie_p2p = false
"""


def test_user_parts_extend_and_override_the_builtin_catalog() -> None:
    user_dir = paths.user_catalog_dir()
    _write(user_dir, "mine.toml", CUSTOM_GPU)
    override = CUSTOM_GPU.replace('"my-4090-oc"', '"rtx-4090"').replace("1799", "1499")
    _write(user_dir, "override.toml", override)
    loaded = load_catalog()
    assert loaded.problems == ()
    custom = loaded.catalog.get("my-4090-oc")
    assert isinstance(custom, Gpu) and custom.length_mm == 358
    assert loaded.catalog.origins["my-4090-oc"].user
    replaced = loaded.catalog.get("rtx-4090")
    assert replaced is not None and replaced.price_usd == 1499


def test_bad_user_entries_are_reported_with_file_line_and_field() -> None:
    user_dir = paths.user_catalog_dir()
    bad = CUSTOM_GPU.replace("vram_gb = 24", "vram_gb = -24")
    path = _write(user_dir, "bad.toml", bad + "\n" + CUSTOM_GPU.replace("my-4090-oc", "my-other"))
    loaded = load_catalog()
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert problem.location.file == str(path)
    assert problem.location.line == 10
    assert problem.location.field == "vram_gb"
    assert "gpu 'my-4090-oc'" in problem.location.record
    assert f"{path}:10: gpu 'my-4090-oc': field 'vram_gb': must be at least 1" in str(problem)
    # The good entry of the same file and the whole built-in catalog still load.
    assert "my-other" in loaded.catalog
    assert "rtx-4090" in loaded.catalog


def test_broken_user_files_never_stop_the_builtin_catalog() -> None:
    user_dir = paths.user_catalog_dir()
    _write(user_dir, "a-syntax.toml", '[[gpu]]\nid = "x\n')
    _write(user_dir, "b-kind.toml", '[[gpus]]\nid = "x"\n')
    _write(user_dir, "c-shape.toml", 'gpu = "not a table"\n')
    (user_dir / "d-binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    _write(user_dir, "e-dupe.toml", CUSTOM_GPU + "\n" + CUSTOM_GPU)
    loaded = load_catalog()
    messages = [str(problem) for problem in loaded.problems]
    assert len(messages) == 5, messages
    assert "a-syntax.toml:2: is not valid TOML" in messages[0]
    assert "unknown part kind 'gpus'" in messages[1]
    assert "array of tables" in messages[2]
    assert "not UTF-8" in messages[3]
    assert "already used" in messages[4] and "e-dupe.toml:1" in messages[4]
    assert len(loaded.catalog.of_kind(PartKind.GPU)) >= 40
    assert "my-4090-oc" in loaded.catalog
