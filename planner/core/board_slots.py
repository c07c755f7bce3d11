"""A motherboard's expansion slots, M.2 sockets and the lane sharing between them."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.part_base import BIFURCATION_MODES, SLOT_WIDTHS
from planner.core.records import spec


@dataclass(frozen=True, kw_only=True)
class PcieSlot:
    name: str = spec()
    position: int = spec(low=1, high=20)
    mechanical: int = spec(choices=SLOT_WIDTHS)
    electrical: int = spec(choices=SLOT_WIDTHS)
    gen: int = spec(low=1, high=6)
    lanes_from: str = spec(choices=("cpu", "chipset"))
    # The splits its BIOS offers for a bifurcation adapter; None: not published.
    bifurcation: tuple[str, ...] | None = spec(default=None, choices=BIFURCATION_MODES)


@dataclass(frozen=True, kw_only=True)
class M2Slot:
    name: str = spec()
    gen: int = spec(low=3, high=6)
    lanes: int = spec(choices=(1, 2, 4))
    lanes_from: str = spec(choices=("cpu", "chipset"))
    sata: bool = spec(default=False)


@dataclass(frozen=True, kw_only=True)
class LaneSharing:
    """When any of `if_used` is populated, `slot` runs at `width` lanes (0 = off)."""

    if_used: tuple[str, ...] = spec()
    slot: str = spec()
    width: int = spec(choices=(0, *SLOT_WIDTHS))
