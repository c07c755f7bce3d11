"""Part records: one frozen dataclass per kind, with the rules their values follow."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.board_slots import LaneSharing, M2Slot, PcieSlot
from planner.core.errors import Location, RecordError
from planner.core.part_base import (
    AMD_ARCHITECTURES,
    ARCHITECTURES,
    ATX_FAMILY,
    BIFURCATION_MODES,
    BOARD_FORM_FACTORS,
    GPU_COOLERS,
    GPU_FORM_FACTORS,
    GPU_MEMORY_TYPES,
    ID_PATTERN,
    MEMORY_TYPES,
    MODULE_TYPES,
    PSU_FORM_FACTORS,
    SLOT_WIDTHS,
    SOCKETS,
    Part,
    PartKind,
)
from planner.core.records import spec

__all__ = [
    "ARCHITECTURES",
    "ATX_FAMILY",
    "BIFURCATION_MODES",
    "BOARD_FORM_FACTORS",
    "GPU_COOLERS",
    "GPU_FORM_FACTORS",
    "GPU_MEMORY_TYPES",
    "ID_PATTERN",
    "MEMORY_TYPES",
    "MODULE_TYPES",
    "PART_CLASSES",
    "PSU_FORM_FACTORS",
    "SLOT_WIDTHS",
    "SOCKETS",
    "Case",
    "Cooler",
    "Cpu",
    "Gpu",
    "GpuPowerConnectors",
    "LaneSharing",
    "M2Slot",
    "MemoryKit",
    "Motherboard",
    "Part",
    "PartKind",
    "PcieSlot",
    "Psu",
    "PsuConnectors",
    "Riser",
    "Storage",
]


@dataclass(frozen=True, kw_only=True)
class GpuPowerConnectors:
    pcie_6pin: int = spec(default=0, low=0, high=4)
    pcie_8pin: int = spec(default=0, low=0, high=4)
    eps_8pin: int = spec(default=0, low=0, high=2)
    hpwr_12v: int = spec(default=0, low=0, high=2, key="12vhpwr")

    @property
    def cable_power_w(self) -> int:
        """What the card's connectors can deliver by specification, slot excluded."""
        return (
            75 * self.pcie_6pin + 150 * self.pcie_8pin + 300 * self.eps_8pin + 600 * self.hpwr_12v
        )


@dataclass(frozen=True, kw_only=True)
class Gpu(Part):
    KIND = PartKind.GPU

    architecture: str = spec(choices=ARCHITECTURES)
    release_year: int = spec(low=2010, high=2035)
    vram_gb: float = spec(low=1, high=1024)
    memory_type: str = spec(choices=GPU_MEMORY_TYPES)
    memory_bandwidth_gbs: float = spec(low=50, high=20_000)
    fp32_tflops: float = spec(low=0.5, high=1_000)
    fp16_tensor_tflops: float | None = spec(default=None, low=1, high=20_000)
    tf32_tensor_tflops: float | None = spec(default=None, low=1, high=10_000)
    fp8_tensor_tflops: float | None = spec(default=None, low=1, high=40_000)
    bf16: bool = spec()
    l2_cache_mb: float = spec(low=0.25, high=1_024)
    llc_mb: float | None = spec(default=None, low=1, high=1_024)
    board_power_w: int = spec(low=10, high=2_000)
    pcie_gen: int = spec(low=3, high=6)
    pcie_lanes: int = spec(choices=SLOT_WIDTHS)
    # "sxm": a mezzanine module for an HGX/DGX baseboard, with no slot, bracket or plugs.
    form_factor: str = spec(default="pcie", choices=GPU_FORM_FACTORS)
    # Required for PCIe cards (validate); an SXM module has none of the three.
    power_connectors: GpuPowerConnectors | None = spec(default=None)
    slot_width: float | None = spec(default=None, low=1, high=5)
    length_mm: int | None = spec(default=None, low=100, high=450)
    height_mm: int | None = spec(default=None, low=50, high=200)
    cooler_type: str = spec(choices=GPU_COOLERS)
    nvlink_gbs: float | None = spec(default=None, low=1, high=2_000)
    pcie_p2p: bool = spec()
    # Sold only as cloud instances (AWS's A10G): no purchase price; its price is its hourly
    # rate in cloud_prices.toml (planner/core/rent.py).
    cloud_only: bool = spec(default=False, quiet_default=True)

    @property
    def has_tensor_cores(self) -> bool:
        return self.fp16_tensor_tflops is not None

    @property
    def chip_maker(self) -> str:
        """Whose chip it is (NVIDIA or AMD), and so which software stack it runs."""
        return "AMD" if self.architecture in AMD_ARCHITECTURES else "NVIDIA"

    @property
    def is_sxm(self) -> bool:
        """An SXM module: it needs an HGX/DGX baseboard, not a PCIe slot."""
        return self.form_factor == "sxm"

    def validate(self) -> None:
        super().validate()
        if self.cloud_only and self.price_usd is not None:
            raise RecordError(
                "cannot be given for a card sold only as cloud instances (cloud_only)",
                Location(field="price_usd"),
            )
        if self.is_sxm:
            return
        for name in ("power_connectors", "slot_width", "length_mm"):
            if getattr(self, name) is None:
                raise RecordError(
                    "is required but missing (only an SXM module may leave it out)",
                    Location(field=name),
                )


