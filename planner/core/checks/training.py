"""Memory and storage findings for the workloads the build is meant to train."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from planner.core.checks.context import CheckContext
from planner.core.estimate import Estimate
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Gpu, Part, PartKind, Storage
from planner.core.units import GIB, gib

# Below this share of free GPU memory a run is one longer sequence away from running out.
TIGHT_HEADROOM = 0.05
# A hard disk serves a random file after an average seek (about 8.5 ms on 7,200 rpm drive
# datasheets) and half a rotation; SSDs serve small random reads near their rated speed.
HDD_SEEK_S = 0.0085
# Checkpoints kept during a run (latest and best) with fp32 weights and AdamW state.
CHECKPOINTS_KEPT = 2
CHECKPOINT_BYTES_PER_PARAM = 16


def check_workloads_valid(context: CheckContext) -> Iterator[Finding]:
    """A workload the planner cannot estimate (an unknown id, an impossible inline network,
    a sequence longer than its positions) is an error in `check` and `export` too, with the
    same words `estimate` gives."""
    if not context.gpu_list:
        return  # no GPU: completeness says so, and nothing can be estimated
    for index, result in enumerate(context.estimates):
        if result.estimate is not None or not result.problem:
            continue
        choice = result.choice
        name = result.workload.name if result.workload else (choice.id or "an inline network")
        yield Finding(
            Severity.ERROR,
            Category.MEMORY,
            "memory.workload_invalid",
            f"Workload {index + 1} ({name}) cannot be estimated: {result.problem}.",
            (),
            "Correct that workload in the profile, or pick a network from the catalog.",
        )


def check_gpu_memory(context: CheckContext) -> Iterator[Finding]:
    for result in context.estimates:
        item = result.estimate
        if item is None:
            continue
        memory = item.memory
        setup = item.setup
        name = (
            f"{item.workload.name} ({setup.mode}, {setup.precision}, "
            f"micro-batch {setup.batch_size})"
        )
        gpu_id = context.gpu_list[0].id
        parts = memory.parts
        breakdown = ", ".join(f"{part.name} {gib(part.bytes)}" for part in parts)
        capacity = item.gpu.vram_gb
        if not memory.fits:
            fixes = [s for s in item.suggestions if s.fits][:2]
            fix = "; or ".join(
                f"{s.change} ({gib(s.memory_bytes)}, {s.speed_change:+.0%} speed)" for s in fixes
            )
            bigger = context.examples(PartKind.GPU, _holds(memory.total))
            fix = (
                fix + "; or " if fix else ""
            ) + f"a GPU with {memory.total / GIB:,.0f} GB or more{bigger}"
            yield Finding(
                Severity.ERROR,
                Category.MEMORY,
                "memory.gpu_fit",
                f"{name} needs {gib(memory.total)} per GPU ({breakdown}); the {item.gpu.name} "
                f"has {capacity:g} GB.",
                (gpu_id,),
                fix[0].upper() + fix[1:] + ".",
            )
        elif memory.capacity_bytes and memory.total > (1 - TIGHT_HEADROOM) * memory.capacity_bytes:
            yield Finding(
                Severity.WARNING,
                Category.MEMORY,
                "memory.gpu_tight",
                f"{name} fills {memory.total / memory.capacity_bytes:.0%} of the {item.gpu.name}'s "
                f"{capacity:g} GB ({breakdown}): a longer batch or another process will run out.",
                (gpu_id,),
                f"Use micro-batch {max(1, item.largest_batch - 1)} or turn on activation "
                "checkpointing.",
            )
        yield from _host_ram(context, item, name)


def _holds(needed_bytes: float) -> Callable[[Part], bool]:
    return lambda part: isinstance(part, Gpu) and part.vram_gb * GIB >= needed_bytes


def _host_ram(context: CheckContext, item: Estimate, name: str) -> Iterator[Finding]:
    if not item.memory.host_bytes:
        return
    kits = context.assembly.memory_kits
    ram_gb = sum(kit.capacity_gb * entry.count for kit, entry in kits)
    needed = item.memory.host_bytes + 8 * GIB  # plus the OS and data loaders
    if ram_gb * GIB < needed:
        yield Finding(
            Severity.ERROR,
            Category.MEMORY,
            "memory.host_ram",
            f"{name} offloads its optimizer states: it needs about {gib(needed)} of system RAM, "
            f"and the build has {ram_gb} GB.",
            tuple(kit.id for kit, _entry in kits),
            f"Fit at least {needed / GIB:,.0f} GB of RAM, or do not offload.",
        )


def check_dataset_storage(context: CheckContext) -> Iterator[Finding]:
    drives = context.drive_list
    if not drives:
        return
    capacity_gb = sum(drive.capacity_gb for drive in drives)
    for result in context.estimates:
        item = result.estimate
        if item is None:
            continue
        workload = item.workload
        dataset_gb = workload.dataset_gb or 0.0
        checkpoints_gb = (
            CHECKPOINTS_KEPT * CHECKPOINT_BYTES_PER_PARAM * item.memory.total_params / 1e9
        )
        needed = dataset_gb + checkpoints_gb
        if needed > 0.8 * capacity_gb:
            yield Finding(
                Severity.WARNING,
                Category.STORAGE,
                "storage.capacity",
                f"{workload.name} needs about {needed:,.0f} GB of storage ("
                + (f"{dataset_gb:,.0f} GB of {workload.dataset}, " if dataset_gb else "")
                + f"{checkpoints_gb:,.0f} GB for {CHECKPOINTS_KEPT} checkpoints with optimizer "
                "state); "
                f"the drives hold {capacity_gb:,} GB in all.",
                tuple(sorted({drive.id for drive in drives})),
                "Add a larger drive; keep datasets and checkpoints on separate drives.",
            )
        if workload.sample_kb and dataset_gb:
            needed = item.samples_per_s
            holders = [drive for drive in drives if drive.capacity_gb >= dataset_gb] or list(drives)
            fastest = max(holders, key=lambda drive: _files_per_s(drive, workload.sample_kb or 1))
            served = _files_per_s(fastest, workload.sample_kb)
            if served < 1.5 * needed:
                kind = "random small-file reads" if fastest.rpm else "reads"
                yield Finding(
                    Severity.WARNING,
                    Category.STORAGE,
                    "storage.read_speed",
                    f"Training {workload.name} at {needed:,.0f} samples/s reads {needed:,.0f} "
                    f"files of about {workload.sample_kb:g} KB per second "
                    f"({needed * workload.sample_kb / 1000:,.0f} MB/s); the fastest drive that "
                    f"holds {workload.dataset} ({fastest.display_name}) manages about "
                    f"{served:,.0f} per second with {kind}.",
                    (fastest.id,),
                    "Keep the working dataset on an NVMe SSD, or cache it in RAM.",
                )


def _files_per_s(drive: Storage, file_kb: float) -> float:
    """Files of `file_kb` a drive reads per second in random order."""
    transfer = file_kb / 1000 / drive.seq_read_mbs
    if drive.rpm:
        return 1 / (HDD_SEEK_S + 0.5 * 60 / drive.rpm + transfer)
    return 1 / transfer
