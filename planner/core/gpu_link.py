"""The GPUs of a build that take part in a workload, and the link between them."""

from __future__ import annotations

from planner.core.assembly import Assembly
from planner.core.pcie import SlotLayout, link_bandwidth_gbs
from planner.core.performance import Link


def build_link(assembly: Assembly, layout: SlotLayout | None) -> Link | None:
    """The link gradients cross in this build: an NVLink bridge on a pair of cards that
    have one, else the slowest PCIe link of the placed GPUs, with or without peer-to-peer."""
    gpus = assembly.gpus
    if not gpus:
        return None
    gpu, item = gpus[0]
    count = placed_gpu_count(assembly, layout)
    if count < 2:
        return None
    if item.choice.nvlink_bridge and count == 2 and gpu.nvlink_gbs:
        return Link("NVLink bridge", gpu.nvlink_gbs)
    p2p = all(g.pcie_p2p for g, _item in gpus)
    if layout is None or not layout.gpus:
        return Link("PCIe 4.0 x16 (no board chosen)", link_bandwidth_gbs(4, 16), p2p)
    slowest = min(layout.gpus, key=lambda placement: placement.bandwidth_gbs)
    name = f"PCIe {slowest.link_gen}.0 x{slowest.link_width}"
    return Link(name, slowest.bandwidth_gbs, p2p)


def placed_gpu_count(assembly: Assembly, layout: SlotLayout | None) -> int:
    """The GPUs that train: those the slot plan places, or all of them before a board is
    chosen."""
    listed = sum(item.count for _gpu, item in assembly.gpus)
    if layout is None or assembly.motherboard is None:
        return listed
    return min(listed, len(layout.gpus))
