"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from
tests/data/measured_throughput.csv (753 rows; Lambda deeplearning-benchmark
PyTorch runs and MosaicML llm-foundry MPT runs). Leave-one-GPU-out errors are in
tests/data/calibration_report.json."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7152864219269183,
    simt_efficiency=0.8690419601731557,
    half_size_gflop=1.1208225165939645,
    memory_efficiency=0.5210363202595887,
    l2_gain=1.000228225890119,
    launch_us=47.98359578798626,
    overlap=0.0,
    conv_efficiency=0.9997787265497872,
    attention_efficiency=0.46979267169580274,
    image_decode_us=354.6556842095798,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.0438747285242633
# Measured runs the constants were fitted on.
FITTED_ROWS = 753

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# single-GPU throughput: the model's uncertainty range.
ERROR_MEDIAN = 0.1086644270144359
ERROR_P90 = 0.26839614416722635
