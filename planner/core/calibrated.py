"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (788 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7318652658521081,
    simt_efficiency=0.9040992280728555,
    half_size_gflop=2.213169462996971,
    memory_efficiency=0.5585808124896537,
    launch_us=24.134332869406634,
    overlap=0.3,
    attention_efficiency=0.46032313020711263,
    image_decode_us=354.728177654721,
    link_efficiency=0.5,
    hbm_efficiency=0.48007442010972085,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.0958521184081853
# Measured runs the constants were fitted on.
FITTED_ROWS = 788

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.1207042146450164
ERROR_P90 = 0.3432989397994708
