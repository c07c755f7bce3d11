"""Suggest builds: for the user's workloads, a budget and/or a deadline, the wall circuit and
constraints, the catalog builds that pass every check on the price–time front, and the ones
that win: the cheapest that meets the deadline, the fastest within the budget, the best
value (the least price × time).

The search prunes by bounds instead of enumerating: for each GPU model and count the time
is bounded below by an estimate on the best link that GPU can have (a x16 slot of its own
PCIe generation) and the price by the GPUs plus the cheapest part of every other kind; a
(GPU, count) whose bounds another found build already beats is never completed. For the
rest, the platform — CPU, board, memory, PSU, case, cooler, drive — is searched best-first
in order of price per board, each candidate judged by the same checks the app runs, so the
first that passes is the cheapest for that board. A case may be an open frame with the
risers its cards stand on, a supply two of one model (planner/core/suggest_platform.py)."""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from planner.core.build import Build, PartChoice, Settings, WorkloadChoice
from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.checks.context import plural
from planner.core.estimate import RunOptions, estimate
from planner.core.findings import Severity
from planner.core.parts import (
    Case,
    Gpu,
    Motherboard,
    Part,
    PartKind,
)
from planner.core.performance import ComputeSpec, Link
from planner.core.slot_layout import link_bandwidth_gbs
from planner.core.suggest_picks import Candidate, Pick, candidate_of, picks_for
from planner.core.suggest_platform import (
    CASE,
    COOLER,
    CPU,
    MEMORY,
    PLATFORM_KINDS,
    PSU,
    Constraints,
    Platform,
)
from planner.core.suggest_rig import Entry, entry_choices, entry_parts, power_limited
from planner.core.workload_estimates import network_for, resolve_workload, setup_for
from planner.core.workloads import Workload

__all__ = ["Constraints", "Suggestions", "suggest"]

# Which platform parts can clear an error, by its code (prefix): a failed candidate is only
# varied in those, which keeps the best-first search complete while skipping the rest.
# An error no platform part can clear gives the board up; unknown codes vary everything.
FIXED_BY = {
    "power.connectors": {PSU},
    "power.": {PSU, CPU},
    "pcie.": {CPU, CASE},
    "memory.gpu_fit": {CPU, CASE},
    "memory.": {MEMORY, CPU, CASE},
    "cooling.passive_in_desktop": {CASE},
    "cooling.": {CASE, COOLER},
    "fit.psu": {PSU, CASE},
    "fit.cooler": {COOLER, CASE},
    "fit.radiator": {COOLER, CASE},
    "fit.": {CASE, CPU},
    "compatibility.form_factor": {CASE},
    "compatibility.cooler": {COOLER},
    "compatibility.memory": {MEMORY, CPU},
    "compatibility.cpu": {CPU},
    "storage.m2_sockets": {CPU},  # a CPU with more lanes keeps CPU-wired sockets on
}
# Candidates tried per board before it is given up (best-first, cheapest first).
TRIES_PER_BOARD = 400


@dataclass(frozen=True)
class Suggestions:
    front: tuple[Candidate, ...]  # price–time front, cheapest first
    picks: tuple[Pick, ...]
    examined: int  # (GPU, count) pairs completed into builds
    pruned: int  # pairs their bounds ruled out
    seconds: float
    notes: tuple[str, ...] = ()


def suggest(
    choices: Sequence[WorkloadChoice],
    catalog: Catalog,
    workloads: Mapping[str, Workload],
    constraints: Constraints,
) -> Suggestions:
    started = time.perf_counter()
    search = _Search(tuple(choices), catalog, workloads, constraints)
    front, examined, pruned = search.run()
    picks = picks_for(front, constraints)
    return Suggestions(
        tuple(front), picks, examined, pruned, time.perf_counter() - started, search.notes()
    )


