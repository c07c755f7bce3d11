"""Fitted constants of the performance model (generated: do not edit by hand).

Written by tests/benchmarks/calibrate_performance.py --write from the measured runs
in tests/data (788 runs from 7 sources:
answerai-fsdp_qlora, lambda-v0, lambda-v1, lambda-v2, llm.c, mosaicml-mpt, torchtune).
Held-out errors are in tests/data/calibration_report.json."""

from planner.core.model_constants import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7459232581443955,
    simt_efficiency=0.9006316859636121,
    half_size_gflop=2.3182318466578633,
    memory_efficiency=0.5407903022605207,
    launch_us=29.92788168034394,
    overlap=0.2,
    attention_efficiency=0.48830104841922767,
    image_decode_us=355.3747389444661,
    link_efficiency=0.4,
    hbm_efficiency=0.4890842434354782,
    tensor_ratio_loss=0.07971985368646475,
)
# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.
SOFTWARE_GAIN = 1.1080916345017493
# Measured runs the constants were fitted on.
FITTED_ROWS = 788

# Leave-one-GPU-out median and 90th-percentile absolute percentage error of
# throughput over every run.
ERROR_MEDIAN = 0.09976395850679004
ERROR_P90 = 0.323715630394834
# The range an estimate states, by how the GPUs work together: the 5th and 95th
# percentile of measured ÷ predicted throughput on runs of GPUs left out of the fit.
SPEED_RANGES = {
    "one GPU": (0.7877627078333943, 1.2001957079742187),
    "several GPUs, peer to peer": (0.7069534637294088, 1.2115755464242086),
    "several GPUs through host memory": (0.3182055811054036, 1.5215040846894585),
}
