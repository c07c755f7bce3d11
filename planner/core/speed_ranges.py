"""How sure a speed estimate is, by how the GPUs work together: one GPU, several reaching
each other directly (peer-to-peer PCIe or NVLink), or several through host memory. Each way
has its own range (planner/core/calibrated.py SPEED_RANGES): the 5th and 95th percentile of
measured ÷ predicted throughput on runs of GPUs left out of the calibration. Cards without
peer-to-peer scale least predictably (Lambda's four- and eight-card RTX 3090 servers fell far
below three cards), so their range is the widest."""

from __future__ import annotations

from collections.abc import Mapping

from planner.core.performance import Link
from planner.core.training_setup import TrainingSetup

ONE_GPU = "one GPU"
PEER_TO_PEER = "several GPUs, peer to peer"
THROUGH_HOST = "several GPUs through host memory"
REGIMES = (ONE_GPU, PEER_TO_PEER, THROUGH_HOST)
SpeedRanges = Mapping[str, tuple[float, float]]  # regime -> (low, high) × the estimate


def speed_regime(setup: TrainingSetup, link: Link | None) -> str:
    if setup.gpus <= 1 or link is None:
        return ONE_GPU
    p2p = link.p2p if setup.p2p is None else setup.p2p
    return PEER_TO_PEER if p2p else THROUGH_HOST


def describe_ranges(ranges: SpeedRanges) -> str:
    """The ranges in words: "one GPU ×0.85–1.19; several GPUs, peer to peer ×…"."""
    return "; ".join(
        f"{regime} ×{ranges[regime][0]:.2f}–{ranges[regime][1]:.2f}"
        for regime in REGIMES
        if regime in ranges
    )


def range_note(regime: str) -> str:
    """Why a range is wide, where it is: written after it."""
    if regime != THROUGH_HOST:
        return ""
    return " — wide, as cards without peer-to-peer scale least predictably"
