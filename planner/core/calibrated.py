"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (788 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7340107650628725,
    simt_efficiency=0.8968161903068091,
    half_size_gflop=2.429110148133971,
    memory_efficiency=0.5396267821308928,
    launch_us=25.47577556917803,
    overlap=0.3,
    attention_efficiency=0.495779958765295,
    image_decode_us=354.9744946028438,
    link_efficiency=0.5,
    hbm_efficiency=0.4873698670532334,
    tensor_ratio_loss=0.08520700520666953,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.1047150470017308
# Measured runs the constants were fitted on.
FITTED_ROWS = 788

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run: the model's uncertainty range.
ERROR_MEDIAN = 0.10265795384642085
ERROR_P90 = 0.33243629996598945
