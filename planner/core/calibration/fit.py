"""Fitting the performance model's global constants, and judging it on left-out GPUs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from planner.core.calibration.rows import Row
from planner.core.pcie import link_bandwidth_gbs
from planner.core.performance import Constants, Link, step_time

# Parameters of the fit, in the order of the unconstrained vector.
NAMES = (
    "tensor_efficiency",
    "simt_efficiency",
    "half_size_gflop",
    "memory_efficiency",
    "l2_gain",
    "launch_us",
    "conv_efficiency",
    "software_gain",
    "attention_efficiency",
    "image_decode_us",
)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


def decode(vector: Sequence[float], overlap: float = 0.8) -> tuple[Constants, float]:
    constants = Constants(
        tensor_efficiency=_sigmoid(vector[0]),
        simt_efficiency=_sigmoid(vector[1]),
        half_size_gflop=math.exp(vector[2]),
        memory_efficiency=_sigmoid(vector[3]),
        l2_gain=1 + 2 * _sigmoid(vector[4]),  # 1-3×
        launch_us=2 + 48 * _sigmoid(vector[5]),  # 2-50 µs
        overlap=overlap,
        conv_efficiency=_sigmoid(vector[6]),
        attention_efficiency=_sigmoid(vector[8]),
        image_decode_us=1000 * _sigmoid(vector[9]),
    )
    return constants, math.exp(vector[7])


# A weak prior on fused attention's efficiency relative to matrix products: FlashAttention-2
# reaches 50-73% of peak on A100 where dense GEMMs reach ~80% (Dao 2023, arXiv:2307.08691).
# Only the MPT runs (one GPU) constrain it; without the prior a fold that holds that GPU
# out has nothing to fit it on.
ATTENTION_PRIOR = 0.6
PRIOR_WEIGHT = 0.002


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def prior(vector: Sequence[float]) -> float:
    return PRIOR_WEIGHT * (vector[8] - _logit(ATTENTION_PRIOR)) ** 2


START = (0.5, 1.7, 0.5, 0.0, 0.5, -1.0, 3.0, 0.0, 0.0, -1.0)


def link_for(row: Row) -> Link:
    """The link between GPUs in the measured servers: NVLink on SXM parts, otherwise
    PCIe 4.0 x16 (3.0 before Ampere), halved without peer-to-peer."""
    spec = row.spec
    if spec.sxm and spec.nvlink_gbs:
        return Link("NVLink", spec.nvlink_gbs)
    gen = 4 if spec.architecture in ("ampere", "ada", "hopper", "blackwell") else 3
    gbs = link_bandwidth_gbs(gen, 16)
    return Link(f"PCIe {gen}.0 x16", gbs if spec.pcie_p2p else gbs / 2)


def predict(row: Row, constants: Constants, software_gain: float) -> float:
    """Samples per second per GPU the model expects for `row`."""
    step = step_time(row.network, row.setup, row.spec, constants, link_for(row), detail=False)
    rate = row.setup.batch_size / step.total_s
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
    single = [row for row in rows if row.gpus == 1 or row.model == "mpt"]
    overlap = 0.8
    best = list(start)
    for _ in range(2):  # alternate: constants at this overlap, then the overlap itself

        def objective(vector: list[float], overlap: float = overlap) -> float:
            constants, gain = decode(vector, overlap)
            return loss(single, constants, gain) + prior(vector)

        best = nelder_mead(objective, best, iterations=iterations)
        constants, gain = decode(best, overlap)
        overlap = fit_overlap(rows, constants, gain)
    constants, gain = decode(best, overlap)
    return Fit(constants, gain, loss(single, constants, gain)), best


def fit_overlap(rows: Sequence[Row], constants: Constants, gain: float) -> float:
    """The share of all-reduce hidden behind backward, from the multi-GPU scaling rows."""
    pairs = scaling_pairs(rows)
    if not pairs:
        return constants.overlap
    best, best_loss = constants.overlap, float("inf")
    for step in range(0, 21):
        overlap = step / 20
        trial = replace(constants, overlap=overlap)
        total = 0.0
        for single, many in pairs:
            predicted = predict(many, trial, gain) / predict(single, trial, gain)
            measured = many.per_gpu / single.per_gpu
            total += math.log(predicted / measured) ** 2
        if total < best_loss:
            best, best_loss = overlap, total
    return best


def scaling_pairs(rows: Sequence[Row]) -> list[tuple[Row, Row]]:
    """(single-GPU row, multi-GPU row) with the same GPU, network, precision, software and
    per-GPU batch: their ratio is the measured scaling efficiency."""
    singles = {
        (row.gpu, row.model, row.setup.precision, row.software, row.setup.batch_size): row
        for row in rows
        if row.gpus == 1 and row.model != "mpt"
    }
    pairs = []
    for row in rows:
        if row.gpus > 1 and row.model != "mpt":
            key = (row.gpu, row.model, row.setup.precision, row.software, row.setup.batch_size)
            if key in singles:
                pairs.append((singles[key], row))
    return pairs


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