class _Search:
    def __init__(
        self,
        choices: tuple[WorkloadChoice, ...],
        catalog: Catalog,
        workloads: Mapping[str, Workload],
        constraints: Constraints,
    ) -> None:
        self.choices, self.catalog, self.workloads = choices, catalog, workloads
        self.constraints = constraints
        self.settings = Settings(
            wall_circuit=constraints.wall_circuit, psu_circuits=constraints.psu_circuits
        )
        if constraints.electricity_usd_per_kwh is not None:
            self.settings = replace(
                self.settings, electricity_usd_per_kwh=constraints.electricity_usd_per_kwh
            )
        self.options = {kind: self._options(kind) for kind in PartKind}
        self.storage = self.options[PartKind.STORAGE][:1]
        self.floor = sum(
            parts[0].price_or_zero
            for kind, parts in self.options.items()
            if kind not in (PartKind.GPU, PartKind.RISER) and parts
        )
        self.platform = Platform(self.options, self.settings, constraints)
        self.empty_why = ""
        unpriced = [p for p in catalog.of_kind(PartKind.GPU) if p.price_usd is None]
        self.cloud_only_gpus = sum(1 for p in unpriced if isinstance(p, Gpu) and p.cloud_only)
        self.unpriced_gpus = len(unpriced) - self.cloud_only_gpus

    def _options(self, kind: PartKind) -> list[Part]:
        """The parts of a kind a suggestion may use, cheapest first (priced ones only: a
        part without a price cannot be held to a budget)."""
        kept = (self.catalog.get(pid) for pid in self.constraints.keep)
        kept_here: list[Part] = [p for p in kept if p is not None and p.KIND is kind]
        if kept_here:
            return kept_here
        parts = [p for p in self.catalog.of_kind(kind) if p.price_usd is not None]
        if kind is PartKind.GPU:
            parts = [p for p in parts if isinstance(p, Gpu) and not p.is_sxm]
        if kind is PartKind.CASE and self.constraints.case_types:
            parts = [
                p
                for p in parts
                if isinstance(p, Case) and p.case_type in self.constraints.case_types
            ]
        return sorted(parts, key=lambda p: p.price_or_zero)

    def notes(self) -> tuple[str, ...]:
        found = [self.empty_why] if self.empty_why else []
        for count, which, see in (
            (self.unpriced_gpus, "without a list price", ""),
            (self.cloud_only_gpus, "sold only as cloud instances", " (see Buy or Rent)"),
        ):
            if count:
                verb = "was" if count == 1 else "were"
                found.append(f"{plural(count, 'GPU')} {which} {verb} not considered{see}")
        return tuple(found)

    def _why_empty(self, bounds: list[tuple[float, float, str, int]]) -> str:
        """Why no build was found: what the limits rule out, and what would let one through."""
        most = self.constraints.max_gpus
        if not bounds:
            return (
                f"no catalog GPU holds these workloads in memory with up to {most} cards; "
                "allow more GPUs, or train with LoRA/QLoRA, sharding or activation "
                "checkpointing"
            )
        price, _hours, gpu_id, count = bounds[0]
        budget = self.constraints.budget_usd
        if budget is not None and price > budget:
            gpu = self.catalog.get(gpu_id)
            name = gpu.display_name if gpu else gpu_id
            return (
                f"a build that holds them costs at least ${price:,.0f} ({count} × {name} "
                f"and the cheapest other parts), over the ${budget:,.0f} budget"
            )
        return (
            "the GPUs that hold these workloads within the limits found no platform in the "
            "catalog that passes every check (power, slots, cooling, circuit)"
        )

    # ---- the search over GPUs and counts ------------------------------------------------

    def run(self) -> tuple[list[Candidate], int, int]:
        bounds = []
        for gpu in self.options[PartKind.GPU]:
            assert isinstance(gpu, Gpu)
            for count in range(1, self.constraints.max_gpus + 1):
                hours = self._hours_bound(gpu, count)
                if hours is None:
                    continue
                price = gpu.price_or_zero * count + self.floor
                bounds.append((price, hours, gpu.id, count))
        bounds.sort()
        front: list[Candidate] = []
        examined = pruned = 0
        budget = self.constraints.budget_usd
        for price, hours, gpu_id, count in bounds:
            if budget is not None and price > budget:
                pruned += 1
                continue
            if any(c.price_usd <= price and c.hours <= hours for c in front):
                pruned += 1  # a found build is at least as cheap and as fast: cannot win
                continue
            examined += 1
            chosen = self.catalog.get(gpu_id)
            assert isinstance(chosen, Gpu)
            found = self._complete(chosen, count)
            if found is None and count > 1:  # no supply or outlet carries them: limit them
                found = self._complete(power_limited(chosen), count)
            if found is None or (budget is not None and found.price_usd > budget):
                continue
            if any(c.beats(found) for c in front):
                continue
            front = [c for c in front if not found.beats(c)] + [found]
        front.sort(key=lambda c: (c.price_usd, c.hours))
        self.empty_why = "" if front else self._why_empty(bounds)
        return front, examined, pruned

    def _hours_bound(self, gpu: Gpu, count: int) -> float | None:
        """The workloads' time on `count` of `gpu` over the best link it can have; None
        when one of them does not fit."""
        link = (
            Link("PCIe", link_bandwidth_gbs(gpu.pcie_gen, 16), gpu.pcie_p2p) if count > 1 else None
        )
        spec = ComputeSpec.of(gpu)
        total = 0.0
        for choice in self.choices:
            workload = resolve_workload(choice, self.workloads)
            if choice.serves:
                continue  # a served model's fit and speed are judged on the whole build
            result = estimate(
                workload,
                network_for(workload),
                setup_for(choice, workload, count),
                spec,
                CONSTANTS,
                SPEED_RANGES,
                link,
                run_options=RunOptions.of(choice),
            )
            if not result.memory.fits:
                return None
            total += result.time_to_train_s / 3600
        return total

    # ---- completing a (GPU, count) into the cheapest build that passes ------------------

    def _complete(self, gpu: Gpu, count: int) -> Candidate | None:
        best: Candidate | None = None
        for board in self.options[PartKind.MOTHERBOARD]:
            assert isinstance(board, Motherboard)
            lists = [self.platform.fitting(kind, gpu, count, board) for kind in PLATFORM_KINDS]
            if any(not parts for parts in lists):
                continue  # no part of some kind goes with this board
            cheapest = sum(parts[0].price_or_zero for parts in lists)
            floor = gpu.price_or_zero * count + board.price_or_zero + cheapest
            if best is not None and floor >= best.price_usd:
                continue
            found = self._cheapest_on(board, gpu, count)
            if found is not None and (best is None or found.price_usd < best.price_usd):
                best = found
        return best

    def _cheapest_on(self, board: Motherboard, gpu: Gpu, count: int) -> Candidate | None:
        """Best-first over the platform's index tuples by total price: the first
        candidate the checks pass is the cheapest on this board."""
        lists = [self.platform.fitting(kind, gpu, count, board) for kind in PLATFORM_KINDS]
        if any(not parts for parts in lists) or not self.platform.places(board, lists, gpu, count):
            return None

        def price(index: tuple[int, ...]) -> float:
            return sum(lists[k][i].price_or_zero for k, i in enumerate(index))

        start = (0,) * len(lists)
        queue = [(price(start), start)]
        seen = {start}
        for _ in range(TRIES_PER_BOARD):
            if not queue:
                return None
            _cost, index = heapq.heappop(queue)
            parts = [lists[k][i] for k, i in enumerate(index)]
            build, errors = self._platform(gpu, count, board, parts)
            if not errors:
                found = self._judge(build)
                if found is not None:
                    return found
                errors = ["memory."]  # the workloads failed on this build's layout
            fixers = _fixers(errors)
            if not fixers:
                return None  # nothing but the board could clear it
            for k in sorted(fixers):
                if index[k] + 1 < len(lists[k]):
                    following = (*index[:k], index[k] + 1, *index[k + 1 :])
                    if following not in seen:
                        seen.add(following)
                        heapq.heappush(queue, (price(following), following))
        return None

    def _platform(
        self, gpu: Gpu, count: int, board: Motherboard, platform: list[Entry]
    ) -> tuple[Build, list[str]]:
        """The build, and the codes of the errors its parts alone raise; a GPU whose board
        power was lowered for the search runs at that power limit."""
        real = self.catalog.get(gpu.id)
        assert isinstance(real, Gpu)
        limit = gpu.board_power_w if gpu.board_power_w < real.board_power_w else None
        parts = (
            PartChoice(id=gpu.id, count=count, power_limit_w=limit),
            PartChoice(id=board.id),
            *(choice for entry in platform for choice in entry_choices(entry)),
            *(PartChoice(id=part.id) for part in self.storage),
        )
        name = f"{count} × {gpu.name}" + (f" limited to {limit} W" if limit else "")
        build = Build(name=name, parts=parts, workloads=self.choices, settings=self.settings)
        # Only the build's own parts: the checks need nothing else to find the errors, and
        # their fixes (which name cheaper catalog parts) are not read here.
        used = (real, board, *(part for entry in platform for part in entry_parts(entry)))
        used = (*used, *self.storage)
        own = Catalog(parts={part.id: part for part in used})
        report = run_checks(replace(build, workloads=()), own, {})
        return build, [f.code for f in report.of_severity(Severity.ERROR)]

    def _judge(self, build: Build) -> Candidate | None:
        """The build with its workloads: a candidate when every check passes."""
        report = run_checks(build, self.catalog, self.workloads)
        if report.has_errors:
            return None
        return candidate_of(build, report, self.catalog)


def _fixers(codes: Sequence[str]) -> set[int]:
    """The platform parts that may clear all of these errors (each error needs one of its
    own): the union; empty when one of them no platform part can clear."""
    found: set[int] = set()
    for code in codes:
        fixers = next(
            (kinds for prefix, kinds in FIXED_BY.items() if code.startswith(prefix)),
            set(range(len(PLATFORM_KINDS))),
        )
        if not fixers:
            return set()
        found |= fixers
    return found
