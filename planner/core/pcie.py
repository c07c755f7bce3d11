"""PCIe slot assignment: which GPU goes in which slot, at what link, and which M.2 socket
takes each NVMe drive.

The board's slots, lane-sharing rules and the CPU's lane budget decide the electrical link;
the cards' thickness, the slot positions and the case's expansion slots decide what fits
physically. Among the placements that fit, the best keeps the slowest GPU link fastest,
leaves free slots between cards, then prefers CPU lanes and the top of the board.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations, pairwise

from planner.core.parts import Cpu, Gpu, Motherboard, PcieSlot, Riser, Storage
from planner.core.pcie_wiring import Wiring, wire
from planner.core.riser_mount import (
    Mounted,
    Mounts,
    adapters,
    host_slot,
    mount_cards,
    plain_risers,
    split_boards,
)
from planner.core.riser_mount import (
    card_width as card_slots,
)
from planner.core.slot_layout import (
    DEFAULT_CASE_SLOTS,
    GBS_PER_LANE,
    DrivePlacement,
    GpuPlacement,
    SlotLayout,
    Unplaced,
    link_bandwidth_gbs,
)

__all__ = [
    "DEFAULT_CASE_SLOTS",
    "GBS_PER_LANE",
    "DrivePlacement",
    "GpuPlacement",
    "SlotLayout",
    "Unplaced",
    "card_slots",
    "link_bandwidth_gbs",
    "plan_slots",
]

# Chipset lanes reach the CPU over one shared uplink: x4 on AM4/AM5 and Threadripper,
# DMI 4.0 x8 on LGA1700/LGA1851 and W790 (DOMAIN.md: "Chipset lanes share one uplink").
CHIPSET_UPLINK_LANES = {"LGA1700": 8, "LGA1851": 8, "LGA4677": 8}
DEFAULT_CHIPSET_UPLINK_LANES = 4


@dataclass(frozen=True)
class _Candidate:
    layout: SlotLayout
    score: tuple[float, ...]


_CACHE_SIZE = 64
# Layouts by the identity of their (immutable) inputs; the values keep the inputs alive so
# their ids cannot be reused while the entry exists.
_cache: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], SlotLayout]] = OrderedDict()


def plan_slots(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    drives: Sequence[Storage],
    case_slots: int | None = None,
    risers: Sequence[Riser] = (),
    open_frame: bool = False,
) -> SlotLayout:
    """The best placement of `gpus` and the M.2 `drives` on `board`, with the build's
    `risers` (cables and bifurcation adapters); on an `open_frame` every card that has a
    riser stands on the frame.

    The app re-checks the build on every edit and most edits leave board, CPU, GPUs and
    drives alone, so recent layouts are remembered.
    """
    inputs = (board, cpu, *gpus, None, *drives, None, *risers)
    key = (*map(id, inputs), case_slots or 0, open_frame)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached[1]
    layout = _plan_mounted(board, cpu, gpus, drives, case_slots, risers, open_frame)
    _cache[key] = (inputs, layout)
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return layout


def _plan_mounted(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    drives: Sequence[Storage],
    case_slots: int | None,
    risers: Sequence[Riser],
    open_frame: bool,
) -> SlotLayout:
    """The best layout over the ways of hosting the bifurcation adapters: most cards
    placed, then the usual score; the board without adapters is tried first, and more
    adapters only while some card is still left out."""
    plain = plain_risers(risers)
    best: tuple[tuple[object, ...], SlotLayout] | None = None
    hosts_tried = 0
    for split, hosted in split_boards(board, adapters(risers), len(gpus)):
        hosts = len({host_slot(name) for name in hosted})
        if hosts > hosts_tried and best is not None and best[0][0] == len(gpus):
            break  # every card already placed with fewer splits, which share no lanes
        hosts_tried = hosts
        mounts = Mounts(plain, hosted, open_frame)
        layout = _plan_cards(split, cpu, gpus, drives, case_slots, mounts)
        key = (len(layout.gpus), _score(layout, gpus))
        if best is None or key > best[0]:
            best = (key, layout)
    assert best is not None  # split_boards yields the board itself first
    return best[1]


def _plan_cards(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    drives: Sequence[Storage],
    case_slots: int | None,
    mounts: Mounts,
) -> SlotLayout:
    """Plan the PCIe cards only: SXM modules have no slot edge and are listed apart. The
    placements keep their index into `gpus`."""
    cards = [index for index, gpu in enumerate(gpus) if not gpu.is_sxm]
    if len(cards) == len(gpus):
        return _plan(board, cpu, gpus, drives, case_slots, mounts)
    layout = _plan(board, cpu, [gpus[index] for index in cards], drives, case_slots, mounts)
    placements = tuple(
        replace(placement, gpu_index=cards[placement.gpu_index]) for placement in layout.gpus
    )
    sxm = tuple(gpu.id for gpu in gpus if gpu.is_sxm)
    return replace(layout, gpus=placements, sxm_gpus=sxm)


def _plan(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    drives: Sequence[Storage],
    case_slots: int | None,
    mounts: Mounts,
) -> SlotLayout:
    limit = case_slots or DEFAULT_CASE_SLOTS
    nvme = [drive for drive in drives if drive.interface == "nvme" and drive.is_m2]
    candidates = [slot for slot in board.pcie_slots if slot.mechanical == 16]
    for count in range(min(len(gpus), len(candidates)), -1, -1):
        best = _best_with(board, cpu, gpus, nvme, candidates, count, limit, mounts)
        if best is not None:
            if count == len(gpus):
                return best.layout
            reason = _why_unplaced(board, cpu, gpus, nvme, candidates, limit, mounts)
            placed = {placement.gpu_index for placement in best.layout.gpus}
            unplaced = tuple(gpu.id for index, gpu in enumerate(gpus) if index not in placed)
            return _replace(best.layout, unplaced, reason)
    return SlotLayout(board.id, (), tuple(gpu.id for gpu in gpus), Unplaced.TOO_FEW_SLOTS)


def _replace(layout: SlotLayout, unplaced: tuple[str, ...], reason: str) -> SlotLayout:
    return SlotLayout(
        layout.board_id,
        layout.gpus,
        unplaced,
        reason,
        layout.drives,
        layout.unplaced_drives,
        layout.slot_widths,
        layout.cpu_lanes_used,
        layout.cpu_lanes_available,
        layout.cpu_limited_slots,
        layout.case_slots,
    )


def _why_unplaced(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    nvme: Sequence[Storage],
    candidates: Sequence[PcieSlot],
    limit: int,
    mounts: Mounts,
) -> str:
    if len(candidates) < len(gpus):
        return Unplaced.TOO_FEW_SLOTS
    count = len(gpus)
    if cpu is not None and _best_with(board, None, gpus, nvme, candidates, count, limit, mounts):
        return Unplaced.CPU_LANES
    roomy_case = _best_with(board, cpu, gpus, nvme, candidates, count, 99, mounts)
    if roomy_case is not None:
        return Unplaced.CASE_SLOTS
    return Unplaced.SPACING


# Orders of cards tried per set of slots: every distinct order for the builds people make
# (a few kinds of card); a bound for a dozen different cards, whose orders grow factorially.
MAX_ORDERS = 5_040


def _orders(gpus: Sequence[Gpu], count: int) -> list[tuple[int, ...]]:
    """Which GPUs (indices), in which order, to try in a set of `count` slots: each distinct
    sequence of card models once (identical cards are interchangeable), at most MAX_ORDERS."""
    by_id: dict[str, list[int]] = {}
    for index, gpu in enumerate(gpus):
        by_id.setdefault(gpu.id, []).append(index)
    left = {gpu_id: len(indices) for gpu_id, indices in by_id.items()}
    orders: list[tuple[int, ...]] = []
    sequence: list[str] = []

    def extend() -> None:
        if len(orders) >= MAX_ORDERS:
            return
        if len(sequence) == count:
            taken: dict[str, int] = {}
            order = []
            for gpu_id in sequence:
                order.append(by_id[gpu_id][taken.get(gpu_id, 0)])
                taken[gpu_id] = taken.get(gpu_id, 0) + 1
            orders.append(tuple(order))
            return
        for gpu_id in by_id:
            if left[gpu_id]:
                left[gpu_id] -= 1
                sequence.append(gpu_id)
                extend()
                sequence.pop()
                left[gpu_id] += 1

    extend()
    return orders


def _best_with(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    nvme: Sequence[Storage],
    candidates: Sequence[PcieSlot],
    count: int,
    limit: int,
    mounts: Mounts,
) -> _Candidate | None:
    best: _Candidate | None = None
    orders = _orders(gpus, count)
    for slots in combinations(candidates, count):
        wiring = wire(board, cpu, slots, len(nvme))
        if wiring is None:
            continue
        for order in orders:
            mounted = mount_cards(slots, [gpus[index] for index in order], limit, mounts)
            if mounted is None:
                continue
            placed = (order, mounted, limit)
            candidate = _evaluate(board, cpu, gpus, nvme, slots, placed, wiring)
            if candidate is not None and (best is None or candidate.score > best.score):
                best = candidate
    return best


def _evaluate(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    nvme: Sequence[Storage],
    slots: Sequence[PcieSlot],
    placed: tuple[Sequence[int], Sequence[Mounted], int],
    wiring: Wiring,
) -> _Candidate | None:
    """The layout of one order of cards in one set of slots, mounted as `placed` says."""
    order, mounted, limit = placed
    widths = wiring.widths
    placements = [
        _placement(cpu, gpus[index], index, slot, mount, widths[slot.name])
        for slot, index, mount in zip(slots, order, mounted, strict=True)
    ]
    drives = tuple(
        DrivePlacement(
            drive.id,
            socket.name,
            min(drive.pcie_gen or socket.gen, socket.gen),
            min(drive.pcie_lanes or socket.lanes, widths[socket.name]),
            socket.lanes_from,
        )
        for drive, socket in zip(nvme, wiring.sockets, strict=False)
    )
    layout = SlotLayout(
        board.id,
        tuple(placements),
        drives=drives,
        unplaced_drives=tuple(drive.id for drive in nvme[len(wiring.sockets) :]),
        slot_widths=widths,
        cpu_lanes_used=wiring.cpu_used,
        cpu_lanes_available=cpu.pcie_lanes if cpu else 0,
        cpu_limited_slots=wiring.limited,
        case_slots=limit,
    )
    return _Candidate(layout, _score(layout, gpus))


def _placement(
    cpu: Cpu | None, gpu: Gpu, index: int, slot: PcieSlot, mount: Mounted, lanes: int
) -> GpuPlacement:
    """One card's place and link: the slowest of card, slot, CPU and riser."""
    gen = min(gpu.pcie_gen, slot.gen)
    if slot.lanes_from == "cpu" and cpu is not None:
        gen = min(gen, cpu.pcie_gen)
    width = min(gpu.pcie_lanes, lanes)
    riser = mount.riser
    if riser is not None:
        gen = min(gen, riser.pcie_gen)
        if riser.bifurcation_mode is None:
            width = min(width, riser.outputs[0])
    return GpuPlacement(
        index,
        gpu.id,
        slot.name,
        slot.position,
        mount.last_position,
        gen,
        width,
        slot.lanes_from,
        riser.id if riser else None,
    )


def _score(layout: SlotLayout, gpus: Sequence[Gpu]) -> tuple[float, ...]:
    bandwidths = [placement.bandwidth_gbs for placement in layout.gpus]
    ordered = sorted(layout.gpus, key=lambda placement: placement.position)
    touching = 0
    for upper, lower in pairwise(ordered):
        if lower.position == upper.last_position + 1 and not (upper.riser or lower.riser):
            touching += 2 if gpus[upper.gpu_index].cooler_type == "open-air" else 1
    on_cpu = sum(1 for placement in layout.gpus if placement.lanes_from == "cpu")
    return (
        round(min(bandwidths, default=0.0), 3),
        -touching,
        round(sum(bandwidths), 3),
        on_cpu,
        len(layout.drives),
        -sum(placement.position for placement in layout.gpus),
    )
