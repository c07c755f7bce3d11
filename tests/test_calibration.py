"""The performance model's accuracy on runs left out of the fit, as committed, and that the
committed constants still reproduce the calibration with today's model code."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from planner.core import calibrated
from planner.core.calibration.fit import loss

DATA = Path(__file__).parent / "data"
REPORT = json.loads((DATA / "calibration_report.json").read_text())
BY_GPU = {entry["rows"]: entry for entry in REPORT["leave_one_gpu_out"]}
BY_SOURCE = {entry["rows"]: entry for entry in REPORT["leave_one_source_out"]}


def _script():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    try:
        import calibrate_performance
    finally:
        sys.path.pop(0)
    return calibrate_performance


def test_range_holds_most_held_out_measurements() -> None:
    assert BY_GPU["all rows"]["in_range"] >= 0.8
    assert BY_SOURCE["all rows"]["in_range"] >= 0.8


def test_held_out_error_meets_the_targets() -> None:
    for table in (BY_GPU, BY_SOURCE):
        decoders = table["all decoders (fine-tuning and pre-training)"]
        assert decoders["model_median"] <= 0.12 and decoders["model_p90"] <= 0.35
        assert table["all Lambda ResNet-50 and BERT"]["model_median"] <= 0.10
        assert table["all rows"]["model_median"] <= 0.10


def test_model_beats_the_bandwidth_rule_in_every_group() -> None:
    for table in (BY_GPU, BY_SOURCE):
        for group, entry in table.items():
            if entry["rule_median"] is None:
                continue
            assert entry["model_median"] < entry["rule_median"], group
            assert entry["model_p90"] < entry["rule_p90"], group


def test_model_beats_the_bandwidth_rule() -> None:
    for table in (BY_GPU, BY_SOURCE):
        overall = table["all rows"]
        assert overall["model_median"] < 0.75 * overall["rule_median"]
        assert overall["model_p90"] < 0.75 * overall["rule_p90"]


def test_uncertainty_range_is_the_held_out_error() -> None:
    assert pytest.approx(BY_GPU["all rows"]["model_p90"]) == calibrated.ERROR_P90
    assert pytest.approx(BY_GPU["all rows"]["model_median"]) == calibrated.ERROR_MEDIAN


def test_no_fitted_constant_sits_on_a_bound() -> None:
    constants = calibrated.CONSTANTS
    for name in ("tensor_efficiency", "simt_efficiency", "memory_efficiency"):
        assert 0.02 < getattr(constants, name) < 0.98, name
    assert 2.5 < constants.launch_us < 195
    assert 0.0 < constants.overlap < 1.0
    assert 0.3 < constants.link_efficiency < 1.0


def test_committed_constants_reproduce_the_fit() -> None:
    script = _script()
    rows = script.load_all_rows()
    assert len(rows) == REPORT["rows"] == calibrated.FITTED_ROWS
    single = [row for row in rows if row.fitted]
    value = loss(single, calibrated.CONSTANTS, calibrated.SOFTWARE_GAIN)
    assert math.isclose(value, REPORT["loss"], rel_tol=1e-6)
