"""Two or more power supplies: which GPUs each one feeds, and its share of the load.

The first supply powers the board and CPU (its 24-pin and EPS cables start the machine);
every GPU takes all of its cables from one supply, never from two, and the GPUs go to the
supply with the most headroom left, largest card first. A single supply carries everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.core.parts import Gpu, Psu
from planner.core.power import REST_OF_SYSTEM, SIZING_MARGIN, PowerBudget, psu_rating_w

# Sustained draw to recommended rating: the rest of the system, then the sizing margin.
_SIZED = (1 + REST_OF_SYSTEM) * (1 + SIZING_MARGIN)


@dataclass(frozen=True)
class PsuLoad:
    """One supply of the build: what it is rated on this circuit and what it carries."""

    number: int  # 1 feeds the board and CPU
    psu: Psu
    rating_w: int
    gpus: tuple[int, ...]  # indices into the build's GPU list
    gpu_w: float
    cpu_w: float

    @property
    def sustained_w(self) -> float:
        """Its share of the sustained draw, with its share of the rest of the system."""
        return (self.gpu_w + self.cpu_w) * (1 + REST_OF_SYSTEM)

    @property
    def recommended_w(self) -> float:
        return self.sustained_w * (1 + SIZING_MARGIN)

    @property
    def label(self) -> str:
        return f"PSU {self.number} ({self.psu.display_name})"


def split_load(
    psus: Sequence[Psu],
    gpus: Sequence[tuple[Gpu, float]],
    budget: PowerBudget,
    wall_circuit: str,
) -> tuple[PsuLoad, ...]:
    """Each supply's GPUs and load; `gpus` pairs each card with its draw (limits applied)."""
    if not psus:
        return ()
    ratings = [psu_rating_w(psu, wall_circuit) for psu in psus]
    loads = [budget.cpu_w] + [0.0] * (len(psus) - 1)
    fed: list[list[int]] = [[] for _ in psus]
    for index in sorted(range(len(gpus)), key=lambda i: -gpus[i][1]):
        draw = gpus[index][1]
        target = max(range(len(psus)), key=lambda n: (ratings[n] - loads[n] * _SIZED, -n))
        loads[target] += draw
        fed[target].append(index)
    return tuple(
        PsuLoad(
            number + 1,
            psu,
            ratings[number],
            tuple(sorted(fed[number])),
            loads[number] - (budget.cpu_w if number == 0 else 0.0),
            budget.cpu_w if number == 0 else 0.0,
        )
        for number, psu in enumerate(psus)
    )
