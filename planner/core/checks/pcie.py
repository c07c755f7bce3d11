"""PCIe: can the board host the GPUs, at what link each runs, and what that costs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Case, Gpu, Motherboard, PartKind
from planner.core.pcie import GpuPlacement, Unplaced, card_slots, plan_slots


def check_slots(context: CheckContext) -> Iterator[Finding]:
    """GPUs the board cannot take: too few x16 slots, cards too thick, or the case too short."""
    layout, board = context.layout, context.assembly.motherboard
    if layout is None or board is None or not layout.unplaced_gpus:
        return
    gpus = tuple(gpu for gpu in context.gpu_list if not gpu.is_sxm)  # cards with a slot edge
    parts = (board.id, *sorted(set(layout.unplaced_gpus)))
    finding = {
        Unplaced.TOO_FEW_SLOTS: _too_few_slots,
        Unplaced.CPU_LANES: _too_few_lanes,
        Unplaced.CASE_SLOTS: _case_too_short,
    }.get(layout.unplaced_reason, _cards_too_thick)
    yield finding(context, board, gpus, parts)


def _too_few_slots(
    context: CheckContext, board: Motherboard, gpus: tuple[Gpu, ...], parts: tuple[str, ...]
) -> Finding:
    x16 = [slot for slot in board.pcie_slots if slot.mechanical == 16]
    boards = context.examples(
        PartKind.MOTHERBOARD,
        lambda part: (
            isinstance(part, Motherboard)
            and sum(1 for slot in part.pcie_slots if slot.mechanical == 16) >= len(gpus)
        ),
    )
    return Finding(
        Severity.ERROR,
        Category.PCIE,
        "pcie.not_enough_slots",
        f"The {board.display_name} has {plural(len(x16), 'x16 slot')}, but the build has "
        f"{plural(len(gpus), 'GPU')}.",
        parts,
        f"Choose a workstation board with at least {len(gpus)} x16 slots{boards}, or use "
        "fewer GPUs.",
    )


def _too_few_lanes(
    context: CheckContext, board: Motherboard, gpus: tuple[Gpu, ...], parts: tuple[str, ...]
) -> Finding:
    cpu = context.assembly.cpu
    lanes = cpu.pcie_lanes if cpu else 0
    placed = len(context.layout.gpus) if context.layout else 0
    return Finding(
        Severity.ERROR,
        Category.PCIE,
        "pcie.not_enough_cpu_lanes",
        f"Only {placed} of the {plural(len(gpus), 'GPU')} get working slots: the "
        f"{cpu.display_name if cpu else 'CPU'} has {lanes} PCIe lanes, and the "
        f"{board.display_name} switches its lower slots off when the lanes run out.",
        (*parts, *((cpu.id,) if cpu else ())),
        "Choose a CPU with more PCIe lanes for this board, or use fewer GPUs.",
    )


def _case_too_short(
    context: CheckContext, board: Motherboard, gpus: tuple[Gpu, ...], parts: tuple[str, ...]
) -> Finding:
    layout, case = context.layout, context.assembly.case
    placed, case_slots = (len(layout.gpus), layout.case_slots) if layout else (0, None)
    needed = _slots_needed(context)
    cases = context.examples(
        PartKind.CASE, lambda part: isinstance(part, Case) and part.expansion_slots >= needed
    )
    case_name = case.display_name if case else "the case"
    return Finding(
        Severity.ERROR,
        Category.FIT,
        "fit.expansion_slots",
        f"Only {placed} of the {plural(len(gpus), 'GPU')} fit: the lowest card would hang "
        f"below slot {case_slots} of {case_name}, which has "
        f"{case_slots} expansion slots; the cards need {needed}.",
        (*parts, *((case.id,) if case else ())),
        f"Choose a case with {needed} or more expansion slots{cases}, or thinner cards.",
    )


def _cards_too_thick(
    context: CheckContext, board: Motherboard, gpus: tuple[Gpu, ...], parts: tuple[str, ...]
) -> Finding:
    thickest = max(gpus, key=card_slots)
    placed = len(context.layout.gpus) if context.layout else 0
    positions = ", ".join(str(slot.position) for slot in board.pcie_slots if slot.mechanical == 16)
    return Finding(
        Severity.ERROR,
        Category.FIT,
        "fit.gpu_spacing",
        f"Only {placed} of the {plural(len(gpus), 'GPU')} fit side by side: the "
        f"{thickest.display_name} is {thickest.slot_width:g} slots thick and the board's "
        f"x16 slots sit at positions {positions}, so each card covers the slot below it.",
        parts,
        "Use 2-slot blower or water-cooled versions of the card, PCIe riser cables to a "
        "vertical or external mount, or a board with more x16 slots.",
    )


def _slots_needed(context: CheckContext) -> int:
    """Expansion slots the case must have to take every card in the best roomy placement."""
    layout = context.layout
    if layout is None or not layout.gpus:
        return 0
    board = context.assembly.motherboard
    if board is None:
        return 0
    assembly = context.assembly
    roomy = plan_slots(
        board,
        assembly.cpu,
        context.gpu_list,
        context.drive_list,
        20,
        assembly.risers,
        assembly.open_frame,
    )
    return max((placement.last_position for placement in roomy.gpus), default=0)


def _links(placements: Sequence[GpuPlacement]) -> str:
    return ", ".join(
        f"{placement.slot} PCIe {placement.link_gen}.0 x{placement.link_width} "
        f"({placement.bandwidth_gbs:.1f} GB/s)"
        for placement in placements
    )


def check_links(context: CheckContext) -> Iterator[Finding]:
    layout = context.layout
    gpus = context.gpu_list
    if layout is None or not layout.gpus:
        return
    placed = layout.gpus
    links = _links(placed)
    many = len(placed) > 1
    narrow = [placement for placement in placed if placement.link_width <= 4]
    chipset = [placement for placement in placed if placement.lanes_from == "chipset"]
    if many and narrow:
        yield Finding(
            Severity.WARNING,
            Category.PCIE,
            "pcie.narrow_link",
            f"{plural(len(narrow), 'GPU')} of {len(placed)} run at x4 or narrower "
            f"({_links(narrow)}). "
            "Data-parallel training exchanges gradients every step; with four GPUs, x4 links "
            "cost about 5–10% of speed, more with fewer GPUs on faster cards.",
            tuple(sorted({placement.part_id for placement in narrow})),
            "Use a board whose x16 slots all get x8 or x16 from the CPU, or fewer GPUs.",
        )
    if many and chipset:
        yield Finding(
            Severity.WARNING,
            Category.PCIE,
            "pcie.chipset_lanes",
            f"{plural(len(chipset), 'GPU')} sit in a slot wired to the chipset, whose single "
            "uplink to the CPU is shared with the drives, USB and network: gradient traffic "
            "competes with data loading.",
            tuple(sorted({placement.part_id for placement in chipset})),
            "Put every GPU in a CPU-wired slot; that may need a board with more CPU lanes.",
        )
    if many:
        yield Finding(
            Severity.INFO,
            Category.PCIE,
            "pcie.gpu_links",
            f"GPU links: {links}.",
            tuple(sorted({placement.part_id for placement in placed})),
            "",
        )
    elif placed[0].link_width < gpus[placed[0].gpu_index].pcie_lanes:
        only = placed[0]
        yield Finding(
            Severity.INFO,
            Category.PCIE,
            "pcie.single_gpu_link",
            f"The GPU runs at PCIe {only.link_gen}.0 x{only.link_width} in {only.slot}; a "
            "single GPU loses almost nothing to a narrower link.",
            (only.part_id,),
            "",
        )


def check_cpu_lanes(context: CheckContext) -> Iterator[Finding]:
    layout, cpu = context.layout, context.assembly.cpu
    if layout is None or cpu is None or not layout.cpu_limited_slots:
        return
    yield Finding(
        Severity.WARNING,
        Category.PCIE,
        "pcie.cpu_lanes",
        f"The {cpu.display_name} has {cpu.pcie_lanes} PCIe lanes for slots and M.2, fewer "
        f"than the populated slots are wired for; {', '.join(layout.cpu_limited_slots)} "
        "run narrower or not at all with this CPU.",
        (cpu.id,),
        "Check the board manual's table for this CPU, or choose a CPU with more lanes.",
    )


# Lambda's measured RTX 3090 servers (no PCIe peer-to-peer): BERT-large fine-tuning in
# sequences/s for the whole machine on 1, 2, 3, 4 and 8 cards
# (lambdal/deeplearning-benchmark@fe450482b9 pytorch/pytorch-train-throughput-fp16.csv).
MEASURED_NO_P2P_SCALING = "47, 76, 116, 67 and 68"


def check_peer_to_peer(context: CheckContext) -> Iterator[Finding]:
    gpus = context.gpu_list
    if len(gpus) < 2:
        return
    # An NVLink bridge joins two cards; past a pair, the others still meet over PCIe.
    no_p2p = [gpu for gpu in gpus if not gpu.pcie_p2p and (gpu.nvlink_gbs is None or len(gpus) > 2)]
    if no_p2p:
        yield _no_peer_to_peer(no_p2p, len(gpus))
    yield from _nvlink(context, gpus)


def _no_peer_to_peer(no_p2p: list[Gpu], count: int) -> Finding:
    bridged = " (NVLink bridges join pairs only)" if no_p2p[0].nvlink_gbs else ""
    message = (
        f"The {no_p2p[0].display_name} has no peer-to-peer over PCIe{bridged}: gradients "
        "between GPUs travel through host memory, which roughly halves all-reduce bandwidth "
        "and lowers multi-GPU scaling."
    )
    fix = "Expect lower scaling; workstation cards (RTX A/Ada/PRO) keep peer-to-peer."
    if count >= 4 and len(no_p2p) == count:
        message += (
            " Measured servers have done far worse past three cards: Lambda's RTX 3090 "
            f"machines fine-tuned BERT-large at {MEASURED_NO_P2P_SCALING} sequences/s on 1, "
            "2, 3, 4 and 8 cards (lambdal/deeplearning-benchmark): four and eight cards were "
            "slower than three. The estimate assumes each card has its own CPU link."
        )
        fix = (
            "Give each card its own CPU x16 or x8 link (no switch), prefer LoRA/QLoRA, whose "
            "gradients are small, or cards with peer-to-peer (RTX A/Ada/PRO); measure scaling "
            "with two or three cards (e.g. nccl-tests all_reduce_perf) before buying the rest."
        )
    return Finding(
        Severity.INFO,
        Category.PCIE,
        "pcie.no_peer_to_peer",
        message,
        tuple(sorted({gpu.id for gpu in no_p2p})),
        fix,
    )


def _nvlink(context: CheckContext, gpus: tuple[Gpu, ...]) -> Iterator[Finding]:
    layout = context.layout
    # SXM modules link over the HGX baseboard's NVLink, not a bridge (gpu_sxm_module).
    linked = [gpu for gpu in gpus if gpu.nvlink_gbs is not None and not gpu.is_sxm]
    if len(linked) < 2 or layout is None:
        return
    gpu = linked[0]
    bridged = [p for p in layout.gpus if gpus[p.gpu_index].nvlink_gbs]
    if any(p.riser for p in bridged):
        where = "on risers the cards stand where the frame or mount holds them"
        fix = "Stand each bridged pair at the bridge's spacing (2-, 3- or 4-slot widths)."
    else:
        positions = sorted(p.position for p in bridged)
        spacing = ", ".join(str(b - a) for a, b in pairwise(positions))
        where = f"in this layout the cards sit {spacing} slot(s) apart"
        fix = "Buy the bridge for that slot spacing (they come in 2-, 3- and 4-slot widths)."
    yield Finding(
        Severity.INFO,
        Category.PCIE,
        "pcie.nvlink",
        f"The {gpu.display_name} cards can pair over a 2-way NVLink bridge at "
        f"{gpu.nvlink_gbs:g} GB/s each way, far faster than PCIe; {where}, and the bridge "
        "must match that spacing.",
        (gpu.id,),
        fix,
    )


def check_m2_sockets(context: CheckContext) -> Iterator[Finding]:
    layout, board = context.layout, context.assembly.motherboard
    if layout is None or board is None:
        return
    if layout.unplaced_drives:
        drives = len(layout.drives) + len(layout.unplaced_drives)
        yield Finding(
            Severity.ERROR,
            Category.STORAGE,
            "storage.m2_sockets",
            f"The build has {plural(drives, 'NVMe drive')} but the {board.display_name} has "
            f"{plural(len(board.m2_slots), 'M.2 socket')} free for them.",
            (board.id, *sorted(set(layout.unplaced_drives))),
            "Use fewer, larger drives, or a PCIe-to-M.2 adapter card in a free slot.",
        )
    used_sockets = {placement.socket for placement in layout.drives}
    gpu_slots = {placement.slot for placement in layout.gpus}
    for rule in board.lane_sharing:
        if rule.slot in gpu_slots and used_sockets & set(rule.if_used):
            yield Finding(
                Severity.WARNING,
                Category.PCIE,
                "pcie.m2_shares_gpu_lanes",
                f"A drive in {', '.join(sorted(used_sockets & set(rule.if_used)))} takes lanes "
                f"from {rule.slot}, which then runs at x{rule.width}.",
                (board.id,),
                "Use another M.2 socket, or fewer drives.",
            )
