"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (789 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7765298838288907,
    simt_efficiency=0.8900033222733041,
    half_size_gflop=1.1163066959396806,
    memory_efficiency=0.5176345498955143,
    launch_us=52.171153564708796,
    overlap=0.1,
    attention_efficiency=0.432545257950248,
    image_decode_us=354.8826228500178,
    link_efficiency=0.4,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.0560788616999774
# Measured runs the constants were fitted on.
FITTED_ROWS = 789

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.10508490598691078
ERROR_P90 = 0.3446276399384889
