"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (789 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.749072543751141,
    simt_efficiency=0.9064844703645973,
    half_size_gflop=2.0162545300783994,
    memory_efficiency=0.5583740385438276,
    launch_us=28.880383711512003,
    overlap=0.3,
    attention_efficiency=0.4473562156445169,
    image_decode_us=355.1699560805253,
    link_efficiency=0.5,
    hbm_efficiency=0.48037929464485535,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.0969035717065452
# Measured runs the constants were fitted on.
FITTED_ROWS = 789

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.12575637807527007
ERROR_P90 = 0.3558453880122088
