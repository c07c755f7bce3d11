"""The power budget of a build: sustained draw, PSU sizing, transients, wall draw, and
power limits that make a marginal build work.

Sizing follows the hardware guides (DOMAIN.md, Power): GPU board power (or the user's
limit) plus CPU TDP, plus about 10% for the rest of the system, plus another ~10% margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.core.assembly import Assembly
from planner.core.parts import Gpu, Psu

REST_OF_SYSTEM = 0.10  # board, memory, drives, fans, and conversion losses inside the box
SIZING_MARGIN = 0.10
# ATX 3.x PSUs must ride through excursions to 200% of their rating for 100 µs; GPUs of the
# Ampere generation and later spike to about twice their board power for that long.
GPU_TRANSIENT_FACTOR = 2.0
ATX3_EXCURSION_LIMIT = 2.0
# Pre-ATX 3.0 units have over-current protection set some way above the rating; ~130% is a
# common trip point, so spikes above it are where older units shut down.
ATX2_EXCURSION_LIMIT = 1.3
# 80 PLUS efficiency at half load, 115 V (DOMAIN.md): used for the draw at the wall.
EFFICIENCY = {
    "White": 0.82,
    "Bronze": 0.85,
    "Silver": 0.88,
    "Gold": 0.90,
    "Platinum": 0.92,
    "Titanium": 0.94,
}
# Power limiting (DOMAIN.md): -50 W on a 250 W RTX 2080 Ti cost about 7% speed; the loss
# grows slowly down to ~70% of board power, then quickly.
SPEED_LOSS_PER_POWER_FRACTION = 0.07 / (50 / 250)
LOWEST_SENSIBLE_LIMIT = 0.70


@dataclass(frozen=True)
class PowerLine:
    label: str
    watts: float
    part_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PowerBudget:
    lines: tuple[PowerLine, ...]
    gpu_w: float
    cpu_w: float
    cpu_peak_w: float
    rest_w: float
    psu_w: int | None
    efficiency: float

    @property
    def sustained_w(self) -> float:
        return self.gpu_w + self.cpu_w + self.rest_w

    @property
    def recommended_psu_w(self) -> float:
        return self.sustained_w * (1 + SIZING_MARGIN)

    @property
    def transient_peak_w(self) -> float:
        return self.gpu_w * GPU_TRANSIENT_FACTOR + self.cpu_w + self.rest_w

    @property
    def wall_w(self) -> float:
        return self.sustained_w / self.efficiency

    def to_json(self) -> dict[str, object]:
        return {
            "lines": [
                {"label": line.label, "watts": round(line.watts, 1), "parts": list(line.part_ids)}
                for line in self.lines
            ],
            "sustained_w": round(self.sustained_w, 1),
            "recommended_psu_w": round(self.recommended_psu_w, 1),
            "transient_peak_w": round(self.transient_peak_w, 1),
            "wall_w": round(self.wall_w, 1),
            "psu_w": self.psu_w,
        }


def gpu_power_w(gpu: Gpu, limit_w: int | None) -> float:
    """What a GPU draws under training load: its board power, or the user's lower limit."""
    if limit_w is None:
        return float(gpu.board_power_w)
    return float(min(limit_w, gpu.board_power_w))


def circuit_volts(wall_circuit: str) -> int:
    """The circuit's nominal voltage: 120 for "120v-15a"."""
    return int(wall_circuit.split("v", 1)[0])


def runs_on(psu: Psu, wall_circuit: str) -> bool:
    """Whether the PSU is rated for the circuit's voltage (some large units take only
    200-240 V)."""
    return circuit_volts(wall_circuit) >= psu.min_input_v


def psu_rating_w(psu: Psu, wall_circuit: str) -> int:
    """The PSU's continuous rating on this circuit: some units rate less at 100-120 V."""
    if circuit_volts(wall_circuit) <= 120 and psu.wattage_115v_w is not None:
        return psu.wattage_115v_w
    return psu.wattage_w


def power_budget(assembly: Assembly) -> PowerBudget:
    lines = []
    gpu_w = 0.0
    for gpu, item in assembly.gpus:
        each = gpu_power_w(gpu, item.choice.power_limit_w)
        limited = "" if each == gpu.board_power_w else f" (limited to {each:.0f} W)"
        lines.append(
            PowerLine(f"{item.count} × {gpu.display_name}{limited}", each * item.count, (gpu.id,))
        )
        gpu_w += each * item.count
    cpu = assembly.cpu
    cpu_w = float(cpu.tdp_w) if cpu else 0.0
    if cpu is not None:
        lines.append(PowerLine(f"{cpu.display_name} (TDP)", cpu_w, (cpu.id,)))
    rest_w = (gpu_w + cpu_w) * REST_OF_SYSTEM
    lines.append(PowerLine("Board, memory, drives, fans (~10%)", rest_w))
    psu = assembly.psu
    circuit = assembly.build.settings.wall_circuit
    psus = assembly.psus
    return PowerBudget(
        lines=tuple(lines),
        gpu_w=gpu_w,
        cpu_w=cpu_w,
        cpu_peak_w=float(cpu.max_power_w) if cpu else 0.0,
        rest_w=rest_w,
        psu_w=sum(psu_rating_w(unit, circuit) for unit in psus) if psus else None,
        efficiency=EFFICIENCY[psu.efficiency] if psu else EFFICIENCY["Gold"],
    )


def excursion_limit(psu: Psu) -> float:
    return ATX2_EXCURSION_LIMIT if psu.atx_version == "2.x" else ATX3_EXCURSION_LIMIT


def speed_loss(limit_fraction: float) -> float:
    """Estimated training slowdown at a power limit, as a fraction of full speed."""
    fraction = min(1.0, max(0.0, limit_fraction))
    loss = SPEED_LOSS_PER_POWER_FRACTION * (1 - fraction)
    if fraction < LOWEST_SENSIBLE_LIMIT:
        loss += (LOWEST_SENSIBLE_LIMIT - fraction) * 1.0
    return loss


@dataclass(frozen=True)
class PowerLimitAdvice:
    limit_w: int
    board_power_w: int
    speed_loss: float


def limit_to_fit(
    budget: PowerBudget, gpus: tuple[Gpu, ...], target_w: float
) -> PowerLimitAdvice | None:
    """One per-GPU power limit that brings the recommended PSU size to `target_w`, if a
    sensible one exists (not below ~70% of the cards' board power)."""
    if not gpus:
        return None
    count = len(gpus)
    per_gpu = (target_w / ((1 + SIZING_MARGIN) * (1 + REST_OF_SYSTEM)) - budget.cpu_w) / count
    per_gpu = math.floor(per_gpu / 5) * 5
    board = max(gpu.board_power_w for gpu in gpus)
    if per_gpu >= board:
        return None
    if per_gpu < LOWEST_SENSIBLE_LIMIT * board:
        return None
    return PowerLimitAdvice(per_gpu, board, speed_loss(per_gpu / board))
