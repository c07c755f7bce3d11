"""Two or more power supplies: each one's share of the load, spikes and cables, and how
they are started together. One supply is checked by checks/power.py."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.checks.context import CheckContext, plural, watts
from planner.core.checks.power import connector_needs
from planner.core.findings import Category, Finding, Severity
from planner.core.power import GPU_TRANSIENT_FACTOR, REST_OF_SYSTEM, excursion_limit
from planner.core.psu_split import PsuLoad


def _fed(context: CheckContext, load: PsuLoad) -> str:
    """ "GPUs 3 and 4" (numbered from 1 in build order), or "the board and CPU only"."""
    numbers = [str(index + 1) for index in load.gpus]
    if not numbers:
        return "the board and CPU only"
    cards = f"GPU {numbers[0]}" if len(numbers) == 1 else f"GPUs {', '.join(numbers)}"
    return f"the board, CPU and {cards}" if load.number == 1 else cards


def _parts(context: CheckContext, load: PsuLoad) -> tuple[str, ...]:
    gpus = context.gpu_list
    return (load.psu.id, *dict.fromkeys(gpus[index].id for index in load.gpus))


def check_psu_shares(context: CheckContext) -> Iterator[Finding]:
    loads = context.psu_loads
    if len(loads) < 2 or not context.gpu_list:
        return
    for load in loads:
        if load.recommended_w <= load.rating_w:
            continue
        severity, code = (
            (Severity.ERROR, "power.psu_capacity")
            if load.sustained_w > load.rating_w
            else (Severity.WARNING, "power.psu_headroom")
        )
        outcome = "it will shut down" if severity is Severity.ERROR else "it runs at its limit"
        yield Finding(
            severity,
            Category.POWER,
            code,
            f"{load.label} feeds {_fed(context, load)}: about {watts(load.sustained_w)} "
            f"under training load ({watts(load.recommended_w)} with the usual 10% margin), "
            f"and it gives {watts(load.rating_w)}: {outcome}. Each card takes all of its "
            "cables from one supply, so the load cannot be shared more finely.",
            _parts(context, load),
            f"Choose a larger unit for PSU {load.number}, move a card to the other supply by "
            "choosing larger units, or set GPU power limits.",
        )


def check_psu_transients(context: CheckContext) -> Iterator[Finding]:
    loads = context.psu_loads
    if len(loads) < 2:
        return
    gpus = context.gpu_list
    for load in loads:
        peak = (load.gpu_w * GPU_TRANSIENT_FACTOR + load.cpu_w) * (1 + REST_OF_SYSTEM)
        limit = load.rating_w * excursion_limit(load.psu)
        if peak <= limit or not load.gpus:
            continue
        yield Finding(
            Severity.WARNING,
            Category.POWER,
            "power.transients",
            f"{load.label} feeds {_fed(context, load)}, which spike to about "
            f"{GPU_TRANSIENT_FACTOR:g}× their board power for microseconds: near "
            f"{watts(peak)}, above the {watts(limit)} it rides through.",
            (load.psu.id, *dict.fromkeys(gpus[index].id for index in load.gpus)),
            "Choose a larger ATX 3.x unit for that supply, or set GPU power limits.",
        )


def check_psu_cables(context: CheckContext) -> Iterator[Finding]:
    loads = context.psu_loads
    if len(loads) < 2:
        return
    cpu = context.assembly.cpu
    gpus = context.gpu_list
    for load in loads:
        fed = tuple((gpus[index], float(gpus[index].board_power_w)) for index in load.gpus)
        needs = connector_needs(fed, load.psu, cpu.socket if cpu else None, load.number == 1)
        offered = load.psu.connectors.pcie_8pin
        if needs.pcie_8pin <= offered:
            continue
        yield Finding(
            Severity.ERROR,
            Category.POWER,
            "power.connectors",
            f"{load.label} feeds {_fed(context, load)}, which need "
            f"{plural(needs.pcie_8pin, 'PCIe 8-pin cable')} (adapters for 12V-2x6 plugs "
            f"counted), but it has {offered}.",
            _parts(context, load),
            "Choose a supply with more PCIe or native 12V-2x6 cables for that share.",
        )


def check_psu_sync(context: CheckContext) -> Iterator[Finding]:
    loads = context.psu_loads
    if len(loads) < 2:
        return
    second = ", ".join(f"{load.label}: {_fed(context, load)}" for load in loads)
    yield Finding(
        Severity.INFO,
        Category.POWER,
        "power.second_psu",
        f"The build runs on {len(loads)} power supplies ({second}). The others must switch "
        "on and off with PSU 1, and no card may take cables from two supplies.",
        tuple(dict.fromkeys(load.psu.id for load in loads)),
        "Start them together with an Add2PSU relay board or a dual-PSU 24-pin adapter; plug "
        "every cable of a card into the same supply; a card on the second supply gets its "
        "slot's 75 W from the board, so prefer risers with their own power input there.",
    )
