"""A build resolved against a catalog: which parts it has, typed, with counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from planner.core.build import Build, PartChoice
from planner.core.catalog import Catalog, RetiredPart
from planner.core.parts import (
    Case,
    Cooler,
    Cpu,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    PartKind,
    Psu,
    Riser,
    Storage,
)

P = TypeVar("P", bound=Part)


@dataclass(frozen=True)
class Item:
    """One line of the build: the choice and the catalog part it names."""

    choice: PartChoice
    part: Part

    @property
    def count(self) -> int:
        return self.choice.count


@dataclass(frozen=True)
class Assembly:
    build: Build
    items: tuple[Item, ...]
    unknown: tuple[PartChoice, ...]
    # Of the unknown parts, those that left the built-in catalog, by id.
    retired: Mapping[str, RetiredPart] = field(default_factory=dict)

    @classmethod
    def resolve(cls, build: Build, catalog: Catalog) -> Assembly:
        items = []
        unknown = []
        for choice in build.parts:
            part = catalog.get(choice.id)
            if part is None:
                unknown.append(choice)
            else:
                items.append(Item(choice, part))
        retired = {c.id: catalog.retired[c.id] for c in unknown if c.id in catalog.retired}
        return cls(build, tuple(items), tuple(unknown), retired)

    def items_of(self, kind: PartKind) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.part.KIND is kind)

    def count(self, kind: PartKind) -> int:
        return sum(item.count for item in self.items_of(kind))

    def _first(self, kind: PartKind, cls: type[P]) -> P | None:
        for item in self.items_of(kind):
            if isinstance(item.part, cls):
                return item.part
        return None

    @property
    def cpu(self) -> Cpu | None:
        return self._first(PartKind.CPU, Cpu)

    @property
    def motherboard(self) -> Motherboard | None:
        return self._first(PartKind.MOTHERBOARD, Motherboard)

    @property
    def psu(self) -> Psu | None:
        return self._first(PartKind.PSU, Psu)

    @property
    def case(self) -> Case | None:
        return self._first(PartKind.CASE, Case)

    @property
    def cooler(self) -> Cooler | None:
        return self._first(PartKind.COOLER, Cooler)

    @property
    def gpus(self) -> tuple[tuple[Gpu, Item], ...]:
        return tuple(
            (item.part, item) for item in self.items_of(PartKind.GPU) if isinstance(item.part, Gpu)
        )

    @property
    def memory_kits(self) -> tuple[tuple[MemoryKit, Item], ...]:
        return tuple(
            (item.part, item)
            for item in self.items_of(PartKind.MEMORY)
            if isinstance(item.part, MemoryKit)
        )

    @property
    def drives(self) -> tuple[tuple[Storage, Item], ...]:
        return tuple(
            (item.part, item)
            for item in self.items_of(PartKind.STORAGE)
            if isinstance(item.part, Storage)
        )

    def _units(self, kind: PartKind, cls: type[P]) -> tuple[P, ...]:
        """Every part of `kind`, one entry per unit, in build order."""
        return tuple(
            item.part
            for item in self.items_of(kind)
            if isinstance(item.part, cls)
            for _ in range(item.count)
        )

    @property
    def psus(self) -> tuple[Psu, ...]:
        """Every power supply, one entry per unit; the first feeds the board and CPU."""
        return self._units(PartKind.PSU, Psu)

    @property
    def risers(self) -> tuple[Riser, ...]:
        """Every riser cable and bifurcation adapter, one entry per unit."""
        return self._units(PartKind.RISER, Riser)

    @property
    def open_frame(self) -> bool:
        case = self.case
        return case is not None and case.case_type == "open-frame"

    @property
    def total_price_usd(self) -> float:
        """The sum of the known prices; see `unpriced` for parts without one."""
        return sum(item.part.price_or_zero * item.count for item in self.items)

    @property
    def unpriced(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.part.price_usd is None)

    @property
    def unpriced_note(self) -> str:
        """What the total leaves out, for writing after it: " + 4 cloud-only cards",
        " + 2 parts without a list price", or "" when every part is priced."""
        cloud = [i for i in self.unpriced if isinstance(i.part, Gpu) and i.part.cloud_only]
        cards = sum(item.count for item in cloud)
        other = len(self.unpriced) - len(cloud)
        notes = [f"{cards} cloud-only card{'s' if cards != 1 else ''}"] if cards else []
        if other:
            notes.append(f"{other} part{'s' if other != 1 else ''} without a list price")
        return "".join(f" + {note}" for note in notes)
