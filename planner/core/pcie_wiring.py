"""The electrical side of a set of populated slots: which M.2 sockets take the drives,
how lane sharing narrows the slots, and how the CPU's lane budget narrows them further."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.core.parts import Cpu, M2Slot, Motherboard, PcieSlot


@dataclass(frozen=True)
class Wiring:
    """What a set of populated slots gets electrically, whichever card sits where."""

    sockets: list[M2Slot]
    widths: dict[str, int]
    cpu_used: int
    limited: tuple[str, ...]


def wire(
    board: Motherboard, cpu: Cpu | None, slots: Sequence[PcieSlot], drives: int
) -> Wiring | None:
    used_slots = {slot.name for slot in slots}
    sockets = _choose_sockets(board, used_slots, drives)
    widths = _shared_widths(board, used_slots | {socket.name for socket in sockets})
    if any(widths[slot.name] == 0 for slot in slots):
        return None
    widths, cpu_used, limited = _apply_cpu_budget(board, cpu, slots, sockets, widths)
    if any(widths[slot.name] == 0 for slot in slots):
        return None
    return Wiring([s for s in sockets if widths[s.name] > 0], widths, cpu_used, limited)


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
