"""How fast estimates are: the app ranks every catalog GPU for every selected workload as
the user edits. Targets: one estimate under 2 ms, a batch of 1,000 cases under 1 s in one
process. Prints the numbers.

Run: .venv/bin/python tests/benchmarks/bench_estimate.py
"""

from __future__ import annotations

import statistics
import sys
import time

from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.cases import estimate_case
from planner.core.parts import Gpu
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

CASES = [
    {"workload": "bert-large", "precision": "fp16", "batch_size": 32, "seq_len": 384},
    {
        "workload": "llama-2-7b",
        "mode": "lora",
        "batch_size": 4,
        "seq_len": 2048,
        "activation_checkpointing": True,
    },
    {"workload": "llama-3-1-8b", "mode": "qlora", "batch_size": 2, "seq_len": 2048},
    {"workload": "resnet-50", "precision": "fp16", "batch_size": 256, "optimizer": "sgd"},
    {"workload": "gpt2-xl", "batch_size": 4, "seq_len": 1024, "gpu_count": 4, "sharding": "zero2"},
    {"workload": "stable-diffusion-1-5-unet", "batch_size": 8},
    {"workload": "whisper-small", "batch_size": 16, "precision": "fp16"},
]


def main() -> int:
    catalog = load_builtin_catalog()
    gpus = {part.id: part for part in catalog if isinstance(part, Gpu)}
    workloads = load_workloads()
    ids = sorted(gpus)
    print(f"{'case':<28} {'median ms':>10} {'p95 ms':>8}")
    for case in CASES:
        times = []
        for gpu_id in ids:  # every catalog GPU, as the app's ranking chart does
            start = time.perf_counter()
            estimate_case({**case, "gpu": gpu_id}, gpus, workloads, CONSTANTS, SPEED_RANGES)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(0.95 * len(times)) - 1]
        print(f"{case['workload']:<28} {statistics.median(times):10.3f} {p95:8.3f}")
    batch = [{**CASES[i % len(CASES)], "gpu": ids[i % len(ids)]} for i in range(1000)]
    start = time.perf_counter()
    for case in batch:
        estimate_case(case, gpus, workloads, CONSTANTS, SPEED_RANGES)
    elapsed = time.perf_counter() - start
    print(f"\nbatch of 1,000 cases: {elapsed:.3f} s (target: under 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
