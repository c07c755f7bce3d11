"""The upgrade path from the open build: for each error, the cheapest single change of part
that clears it without raising another; and the GPU changes (another model, one more card)
that cut the workloads' time the most per dollar — every change judged by the same checks
and estimates the app shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Severity
from planner.core.parts import Gpu, Part, PartKind
from planner.core.workloads import Workload

# Which part kinds can clear an error, by its code (prefix); unknown codes try them all.
FIXED_BY: dict[str, tuple[PartKind, ...]] = {
    "power.connectors": (PartKind.PSU,),
    "power.": (PartKind.PSU,),
    "pcie.": (PartKind.MOTHERBOARD, PartKind.CPU),
    "memory.host_ram": (PartKind.MEMORY,),
    "memory.system_ram": (PartKind.MEMORY,),
    "memory.serving_host_ram": (PartKind.MEMORY,),
    "memory.": (PartKind.GPU,),
    "cooling.": (PartKind.CASE,),
    "fit.psu": (PartKind.PSU, PartKind.CASE),
    "fit.cooler": (PartKind.COOLER, PartKind.CASE),
    "fit.": (PartKind.CASE,),
    "compatibility.cpu": (PartKind.CPU, PartKind.MOTHERBOARD),
    "compatibility.memory": (PartKind.MEMORY,),
    "compatibility.cooler": (PartKind.COOLER,),
    "compatibility.form_factor": (PartKind.CASE,),
    "completeness.": (),
}


@dataclass(frozen=True)
class Change:
    words: str  # "Replace the X with the Y"
    build: Build
    price_change_usd: float
    clears: tuple[str, ...] = ()  # error codes it removes
    hours_saved: float = 0.0

    @property
    def hours_per_100_usd(self) -> float:
        if self.price_change_usd <= 0:
            return float("inf") if self.hours_saved > 0 else 0.0
        return self.hours_saved / self.price_change_usd * 100


@dataclass(frozen=True)
class UpgradePath:
    fixes: tuple[Change, ...]  # one per error that a single change can clear
    unfixed: tuple[str, ...]  # errors no single change clears
    speedups: tuple[Change, ...]  # GPU changes, most hours saved per dollar first


def upgrade_path(
    build: Build, catalog: Catalog, workloads: Mapping[str, Workload], limit: int = 5
) -> UpgradePath:
    report = run_checks(build, catalog, workloads)
    errors = sorted({f.code for f in report.of_severity(Severity.ERROR)})
    fixes, unfixed = [], []
    for code in errors:
        change = _cheapest_fix(build, catalog, workloads, code, set(errors))
        if change is None:
            unfixed.append(code)
        else:
            fixes.append(change)
    speedups = [] if errors else _speedups(build, catalog, workloads, report)
    speedups.sort(key=lambda c: -c.hours_per_100_usd)
    return UpgradePath(tuple(fixes), tuple(unfixed), tuple(speedups[:limit]))


def _kinds_for(code: str) -> tuple[PartKind, ...]:
    return next(
        (kinds for prefix, kinds in FIXED_BY.items() if code.startswith(prefix)), tuple(PartKind)
    )


def _swap(build: Build, old: PartChoice, new: Part, count: int | None = None) -> Build:
    parts = tuple(
        replace(choice, id=new.id, count=count or choice.count) if choice is old else choice
        for choice in build.parts
    )
    return replace(build, parts=parts)


def _price(build: Build, catalog: Catalog) -> float:
    return Assembly.resolve(build, catalog).total_price_usd


def _cheapest_fix(
    build: Build,
    catalog: Catalog,
    workloads: Mapping[str, Workload],
    code: str,
    errors: set[str],
) -> Change | None:
    """The cheapest single swap of a part of the kinds that can clear `code` that clears
    it and raises no error the build did not already have."""
    base = _price(build, catalog)
    found: Change | None = None
    for kind in _kinds_for(code):
        current = next(
            (c for c in build.parts if (p := catalog.get(c.id)) and p.KIND is kind), None
        )
        if current is None:
            continue
        old = catalog.get(current.id)
        for part in sorted(catalog.of_kind(kind), key=lambda p: p.price_or_zero):
            if part.id == current.id or part.price_usd is None:
                continue
            candidate = _swap(build, current, part)
            delta = _price(candidate, catalog) - base
            if found is not None and delta >= found.price_change_usd:
                break  # sorted by price: nothing cheaper follows in this kind
            after = {
                f.code
                for f in run_checks(candidate, catalog, workloads).of_severity(Severity.ERROR)
            }
            if code not in after and after <= errors:
                name = old.display_name if old else current.id
                found = Change(
                    f"Replace the {name} with the {part.display_name}",
                    candidate,
                    delta,
                    tuple(sorted(errors - after)),
                )
                break
    return found


def _hours(report: CheckReport) -> float:
    return sum(
        r.estimate.time_to_train_s / 3600 for r in report.estimates if r.estimate is not None
    )


def _speedups(
    build: Build, catalog: Catalog, workloads: Mapping[str, Workload], report: CheckReport
) -> list[Change]:
    """Other GPU models at the same count, and one more of the build's GPU, that pass every
    check and cut the training time."""
    hours = _hours(report)
    current = next((c for c in build.parts if isinstance(catalog.get(c.id), Gpu)), None)
    if current is None or not hours:
        return []
    old = catalog.get(current.id)
    base = _price(build, catalog)
    options: list[tuple[str, Build]] = [
        (
            f"Add a second {old.display_name}"
            if current.count == 1 and old
            else f"Add one more {old.display_name if old else current.id}",
            _swap(build, current, old, current.count + 1) if old else build,
        )
    ]
    for gpu in catalog.of_kind(PartKind.GPU):
        if gpu.id != current.id and gpu.price_usd is not None and not getattr(gpu, "is_sxm", False):
            options.append(
                (
                    f"Replace the {old.display_name if old else current.id} with the "
                    f"{gpu.display_name}",
                    _swap(build, current, gpu),
                )
            )
    found = []
    for words, candidate in options:
        after = run_checks(candidate, catalog, workloads)
        if after.has_errors:
            continue
        saved = hours - _hours(after)
        if saved <= 0:
            continue
        found.append(Change(words, candidate, _price(candidate, catalog) - base, (), saved))
    return found
