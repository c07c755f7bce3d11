"""The platform parts a build search may pair with a board and its cards: CPUs whose
draw the outlet carries, memory the board takes, supplies (or pairs of them) that carry the
cards with their cables, cases that take the board and place the cards (or open frames with
the risers and adapters the cards stand on), coolers for the socket. Each list is cached per
(kind, GPU, count, board) and sorted by price, so the search can go best-first."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.build import Settings
from planner.core.checks.power import connector_needs
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
)
from planner.core.pcie import plan_slots
from planner.core.power import EFFICIENCY, REST_OF_SYSTEM, psu_rating_w, runs_on
from planner.core.riser_mount import card_width
from planner.core.suggest_rig import (
    Entry,
    adapter_for,
    cards_per_supply,
    frame_holds,
    frame_mounts,
    on_frame,
    pair_of,
    riser_for,
)

PLATFORM_KINDS = (PartKind.CPU, PartKind.MEMORY, PartKind.PSU, PartKind.CASE, PartKind.COOLER)
CPU, MEMORY, PSU, CASE, COOLER = range(5)
ROOMIEST_CASE = 20  # expansion slots: more than any case has


@dataclass(frozen=True)
class Constraints:
    budget_usd: float | None = None
    deadline_hours: float | None = None
    wall_circuit: str = "120v-15a"
    max_gpus: int = 4
    case_types: tuple[str, ...] = ()  # e.g. ("tower",); empty: any
    keep: tuple[str, ...] = ()  # part ids every suggestion must use
    electricity_usd_per_kwh: float | None = None
    psu_circuits: int = 1  # 2: a second power supply may go on a circuit of its own


class Platform:
    def __init__(
        self, options: dict[PartKind, list[Part]], settings: Settings, constraints: Constraints
    ) -> None:
        self.options, self.settings, self.constraints = options, settings, constraints
        self.best_efficiency = max(
            (EFFICIENCY[p.efficiency] for p in options[PartKind.PSU] if isinstance(p, Psu)),
            default=EFFICIENCY["Titanium"],
        )
        self.least_cpu_w: dict[str, int] = {}
        for cpu in options[PartKind.CPU]:
            if isinstance(cpu, Cpu):
                known = self.least_cpu_w.get(cpu.socket, cpu.tdp_w)
                self.least_cpu_w[cpu.socket] = min(known, cpu.tdp_w)
        self._fit_cache: dict[tuple[PartKind, str, int, int, str], list[Entry]] = {}
        # Per board and card: the most openings known too few, the fewest known enough.
        self._place_bounds: dict[tuple[str, int, int, int], tuple[int, int]] = {}
        self._place_cache: dict[tuple[str, float | None, int, int, int], bool] = {}
        self._mount_cache: dict[tuple[str, float | None, int, int, int], list[Riser] | None] = {}

    def fitting(self, kind: PartKind, gpu: Gpu, count: int, board: Motherboard) -> list[Entry]:
        # A power-limited card differs; most lists depend only on the board's socket.
        key = (kind, gpu.id, gpu.board_power_w, count, _board_key(kind, board))
        found = self._fit_cache.get(key)
        if found is None:
            entries = self._filter(kind, gpu, count, board)
            found = self._fit_cache[key] = sorted(entries, key=lambda e: e.price_or_zero)
        return found

    def _filter(self, kind: PartKind, gpu: Gpu, count: int, board: Motherboard) -> list[Entry]:
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
                <= self.settings.wall_continuous_w * self.constraints.psu_circuits
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
            return self._supplies(gpu, count, board)
        if kind is PartKind.CASE:
            return self._cases(gpu, count, board)
        if kind is PartKind.COOLER:
            return [p for p in parts if isinstance(p, Cooler) and board.socket in p.sockets]
        return list(parts)

    def _supplies(self, gpu: Gpu, count: int, board: Motherboard) -> list[Entry]:
        """The supplies that can carry the cards alone, and pairs of those that carry half
        of them each (offered only where no single one can)."""
        psus = [p for p in self.options[PartKind.PSU] if isinstance(p, Psu)]
        found: list[Entry] = [p for p in psus if self._powers(p, gpu, count, board)]
        if found or count < 2:
            return found
        half = cards_per_supply(count)
        return [pair_of(p) for p in psus if self._powers(p, gpu, half, board, total=count)]

    def _cases(self, gpu: Gpu, count: int, board: Motherboard) -> list[Entry]:
        """Cases that take the board and cards, and open frames with the risers (and x8/x8
        adapters, where the board has too few slots) the cards stand on."""
        found: list[Entry] = []
        for case in self.options[PartKind.CASE]:
            if not isinstance(case, Case) or board.form_factor not in case.form_factors:
                continue
            if case.case_type == "open-frame":
                if not frame_holds(case, gpu, count):
                    continue
                mount = self._frame_mount(board, gpu, count)
                if mount is not None:
                    found.append(on_frame(case, mount))
            elif (
                case.max_gpu_length_mm >= (gpu.length_mm or 0)
                and (gpu.cooler_type != "passive" or case.case_type == "rackmount")
                and self._places_in(board, gpu, count, case.expansion_slots)
            ):
                found.append(case)
        return found

    def _powers(
        self, psu: Psu, gpu: Gpu, count: int, board: Motherboard, total: int | None = None
    ) -> bool:
        """Whether the supply can carry `count` cards with the board's least hungry CPU, on
        the outlet's rating, and has the cables they need (else every build with it errs);
        with `total`, as one of two supplies feeding `total` cards (on one circuit unless the
        user has two)."""
        cpu_w = self.least_cpu_w.get(board.socket, 0)
        sustained = (gpu.board_power_w * count + cpu_w) * (1 + REST_OF_SYSTEM)
        circuit = self.constraints.wall_circuit
        if not runs_on(psu, circuit) or psu_rating_w(psu, circuit) < sustained:
            return False
        on_outlet = count if total is None or self.constraints.psu_circuits > 1 else total
        wall = self._wall_w(gpu.board_power_w * on_outlet + cpu_w, EFFICIENCY[psu.efficiency])
        if wall > self.settings.wall_continuous_w:
            return False
        cards = ((gpu, float(gpu.board_power_w)),) * count
        return connector_needs(cards, psu, board.socket).pcie_8pin <= psu.connectors.pcie_8pin

    @staticmethod
    def _wall_w(parts_w: float, efficiency: float) -> float:
        """Draw at the wall of GPUs and CPU drawing `parts_w`, with the rest of the system."""
        return parts_w * (1 + REST_OF_SYSTEM) / efficiency

    def _places_in(self, board: Motherboard, gpu: Gpu, count: int, slots: int) -> bool:
        """Whether a case with `slots` expansion openings can take the cards on this board.
        More openings never place fewer cards, so each answer bounds the others."""
        key = (board.id, card_width(gpu), gpu.pcie_lanes, count)  # openings it covers
        too_few, enough = self._place_bounds.get(key, (0, ROOMIEST_CASE + 1))
        if slots <= too_few or slots >= enough:
            return slots >= enough
        placed = len(plan_slots(board, None, [gpu] * count, [], slots).gpus) >= count
        self._place_bounds[key] = (too_few, slots) if placed else (slots, enough)
        return placed

    def _frame_mount(self, board: Motherboard, gpu: Gpu, count: int) -> list[Riser] | None:
        """The risers on which the board stands the cards on a frame, with the fewest x8/x8
        adapters where it has too few slots - only in slots whose x8/x8 split the catalog
        knows the BIOS offers (a suggestion must not hang on an unknown BIOS setting)."""
        key = (board.id, gpu.slot_width, gpu.pcie_lanes, gpu.pcie_gen, count)
        if key not in self._mount_cache:
            risers = self.options[PartKind.RISER]
            cable = riser_for(gpu, risers)
            split = sum(1 for slot in board.pcie_slots if "8x8" in (slot.bifurcation or ()))
            mounts = [] if cable is None else frame_mounts(count, cable, adapter_for(risers), split)
            self._mount_cache[key] = next(
                (
                    mount
                    for mount in mounts
                    if len(plan_slots(board, None, [gpu] * count, [], None, mount, True).gpus)
                    >= count
                ),
                None,
            )
        return self._mount_cache[key]

    def places(self, board: Motherboard, lists: list[list[Entry]], gpu: Gpu, count: int) -> bool:
        """Whether the board can place `count` of these cards with any of its CPUs in the
        roomiest case (a real case can only take slots away), or stands them on a frame."""
        if any(not isinstance(case, Case) for case in lists[CASE]):
            return True  # a frame's risers were placed when it was offered
        cpus = lists[CPU]
        key = (board.id, gpu.slot_width, gpu.pcie_lanes, count, ROOMIEST_CASE)
        found = self._place_cache.get(key)
        if found is None:
            found = self._place_cache[key] = any(
                len(plan_slots(board, cpu, [gpu] * count, [], ROOMIEST_CASE).gpus) >= count
                for cpu in cpus
                if isinstance(cpu, Cpu)
            )
        return found


def _board_key(kind: PartKind, board: Motherboard) -> str:
    """What of the board a kind's list depends on: cases on the board itself (its form factor
    and slots), memory on the modules it takes, the others on its socket alone."""
    if kind is PartKind.CASE:
        return board.id
    if kind is PartKind.MEMORY:
        return f"{board.memory_type}/{board.memory_module}"
    return board.socket
