"""The few specs of a part a builder looks at first, as one short line."""

from __future__ import annotations

from planner.core.citations import citation, field_words
from planner.core.parts import (
    Case,
    Cooler,
    Cpu,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    Psu,
    Riser,
    Storage,
)


def key_specs(part: Part) -> str:
    """The few specs a builder looks at first, as one short line."""
    if isinstance(part, Gpu):
        memory = f"{part.vram_gb:g} GB {part.memory_type}, {part.memory_bandwidth_gbs:g} GB/s"
        if part.slot_width is None or part.length_mm is None:
            return f"{memory}, {part.board_power_w} W, SXM module (HGX/DGX baseboard)"
        return f"{memory}, {part.board_power_w} W, {part.slot_width:g}-slot, {part.length_mm} mm"
    if isinstance(part, Cpu):
        return (
            f"{part.socket}, {part.cores}C/{part.threads}T, {part.tdp_w} W, "
            f"{part.pcie_lanes} PCIe {part.pcie_gen}.0 lanes"
        )
    if isinstance(part, Motherboard):
        x16 = sum(1 for slot in part.pcie_slots if slot.mechanical == 16)
        return (
            f"{part.socket} {part.chipset}, {part.form_factor}, {part.memory_type} "
            f"{part.memory_module} ×{part.dimm_slots}, {x16} x16 slots, {len(part.m2_slots)} M.2"
        )
    if isinstance(part, MemoryKit):
        ecc = " ECC" if part.ecc else ""
        return (
            f"{part.modules} × {part.module_gb} GB {part.memory_type}-{part.speed_mts} "
            f"{part.module_type}{ecc}"
        )
    if isinstance(part, Psu):
        c = part.connectors
        mains = f", {part.min_input_v}-240 V only" if part.min_input_v > 120 else ""
        return (
            f"{part.wattage_w} W, 80+ {part.efficiency}, ATX {part.atx_version}, "
            f"{c.pcie_8pin}×8-pin, {c.hpwr_12v}×12V-2x6{mains}"
        )
    if isinstance(part, Case):
        return (
            f"{part.case_type}, GPU ≤ {part.max_gpu_length_mm} mm, cooler ≤ "
            f"{part.max_cooler_height_mm} mm, {part.expansion_slots} slots"
        )
    if isinstance(part, Cooler):
        size = f"{part.height_mm} mm" if part.height_mm else f"{part.radiator_mm} mm radiator"
        rating = f", {part.tdp_rating_w} W" if part.tdp_rating_w else ""
        return f"{part.cooler_type}, {size}{rating}"
    if isinstance(part, Storage):
        gen = f" Gen{part.pcie_gen}" if part.pcie_gen else ""
        return (
            f"{part.capacity_gb / 1000:g} TB {part.interface.upper()}{gen}, "
            f"{part.seq_read_mbs} MB/s read"
        )
    if isinstance(part, Riser):
        links = " + ".join(f"x{width}" for width in part.outputs)
        size = f"{part.length_mm} mm" if part.length_mm else "adapter card"
        return f"PCIe {part.pcie_gen}.0, {links}, {size}"
    return ""


def part_card(part: Part) -> tuple[str, ...]:
    """What a builder reads about a part before choosing it: its name, maker and id, key
    specs, which values are estimated, the catalog's notes on it and where the values
    come from (the first source, and how many more there are)."""
    lines = [part.display_name, f"{part.vendor} · id {part.id}"]
    specs = key_specs(part)
    if specs:
        lines.append(specs)
    if part.unverified:
        lines.append(f"Estimated: {field_words(part.unverified)}.")
    if part.notes.strip():
        lines.append(" ".join(part.notes.split()))
    if part.source:
        more = len(part.source) - 1
        lines.append(
            f"Source: {citation(part.source[0])}" + (f" (and {more} more)" if more else "")
        )
    return tuple(lines)
