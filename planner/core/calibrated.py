"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (788 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7297453642750356,
    simt_efficiency=0.8499402274969364,
    half_size_gflop=1.8324872397505056,
    memory_efficiency=0.5557370840202213,
    launch_us=22.348247494783934,
    overlap=0.3,
    attention_efficiency=0.46159147363722225,
    image_decode_us=355.2902401894464,
    link_efficiency=0.5,
    hbm_efficiency=0.4788361525576799,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.0997316020897738
# Measured runs the constants were fitted on.
FITTED_ROWS = 788

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.11706460377654299
ERROR_P90 = 0.3393513457153188
