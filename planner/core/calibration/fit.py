"""Fitting the performance model's global constants, and judging it on left-out GPUs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from planner.core.calibration.rows import Row
from planner.core.communication import communication_seconds
from planner.core.estimate import power_factor, throughput
from planner.core.memory import estimate_memory
from planner.core.param_summary import summarize
from planner.core.performance import Constants, StepTime, step_time

# Parameters of the fit, in the order of the unconstrained vector.
NAMES = (
    "tensor_efficiency",
    "simt_efficiency",
    "half_size_gflop",
    "memory_efficiency",
    "launch_us",
    "software_gain",
    "attention_efficiency",
    "image_decode_us",
    "hbm_efficiency",
    "tensor_ratio_loss",
)
LINK_EFFICIENCY = 0.8  # start of the alternating fit of the multi-GPU constants
# Per-kernel overhead: a launch is ~5 µs, but eager PyTorch spends 10-50 µs of Python and
# dispatcher time per operation on the host, which the GPU waits for on small kernels.
LAUNCH_RANGE_US = (2.0, 200.0)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


def decode(
    vector: Sequence[float], overlap: float = 0.8, link_efficiency: float = LINK_EFFICIENCY
) -> tuple[Constants, float]:
    low, high = LAUNCH_RANGE_US
    constants = Constants(
        tensor_efficiency=_sigmoid(vector[0]),
        simt_efficiency=_sigmoid(vector[1]),
        half_size_gflop=math.exp(vector[2]),
        memory_efficiency=_sigmoid(vector[3]),
        launch_us=low + (high - low) * _sigmoid(vector[4]),
        overlap=overlap,
        attention_efficiency=_sigmoid(vector[6]),
        image_decode_us=1000 * _sigmoid(vector[7]),
        hbm_efficiency=_sigmoid(vector[8]),
        tensor_ratio_loss=0.5 * _sigmoid(vector[9]),
        link_efficiency=link_efficiency,
    )
    return constants, math.exp(vector[5])


# A weak prior on fused attention's efficiency relative to matrix products: FlashAttention-2
# reaches 50-73% of peak on A100 where dense GEMMs reach ~80% (Dao 2023, arXiv:2307.08691).
# Only the MPT runs (one GPU) constrain it; without the prior a fold that holds that GPU
# out has nothing to fit it on.
ATTENTION_PRIOR = 0.6
PRIOR_WEIGHT = 0.002


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def prior(vector: Sequence[float]) -> float:
    return PRIOR_WEIGHT * (vector[6] - _logit(ATTENTION_PRIOR)) ** 2


START = (0.5, 1.7, 0.5, 0.0, -1.0, 0.0, 0.0, -1.0, 0.0, -1.0)


def predict(row: Row, constants: Constants, software_gain: float) -> float:
    """Samples per second per GPU the model expects for `row`, through the same
    `throughput` the estimates use; runs on the 2020-22 software stack are slower."""
    case = row.prepared
    rate, _step = throughput(
        case.network, case.setup, case.gpu, constants, case.link, case.gpu_power_w, detail=False
    )
    rate /= row.gpus
    if row.software == "v0":
        rate /= software_gain
    return rate


def loss(rows: Sequence[Row], constants: Constants, software_gain: float) -> float:
    total = 0.0
    for row in rows:
        error = math.log(predict(row, constants, software_gain) / row.per_gpu)
        total += error * error
    return total / len(rows)


def nelder_mead(
    function: Callable[[list[float]], float],
    start: Sequence[float],
    step: float = 0.5,
    iterations: int = 600,
    tolerance: float = 1e-7,
) -> list[float]:
    """A small Nelder-Mead minimiser (no SciPy in the runtime or test environment)."""
    points = [list(start)]
    for index in range(len(start)):
        point = list(start)
        point[index] += step
        points.append(point)
    values = [function(point) for point in points]
    for _ in range(iterations):
        order = sorted(range(len(points)), key=values.__getitem__)
        points = [points[i] for i in order]
        values = [values[i] for i in order]
        if values[-1] - values[0] < tolerance:
            break
        centroid = [sum(column) / (len(points) - 1) for column in zip(*points[:-1], strict=True)]
        worst = points[-1]
        reflected = [c + (c - w) for c, w in zip(centroid, worst, strict=True)]
        reflected_value = function(reflected)
        if reflected_value < values[0]:
            expanded = [c + 2 * (c - w) for c, w in zip(centroid, worst, strict=True)]
            expanded_value = function(expanded)
            if expanded_value < reflected_value:
                points[-1], values[-1] = expanded, expanded_value
            else:
                points[-1], values[-1] = reflected, reflected_value
        elif reflected_value < values[-2]:
            points[-1], values[-1] = reflected, reflected_value
        else:
            contracted = [c + 0.5 * (w - c) for c, w in zip(centroid, worst, strict=True)]
            contracted_value = function(contracted)
            if contracted_value < values[-1]:
                points[-1], values[-1] = contracted, contracted_value
            else:
                best = points[0]
                points = [best] + [
                    [b + 0.5 * (p - b) for b, p in zip(best, point, strict=True)]
                    for point in points[1:]
                ]
                values = [values[0]] + [function(point) for point in points[1:]]
    return points[min(range(len(points)), key=values.__getitem__)]


@dataclass(frozen=True)
class Fit:
    constants: Constants
    software_gain: float
    loss: float


def fit(
    rows: Sequence[Row], start: Sequence[float] = START, iterations: int = 600
) -> tuple[Fit, list[float]]:
    """Single-GPU constants on single-GPU rows (and the MPT runs), then the link's efficiency
    and the overlap on the multi-GPU scaling pairs, alternating twice."""
    single = [row for row in rows if row.fitted]
    overlap, efficiency = 0.8, LINK_EFFICIENCY
    best = list(start)
    for _ in range(2):

        def objective(
            vector: list[float], overlap: float = overlap, efficiency: float = efficiency
        ) -> float:
            constants, gain = decode(vector, overlap, efficiency)
            return loss(single, constants, gain) + prior(vector)

        best = nelder_mead(objective, best, iterations=iterations)
        constants, gain = decode(best, overlap, efficiency)
        overlap, efficiency = fit_links(rows, constants, gain)
    constants, gain = decode(best, overlap, efficiency)
    if not any(row.software == "v0" for row in single):
        # Nothing measured on the 2020-22 stack: its slowdown is unknown, not fitted.
        best[5], gain = 0.0, 1.0
    return Fit(constants, gain, loss(single, constants, gain)), best


def fit_links(rows: Sequence[Row], constants: Constants, gain: float) -> tuple[float, float]:
    """The share of collectives hidden behind compute and the share of the link's bandwidth
    they reach, from the multi-GPU scaling rows (a grid: both are fractions)."""
    pairs = scaling_pairs(rows)
    if not pairs:
        return constants.overlap, constants.link_efficiency
    prepared = [(single, many, _parts(many, constants)) for single, many in pairs]
    measured = [many.per_gpu / single.per_gpu for single, many in pairs]
    singles = [predict(single, constants, gain) for single, _many in pairs]
    best, best_loss = (constants.overlap, constants.link_efficiency), float("inf")
    for overlap in (step / 10 for step in range(11)):
        for efficiency in (step / 10 for step in range(3, 11)):
            trial = replace(constants, overlap=overlap, link_efficiency=efficiency)
            total = 0.0
            for (_single, many, parts), ratio, alone in zip(
                prepared, measured, singles, strict=True
            ):
                rate = _rate(many, parts, trial) / (gain if many.software == "v0" else 1.0)
                total += math.log(rate / alone / ratio) ** 2
            if total < best_loss:
                best, best_loss = (overlap, efficiency), total
    return best


def _parts(row: Row, constants: Constants) -> StepTime:
    case = row.prepared
    memory = estimate_memory(case.network, case.setup)
    return step_time(
        case.network,
        case.setup,
        case.gpu,
        constants,
        None,
        trainable_params=memory.trainable_params,
        total_params=memory.total_params,
        detail=False,
    )


def _rate(row: Row, step: StepTime, constants: Constants) -> float:
    """Per-GPU samples/s of `row` from its step without the link, plus the collectives at
    `constants` (what `step_time` adds; the rest does not depend on the link constants)."""
    case = row.prepared
    assert case.link is not None
    summary = summarize(case.network)
    memory = estimate_memory(case.network, case.setup)
    p2p = case.link.p2p if case.setup.p2p is None else case.setup.p2p
    _comm, exposed = communication_seconds(
        summary,
        case.setup,
        case.link.gbs,
        p2p,
        constants.link_efficiency,
        constants.overlap,
        memory.trainable_params,
        step.compute_s,
    )
    total = max(step.compute_s + step.optimizer_s + exposed, step.input_s)
    return case.setup.batch_size / total * power_factor(case.gpu, case.gpu_power_w)


def scaling_pairs(rows: Sequence[Row]) -> list[tuple[Row, Row]]:
    """(single-GPU row, multi-GPU row) of Lambda's tables with the same GPU, network,
    precision, software and per-GPU batch: their ratio is the measured scaling."""

    def key(row: Row) -> tuple[object, ...]:
        setup = row.prepared.setup
        return (row.gpu, row.model, setup.precision, row.software, setup.batch_size)

    lambda_rows = [row for row in rows if row.source.startswith("lambda")]
    singles = {key(row): row for row in lambda_rows if row.gpus == 1}
    return [(singles[key(row)], row) for row in lambda_rows if row.gpus > 1 and key(row) in singles]


def absolute_percentage_errors(
    predicted: Sequence[float], measured: Sequence[float]
) -> list[float]:
    return [abs(p / m - 1) for p, m in zip(predicted, measured, strict=True)]


def summary(errors: Sequence[float]) -> tuple[float, float]:
    """Median and 90th percentile."""
    ordered = sorted(errors)
    if not ordered:
        return math.nan, math.nan
    index = min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)
    return statistics.median(ordered), ordered[index]