@dataclass(frozen=True, kw_only=True)
class Cpu(Part):
    KIND = PartKind.CPU

    socket: str = spec(choices=SOCKETS)
    release_year: int = spec(low=2010, high=2035)
    cores: int = spec(low=1, high=512)
    threads: int = spec(low=1, high=1024)
    base_clock_ghz: float = spec(low=0.5, high=7)
    boost_clock_ghz: float = spec(low=0.5, high=7)
    tdp_w: int = spec(low=5, high=1_000)
    max_power_w: int = spec(low=5, high=1_500)
    pcie_lanes: int = spec(low=0, high=256)
    pcie_gen: int = spec(low=3, high=6)
    memory_type: tuple[str, ...] = spec(choices=MEMORY_TYPES)
    memory_channels: int = spec(low=1, high=16)
    max_memory_gb: int = spec(low=8, high=8_192)
    ecc: bool = spec()
    integrated_graphics: bool = spec()
    boxed_cooler: bool = spec(default=False)
    # Chipsets that take this CPU where the socket alone does not decide it
    # (sTR5: Threadripper 7000 runs on TRX50 only, the PRO 7000WX on TRX50 and WRX90).
    chipsets: tuple[str, ...] = spec(default=())

    def validate(self) -> None:
        super().validate()
        if self.threads < self.cores:
            raise RecordError(
                f"threads ({self.threads}) cannot be fewer than cores ({self.cores})",
                Location(field="threads"),
            )
        if self.max_power_w < self.tdp_w:
            raise RecordError(
                f"max_power_w ({self.max_power_w}) cannot be below tdp_w ({self.tdp_w})",
                Location(field="max_power_w"),
            )


@dataclass(frozen=True, kw_only=True)
class Motherboard(Part):
    KIND = PartKind.MOTHERBOARD

    socket: str = spec(choices=SOCKETS)
    chipset: str = spec()
    form_factor: str = spec(choices=BOARD_FORM_FACTORS)
    width_mm: int | None = spec(default=None, low=100, high=400)
    depth_mm: int | None = spec(default=None, low=100, high=400)
    memory_type: str = spec(choices=MEMORY_TYPES)
    memory_module: str = spec(choices=MODULE_TYPES)
    ecc: bool = spec()
    dimm_slots: int = spec(low=1, high=32)
    max_memory_gb: int = spec(low=8, high=8_192)
    sata_ports: int = spec(low=0, high=24)
    pcie_slots: tuple[PcieSlot, ...] = spec()
    m2_slots: tuple[M2Slot, ...] = spec(default=())
    lane_sharing: tuple[LaneSharing, ...] = spec(default=())

    def validate(self) -> None:
        super().validate()
        names: set[str] = set()
        for index, slot in enumerate(self.pcie_slots):
            where = f"pcie_slots[{index}]"
            if slot.name in names:
                raise RecordError(f"slot name '{slot.name}' repeats", Location(field=where))
            names.add(slot.name)
            if slot.electrical > slot.mechanical:
                raise RecordError(
                    f"electrical width x{slot.electrical} exceeds mechanical x{slot.mechanical}",
                    Location(field=f"{where}.electrical"),
                )
        positions = [slot.position for slot in self.pcie_slots]
        if positions != sorted(set(positions)):
            raise RecordError(
                "slot positions must increase from top to bottom without repeats",
                Location(field="pcie_slots"),
            )
        for index, m2 in enumerate(self.m2_slots):
            if m2.name in names:
                raise RecordError(
                    f"name '{m2.name}' repeats", Location(field=f"m2_slots[{index}].name")
                )
            names.add(m2.name)
        for index, rule in enumerate(self.lane_sharing):
            where = f"lane_sharing[{index}]"
            for used in (*rule.if_used, rule.slot):
                if used not in names:
                    raise RecordError(
                        f"names '{used}', which is not a slot or M.2 socket of this board",
                        Location(field=where),
                    )

    def slot(self, name: str) -> PcieSlot | None:
        return next((slot for slot in self.pcie_slots if slot.name == name), None)


