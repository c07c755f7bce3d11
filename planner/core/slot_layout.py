"""Where the GPUs and NVMe drives of a build sit on the board, and at what link.

`planner.core.pcie` computes a `SlotLayout`; the checks, the report and the window read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Usable bandwidth per lane and direction, GB/s (PCI-SIG rates after encoding; DOMAIN.md).
GBS_PER_LANE = {1: 0.25, 2: 0.5, 3: 0.985, 4: 1.969, 5: 3.938, 6: 7.563}
# Expansion-slot openings of a case when no case is chosen yet (ATX and larger).
DEFAULT_CASE_SLOTS = 7


def link_bandwidth_gbs(gen: int, width: int) -> float:
    return GBS_PER_LANE.get(gen, 0.0) * width


@dataclass(frozen=True)
class GpuPlacement:
    """One GPU in one slot: the slot, the openings the card covers, and its link."""

    gpu_index: int
    part_id: str
    slot: str
    position: int
    last_position: int
    link_gen: int
    link_width: int
    lanes_from: str
    # The riser or bifurcation adapter the card stands on; None: seated in the slot.
    riser: str | None = None

    @property
    def bandwidth_gbs(self) -> float:
        return link_bandwidth_gbs(self.link_gen, self.link_width)

    def to_json(self) -> dict[str, object]:
        return {
            "gpu": self.gpu_index,
            "part": self.part_id,
            "slot": self.slot,
            "position": self.position,
            "covers": [self.position, self.last_position],
            "link": f"PCIe {self.link_gen}.0 x{self.link_width}",
            "link_gen": self.link_gen,
            "link_width": self.link_width,
            "lanes_from": self.lanes_from,
            "bandwidth_gbs": round(self.bandwidth_gbs, 2),
            "riser": self.riser,
        }


@dataclass(frozen=True)
class DrivePlacement:
    part_id: str
    socket: str
    link_gen: int
    link_width: int
    lanes_from: str

    def to_json(self) -> dict[str, object]:
        return {
            "part": self.part_id,
            "socket": self.socket,
            "link": f"PCIe {self.link_gen}.0 x{self.link_width}",
            "lanes_from": self.lanes_from,
        }


class Unplaced:
    """Why GPUs could not all be placed."""

    NONE = ""
    TOO_FEW_SLOTS = "too_few_slots"
    CPU_LANES = "cpu_lanes"
    SPACING = "spacing"
    CASE_SLOTS = "case_slots"


@dataclass(frozen=True)
class SlotLayout:
    board_id: str
    gpus: tuple[GpuPlacement, ...]
    unplaced_gpus: tuple[str, ...] = ()
    unplaced_reason: str = Unplaced.NONE
    drives: tuple[DrivePlacement, ...] = ()
    unplaced_drives: tuple[str, ...] = ()
    slot_widths: dict[str, int] = field(default_factory=dict)
    cpu_lanes_used: int = 0
    cpu_lanes_available: int = 0
    cpu_limited_slots: tuple[str, ...] = ()
    case_slots: int = DEFAULT_CASE_SLOTS
    # SXM modules of the build: they need an HGX/DGX baseboard and take no slot here.
    sxm_gpus: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "board": self.board_id,
            "gpus": [placement.to_json() for placement in self.gpus],
            "unplaced_gpus": list(self.unplaced_gpus),
            "unplaced_reason": self.unplaced_reason,
            "drives": [placement.to_json() for placement in self.drives],
            "unplaced_drives": list(self.unplaced_drives),
            "slot_widths": dict(self.slot_widths),
            "cpu_lanes_used": self.cpu_lanes_used,
            "cpu_lanes_available": self.cpu_lanes_available,
            "cpu_limited_slots": list(self.cpu_limited_slots),
            "case_slots": self.case_slots,
            "sxm_gpus": list(self.sxm_gpus),
        }
