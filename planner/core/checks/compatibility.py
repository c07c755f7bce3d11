"""Compatibility: socket, chipset, memory type and amount, form factor, cooler."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Case, Cooler, Cpu, MemoryKit, Motherboard, PartKind

# The PCIe version of each SXM module family, for the fix of compatibility.gpu_sxm_module.
_PCIE_VERSIONS = {
    "volta": "Tesla V100 PCIe 32 GB",
    "ampere": "A100 80GB PCIe",
    "hopper": "H100 PCIe, H100 NVL or H200 NVL",
    "blackwell": "RTX PRO 6000 Blackwell",
}
# AMD's Ryzen 7000/9000 spec pages give DDR5 speeds by population: 2x1R/2x2R DDR5-5200,
# 4x1R/4x2R DDR5-3600. Intel's 12th-14th gen give 2 DIMMs per channel ~DDR5-4000 to 4400.
_FOUR_DIMM_DDR5_MTS = 3_600


def check_cpu_socket(context: CheckContext) -> Iterator[Finding]:
    cpu, board = context.assembly.cpu, context.assembly.motherboard
    if cpu is None or board is None:
        return
    if cpu.socket != board.socket:
        cpus = context.examples(
            PartKind.CPU, lambda p: isinstance(p, Cpu) and p.socket == board.socket
        )
        boards = context.examples(
            PartKind.MOTHERBOARD, lambda p: isinstance(p, Motherboard) and p.socket == cpu.socket
        )
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.cpu_socket",
            f"The {cpu.display_name} needs socket {cpu.socket}, but the "
            f"{board.display_name} has socket {board.socket}.",
            (cpu.id, board.id),
            f"Choose a CPU for the {board.socket} socket{cpus}, or a motherboard with the "
            f"{cpu.socket} socket{boards}.",
        )
    elif cpu.chipsets and board.chipset not in cpu.chipsets:
        boards = context.examples(
            PartKind.MOTHERBOARD,
            lambda p: isinstance(p, Motherboard) and p.chipset in cpu.chipsets,
        )
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.cpu_chipset",
            f"The {cpu.display_name} fits the {board.socket} socket but runs only on "
            f"{' or '.join(cpu.chipsets)} boards; the {board.display_name} has the {board.chipset} "
            "chipset.",
            (cpu.id, board.id),
            f"Choose a {' or '.join(cpu.chipsets)} motherboard{boards}.",
        )


def check_memory(context: CheckContext) -> Iterator[Finding]:
    assembly = context.assembly
    board, cpu = assembly.motherboard, assembly.cpu
    kits = assembly.memory_kits
    if board is None or not kits:
        return
    for kit, _item in kits:
        yield from _memory_kind(context, kit, board)
    modules = sum(kit.modules * item.count for kit, item in kits)
    capacity = sum(kit.capacity_gb * item.count for kit, item in kits)
    kit_ids = tuple(kit.id for kit, _item in kits)
    if modules > board.dimm_slots:
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.memory_slots",
            f"The memory adds up to {plural(modules, 'module')}, but the {board.display_name} has "
            f"{plural(board.dimm_slots, 'DIMM slot')}.",
            (*kit_ids, board.id),
            f"Use at most {board.dimm_slots} modules: fewer kits, or larger modules.",
        )
    limit_gb, limiter = board.max_memory_gb, board.display_name
    if cpu is not None and cpu.max_memory_gb < limit_gb:
        limit_gb, limiter = cpu.max_memory_gb, cpu.display_name
    if capacity > limit_gb:
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.memory_capacity",
            f"The build has {capacity} GB of memory, but the {limiter} supports at most "
            f"{limit_gb} GB.",
            (*kit_ids, board.id),
            f"Reduce the memory to {limit_gb} GB or less.",
        )
    if len(kits) > 1:
        yield Finding(
            Severity.WARNING,
            Category.COMPATIBILITY,
            "compatibility.memory_mixed_kits",
            f"The build mixes {len(kits)} different memory kits; mixed kits often fail to run "
            "at their rated speed or to boot with their XMP/EXPO profile.",
            kit_ids,
            "Buy all memory as one kit of the total size you need.",
        )
    if cpu is not None:
        yield from _memory_population(cpu, board, kits, modules)


def _memory_kind(context: CheckContext, kit: MemoryKit, board: Motherboard) -> Iterator[Finding]:
    if kit.memory_type != board.memory_type:
        kits = context.examples(
            PartKind.MEMORY,
            lambda p: (
                isinstance(p, MemoryKit)
                and p.memory_type == board.memory_type
                and p.module_type == board.memory_module
            ),
        )
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.memory_type",
            f"The {kit.display_name} is {kit.memory_type}, but the {board.display_name} takes "
            f"{board.memory_type}; the modules will not fit the slots.",
            (kit.id, board.id),
            f"Choose a {board.memory_type} {board.memory_module} kit{kits}.",
        )
    elif kit.module_type != board.memory_module:
        kits = context.examples(
            PartKind.MEMORY,
            lambda p: (
                isinstance(p, MemoryKit)
                and p.memory_type == board.memory_type
                and p.module_type == board.memory_module
            ),
        )
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.memory_module",
            f"The {kit.display_name} are {kit.module_type}s, but the {board.display_name} takes "
            f"{board.memory_module}s; registered and unbuffered modules do not mix with the "
            "wrong board.",
            (kit.id, board.id),
            f"Choose {board.memory_type} {board.memory_module} memory{kits}.",
        )
    elif kit.ecc and not board.ecc:
        yield Finding(
            Severity.INFO,
            Category.COMPATIBILITY,
            "compatibility.memory_ecc",
            f"The {kit.display_name} has ECC, but the {board.display_name} does not support "
            "ECC: the modules will run without error correction.",
            (kit.id, board.id),
            "Choose a board with ECC support if you want it, or save on non-ECC memory.",
        )


def _memory_population(
    cpu: Cpu,
    board: Motherboard,
    kits: tuple[tuple[MemoryKit, object], ...],
    modules: int,
) -> Iterator[Finding]:
    kit_ids = tuple(kit.id for kit, _item in kits)
    channels = min(cpu.memory_channels, board.dimm_slots)
    if modules < channels:
        yield Finding(
            Severity.INFO,
            Category.COMPATIBILITY,
            "compatibility.memory_channels",
            f"{plural(modules, 'module')} fill {modules} of the {cpu.display_name}'s "
            f"{channels} memory channels, so memory bandwidth is {modules}/{channels} of what "
            "the CPU offers.",
            (*kit_ids, cpu.id),
            f"Use {channels} modules (one per channel) for full bandwidth.",
        )
    if (
        board.memory_type == "DDR5"
        and board.memory_module == "UDIMM"
        and cpu.memory_channels == 2
        and modules > 2
    ):
        rated = min(kit.speed_mts for kit, _item in kits)
        if rated > _FOUR_DIMM_DDR5_MTS:
            yield Finding(
                Severity.INFO,
                Category.COMPATIBILITY,
                "compatibility.memory_speed_4dimm",
                f"{modules} DDR5 modules on a dual-channel CPU put two modules on each "
                f"channel; expect them to run near DDR5-{_FOUR_DIMM_DDR5_MTS}–4400 rather "
                f"than their rated DDR5-{rated}.",
                kit_ids,
                "For full speed use two larger modules (e.g. 2 × 48 GB) instead of four.",
            )


def check_case_form_factor(context: CheckContext) -> Iterator[Finding]:
    board, case = context.assembly.motherboard, context.assembly.case
    if board is None or case is None or case.takes_board(board.form_factor):
        return
    cases = context.examples(
        PartKind.CASE, lambda p: isinstance(p, Case) and p.takes_board(board.form_factor)
    )
    yield Finding(
        Severity.ERROR,
        Category.COMPATIBILITY,
        "compatibility.case_form_factor",
        f"The {board.display_name} is {board.form_factor}, but the {case.display_name} takes "
        f"{', '.join(case.form_factors)} boards.",
        (board.id, case.id),
        f"Choose a case that takes {board.form_factor} boards{cases}.",
    )


def check_cooler(context: CheckContext) -> Iterator[Finding]:
    cpu, cooler = context.assembly.cpu, context.assembly.cooler
    if cpu is None or cooler is None:
        return
    if cpu.socket not in cooler.sockets:
        coolers = context.examples(
            PartKind.COOLER, lambda p: isinstance(p, Cooler) and cpu.socket in p.sockets
        )
        yield Finding(
            Severity.ERROR,
            Category.COMPATIBILITY,
            "compatibility.cooler_socket",
            f"The {cooler.display_name} mounts on {', '.join(cooler.sockets)}, not on the "
            f"{cpu.display_name}'s {cpu.socket} socket.",
            (cooler.id, cpu.id),
            f"Choose a cooler for socket {cpu.socket}{coolers}, or ask the maker for a "
            f"mounting kit for {cpu.socket}.",
        )
        return
    rating = cooler.tdp_rating_w
    if rating is None:
        return
    if rating < cpu.tdp_w:
        severity, level = Severity.WARNING, f"its {cpu.tdp_w} W TDP"
    elif rating < cpu.max_power_w:
        severity, level = Severity.INFO, f"its {cpu.max_power_w} W sustained power limit"
    else:
        return
    coolers = context.examples(
        PartKind.COOLER,
        lambda p: (
            isinstance(p, Cooler)
            and cpu.socket in p.sockets
            and (p.tdp_rating_w or 0) >= cpu.max_power_w
        ),
    )
    yield Finding(
        severity,
        Category.COMPATIBILITY,
        "compatibility.cooler_capacity",
        f"The {cooler.display_name} is rated for {rating} W, below the {cpu.display_name}'s "
        f"{level}: the CPU will lower its clocks under long all-core loads such as data "
        "preprocessing.",
        (cooler.id, cpu.id),
        f"Choose a cooler rated for at least {cpu.max_power_w} W{coolers}.",
    )


def check_sxm_modules(context: CheckContext) -> Iterator[Finding]:
    """SXM modules plug into an HGX/DGX baseboard, never into a motherboard's PCIe slot."""
    modules = {gpu.id: gpu for gpu in context.gpu_list if gpu.is_sxm}
    if not modules:
        return
    gpu = next(iter(modules.values()))
    board = context.assembly.motherboard
    where = f"the {board.display_name}'s PCIe slots" if board else "a desktop motherboard"
    pcie = _PCIE_VERSIONS.get(gpu.architecture, "the PCIe card of the same GPU")
    yield Finding(
        Severity.ERROR,
        Category.COMPATIBILITY,
        "compatibility.gpu_sxm_module",
        f"The {gpu.display_name} is an SXM module: it has no PCIe slot edge, bracket or "
        f"power plugs and cannot go in {where}. It mounts only on an HGX/DGX baseboard in a "
        "GPU server, which feeds, cools and links it.",
        (*modules, *((board.id,) if board else ())),
        f"Choose the PCIe version of the card ({pcie}), plan the build around an "
        "HGX/DGX server, or plan the run as cloud rental of SXM instances.",
    )
