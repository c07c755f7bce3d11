"""Cooling: packed cards, passive datacenter cards, and the heat of the build vs the case."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from planner.core.checks.context import CheckContext, watts
from planner.core.findings import Category, Finding, Severity
from planner.core.pcie import GpuPlacement

# DOMAIN.md, Cooling: open-air cards in adjacent slots run about 30% slower; blower cards
# lose about 10-15% when packed; more than ~1 kW in a desktop tower wants strong airflow.
ADJACENT_OPEN_AIR_LOSS = 0.30
PACKED_BLOWER_LOSS = (0.10, 0.15)
DESKTOP_HEAT_LIMIT_W = 1_000


def touching_pairs(placements: tuple[GpuPlacement, ...]) -> list[tuple[GpuPlacement, GpuPlacement]]:
    """Pairs of cards with no free slot between them, upper card first; a card on a riser
    stands away from its neighbours."""
    ordered = sorted(placements, key=lambda placement: placement.position)
    return [
        (upper, lower)
        for upper, lower in pairwise(ordered)
        if lower.position == upper.last_position + 1 and not (upper.riser or lower.riser)
    ]


def check_packed_cards(context: CheckContext) -> Iterator[Finding]:
    layout = context.layout
    gpus = context.gpu_list
    if layout is None:
        return
    open_air = []
    blowers = []
    for upper, lower in touching_pairs(layout.gpus):
        kind = gpus[lower.gpu_index].cooler_type
        if kind == "open-air":
            open_air.append((upper, lower))
        elif kind == "blower":
            blowers.append((upper, lower))
    if open_air:
        pairs = ", ".join(f"{upper.slot} and {lower.slot}" for upper, lower in open_air)
        gpu = gpus[open_air[0][1].gpu_index]
        yield Finding(
            Severity.WARNING,
            Category.COOLING,
            "cooling.adjacent_open_air",
            f"Open-air cards sit with no free slot between them ({pairs}): each lower card's "
            "fans draw air heated by the card above, and packed open-air cards are reported to "
            f"run about {ADJACENT_OPEN_AIR_LOSS:.0%} slower once they throttle near 80 °C.",
            (gpu.id,),
            "Leave a free slot between cards, use blower or water-cooled versions, move a card "
            "with a riser, or set power limits (about -7% speed for -50 W).",
        )
    if blowers:
        low, high = PACKED_BLOWER_LOSS
        yield Finding(
            Severity.INFO,
            Category.COOLING,
            "cooling.packed_blowers",
            f"Blower cards are packed side by side; they exhaust out of the case, but packed "
            f"they still lose about {low:.0%}–{high:.0%} to heat.",
            (gpus[blowers[0][1].gpu_index].id,),
            "Strong front intake airflow keeps the loss at the low end.",
        )


def check_passive_cards(context: CheckContext) -> Iterator[Finding]:
    passive = {
        gpu.id: gpu
        for gpu in context.gpu_list
        if gpu.cooler_type == "passive" and not gpu.is_sxm  # SXM: compatibility.gpu_sxm_module
    }
    if not passive:
        return
    case = context.assembly.case
    gpu = next(iter(passive.values()))
    if case is not None and case.case_type == "rackmount":
        yield Finding(
            Severity.INFO,
            Category.COOLING,
            "cooling.passive_airflow",
            f"The {gpu.display_name} has no fans of its own; the chassis fans must push air "
            "front to back through it.",
            tuple(passive),
            "Fit high-static-pressure fans in the fan wall and keep the card shrouds closed.",
        )
        return
    where = f"the {case.display_name}" if case else "a desktop case"
    yield Finding(
        Severity.ERROR,
        Category.COOLING,
        "cooling.passive_in_desktop",
        f"The {gpu.display_name} is a passive datacenter card: it relies on a server's "
        f"high-pressure front-to-back airflow and overheats in {where}.",
        (*passive, *((case.id,) if case else ())),
        "Choose a rackmount chassis built for passive GPUs, a fan shroud for each card, or an "
        "actively cooled workstation card (RTX A/Ada/PRO).",
    )


def check_heat(context: CheckContext) -> Iterator[Finding]:
    case = context.assembly.case
    if case is None or not context.gpu_list:
        return
    heat = context.power.sustained_w
    if case.is_desktop and heat > DESKTOP_HEAT_LIMIT_W:
        yield Finding(
            Severity.WARNING,
            Category.COOLING,
            "cooling.heat_load",
            f"The build turns about {watts(heat)} into heat under training load. A desktop "
            f"case with {case.fans_included} fans fitted struggles above "
            f"{watts(DESKTOP_HEAT_LIMIT_W)}; multi-GPU towers commonly lose 10–25% to heat.",
            (case.id,),
            f"Fill the {case.fan_mounts} fan mounts with intake and exhaust fans, or use an "
            "open-frame or rackmount case, and keep the room cool.",
        )
