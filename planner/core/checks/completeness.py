"""Completeness: the parts every training box needs, and parts the catalog lacks."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.checks.context import CheckContext
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import PartKind

_WHY_NEEDED = {
    PartKind.GPU: "there is nothing to train on",
    PartKind.CPU: "the board has no processor",
    PartKind.MOTHERBOARD: "nothing connects the parts",
    PartKind.MEMORY: "the system cannot boot without RAM",
    PartKind.PSU: "nothing powers the build",
    PartKind.CASE: "the parts have nowhere to go (choose an open frame for a bench build)",
    PartKind.COOLER: "the CPU will overheat and shut down",
    PartKind.STORAGE: "there is no drive for the system, datasets and checkpoints",
}

# Kinds a build holds exactly one of.
_SINGLE = (PartKind.CPU, PartKind.MOTHERBOARD, PartKind.CASE, PartKind.COOLER)


def check_missing_parts(context: CheckContext) -> Iterator[Finding]:
    assembly = context.assembly
    for kind, why in _WHY_NEEDED.items():
        if assembly.count(kind):
            continue
        if kind is PartKind.COOLER and assembly.cpu is not None and assembly.cpu.boxed_cooler:
            continue
        yield Finding(
            Severity.ERROR,
            Category.COMPLETENESS,
            f"completeness.missing_{kind.value}",
            f"The build has no {kind.noun}: {why}.",
            (),
            f"Add {_article(kind.noun)} {kind.noun} from the catalog.",
        )


def check_single_parts(context: CheckContext) -> Iterator[Finding]:
    for kind in _SINGLE:
        items = context.assembly.items_of(kind)
        count = sum(item.count for item in items)
        if count <= 1:
            continue
        yield Finding(
            Severity.ERROR,
            Category.COMPLETENESS,
            f"completeness.too_many_{kind.value}",
            f"The build has {count} × {kind.noun}, but a workstation takes one.",
            tuple(item.part.id for item in items),
            f"Keep one {kind.noun} and remove the others.",
        )


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


def check_unknown_parts(context: CheckContext) -> Iterator[Finding]:
    for choice in context.assembly.unknown:
        retired = context.catalog.retired.get(choice.id)
        if retired is not None:
            yield Finding(
                Severity.WARNING,
                Category.COMPLETENESS,
                "completeness.retired_part",
                f"The {retired.name} ('{choice.id}', ×{choice.count}) {retired.why}. Checks "
                "and totals leave it out; it stays in the profile.",
                (choice.id,),
                retired.fix[:1].upper() + retired.fix[1:] + ".",
            )
            continue
        yield Finding(
            Severity.WARNING,
            Category.COMPLETENESS,
            "completeness.unknown_part",
            f"Part '{choice.id}' (×{choice.count}) is not in the catalog, so checks and totals "
            "leave it out. It stays in the profile.",
            (choice.id,),
            "Add the part to your own parts folder, or replace it with a catalog part.",
        )
