"""Which columns the part picker shows for each kind, and how they read a part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from planner.core.citations import price_label
from planner.core.parts import (
    Case,
    Cooler,
    Cpu,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    PartKind,
    Psu,
    Riser,
    Storage,
)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]  # for sorting; numbers sort as numbers
    text: Callable[[Any], str] | None = None  # for display, when not str(value)
    tooltip: str = ""

    def display(self, part: Part) -> str:
        value = self.value(part)
        if self.text is not None:
            return self.text(part)
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:,.1f}".rstrip("0").rstrip(".")
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)


NAME = Column("Part", lambda p: p.display_name)
PRICE = Column(
    "Price", lambda p: p.price_usd, price_label, "Reference price (see the part's price date)"
)

GPU_COLUMNS = (
    NAME,
    Column("VRAM GB", lambda g: g.vram_gb),
    Column("GB/s", lambda g: g.memory_bandwidth_gbs, tooltip="Memory bandwidth"),
    Column(
        "FP16 TFLOPS",
        lambda g: g.fp16_tensor_tflops,
        tooltip="Dense FP16/BF16 tensor rate with FP32 accumulate",
    ),
    Column("Power W", lambda g: g.board_power_w),
    Column("Slots", lambda g: g.slot_width),
    Column("Length mm", lambda g: g.length_mm),
    Column("Cooler", lambda g: g.cooler_type),
    PRICE,
)

COLUMNS: dict[PartKind, tuple[Column, ...]] = {
    PartKind.GPU: GPU_COLUMNS,
    PartKind.CPU: (
        NAME,
        Column("Socket", lambda c: c.socket),
        Column("Cores", lambda c: c.cores),
        Column("TDP W", lambda c: c.tdp_w),
        Column("PCIe lanes", lambda c: c.pcie_lanes),
        Column("Memory", lambda c: "/".join(c.memory_type)),
        PRICE,
    ),
    PartKind.MOTHERBOARD: (
        NAME,
        Column("Socket", lambda b: b.socket),
        Column("Chipset", lambda b: b.chipset),
        Column("Form factor", lambda b: b.form_factor),
        Column("Memory", lambda b: f"{b.memory_type} {b.memory_module} ×{b.dimm_slots}"),
        Column("x16 slots", lambda b: sum(1 for s in b.pcie_slots if s.mechanical == 16)),
        Column("M.2", lambda b: len(b.m2_slots)),
        PRICE,
    ),
    PartKind.MEMORY: (
        NAME,
        Column("Type", lambda m: f"{m.memory_type} {m.module_type}{' ECC' if m.ecc else ''}"),
        Column("Capacity GB", lambda m: m.capacity_gb),
        Column("Modules", lambda m: f"{m.modules} × {m.module_gb} GB"),
        Column("MT/s", lambda m: m.speed_mts),
        PRICE,
    ),
    PartKind.PSU: (
        NAME,
        Column("Watts", lambda p: p.wattage_w),
        Column("80 PLUS", lambda p: p.efficiency),
        Column("ATX", lambda p: p.atx_version),
        Column("8-pin", lambda p: p.connectors.pcie_8pin),
        Column("12V-2x6", lambda p: p.connectors.hpwr_12v),
        Column("Form", lambda p: p.form_factor),
        PRICE,
    ),
    PartKind.CASE: (
        NAME,
        Column("Type", lambda c: c.case_type),
        Column("GPU ≤ mm", lambda c: c.max_gpu_length_mm),
        Column("Cooler ≤ mm", lambda c: c.max_cooler_height_mm),
        Column("Slots", lambda c: c.expansion_slots),
        Column("Boards", lambda c: ", ".join(c.form_factors)),
        PRICE,
    ),
    PartKind.COOLER: (
        NAME,
        Column("Type", lambda c: c.cooler_type),
        Column("Sockets", lambda c: ", ".join(c.sockets)),
        Column(
            "Size",
            lambda c: c.height_mm or c.radiator_mm,
            lambda c: f"{c.height_mm} mm tall" if c.height_mm else f"{c.radiator_mm} mm radiator",
        ),
        Column("Rated W", lambda c: c.tdp_rating_w),
        PRICE,
    ),
    PartKind.STORAGE: (
        NAME,
        Column("Interface", lambda s: f"{s.interface.upper()} {s.form_factor}"),
        Column("Capacity TB", lambda s: s.capacity_gb / 1000),
        Column("Read MB/s", lambda s: s.seq_read_mbs),
        PRICE,
    ),
    PartKind.RISER: (
        NAME,
        Column("PCIe", lambda r: r.pcie_gen, lambda r: f"Gen{r.pcie_gen}"),
        Column("Length mm", lambda r: r.length_mm),
        Column("Links", lambda r: " + ".join(f"x{width}" for width in r.outputs)),
        PRICE,
    ),
}

KIND_TYPES = {
    PartKind.GPU: Gpu,
    PartKind.CPU: Cpu,
    PartKind.MOTHERBOARD: Motherboard,
    PartKind.MEMORY: MemoryKit,
    PartKind.PSU: Psu,
    PartKind.CASE: Case,
    PartKind.COOLER: Cooler,
    PartKind.STORAGE: Storage,
    PartKind.RISER: Riser,
}
