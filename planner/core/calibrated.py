"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (788 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7265523551695029,
    simt_efficiency=0.8662400219549331,
    half_size_gflop=2.0848046501666744,
    memory_efficiency=0.5518573464356487,
    launch_us=19.094194695673185,
    overlap=0.3,
    attention_efficiency=0.4635038618494702,
    image_decode_us=355.1354964462317,
    link_efficiency=0.5,
    hbm_efficiency=0.4771344660138325,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.1024364299718186
# Measured runs the constants were fitted on.
FITTED_ROWS = 788

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.11107718031779817
ERROR_P90 = 0.3374900771612219
