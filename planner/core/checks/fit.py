"""Fit: GPU length, cooler height, radiator, PSU size, drive bays and SATA ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Case, Part, PartKind


def check_gpu_length(context: CheckContext) -> Iterator[Finding]:
    case = context.assembly.case
    if case is None:
        return
    for gpu in {gpu.id: gpu for gpu in context.gpu_list}.values():
        if gpu.length_mm is None or gpu.length_mm <= case.max_gpu_length_mm:
            continue  # an SXM module has no card length (compatibility.gpu_sxm_module)
        cases = context.examples(PartKind.CASE, _takes_length(gpu.length_mm))
        yield Finding(
            Severity.ERROR,
            Category.FIT,
            "fit.gpu_length",
            f"The {gpu.display_name} is {gpu.length_mm} mm long; the {case.display_name} takes "
            f"cards up to {case.max_gpu_length_mm} mm.",
            (gpu.id, case.id),
            f"Choose a case that takes {gpu.length_mm} mm cards{cases}, or a shorter card.",
        )


def _takes_length(length_mm: int) -> Callable[[Part], bool]:
    return lambda part: isinstance(part, Case) and part.max_gpu_length_mm >= length_mm


def check_cooler_fit(context: CheckContext) -> Iterator[Finding]:
    case, cooler = context.assembly.case, context.assembly.cooler
    if case is None or cooler is None:
        return
    if cooler.height_mm is not None and cooler.height_mm > case.max_cooler_height_mm:
        yield Finding(
            Severity.ERROR,
            Category.FIT,
            "fit.cooler_height",
            f"The {cooler.display_name} is {cooler.height_mm} mm tall; the {case.display_name} "
            f"takes coolers up to {case.max_cooler_height_mm} mm.",
            (cooler.id, case.id),
            "Choose a lower cooler, an AIO liquid cooler, or a wider case.",
        )
    if cooler.radiator_mm is not None and cooler.radiator_mm > case.max_radiator_mm:
        yield Finding(
            Severity.ERROR,
            Category.FIT,
            "fit.radiator",
            f"The {cooler.display_name} has a {cooler.radiator_mm} mm radiator; the "
            f"{case.display_name} mounts radiators up to {case.max_radiator_mm} mm.",
            (cooler.id, case.id),
            "Choose a cooler with a smaller radiator, or a case that mounts this one.",
        )


def check_psu_fit(context: CheckContext) -> Iterator[Finding]:
    case, psu = context.assembly.case, context.assembly.psu
    if case is None or psu is None:
        return
    if psu.form_factor not in case.psu_form_factors:
        small_in_atx = psu.form_factor in ("SFX", "SFX-L") and "ATX" in case.psu_form_factors
        yield Finding(
            Severity.INFO if small_in_atx else Severity.ERROR,
            Category.FIT,
            "fit.psu_form_factor",
            f"The {psu.display_name} is {psu.form_factor}; the {case.display_name} takes "
            f"{', '.join(case.psu_form_factors)} power supplies.",
            (psu.id, case.id),
            "Mount it with an SFX-to-ATX bracket."
            if small_in_atx
            else f"Choose a {case.psu_form_factors[0]} power supply.",
        )
    elif case.max_psu_length_mm is not None and psu.length_mm > case.max_psu_length_mm:
        yield Finding(
            Severity.ERROR,
            Category.FIT,
            "fit.psu_length",
            f"The {psu.display_name} is {psu.length_mm} mm deep; the {case.display_name} takes "
            f"power supplies up to {case.max_psu_length_mm} mm.",
            (psu.id, case.id),
            "Choose a shorter power supply or a larger case.",
        )


def check_drives(context: CheckContext) -> Iterator[Finding]:
    drives = context.drive_list
    case, board = context.assembly.case, context.assembly.motherboard
    big = [drive for drive in drives if drive.form_factor == "3.5in"]
    small = [drive for drive in drives if drive.form_factor == "2.5in"]
    if case is not None:
        spare_big = case.bays_35 - len(big)
        if spare_big < 0:
            yield Finding(
                Severity.ERROR,
                Category.FIT,
                "fit.drive_bays",
                f"The build has {plural(len(big), '3.5-inch drive')}; the {case.display_name} "
                f"has {plural(case.bays_35, '3.5-inch bay')}.",
                (case.id, *sorted({drive.id for drive in big})),
                "Choose a case with more drive bays, or fewer, larger drives.",
            )
        elif len(small) > case.bays_25 + spare_big:
            yield Finding(
                Severity.ERROR,
                Category.FIT,
                "fit.drive_bays",
                f"The build has {plural(len(small), '2.5-inch drive')}; the {case.display_name} "
                f"has room for {case.bays_25 + spare_big}.",
                (case.id, *sorted({drive.id for drive in small})),
                "Choose a case with more drive mounts, or NVMe drives.",
            )
    sata = [drive for drive in drives if drive.interface == "sata"]
    if board is not None and len(sata) > board.sata_ports:
        yield Finding(
            Severity.ERROR,
            Category.STORAGE,
            "storage.sata_ports",
            f"The build has {plural(len(sata), 'SATA drive')}; the {board.display_name} has "
            f"{plural(board.sata_ports, 'SATA port')}.",
            (board.id, *sorted({drive.id for drive in sata})),
            "Add a SATA/HBA controller card in a free slot, or use fewer drives.",
        )
