"""PCIe slot assignment: which GPU goes in which slot, at what link, and which M.2 socket
takes each NVMe drive.

The board's slots, lane-sharing rules and the CPU's lane budget decide the electrical link;
the cards' thickness, the slot positions and the case's expansion slots decide what fits
physically. Among the placements that fit, the best keeps the slowest GPU link fastest,
leaves free slots between cards, then prefers CPU lanes and the top of the board.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations, pairwise

from planner.core.parts import Cpu, Gpu, M2Slot, Motherboard, PcieSlot, Storage
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


def card_slots(gpu: Gpu) -> int:
    """Expansion-slot openings a card covers (a 2.5-slot card blocks three); an SXM module
    covers none."""
    if gpu.slot_width is None:
        return 0
    return max(1, math.ceil(gpu.slot_width - 1e-9))


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
) -> SlotLayout:
    """The best placement of `gpus` and the M.2 `drives` on `board`.

    The app re-checks the build on every edit and most edits leave board, CPU, GPUs and
    drives alone, so recent layouts are remembered.
    """
    inputs = (board, cpu, *gpus, None, *drives)
    key = (*map(id, inputs), case_slots or 0)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached[1]
    layout = _plan_cards(board, cpu, gpus, drives, case_slots)
    _cache[key] = (inputs, layout)
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return layout


def _plan_cards(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    drives: Sequence[Storage],
    case_slots: int | None,
) -> SlotLayout:
    """Plan the PCIe cards only: SXM modules have no slot edge and are listed apart. The
    placements keep their index into `gpus`."""
    cards = [index for index, gpu in enumerate(gpus) if not gpu.is_sxm]
    if len(cards) == len(gpus):
        return _plan(board, cpu, gpus, drives, case_slots)
    layout = _plan(board, cpu, [gpus[index] for index in cards], drives, case_slots)
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
) -> SlotLayout:
    limit = case_slots or DEFAULT_CASE_SLOTS
    nvme = [drive for drive in drives if drive.interface == "nvme" and drive.is_m2]
    candidates = [slot for slot in board.pcie_slots if slot.mechanical == 16]
    for count in range(min(len(gpus), len(candidates)), -1, -1):
        best = _best_with(board, cpu, gpus, nvme, candidates, count, limit)
        if best is not None:
            if count == len(gpus):
                return best.layout
            reason = _why_unplaced(board, cpu, gpus, nvme, candidates, limit)
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
) -> str:
    if len(candidates) < len(gpus):
        return Unplaced.TOO_FEW_SLOTS
    if cpu is not None and _best_with(board, None, gpus, nvme, candidates, len(gpus), limit):
        return Unplaced.CPU_LANES
    roomy_case = _best_with(board, cpu, gpus, nvme, candidates, len(gpus), limit=99)
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
) -> _Candidate | None:
    best: _Candidate | None = None
    orders = _orders(gpus, count)
    for slots in combinations(candidates, count):
        wiring = _wire(board, cpu, slots, len(nvme))
        if wiring is None:
            continue
        for order in orders:
            candidate = _evaluate(board, cpu, gpus, nvme, slots, order, limit, wiring)
            if candidate is not None and (best is None or candidate.score > best.score):
                best = candidate
    return best


@dataclass(frozen=True)
class _Wiring:
    """What a set of populated slots gets electrically, whichever card sits where."""

    sockets: list[M2Slot]
    widths: dict[str, int]
    cpu_used: int
    limited: tuple[str, ...]


def _wire(
    board: Motherboard, cpu: Cpu | None, slots: Sequence[PcieSlot], drives: int
) -> _Wiring | None:
    used_slots = {slot.name for slot in slots}
    sockets = _choose_sockets(board, used_slots, drives)
    widths = _shared_widths(board, used_slots | {socket.name for socket in sockets})
    if any(widths[slot.name] == 0 for slot in slots):
        return None
    widths, cpu_used, limited = _apply_cpu_budget(board, cpu, slots, sockets, widths)
    if any(widths[slot.name] == 0 for slot in slots):
        return None
    return _Wiring([s for s in sockets if widths[s.name] > 0], widths, cpu_used, limited)


def _evaluate(
    board: Motherboard,
    cpu: Cpu | None,
    gpus: Sequence[Gpu],
    nvme: Sequence[Storage],
    slots: Sequence[PcieSlot],
    order: Sequence[int],
    limit: int,
    wiring: _Wiring,
) -> _Candidate | None:
    spans = []
    for slot, index in zip(slots, order, strict=True):
        last = slot.position + card_slots(gpus[index]) - 1
        if last > limit:
            return None
        spans.append((slot.position, last))
    for (_first, last), (next_first, _next_last) in pairwise(spans):
        if next_first <= last:
            return None
    widths = wiring.widths
    placements = []
    for slot, index, (first, last) in zip(slots, order, spans, strict=True):
        gpu = gpus[index]
        gen = min(gpu.pcie_gen, slot.gen)
        if slot.lanes_from == "cpu" and cpu is not None:
            gen = min(gen, cpu.pcie_gen)
        width = min(gpu.pcie_lanes, widths[slot.name])
        placements.append(
            GpuPlacement(index, gpu.id, slot.name, first, last, gen, width, slot.lanes_from)
        )
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


def _choose_sockets(board: Motherboard, used_slots: set[str], count: int) -> list[M2Slot]:
    """M.2 sockets for `count` drives: those that narrow no used GPU slot first, then CPU
    lanes, then the newest generation."""

    def harm(socket: M2Slot) -> int:
        return sum(
            1
            for rule in board.lane_sharing
            if socket.name in rule.if_used and rule.slot in used_slots
        )

    ranked = sorted(
        board.m2_slots,
        key=lambda socket: (harm(socket), socket.lanes_from != "cpu", -socket.gen),
    )
    return [socket for socket in ranked if not _disabled_by_gpus(board, socket, used_slots)][:count]


def _disabled_by_gpus(board: Motherboard, socket: M2Slot, used_slots: set[str]) -> bool:
    return any(
        rule.slot == socket.name and rule.width == 0 and used_slots & set(rule.if_used)
        for rule in board.lane_sharing
    )


def _shared_widths(board: Motherboard, populated: set[str]) -> dict[str, int]:
    widths = {slot.name: slot.electrical for slot in board.pcie_slots}
    widths.update({socket.name: socket.lanes for socket in board.m2_slots})
    for rule in board.lane_sharing:
        if populated & set(rule.if_used):
            widths[rule.slot] = min(widths[rule.slot], rule.width)
    return widths


def _apply_cpu_budget(
    board: Motherboard,
    cpu: Cpu | None,
    slots: Sequence[PcieSlot],
    sockets: Sequence[M2Slot],
    widths: dict[str, int],
) -> tuple[dict[str, int], int, tuple[str, ...]]:
    """Narrow the populated CPU-lane devices, bottom of the board last, to the CPU's lanes.

    Boards are wired for the biggest CPU of their socket; a CPU with fewer lanes (a Xeon
    W-2400 on a board built for the W-3400) leaves the lower slots narrower or off.
    """
    cpu_devices = [
        slot.name
        for slot in sorted(slots, key=lambda slot: slot.position)
        if slot.lanes_from == "cpu"
    ] + [socket.name for socket in sockets if socket.lanes_from == "cpu"]
    needed = sum(widths[name] for name in cpu_devices)
    if cpu is None or needed <= cpu.pcie_lanes:
        return widths, needed, ()
    remaining = cpu.pcie_lanes
    narrowed = dict(widths)
    limited = []
    for name in cpu_devices:
        granted = _power_of_two_at_most(min(widths[name], remaining))
        if granted < widths[name]:
            limited.append(name)
        narrowed[name] = granted
        remaining -= granted
    return narrowed, cpu.pcie_lanes - remaining, tuple(limited)


def _power_of_two_at_most(lanes: int) -> int:
    if lanes <= 0:
        return 0
    return 1 << (lanes.bit_length() - 1)


def _score(layout: SlotLayout, gpus: Sequence[Gpu]) -> tuple[float, ...]:
    bandwidths = [placement.bandwidth_gbs for placement in layout.gpus]
    ordered = sorted(layout.gpus, key=lambda placement: placement.position)
    touching = 0
    for upper, lower in pairwise(ordered):
        if lower.position == upper.last_position + 1:
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
