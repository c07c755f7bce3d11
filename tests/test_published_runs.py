"""Published fine-tuning and pre-training runs (tests/data/published_runs.csv): what really
ran must be said to fit, what ran out of memory must not, and the predicted memory must be
near the peaks the sources report."""

from __future__ import annotations

import statistics
from pathlib import Path

from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.calibration.published import PublishedRun, load_published_runs
from planner.core.estimate import estimate
from planner.core.memory import CONTEXT_BYTES, FRAGMENTATION
from planner.core.parts import Gpu
from planner.core.units import GIB
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

DATA = Path(__file__).parent / "data"
GPUS = {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}
RUNS = load_published_runs(DATA / "published_runs.csv", GPUS, load_workloads())
JUDGED = [run for run in RUNS if run.expressible and run.pytorch_memory]


def fits(run: PublishedRun) -> bool:
    case = run.prepared
    result = estimate(
        case.workload,
        case.network,
        case.setup,
        case.gpu,
        CONSTANTS,
        SPEED_RANGES,
        case.link,
        gpu_power_w=case.gpu_power_w,
        with_suggestions=False,
    )
    return result.memory.fits


def test_enough_published_runs_are_judged() -> None:
    assert len(JUDGED) >= 50
    assert len({run.source for run in JUDGED}) >= 5
    assert sum(not run.ran for run in JUDGED) >= 4


def test_every_run_that_ran_is_said_to_fit() -> None:
    # Where batches were padded to their longest real example, `seq_len` is only a maximum
    # and the run may well not fit at it.
    sized = [run for run in JUDGED if run.length_known]
    assert len(sized) >= 25
    wrong = [run.id for run in sized if run.ran and not fits(run)]
    assert wrong == []


def test_runs_that_ran_out_of_memory_are_said_not_to_fit() -> None:
    wrong = [run.id for run in JUDGED if not run.ran and fits(run)]
    assert wrong == []


def allocated_gib(run: PublishedRun) -> float:
    """What PyTorch's allocator reports as its peak: the estimate less the CUDA context and
    the fragmentation the planner books on top."""
    from planner.core.memory import estimate_memory

    memory = estimate_memory(run.prepared.network, run.prepared.setup)
    return (memory.total - CONTEXT_BYTES) / (1 + FRAGMENTATION) / GIB


def test_predicted_memory_is_near_the_published_peaks() -> None:
    errors = [
        abs(allocated_gib(run) / run.peak_gib - 1)
        for run in JUDGED
        if run.ran and run.peak_gib is not None and run.length_known
    ]
    assert len(errors) >= 25
    # Sources report the allocator peak differently (allocated or reserved); the model is
    # within 30% at the median (README, "How accurate the estimates are").
    assert statistics.median(errors) <= 0.3
