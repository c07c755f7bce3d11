"""The range a speed estimate states depends on how the GPUs work together: one GPU, several
reaching each other directly, or several through host memory (cards without peer-to-peer,
which scale least predictably). Each range is measured ÷ predicted on held-out GPUs."""

from __future__ import annotations

from planner.core import calibrated
from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.cases import estimate_case
from planner.core.parts import Gpu
from planner.core.speed_ranges import (
    ONE_GPU,
    PEER_TO_PEER,
    REGIMES,
    THROUGH_HOST,
    describe_ranges,
    range_note,
)
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

GPUS = {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}


def _estimate(**case: object):  # type: ignore[no-untyped-def]
    base = {"workload": "bert-large", "mode": "full", "precision": "fp16", "batch_size": 8}
    return estimate_case({**base, **case}, GPUS, load_workloads(), CONSTANTS, SPEED_RANGES)


def test_every_regime_has_a_range_around_the_estimate() -> None:
    assert set(SPEED_RANGES) == set(REGIMES)
    for low, high in SPEED_RANGES.values():
        assert 0 < low < 1 < high
    widths = {regime: high / low for regime, (low, high) in SPEED_RANGES.items()}
    assert widths[THROUGH_HOST] > 2 * max(widths[ONE_GPU], widths[PEER_TO_PEER])


def test_the_regime_follows_the_gpus_and_their_link() -> None:
    one = _estimate(gpu="rtx-3090")
    host = _estimate(gpu="rtx-3090", gpu_count=4)  # GeForce cards: no peer-to-peer over PCIe
    peer = _estimate(gpu="a100-sxm4-80gb", gpu_count=8, interconnect="nvlink")
    assert (one.regime, host.regime, peer.regime) == (ONE_GPU, THROUGH_HOST, PEER_TO_PEER)
    for estimate in (one, host, peer):
        low, high = SPEED_RANGES[estimate.regime]
        assert estimate.low == estimate.samples_per_s * low
        assert estimate.high == estimate.samples_per_s * high
        assert estimate.to_json()["speed_regime"] == estimate.regime


def test_a_wide_range_says_why_and_the_report_names_every_range() -> None:
    assert "peer-to-peer" in range_note(THROUGH_HOST)
    assert range_note(ONE_GPU) == range_note(PEER_TO_PEER) == ""
    text = describe_ranges(calibrated.SPEED_RANGES)
    low, high = SPEED_RANGES[THROUGH_HOST]
    assert f"several GPUs through host memory ×{low:.2f}–{high:.2f}" in text
    assert text.index(ONE_GPU) < text.index(PEER_TO_PEER) < text.index(THROUGH_HOST)
