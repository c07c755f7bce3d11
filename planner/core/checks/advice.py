"""CPU, system memory and storage advice for training boxes."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity

# DOMAIN.md: 1 core per GPU when data is preprocessed ahead, ~2 when augmenting on the fly.
CORES_PER_GPU_AUGMENTING = 2


def check_cpu_cores(context: CheckContext) -> Iterator[Finding]:
    cpu = context.assembly.cpu
    count = len(context.gpu_list)
    if cpu is None or count == 0:
        return
    if cpu.cores < count:
        severity, why = Severity.WARNING, "fewer cores than GPUs: data loading will starve them"
    elif cpu.cores < CORES_PER_GPU_AUGMENTING * count:
        severity, why = (
            Severity.INFO,
            "enough when data is preprocessed ahead, tight when images are augmented on the fly",
        )
    else:
        return
    yield Finding(
        severity,
        Category.COMPATIBILITY,
        "compatibility.cpu_cores_per_gpu",
        f"The {cpu.display_name} has {plural(cpu.cores, 'core')} for "
        f"{plural(count, 'GPU')}: {why}.",
        (cpu.id,),
        f"Plan about {CORES_PER_GPU_AUGMENTING} cores per GPU "
        f"({CORES_PER_GPU_AUGMENTING * count} here) for on-the-fly augmentation.",
    )


def check_system_ram(context: CheckContext) -> Iterator[Finding]:
    kits = context.assembly.memory_kits
    gpus = context.gpu_list
    if not kits or not gpus:
        return
    ram = sum(kit.capacity_gb * item.count for kit, item in kits)
    largest = max(gpu.vram_gb for gpu in gpus)
    total = sum(gpu.vram_gb for gpu in gpus)
    kit_ids = tuple(kit.id for kit, _item in kits)
    if ram < largest:
        yield Finding(
            Severity.WARNING,
            Category.MEMORY,
            "memory.system_ram",
            f"The build has {ram} GB of RAM, less than the {largest:g} GB of its largest GPU: "
            "loading checkpoints and pinned-memory data loaders will run out of memory.",
            kit_ids,
            f"Fit at least {largest:g} GB of RAM; {total:g} GB matches the total GPU memory.",
        )
    elif len(gpus) > 1 and ram < total:
        yield Finding(
            Severity.INFO,
            Category.MEMORY,
            "memory.system_ram_total",
            f"The build has {ram} GB of RAM for {total:g} GB of GPU memory; several GPUs with "
            "pinned-memory loaders are happiest with at least as much RAM as total VRAM.",
            kit_ids,
            f"Consider {total:g} GB of RAM or more.",
        )


def check_storage(context: CheckContext) -> Iterator[Finding]:
    drives = context.drive_list
    if not drives or not context.gpu_list:
        return
    if all(drive.rpm is not None for drive in drives):
        slowest = min(drive.seq_read_mbs for drive in drives)
        yield Finding(
            Severity.WARNING,
            Category.STORAGE,
            "storage.hdd_only",
            f"Every drive is a hard disk (about {slowest} MB/s): the system feels slow and "
            "image training with many small files can starve the GPUs.",
            tuple(sorted({drive.id for drive in drives})),
            "Add an NVMe SSD for the system and the working dataset; keep the disks for archives.",
        )
