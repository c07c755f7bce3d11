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
first that passes is the cheapest for that board."""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from planner.core.build import Build, PartChoice, Settings, WorkloadChoice
from planner.core.calibrated import CONSTANTS, ERROR_P90
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.checks.power import connector_needs
from planner.core.estimate import RunOptions, estimate
from planner.core.findings import Severity
from planner.core.parts import Case, Cooler, Cpu, Gpu, MemoryKit, Motherboard, Part, PartKind, Psu
from planner.core.pcie import plan_slots
from planner.core.performance import ComputeSpec, Link
from planner.core.power import EFFICIENCY, REST_OF_SYSTEM, psu_rating_w, runs_on
from planner.core.slot_layout import link_bandwidth_gbs
from planner.core.suggest_picks import Candidate, Pick, candidate_of, picks_for
from planner.core.workload_estimates import network_for, resolve_workload, setup_for
from planner.core.workloads import Workload

PLATFORM_KINDS = (PartKind.CPU, PartKind.MEMORY, PartKind.PSU, PartKind.CASE, PartKind.COOLER)
CPU, MEMORY, PSU, CASE, COOLER = range(5)
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
ROOMIEST_CASE = 20  # expansion slots: more than any case has
# Candidates tried per board before it is given up (best-first, cheapest first).
TRIES_PER_BOARD = 400


@dataclass(frozen=True)
class Constraints:
    budget_usd: float | None = None
    deadline_hours: float | None = None
    wall_circuit: str = "120v-15a"
    max_gpus: int = 4
    case_types: tuple[str, ...] = ()  # e.g. ("tower",); empty: any
    keep: tuple[str, ...] = ()  # part ids every suggestion must use
    electricity_usd_per_kwh: float | None = None


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
        self.settings = Settings(wall_circuit=constraints.wall_circuit)
        if constraints.electricity_usd_per_kwh is not None:
            self.settings = Settings(
                wall_circuit=constraints.wall_circuit,
                electricity_usd_per_kwh=constraints.electricity_usd_per_kwh,
            )
        self.options = {kind: self._options(kind) for kind in PartKind}
        self.storage = self.options[PartKind.STORAGE][:1]
        self.floor = sum(
            parts[0].price_or_zero
            for kind, parts in self.options.items()
            if kind is not PartKind.GPU and parts
        )
        self.best_efficiency = max(
            (EFFICIENCY[p.efficiency] for p in self.options[PartKind.PSU] if isinstance(p, Psu)),
            default=EFFICIENCY["Titanium"],
        )
        self.least_cpu_w: dict[str, int] = {}
        for cpu in self.options[PartKind.CPU]:
            if isinstance(cpu, Cpu):
                known = self.least_cpu_w.get(cpu.socket, cpu.tdp_w)
                self.least_cpu_w[cpu.socket] = min(known, cpu.tdp_w)
        self._fit_cache: dict[tuple[PartKind, str, int, str], list[Part]] = {}
        self._place_cache: dict[tuple[str, float | None, int, int, int], bool] = {}
        self.unpriced_gpus = sum(
            1 for p in catalog.of_kind(PartKind.GPU) if isinstance(p, Gpu) and p.price_usd is None
        )

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
        found = []
        if self.unpriced_gpus:
            found.append(f"{self.unpriced_gpus} GPUs without a list price were not considered")
        return tuple(found)

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
            if found is None or (budget is not None and found.price_usd > budget):
                continue
            if any(c.beats(found) for c in front):
                continue
            front = [c for c in front if not found.beats(c)] + [found]
        front.sort(key=lambda c: (c.price_usd, c.hours))
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
                ERROR_P90,
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
            lists = [self._fitting(kind, gpu, count, board) for kind in PLATFORM_KINDS]
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

    def _fitting(self, kind: PartKind, gpu: Gpu, count: int, board: Motherboard) -> list[Part]:
        key = (kind, gpu.id, count, board.id)
        found = self._fit_cache.get(key)
        if found is None:
            found = self._fit_cache[key] = self._filter(kind, gpu, count, board)
        return found

    def _filter(self, kind: PartKind, gpu: Gpu, count: int, board: Motherboard) -> list[Part]:
        """The parts of `kind` that can go with this board and GPUs at all (socket, memory
        type, form factor, GPU length, enough watts for the GPUs alone)."""
        parts = self.options[kind]
        if kind is PartKind.CPU:
            return [
                p
                for p in parts
                if isinstance(p, Cpu)
                and p.socket == board.socket
                and self._wall_w(gpu.board_power_w * count + p.tdp_w, self.best_efficiency)
                <= self.settings.wall_continuous_w
            ]
        if kind is PartKind.MEMORY:
            return [
                p
                for p in parts
                if isinstance(p, MemoryKit)
                and p.memory_type == board.memory_type
                and p.module_type == board.memory_module
            ]
        if kind is PartKind.PSU:
            return [p for p in parts if isinstance(p, Psu) and self._powers(p, gpu, count, board)]
        if kind is PartKind.CASE:
            return [
                p
                for p in parts
                if isinstance(p, Case)
                and board.form_factor in p.form_factors
                and p.max_gpu_length_mm >= (gpu.length_mm or 0)
                and (gpu.cooler_type != "passive" or p.case_type == "rackmount")
                and self._places_in(board, gpu, count, p.expansion_slots)
            ]
        if kind is PartKind.COOLER:
            return [p for p in parts if isinstance(p, Cooler) and board.socket in p.sockets]
        return list(parts)

    def _cheapest_on(self, board: Motherboard, gpu: Gpu, count: int) -> Candidate | None:
        """Best-first over the platform's index tuples by total price: the first
        candidate the checks pass is the cheapest on this board."""
        lists = [self._fitting(kind, gpu, count, board) for kind in PLATFORM_KINDS]
        if any(not parts for parts in lists) or not self._places(board, lists[CPU], gpu, count):
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

    def _powers(self, psu: Psu, gpu: Gpu, count: int, board: Motherboard) -> bool:
        """Whether the supply can carry the cards with the board's least hungry CPU, on the
        outlet's rating, and has the cables they need (else every build with it errs)."""
        cpu_w = self.least_cpu_w.get(board.socket, 0)
        sustained = (gpu.board_power_w * count + cpu_w) * (1 + REST_OF_SYSTEM)
        circuit = self.constraints.wall_circuit
        if not runs_on(psu, circuit) or psu_rating_w(psu, circuit) < sustained:
            return False
        wall = self._wall_w(gpu.board_power_w * count + cpu_w, EFFICIENCY[psu.efficiency])
        if wall > self.settings.wall_continuous_w:
            return False
        cards = ((gpu, float(gpu.board_power_w)),) * count
        return connector_needs(cards, psu, board.socket).pcie_8pin <= psu.connectors.pcie_8pin

    @staticmethod
    def _wall_w(parts_w: float, efficiency: float) -> float:
        """Draw at the wall of GPUs and CPU drawing `parts_w`, with the rest of the system."""
        return parts_w * (1 + REST_OF_SYSTEM) / efficiency

    def _places_in(self, board: Motherboard, gpu: Gpu, count: int, slots: int) -> bool:
        """Whether a case with `slots` expansion openings can take the cards on this board."""
        key = (board.id, gpu.slot_width, gpu.pcie_lanes, count, slots)
        found = self._place_cache.get(key)
        if found is None:
            placed = plan_slots(board, None, [gpu] * count, [], slots).gpus
            found = self._place_cache[key] = len(placed) >= count
        return found

    def _places(self, board: Motherboard, cpus: list[Part], gpu: Gpu, count: int) -> bool:
        """Whether the board can place `count` of these cards with any of its CPUs in the
        roomiest case (a real case can only take slots away)."""
        key = (board.id, gpu.slot_width, gpu.pcie_lanes, count, ROOMIEST_CASE)
        found = self._place_cache.get(key)
        if found is None:
            found = self._place_cache[key] = any(
                len(plan_slots(board, cpu, [gpu] * count, [], ROOMIEST_CASE).gpus) >= count
                for cpu in cpus
                if isinstance(cpu, Cpu)
            )
        return found

    def _platform(
        self, gpu: Gpu, count: int, board: Motherboard, platform: list[Part]
    ) -> tuple[Build, list[str]]:
        """The build, and the codes of the errors its parts alone raise."""
        parts = (
            PartChoice(id=gpu.id, count=count),
            PartChoice(id=board.id),
            *(PartChoice(id=part.id) for part in platform),
            *(PartChoice(id=part.id) for part in self.storage),
        )
        name = f"{count} × {gpu.name}"
        build = Build(name=name, parts=parts, workloads=self.choices, settings=self.settings)
        # Only the build's own parts: the checks need nothing else to find the errors, and
        # their fixes (which name cheaper catalog parts) are not read here.
        used = (gpu, board, *platform, *self.storage)
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