@dataclass(frozen=True, kw_only=True)
class MemoryKit(Part):
    KIND = PartKind.MEMORY

    memory_type: str = spec(choices=MEMORY_TYPES)
    module_type: str = spec(choices=MODULE_TYPES)
    ecc: bool = spec()
    modules: int = spec(low=1, high=16)
    module_gb: int = spec(low=1, high=512)
    speed_mts: int = spec(low=1_600, high=12_000)
    cas_latency: int | None = spec(default=None, low=5, high=80)
    voltage_v: float | None = spec(default=None, low=1.0, high=1.6)

    @property
    def capacity_gb(self) -> int:
        return self.modules * self.module_gb


@dataclass(frozen=True, kw_only=True)
class PsuConnectors:
    pcie_8pin: int = spec(default=0, low=0, high=16)
    hpwr_12v: int = spec(default=0, low=0, high=8, key="12vhpwr")
    eps_8pin: int = spec(default=0, low=0, high=6)
    sata: int = spec(default=0, low=0, high=32)


@dataclass(frozen=True, kw_only=True)
class Psu(Part):
    KIND = PartKind.PSU

    wattage_w: int = spec(low=200, high=4_000)
    wattage_115v_w: int | None = spec(default=None, low=200, high=4_000)
    min_input_v: int = spec(default=100, low=90, high=240)  # lowest AC input it is rated for
    form_factor: str = spec(choices=PSU_FORM_FACTORS)
    atx_version: str = spec(choices=("2.x", "3.0", "3.1"))
    efficiency: str = spec(choices=("White", "Bronze", "Silver", "Gold", "Platinum", "Titanium"))
    length_mm: int = spec(low=80, high=300)
    modular: str = spec(choices=("full", "semi", "none"))
    connectors: PsuConnectors = spec()


DESKTOP_CASE_TYPES = ("mini-itx", "micro-atx", "mid-tower", "full-tower")
CASE_TYPES = (*DESKTOP_CASE_TYPES, "open-frame", "rackmount")


@dataclass(frozen=True, kw_only=True)
class Case(Part):
    KIND = PartKind.CASE

    case_type: str = spec(choices=CASE_TYPES)
    form_factors: tuple[str, ...] = spec(choices=BOARD_FORM_FACTORS)
    max_gpu_length_mm: int = spec(low=100, high=800)
    max_cooler_height_mm: int = spec(low=30, high=300)
    expansion_slots: int = spec(low=1, high=20)
    psu_form_factors: tuple[str, ...] = spec(choices=PSU_FORM_FACTORS)
    max_psu_length_mm: int | None = spec(default=None, low=80, high=400)
    bays_35: int = spec(default=0, low=0, high=30)
    bays_25: int = spec(default=0, low=0, high=30)
    fans_included: int = spec(default=0, low=0, high=20)
    fan_mounts: int = spec(default=0, low=0, high=30)
    max_radiator_mm: int = spec(default=0, low=0, high=480)

    @property
    def is_desktop(self) -> bool:
        """A closed desktop case (not an open frame or a rackmount chassis)."""
        return self.case_type in DESKTOP_CASE_TYPES

    def takes_board(self, form_factor: str) -> bool:
        if form_factor in self.form_factors:
            return True
        if form_factor not in ATX_FAMILY:
            return False
        largest = max(
            (ATX_FAMILY.index(item) for item in self.form_factors if item in ATX_FAMILY),
            default=-1,
        )
        return ATX_FAMILY.index(form_factor) <= largest


