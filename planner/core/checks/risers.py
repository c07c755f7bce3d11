"""Risers, bifurcation adapters and open frames: the link a riser gives, long risers,
splits the BIOS may not offer, and where cards on risers stand."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Riser
from planner.core.riser_mount import adapters, host_slot, is_split_link, splits_allowed

# Longest riser cable that usually holds a link at each generation. PCIe allows 28 dB of
# channel loss at Gen4 (TI E2E, DS160PR410 thread) and 36 dB at Gen5 with ~16 dB left for
# the board (Astera Labs); 30 cm of FR-4 trace alone takes ~15.6 dB at 8 GHz. Builders
# report AER errors on 900 mm Gen4 risers (mov-axbx.com WOPR, Risers) and on PCIe 5.0
# risers (tinygrad). A heuristic from those budgets, not a vendor figure.
RELIABLE_RISER_MM = {3: 600, 4: 300, 5: 200}


def _riser(context: CheckContext, riser_id: str | None) -> Riser | None:
    part = context.catalog.get(riser_id) if riser_id else None
    return part if isinstance(part, Riser) else None


def check_riser_links(context: CheckContext) -> Iterator[Finding]:
    """A riser rated below the link the slot and card could train at, and long risers."""
    layout, board = context.layout, context.assembly.motherboard
    if layout is None or board is None:
        return
    gpus = context.gpu_list
    for placement in layout.gpus:
        riser = _riser(context, placement.riser)
        if riser is None:
            continue
        gpu = gpus[placement.gpu_index]
        slot = board.slot(host_slot(placement.slot))
        could = min(gpu.pcie_gen, slot.gen if slot else gpu.pcie_gen)
        if riser.pcie_gen < could:
            yield Finding(
                Severity.WARNING,
                Category.PCIE,
                "pcie.riser_generation",
                f"The {riser.display_name} is rated for PCIe {riser.pcie_gen}.0, but "
                f"{placement.slot} and the {gpu.display_name} would train at PCIe {could}.0: "
                "left alone the link shows errors or drops speed.",
                (riser.id, gpu.id),
                f"Set {placement.slot} to Gen{riser.pcie_gen} in the BIOS (planned here at "
                f"PCIe {placement.link_gen}.0 x{placement.link_width}), or use a PCIe "
                f"{could}.0 riser.",
            )
        reliable = RELIABLE_RISER_MM.get(placement.link_gen)
        if reliable is not None and riser.length_mm > reliable:
            yield Finding(
                Severity.WARNING,
                Category.PCIE,
                "pcie.riser_length",
                f"The {riser.display_name} is {riser.length_mm} mm long; at PCIe "
                f"{placement.link_gen}.0 risers past about {reliable} mm use up the link's "
                "signal budget, and builders report AER errors and links that drop speed.",
                (riser.id,),
                f"Use a riser of {reliable} mm or less, or force {placement.slot} one "
                "generation lower in the BIOS (check lspci -vv and dmesg for AER errors).",
            )


def check_bifurcation(context: CheckContext) -> Iterator[Finding]:
    """Adapters in slots whose BIOS split is not published, or no slot for an adapter."""
    layout, board = context.layout, context.assembly.motherboard
    fitted = adapters(context.assembly.risers)
    if layout is None or board is None or not fitted:
        return
    hosts = sorted({host_slot(p.slot) for p in layout.gpus if is_split_link(p.slot)})
    unknown = [name for name in hosts if (slot := board.slot(name)) and slot.bifurcation is None]
    if unknown:
        names = ", ".join(unknown)
        yield Finding(
            Severity.WARNING,
            Category.PCIE,
            "pcie.bifurcation_unknown",
            f"The plan splits {names} of the {board.display_name} with bifurcation adapters, "
            "and the catalog does not know whether its BIOS offers that split: without it "
            "only the first card on each adapter is seen.",
            (board.id,),
            f"Check the board manual's PCIe bifurcation setting for {names} before buying.",
        )
    for adapter in fitted:
        mode = adapter.bifurcation_mode or ""
        if not any(splits_allowed(slot, adapter) for slot in board.pcie_slots):
            yield Finding(
                Severity.ERROR,
                Category.PCIE,
                "pcie.bifurcation_unsupported",
                f"No slot of the {board.display_name} offers the {mode} split the "
                f"{adapter.display_name} needs: it would show only its first card.",
                (adapter.id, board.id),
                "Choose a workstation board whose BIOS splits x16 slots, or plain risers.",
            )


def check_open_frame(context: CheckContext) -> Iterator[Finding]:
    """An open frame's GPU positions, and cards on risers inside a closed case."""
    case, layout = context.assembly.case, context.layout
    if case is None or layout is None:
        return
    cards = [p for p in layout.gpus if p.riser]
    if case.case_type == "open-frame" and len(layout.gpus) > case.expansion_slots:
        yield Finding(
            Severity.ERROR,
            Category.FIT,
            "fit.frame_positions",
            f"The {case.display_name} holds {plural(case.expansion_slots, 'GPU')}; the build "
            f"has {len(layout.gpus)}.",
            (case.id,),
            "Choose a frame with more GPU positions, or use fewer GPUs.",
        )
    elif case.is_desktop and cards:
        yield Finding(
            Severity.INFO,
            Category.FIT,
            "fit.riser_in_case",
            f"{plural(len(cards), 'card')} stand on risers in the {case.display_name}: each "
            "needs a vertical mount or bracket of its own.",
            (case.id,),
            "Check the case's vertical GPU mount, or use an open frame for many cards.",
        )
