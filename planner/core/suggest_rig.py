"""The rig choices the build search adds to plain parts: an open frame with a riser cable
under every card, two of the same power supply when one cannot carry the cards (the second
on a circuit of its own where the user has one), and cards at their lowest sensible power
limit where nothing carries them at full power. Frames and pairs are one entry of the
platform search each with their whole price, so the best-first order over prices stays
exact."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from planner.core.build import PartChoice
from planner.core.parts import Case, Gpu, Part, Psu, Riser
from planner.core.power import LOWEST_SENSIBLE_LIMIT

# Over this length a riser needs a lower PCIe generation to link reliably (checks/risers.py
# warns); a suggestion only uses cables within it, rated for the card's generation if any is.
RELIABLE_RISER_MM = {3: 600, 4: 300, 5: 200}


@dataclass(frozen=True)
class Rig:
    """Parts bought together as one platform choice: `units` of each."""

    units: tuple[tuple[Part, int], ...]

    @property
    def id(self) -> str:
        return "+".join(part.id for part, _count in self.units)

    @property
    def price_or_zero(self) -> float:
        return sum(part.price_or_zero * count for part, count in self.units)

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(part for part, _count in self.units)

    def choices(self) -> tuple[PartChoice, ...]:
        return tuple(PartChoice(id=part.id, count=count) for part, count in self.units)


Entry = Part | Rig


def entry_choices(entry: Entry) -> tuple[PartChoice, ...]:
    return entry.choices() if isinstance(entry, Rig) else (PartChoice(id=entry.id),)


def entry_parts(entry: Entry) -> tuple[Part, ...]:
    return entry.parts if isinstance(entry, Rig) else (entry,)


def riser_for(gpu: Gpu, risers: Sequence[Part]) -> Riser | None:
    """The cheapest full-width riser cable within its reliable length, one rated for the
    card's PCIe generation first."""
    cables = [
        r
        for r in risers
        if isinstance(r, Riser)
        and r.outputs == (16,)
        and 0 < r.length_mm <= RELIABLE_RISER_MM.get(r.pcie_gen, r.length_mm)
    ]
    cables.sort(key=lambda r: (r.pcie_gen < gpu.pcie_gen, r.price_or_zero))
    return cables[0] if cables else None


def adapter_for(risers: Sequence[Part]) -> Riser | None:
    """The cheapest adapter that splits a slot x8/x8."""
    split = [r for r in risers if isinstance(r, Riser) and r.outputs == (8, 8)]
    return min(split, key=lambda r: r.price_or_zero, default=None)


def frame_holds(frame: Case, gpu: Gpu, count: int) -> bool:
    """Whether the frame has positions for the cards, and they can stand in open air."""
    return (
        count <= frame.expansion_slots
        and gpu.cooler_type != "passive"
        and (gpu.length_mm or 0) <= frame.max_gpu_length_mm
    )


def frame_mounts(count: int, cable: Riser, adapter: Riser | None, most: int) -> list[list[Riser]]:
    """The riser sets to try for `count` cards on a frame, fewest adapters first: a cable
    under every card, then 1 to `most` x8/x8 adapters besides."""
    sets = [[cable] * count]
    if adapter is not None:
        sets += [[cable] * count + [adapter] * k for k in range(1, most + 1)]
    return sets


def on_frame(frame: Case, mount: Sequence[Riser]) -> Rig:
    """The frame with the risers and adapters its cards stand on."""
    counts = Counter(r.id for r in mount)
    risers = {r.id: r for r in mount}
    return Rig(((frame, 1), *((risers[i], n) for i, n in counts.items())))


def cards_per_supply(count: int) -> int:
    """The most cards either of two supplies feeds (cards go whole to one supply)."""
    return math.ceil(count / 2)


def power_limited(gpu: Gpu) -> Gpu:
    """The card as the search sizes supplies and outlets for it at the lowest sensible
    power limit (70% of its board power, rounded up to 5 W; speed falls little there)."""
    limit = math.ceil(LOWEST_SENSIBLE_LIMIT * gpu.board_power_w / 5) * 5
    return dataclasses.replace(gpu, board_power_w=limit)


def pair_of(psu: Psu) -> Rig:
    return Rig(((psu, 2),))
