"""Risers and bifurcation adapters: how cards leave the board's slots.

A riser cable lets a card stand away from its slot (on an open frame's rail or a vertical
mount), so it covers only the slot it plugs into, and its link runs at no more than the
riser's rated generation. A bifurcation adapter splits one x16 slot into several links
(x8/x8, x4/x4/x4/x4), each carrying a card on its own cable; the BIOS must offer that split.
`planner.core.pcie` plans the slots once per way of hosting the adapters.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, combinations

from planner.core.parts import Gpu, LaneSharing, Motherboard, PcieSlot, Riser

# An adapter's links are named after their slot: "PCIEX16_1/1", "PCIEX16_1/2".
LINK_SEPARATOR = "/"


def host_slot(name: str) -> str:
    """The board slot a placement's slot name belongs to (itself, unless a split link)."""
    return name.split(LINK_SEPARATOR)[0]


def is_split_link(name: str) -> bool:
    return LINK_SEPARATOR in name


# Ways of hosting the adapters tried per build: every way for four adapters on seven slots.
MAX_SPLITS = 256


@dataclass(frozen=True)
class Mounts:
    """What the cards of one placement may stand on: plain risers (best first), the split
    slots' links (sub-slot name → adapter), and whether every card with a riser stands off
    the board (an open frame) or only those that need it."""

    risers: tuple[Riser, ...] = ()
    hosted: Mapping[str, Riser] = field(default_factory=dict)
    lift_all: bool = False


@dataclass(frozen=True)
class Mounted:
    """How one card of a placement stands: on the board (covering its openings down to
    `last_position`) or on `riser` (covering only its own slot)."""

    last_position: int
    riser: Riser | None = None


def mount_cards(
    slots: Sequence[PcieSlot], cards: Sequence[Gpu], limit: int, mounts: Mounts
) -> list[Mounted] | None:
    """Each card in its slot (top to bottom), or None when they cannot all go in.

    A card whose cooler would cover the next used slot, or run past the case's `limit`
    openings, needs a riser; spare risers then lift cards that would sit with no free slot
    below them (or every card, on an open frame). Cards on a split slot stand on its links.
    """
    spare = list(mounts.risers)
    risers: dict[int, Riser] = {
        index: mounts.hosted[slot.name]
        for index, slot in enumerate(slots)
        if slot.name in mounts.hosted
    }

    def last(index: int) -> int:
        if index in risers:
            return slots[index].position
        return slots[index].position + max(1, card_width(cards[index])) - 1

    def gap(index: int) -> int:
        """Free openings between the card and the next used slot (-1: it covers it)."""
        below = slots[index + 1].position if index + 1 < len(slots) else limit + 1
        return below - last(index) - 1

    for index in range(len(slots)):
        if index not in risers and gap(index) < 0:
            if not spare:
                return None
            risers[index] = spare.pop(0)
    for index in range(len(slots)):
        touching = index + 1 < len(slots) and gap(index) == 0
        if spare and index not in risers and (mounts.lift_all or touching):
            risers[index] = spare.pop(0)
    return [Mounted(last(index), risers.get(index)) for index in range(len(slots))]


def card_width(gpu: Gpu) -> int:
    """Expansion-slot openings a card covers (a 2.5-slot card blocks three); an SXM module
    covers none."""
    if gpu.slot_width is None:
        return 0
    return max(1, math.ceil(gpu.slot_width - 1e-9))


def plain_risers(risers: Sequence[Riser]) -> tuple[Riser, ...]:
    """Risers that carry one card, fastest first (generation, then lanes)."""
    single = [riser for riser in risers if riser.bifurcation_mode is None]
    return tuple(sorted(single, key=lambda riser: (-riser.pcie_gen, -riser.outputs[0], riser.id)))


def adapters(risers: Sequence[Riser]) -> tuple[Riser, ...]:
    return tuple(sorted((r for r in risers if r.bifurcation_mode), key=lambda r: r.id))


def splits_allowed(slot: PcieSlot, adapter: Riser) -> bool:
    """Whether `adapter` may sit in `slot`: an x16 slot wide enough for its links whose BIOS
    offers the split, or does not say (a finding asks the user to check)."""
    if slot.mechanical != 16 or slot.electrical < len(adapter.outputs):
        return False
    return slot.bifurcation is None or adapter.bifurcation_mode in slot.bifurcation


def split_boards(
    board: Motherboard, fitted: Sequence[Riser], cards: int
) -> Iterator[tuple[Motherboard, dict[str, Riser]]]:
    """The board as the cards see it for each way of hosting some of the adapters: the board
    itself first, then with the fewest adapters whose links could hold all `cards`, then
    more (the planner stops once every card is placed)."""
    yield board, {}
    x16 = sum(1 for slot in board.pcie_slots if slot.mechanical == 16)
    counts = range(1, len(fitted) + 1)
    enough = [n for n in counts if x16 - n + sum(len(a.outputs) for a in fitted[:n]) >= cards]
    first = enough[0] if enough else len(fitted)
    tried = 1
    for count in range(first, len(fitted) + 1):
        for hosts in combinations(board.pcie_slots, count):
            if tried >= MAX_SPLITS:
                return
            pairs = list(zip(hosts, fitted[:count], strict=True))
            if all(splits_allowed(slot, adapter) for slot, adapter in pairs):
                tried += 1
                yield split_board(board, {slot.name: adapter for slot, adapter in pairs})


def split_board(
    board: Motherboard, hosts: Mapping[str, Riser]
) -> tuple[Motherboard, dict[str, Riser]]:
    """`board` with each host slot replaced by its adapter's links ("SLOT/1", "SLOT/2", …),
    which share the slot's lanes, generation and lane-sharing rules."""
    slots: list[PcieSlot] = []
    subs: dict[str, tuple[str, ...]] = {}
    hosted: dict[str, Riser] = {}
    for slot in board.pcie_slots:
        adapter = hosts.get(slot.name)
        if adapter is None:
            slots.append(slot)
            continue
        names = []
        for number, width in enumerate(adapter.outputs, 1):
            name = f"{slot.name}{LINK_SEPARATOR}{number}"
            names.append(name)
            hosted[name] = adapter
            slots.append(
                replace(
                    slot,
                    name=name,
                    electrical=link_share(width, slot.electrical),
                    gen=min(slot.gen, adapter.pcie_gen),
                    bifurcation=(),
                )
            )
        subs[slot.name] = tuple(names)
    rules = []
    for rule in board.lane_sharing:
        used = tuple(chain.from_iterable(subs.get(name, (name,)) for name in rule.if_used))
        targets = subs.get(rule.slot)
        if targets is None:
            rules.append(replace(rule, if_used=used))
            continue
        adapter = hosts[rule.slot]
        for target, width in zip(targets, adapter.outputs, strict=True):
            narrowed = link_share(width, rule.width) if rule.width else 0
            rules.append(LaneSharing(if_used=used, slot=target, width=narrowed))
    return replace(board, pcie_slots=tuple(slots), lane_sharing=tuple(rules)), hosted


def link_share(output: int, slot_lanes: int) -> int:
    """Lanes one adapter link gets when its slot has `slot_lanes` of 16: an x8 link of an
    x8/x8 adapter in a slot wired x8 gets x4."""
    return max(1, output * min(slot_lanes, 16) // 16)