@dataclass(frozen=True, kw_only=True)
class Cooler(Part):
    KIND = PartKind.COOLER

    cooler_type: str = spec(choices=("air", "aio"))
    sockets: tuple[str, ...] = spec(choices=SOCKETS)
    height_mm: int | None = spec(default=None, low=20, high=250)
    radiator_mm: int | None = spec(default=None, choices=(120, 140, 240, 280, 360, 420))
    tdp_rating_w: int | None = spec(default=None, low=30, high=1_000)
    fans: int = spec(default=1, low=0, high=6)

    def validate(self) -> None:
        super().validate()
        if self.cooler_type == "air" and self.height_mm is None:
            raise RecordError("an air cooler needs its height_mm", Location(field="height_mm"))
        if self.cooler_type == "aio" and self.radiator_mm is None:
            raise RecordError("an AIO cooler needs its radiator_mm", Location(field="radiator_mm"))


@dataclass(frozen=True, kw_only=True)
class Storage(Part):
    KIND = PartKind.STORAGE

    interface: str = spec(choices=("nvme", "sata"))
    form_factor: str = spec(choices=("M.2 2230", "M.2 2280", "M.2 22110", "2.5in", "3.5in"))
    pcie_gen: int | None = spec(default=None, low=3, high=6)
    pcie_lanes: int | None = spec(default=None, choices=(1, 2, 4))
    capacity_gb: int = spec(low=16, high=200_000)
    seq_read_mbs: int = spec(low=50, high=20_000)
    seq_write_mbs: int = spec(low=50, high=20_000)
    power_w: float | None = spec(default=None, low=0.1, high=30)
    tbw: int | None = spec(default=None, low=1, high=100_000)
    rpm: int | None = spec(default=None, low=3_600, high=20_000)

    def validate(self) -> None:
        super().validate()
        if self.interface == "nvme" and self.pcie_gen is None:
            raise RecordError("an NVMe drive needs its pcie_gen", Location(field="pcie_gen"))

    @property
    def is_m2(self) -> bool:
        return self.form_factor.startswith("M.2")


@dataclass(frozen=True, kw_only=True)
class Riser(Part):
    """A PCIe riser cable, or a bifurcation adapter that splits one slot into several links."""

    KIND = PartKind.RISER

    pcie_gen: int = spec(low=1, high=6)  # the generation it is rated for
    length_mm: int = spec(low=0, high=2_000)  # of the cable; 0 for a rigid adapter card
    outputs: tuple[int, ...] = spec(choices=SLOT_WIDTHS)  # [16]; [8, 8]; [4, 4, 4, 4]; [1]

    def validate(self) -> None:
        super().validate()
        if not self.outputs or sum(self.outputs) > 16:
            raise RecordError(
                "must list one to four links of at most 16 lanes in all", Location(field="outputs")
            )
        if len(self.outputs) > 1 and self.bifurcation_mode is None:
            modes = ", ".join(BIFURCATION_MODES)
            raise RecordError(
                f"a split must be one a BIOS offers ({modes})", Location(field="outputs")
            )

    @property
    def bifurcation_mode(self) -> str | None:
        """The BIOS split it needs ("8x8"), or None for a plain riser."""
        if len(self.outputs) < 2:
            return None
        mode = "x".join(str(width) for width in self.outputs)
        return mode if mode in BIFURCATION_MODES else None


PART_CLASSES: dict[PartKind, type[Part]] = {
    cls.KIND: cls for cls in (Gpu, Cpu, Motherboard, MemoryKit, Psu, Case, Cooler, Storage, Riser)
}
