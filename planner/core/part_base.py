"""What every part record has: the kinds, the shared value lists and the `Part` base class.

`planner.core.parts` builds one record class per kind on top of it and re-exports these names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from planner.core.errors import Location, RecordError
from planner.core.records import internal, record_keys, spec

ID_PATTERN = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"

SOCKETS = ("AM4", "AM5", "LGA1700", "LGA1851", "sTRX4", "sTR5", "LGA4677")
MEMORY_TYPES = ("DDR4", "DDR5")
MODULE_TYPES = ("UDIMM", "RDIMM")
# Board form factors, smallest first. A case that takes one of the ATX family also
# takes the smaller members of it: their mounting holes are a subset.
BOARD_FORM_FACTORS = ("Mini-ITX", "Micro-ATX", "ATX", "E-ATX", "SSI-CEB", "SSI-EEB")
ATX_FAMILY = ("Mini-ITX", "Micro-ATX", "ATX", "E-ATX")
PSU_FORM_FACTORS = ("ATX", "SFX", "SFX-L")
ARCHITECTURES = (
    "pascal",
    "volta",
    "turing",
    "ampere",
    "ada",
    "hopper",
    "blackwell",
    "rdna3",
    "rdna4",
    "cdna2",
    "cdna3",
)
AMD_ARCHITECTURES = ("rdna3", "rdna4", "cdna2", "cdna3")  # ROCm; the others are CUDA
GPU_MEMORY_TYPES = ("GDDR5X", "GDDR6", "GDDR6X", "GDDR7", "HBM2", "HBM2e", "HBM3", "HBM3e")
GPU_COOLERS = ("open-air", "blower", "liquid", "passive")
# A GPU is a PCIe card (the default) or an SXM module for an HGX/DGX baseboard.
GPU_FORM_FACTORS = ("pcie", "sxm")
SLOT_WIDTHS = (1, 2, 4, 8, 16)
# How a BIOS may split one x16 slot between devices ("8x8": two x8 links).
BIFURCATION_MODES = ("8x8", "8x4x4", "4x4x4x4")


class PartKind(str, Enum):
    GPU = "gpu"
    CPU = "cpu"
    MOTHERBOARD = "motherboard"
    MEMORY = "memory"
    PSU = "psu"
    CASE = "case"
    COOLER = "cooler"
    STORAGE = "storage"
    RISER = "riser"

    @property
    def label(self) -> str:
        """A title for the kind: "Power supply"."""
        return _KIND_LABELS[self]

    @property
    def short(self) -> str:
        """The kind in a narrow column: "PSU", "Board"."""
        return _KIND_SHORT.get(self, _KIND_LABELS[self])

    @property
    def noun(self) -> str:
        """The kind inside a sentence: "power supply", "GPU"."""
        return _KIND_NOUNS[self]


_KIND_NOUNS = {
    PartKind.GPU: "GPU",
    PartKind.CPU: "CPU",
    PartKind.MOTHERBOARD: "motherboard",
    PartKind.MEMORY: "memory kit",
    PartKind.PSU: "power supply",
    PartKind.CASE: "case",
    PartKind.COOLER: "CPU cooler",
    PartKind.STORAGE: "storage drive",
    PartKind.RISER: "riser",
}

_KIND_LABELS = {
    PartKind.GPU: "GPU",
    PartKind.CPU: "CPU",
    PartKind.MOTHERBOARD: "Motherboard",
    PartKind.MEMORY: "Memory",
    PartKind.PSU: "Power supply",
    PartKind.CASE: "Case",
    PartKind.COOLER: "CPU cooler",
    PartKind.STORAGE: "Storage",
    PartKind.RISER: "Riser / adapter",
}


@dataclass(frozen=True, kw_only=True)
class Part:
    """What every catalog part has."""

    KIND: ClassVar[PartKind]

    id: str = spec(pattern=ID_PATTERN)
    name: str = spec()
    vendor: str = spec()
    # None: the vendor publishes no price (datacenter cards sold on quote); users set one.
    price_usd: float | None = spec(default=None, low=0, high=1_000_000)
    price_date: dt.date | None = spec(default=None)
    source: tuple[str, ...] = spec()
    price_source: str | None = spec(default=None)
    # Fields whose values could not be confirmed against `source` when the part was added.
    unverified: tuple[str, ...] = spec(default=())
    notes: str = spec(default="")
    extra: Mapping[str, Any] = internal()

    @property
    def kind(self) -> PartKind:
        return self.KIND

    @property
    def display_name(self) -> str:
        """The name with its vendor in front, unless the name already starts with it."""
        if self.name.casefold().startswith(self.vendor.split()[0].casefold()):
            return self.name
        return f"{self.vendor} {self.name}"

    @property
    def price_or_zero(self) -> float:
        return self.price_usd or 0.0

    def validate(self) -> None:
        if not self.source or not all(item.strip() for item in self.source):
            raise RecordError("must name at least one source", Location(field="source"))
        if self.price_usd is not None and self.price_date is None:
            raise RecordError("is required when price_usd is given", Location(field="price_date"))
        known = set(record_keys(type(self)))
        for name in self.unverified:
            if name not in known:
                raise RecordError(
                    f"names '{name}', which is not a field", Location(field="unverified")
                )


_KIND_SHORT = {
    PartKind.MOTHERBOARD: "Board",
    PartKind.PSU: "PSU",
    PartKind.COOLER: "Cooler",
    PartKind.RISER: "Riser",
}
