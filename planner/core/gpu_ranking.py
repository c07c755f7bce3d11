"""Where a build's GPU stands: one workload on every catalog GPU, and scaling with GPU count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.cases import default_link
from planner.core.estimate import Estimate, RunOptions, estimate, throughput
from planner.core.parts import Gpu
from planner.core.performance import ComputeSpec, Link
from planner.core.training_setup import TrainingSetup
from planner.core.workload_estimates import network_for
from planner.core.workloads import Workload

SCALING_COUNTS = tuple(range(1, 9))


@dataclass(frozen=True)
class Ranked:
    gpu: Gpu
    samples_per_s: float
    time_to_train_s: float
    fits: bool


def rank_gpus(
    workload: Workload,
    setup: TrainingSetup,
    gpus: tuple[Gpu, ...],
    link: Link | None,
    run_options: RunOptions | None = None,
) -> list[Ranked]:
    network = network_for(workload)
    results = []
    for gpu in gpus:
        own_link = link
        if setup.gpus > 1 and own_link is None:
            own_link = default_link(gpu)
        result = estimate(
            workload,
            network,
            replace(setup),
            ComputeSpec.of(gpu),
            CONSTANTS,
            SPEED_RANGES,
            own_link,
            run_options=run_options,
            with_suggestions=False,
        )
        results.append(
            Ranked(gpu, result.samples_per_s, result.time_to_train_s, result.memory.fits)
        )
    return results


def fastest(results: Sequence[Ranked], build_gpu: str | None, top: int) -> list[Ranked]:
    """The `top` fastest GPUs that fit, fastest first, with the build's GPU added if it
    fits but is not among them."""
    fitting = sorted((r for r in results if r.fits), key=lambda r: r.time_to_train_s)
    shown = fitting[:top]
    build = next((r for r in fitting if r.gpu.id == build_gpu), None)
    if build is not None and build not in shown:
        shown.append(build)
    return shown


def value_front(priced: Sequence[Ranked]) -> list[Ranked]:
    """The GPUs no cheaper (or equally priced) GPU beats on speed, cheapest first: the
    price-speed front a buyer chooses along."""
    front: list[Ranked] = []
    for ranked in sorted(priced, key=lambda r: (r.gpu.price_usd or 0, -r.samples_per_s)):
        if not front or ranked.samples_per_s > front[-1].samples_per_s:
            front.append(ranked)
    return front


def scaling(
    item: Estimate, link: Link | None, counts: Sequence[int] = SCALING_COUNTS
) -> list[float]:
    """Samples per second of the estimate's workload on each GPU count over `link`."""
    network = network_for(item.workload)
    speeds = []
    for count in counts:
        setup = replace(item.setup, gpus=count)
        speed, _step = throughput(network, setup, item.gpu, CONSTANTS, link if count > 1 else None)
        speeds.append(speed)
    return speeds
