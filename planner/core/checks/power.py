"""Power: PSU capacity with headroom, transients, PCIe power connectors, the wall circuit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from planner.core.checks.context import CheckContext, plural, watts
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Gpu, PartKind, Psu
from planner.core.power import (
    EFFICIENCY,
    GPU_TRANSIENT_FACTOR,
    circuit_volts,
    excursion_limit,
    limit_to_fit,
    psu_rating_w,
    runs_on,
)

# Workstation boards feed their CPUs through two EPS 8-pin sockets; desktop boards need one.
_TWO_EPS_SOCKETS = ("sTRX4", "sTR5", "LGA4677")
# Headroom left on a wall circuit for the monitor, network gear and the like.
_WALL_WARNING_FRACTION = 0.9


def check_psu_capacity(context: CheckContext) -> Iterator[Finding]:
    psu = context.assembly.psu
    budget = context.power
    if psu is None or budget.psu_w is None or not context.gpu_list or len(context.psu_loads) > 1:
        return  # two or more supplies: checks/psu_pair.py
    rating = budget.psu_w
    sustained, recommended = budget.sustained_w, budget.recommended_psu_w
    if recommended <= rating:
        return
    circuit = context.assembly.build.settings.wall_circuit
    derated = f" (its rating on a {circuit[:4].upper()} circuit)" if rating != psu.wattage_w else ""
    psus = context.examples(
        PartKind.PSU,
        lambda part: isinstance(part, Psu) and psu_rating_w(part, circuit) >= recommended,
    )
    # The same figure the power bar and report show as "recommended".
    fix = f"Choose a power supply of at least {watts(recommended)}{psus}."
    advice = limit_to_fit(budget, context.gpu_list, rating)
    if advice is not None:
        fix += (
            f" Or limit each GPU to {advice.limit_w} W (nvidia-smi -pl {advice.limit_w}), "
            f"which costs about {advice.speed_loss:.0%} of training speed."
        )
    parts = (psu.id, *{gpu.id for gpu in context.gpu_list})
    if sustained > rating:
        yield Finding(
            Severity.ERROR,
            Category.POWER,
            "power.psu_capacity",
            f"Under training load the build draws about {watts(sustained)} "
            f"(GPUs {watts(budget.gpu_w)}, CPU {watts(budget.cpu_w)}, "
            f"rest ~{watts(budget.rest_w)}), "
            f"more than the {psu.display_name}'s {watts(rating)}{derated}: it will shut down.",
            parts,
            fix,
        )
    else:
        yield Finding(
            Severity.WARNING,
            Category.POWER,
            "power.psu_headroom",
            f"The build draws about {watts(sustained)} under training load; with the usual 10% "
            f"margin it wants a {watts(recommended)} power supply, and the "
            f"{psu.display_name} gives {watts(rating)}{derated}. It runs near its limit, "
            "hotter and louder, with no room for spikes.",
            parts,
            fix,
        )


def check_transients(context: CheckContext) -> Iterator[Finding]:
    psu = context.assembly.psu
    budget = context.power
    if psu is None or budget.psu_w is None or not context.gpu_list or len(context.psu_loads) > 1:
        return  # two or more supplies: checks/psu_pair.py
    limit = budget.psu_w * excursion_limit(psu)
    peak = budget.transient_peak_w
    if peak <= limit:
        return
    if psu.atx_version == "2.x":
        why = (
            f"The {psu.display_name} is an older ATX 2.x design whose over-current protection "
            f"trips around {watts(limit)}"
        )
        fix = "Choose an ATX 3.0/3.1 power supply, which is built to ride through such spikes"
    else:
        why = f"even the ATX {psu.atx_version} rating covers only {watts(limit)} for 100 µs"
        fix = "Choose a larger ATX 3.x power supply"
    yield Finding(
        Severity.WARNING,
        Category.POWER,
        "power.transients",
        f"GPUs spike to about {GPU_TRANSIENT_FACTOR:g}× their board power for microseconds, "
        f"so the build can peak near {watts(peak)}. {why}: expect sudden shutdowns under load.",
        (psu.id, *{gpu.id for gpu in context.gpu_list}),
        f"{fix}, or set GPU power limits.",
    )


@dataclass(frozen=True)
class ConnectorNeeds:
    """PCIe power plugs the GPUs and board need, resolved against what the PSU offers."""

    pcie_8pin: int  # including 8-pins that feed adapters
    native_12vhpwr: int
    adapted_12vhpwr: int
    eps_for_gpus: int
    eps_for_board: int
    adapted_eps: int


def connector_needs(
    gpus: tuple[tuple[Gpu, float], ...], psu: Psu, socket: str | None, feeds_board: bool = True
) -> ConnectorNeeds:
    """How the GPUs' plugs map onto the PSU's cables. 12VHPWR / 12V-2x6 plugs use the PSU's
    native cables first, then the card's adapter at 150 W per 8-pin; CPU (EPS) plugs on
    datacenter cards use spare EPS cables first, then NVIDIA's 2 × 8-pin adapter. A second
    supply (`feeds_board` false) keeps all its EPS cables for the cards."""
    board_eps = (2 if socket in _TWO_EPS_SOCKETS else 1) if feeds_board else 0
    spare_eps = max(0, psu.connectors.eps_8pin - board_eps)
    native_left = psu.connectors.hpwr_12v
    pcie_8pin = native = adapted = eps = adapted_eps = 0
    for gpu, draw in gpus:
        plugs = gpu.power_connectors
        if plugs is None:  # an SXM module: the HGX baseboard feeds it, no PSU cables
            continue
        pcie_8pin += plugs.pcie_8pin + plugs.pcie_6pin
        for _ in range(plugs.hpwr_12v):
            if native_left:
                native_left -= 1
                native += 1
            else:
                adapted += 1
                pcie_8pin += max(2, math.ceil((draw - 75) / 150))
        for _ in range(plugs.eps_8pin):
            if spare_eps:
                spare_eps -= 1
                eps += 1
            else:
                adapted_eps += 1
                pcie_8pin += 2
    return ConnectorNeeds(pcie_8pin, native, adapted, eps, board_eps, adapted_eps)


def check_connectors(context: CheckContext) -> Iterator[Finding]:
    psu = context.assembly.psu
    if psu is None or not context.gpu_list or len(context.psu_loads) > 1:
        return  # two or more supplies: checks/psu_pair.py
    # Plugs are hardware: a software power limit (nvidia-smi -pl) does not change which
    # cables a card needs, so they follow its board power.
    gpus = tuple((gpu, float(gpu.board_power_w)) for gpu in context.gpu_list)
    cpu = context.assembly.cpu
    needs = connector_needs(gpus, psu, cpu.socket if cpu else None)
    offered = psu.connectors
    caveat = (
        " (the catalog's connector counts for this unit are not verified: check its cable list)"
        if "connectors" in psu.unverified
        else ""
    )
    parts = (psu.id, *{gpu.id for gpu in context.gpu_list})
    if needs.pcie_8pin > offered.pcie_8pin:
        detail = []
        if needs.adapted_12vhpwr:
            detail.append(
                f"{plural(needs.adapted_12vhpwr, '12V-2x6 plug')} through 8-pin adapters "
                f"(the PSU has {plural(offered.hpwr_12v, 'native 12V-2x6 cable')})"
            )
        if needs.adapted_eps:
            detail.append(
                f"{plural(needs.adapted_eps, 'CPU 8-pin plug')} through 2 × 8-pin adapters"
            )
        how = f", counting {' and '.join(detail)}" if detail else ""
        psus = context.examples(
            PartKind.PSU,
            lambda part: (
                isinstance(part, Psu)
                and connector_needs(gpus, part, cpu.socket if cpu else None).pcie_8pin
                <= part.connectors.pcie_8pin
            ),
        )
        yield Finding(
            Severity.ERROR,
            Category.POWER,
            "power.connectors",
            f"The GPUs need {plural(needs.pcie_8pin, 'PCIe 8-pin cable')}{how}, but the "
            f"{psu.display_name} has {offered.pcie_8pin}{caveat}. Never split one cable's "
            "daisy-chained plugs across a high-power card.",
            parts,
            f"Choose a power supply with more PCIe cables or native 12V-2x6 cables{psus}.",
        )
    if offered.eps_8pin < needs.eps_for_board:
        yield Finding(
            Severity.WARNING,
            Category.POWER,
            "power.eps_connectors",
            f"Workstation boards take {needs.eps_for_board} CPU (EPS) 8-pin cables; the "
            f"{psu.display_name} has {offered.eps_8pin}{caveat}.",
            (psu.id,),
            "Choose a power supply with two EPS 8-pin cables.",
        )


def check_wall_circuit(context: CheckContext) -> Iterator[Finding]:
    budget = context.power
    psu = context.assembly.psu
    if psu is None or not context.gpu_list:
        return
    settings = context.assembly.build.settings
    loads = context.psu_loads
    if settings.psu_circuits == 2 and len(loads) > 1:
        first = loads[0]
        others = loads[1:]
        circuits = [
            (f"{first.label}'s circuit", first.sustained_w, first.psu),
            (
                "the other supplies' circuit"
                if len(others) > 1
                else f"{others[0].label}'s circuit",
                sum(load.sustained_w for load in others),
                others[0].psu,
            ),
        ]
    else:
        circuits = [("", budget.sustained_w, psu)]
    for where, sustained, unit in circuits:
        yield from _circuit_findings(context, where, sustained, EFFICIENCY[unit.efficiency])


def _circuit_findings(
    context: CheckContext, where: str, sustained: float, efficiency: float
) -> Iterator[Finding]:
    settings = context.assembly.build.settings
    circuit_w = settings.wall_continuous_w
    wall = sustained / efficiency
    name = settings.wall_circuit.replace("v-", " V / ").upper().replace("A", " A")
    who = f"On {where} the build" if where else "At the wall the build"
    psus = context.assembly.psus
    psu_ids = tuple(dict.fromkeys(unit.id for unit in psus))
    if len(psus) < 2:
        second = ", add a second power supply on a circuit of its own"
    elif settings.psu_circuits == 1:
        second = ", plug the second power supply into a circuit of its own"
    else:
        second = ""
    if wall > circuit_w:
        yield Finding(
            Severity.ERROR,
            Category.POWER,
            "power.wall_circuit",
            f"{who} draws about {watts(wall)} ({watts(sustained)} "
            f"through a {efficiency:.0%}-efficient supply), more than a {name} circuit "
            f"carries continuously ({watts(circuit_w)}): the breaker will trip.",
            psu_ids,
            f"Use a 240 V circuit (NEMA 6-20 or L6-30 in North America) or a dedicated 20 A "
            f"circuit{second}, split the GPUs across two machines, or set GPU power limits.",
        )
    elif wall > circuit_w * _WALL_WARNING_FRACTION:
        yield Finding(
            Severity.WARNING,
            Category.POWER,
            "power.wall_circuit_headroom",
            f"{who} draws about {watts(wall)}, {wall / circuit_w:.0%} of what "
            f"a {name} circuit carries continuously ({watts(circuit_w)}); a monitor or a "
            "second machine on the same circuit can trip the breaker.",
            psu_ids,
            "Give the machine a circuit of its own.",
        )


def check_large_psu_on_120v(context: CheckContext) -> Iterator[Finding]:
    psu = context.assembly.psu
    settings = context.assembly.build.settings
    if (
        psu is None
        or circuit_volts(settings.wall_circuit) > 120
        or psu.wattage_115v_w is not None
        or psu.wattage_w <= 1600
        or not runs_on(psu, settings.wall_circuit)  # check_psu_input_voltage says more
    ):
        return
    yield Finding(
        Severity.INFO,
        Category.POWER,
        "power.psu_120v_rating",
        f"The {psu.display_name} is rated {watts(psu.wattage_w)}, a rating units this large "
        "usually reach only on 200-240 V; its 120 V rating is not in the catalog.",
        (psu.id,),
        "Check its rating at 115 V in the manual before planning on the full wattage.",
    )


def check_psu_input_voltage(context: CheckContext) -> Iterator[Finding]:
    """A supply rated only for 200-240 V input does not start on a 120 V circuit."""
    circuit = context.assembly.build.settings.wall_circuit
    volts = circuit_volts(circuit)
    for psu in {unit.id: unit for unit in context.assembly.psus}.values():
        if runs_on(psu, circuit):
            continue
        yield Finding(
            Severity.ERROR,
            Category.POWER,
            "power.psu_input_voltage",
            f"The {psu.display_name} takes {psu.min_input_v}-240 V AC input only; on the "
            f"{volts} V circuit in the settings it will not power on.",
            (psu.id,),
            "Run the machine from a 240 V circuit (NEMA 6-20 or L6-30 in North America; pick "
            "it in the build's settings) or choose a power supply rated for 100-240 V.",
        )
