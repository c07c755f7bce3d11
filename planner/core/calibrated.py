"""Provisional constants (in-sample fit); replaced by calibrate_performance.py --write."""

from planner.core.performance import Constants

CONSTANTS = Constants(
    tensor_efficiency=0.7374562404255756,
    simt_efficiency=0.8778747227510124,
    half_size_gflop=1.163331331065819,
    memory_efficiency=0.5183708995919101,
    l2_gain=1.0000000094124775,
    launch_us=49.84333892745927,
    overlap=0.0,
    conv_efficiency=0.9999964390116233,
    attention_efficiency=0.4061856220723226,
    image_decode_us=354.4898087081127,
)
SOFTWARE_GAIN = 1.0462058569436161
ERROR_MEDIAN = 0.067
ERROR_P90 = 0.20
