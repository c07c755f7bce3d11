"""What every check sees, and small helpers for writing findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from planner.core.assembly import Assembly
from planner.core.catalog import Catalog
from planner.core.findings import Finding
from planner.core.parts import Gpu, Part, PartKind, Storage
from planner.core.pcie import SlotLayout, plan_slots
from planner.core.power import PowerBudget, gpu_power_w, power_budget
from planner.core.psu_split import PsuLoad, split_load
from planner.core.workload_estimates import BuildEstimate, estimate_build
from planner.core.workloads import Workload


@dataclass(frozen=True)
class CheckContext:
    assembly: Assembly
    catalog: Catalog
    workloads: Mapping[str, Workload] = field(default_factory=dict)

    @cached_property
    def estimates(self) -> tuple[BuildEstimate, ...]:
        """Estimates of the build's workloads on its GPUs (empty without a workload catalog)."""
        if not self.workloads or not self.assembly.build.workloads:
            return ()
        from planner.core.calibrated import CONSTANTS, SPEED_RANGES

        return estimate_build(
            self.assembly, self.layout, self.power, self.workloads, CONSTANTS, SPEED_RANGES
        )

    @cached_property
    def gpu_list(self) -> tuple[Gpu, ...]:
        """Every GPU of the build, one entry per card, in build order."""
        return tuple(gpu for gpu, item in self.assembly.gpus for _ in range(item.count))

    @cached_property
    def drive_list(self) -> tuple[Storage, ...]:
        return tuple(drive for drive, item in self.assembly.drives for _ in range(item.count))

    @cached_property
    def layout(self) -> SlotLayout | None:
        board = self.assembly.motherboard
        if board is None:
            return None
        case = self.assembly.case
        return plan_slots(
            board,
            self.assembly.cpu,
            self.gpu_list,
            self.drive_list,
            case.expansion_slots if case else None,
            self.assembly.risers,
            self.assembly.open_frame,
        )

    @cached_property
    def power(self) -> PowerBudget:
        return power_budget(self.assembly)

    @cached_property
    def psu_loads(self) -> tuple[PsuLoad, ...]:
        """What each power supply feeds (one entry per unit; empty without one)."""
        gpus = tuple(
            (gpu, gpu_power_w(gpu, item.choice.power_limit_w))
            for gpu, item in self.assembly.gpus
            for _ in range(item.count)
        )
        circuit = self.assembly.build.settings.wall_circuit
        return split_load(self.assembly.psus, gpus, self.power, circuit)

    def examples(self, kind: PartKind, fits: Callable[[Part], bool], limit: int = 2) -> str:
        """Names of the cheapest catalog parts of `kind` that satisfy `fits`, for fixes."""
        matches = sorted(
            (part for part in self.catalog.of_kind(kind) if fits(part)),
            key=lambda part: (part.price_usd is None, part.price_or_zero),
        )
        names = [part.display_name for part in matches[:limit]]
        if not names:
            return ""
        return " (e.g. " + ", ".join(names) + ")"


Check = Callable[[CheckContext], Iterable[Finding]]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def watts(value: float) -> str:
    return f"{value:,.0f} W"
