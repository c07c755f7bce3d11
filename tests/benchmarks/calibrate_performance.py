"""Fit the performance model's global constants and report its error on GPUs left out.

For every GPU of the measured data, the constants are fitted on the other GPUs and the
held-out GPU's rows are predicted (leave-one-GPU-out). The table gives the median and 90th
percentile absolute percentage error per network and precision, for the multi-GPU scaling
efficiency, and beside it the plain memory-bandwidth-ratio rule on the same rows.

Run: .venv/bin/python tests/benchmarks/calibrate_performance.py [--write]
--write stores the constants in planner/core/calibrated.py and the table in
tests/data/calibration_report.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

from planner.core.calibration.fit import fit, predict, scaling_pairs, summary
from planner.core.calibration.rows import Row, load_rows
from planner.core.parts import Gpu
from planner.core.performance import ComputeSpec
from planner.io.catalog_files import load_builtin_catalog
from planner.io.tomlfile import parse_toml_text

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

# Names in the measured data -> catalog ids.
CATALOG_NAMES = {
    "GTX 1080 Ti": "gtx-1080-ti",
    "RTX 2080 Ti": "rtx-2080-ti",
    "RTX 3070": "rtx-3070",
    "RTX 3090": "rtx-3090",
    "Quadro RTX 6000": "quadro-rtx-6000",
    "Quadro RTX 8000": "quadro-rtx-8000",
    "RTX A4000": "rtx-a4000",
    "RTX A4500": "rtx-a4500",
    "RTX A5500": "rtx-a5500",
    "RTX A6000": "rtx-a6000",
    "RTX 6000 Ada": "rtx-6000-ada",
    "A10": "a10",
    "A100 40GB PCIe": "a100-40gb-pcie",
    "A100 80GB PCIe": "a100-80gb-pcie",
}


def specs() -> dict[str, ComputeSpec]:
    catalog = load_builtin_catalog()
    found: dict[str, ComputeSpec] = {}
    for name, part_id in CATALOG_NAMES.items():
        gpu = catalog.get(part_id)
        assert isinstance(gpu, Gpu), part_id
        found[name] = ComputeSpec.of(gpu)
    reference = parse_toml_text(
        (DATA / "reference_gpus.toml").read_text("utf-8"), "reference_gpus.toml"
    )
    for entry in reference["gpu"]:
        spec = ComputeSpec(
            name=entry["name"],
            architecture=entry["architecture"],
            memory_bandwidth_gbs=entry["memory_bandwidth_gbs"],
            fp32_tflops=entry["fp32_tflops"],
            fp16_tensor_tflops=entry.get("fp16_tensor_tflops"),
            tf32_tensor_tflops=entry.get("tf32_tensor_tflops"),
            fp8_tensor_tflops=entry.get("fp8_tensor_tflops"),
            l2_cache_mb=entry["l2_cache_mb"],
            vram_gb=entry["vram_gb"],
            nvlink_gbs=entry.get("nvlink_gbs"),
            sxm=True,
        )
        for alias in entry["aliases"]:
            found[alias] = spec
    return found


def bandwidth_rule(row: Row, others: list[Row]) -> float | None:
    """The held-out GPU's rate from the other GPUs' rates on the same network and precision,
    scaled by the memory-bandwidth ratio (geometric mean over the other GPUs)."""
    same = [
        other
        for other in others
        if other.model == row.model
        and other.setup.precision.replace("tf32", "fp32")
        == row.setup.precision.replace("tf32", "fp32")
        and other.gpus == row.gpus
    ]
    if not same:
        return None
    logs = [math.log(o.per_gpu / o.spec.memory_bandwidth_gbs) for o in same]
    return math.exp(sum(logs) / len(logs)) * row.spec.memory_bandwidth_gbs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--iterations", type=int, default=500)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = load_rows(DATA / "measured_throughput.csv", specs())
    print(f"{len(rows)} rows on {len({r.gpu for r in rows})} GPU names", file=sys.stderr)
    full, vector = fit(rows, iterations=args.iterations)
    print(f"full fit: {full}", file=sys.stderr)
    errors: dict[str, list[float]] = defaultdict(list)
    rule: dict[str, list[float]] = defaultdict(list)
    per_gpu: dict[str, list[float]] = defaultdict(list)
    for held in sorted({r.spec.name for r in rows}):
        train = [r for r in rows if r.spec.name != held]
        test = [r for r in rows if r.spec.name == held]
        if not train:
            continue
        fold, _ = fit(train, start=vector, iterations=args.iterations // 2)
        for row in test:
            if row.gpus > 1 and row.model != "mpt":
                continue
            error = abs(predict(row, fold.constants, fold.software_gain) / row.per_gpu - 1)
            errors[row.group].append(error)
            per_gpu[held].append(error)
            baseline = bandwidth_rule(row, [r for r in train if r.gpus == 1 or r.model == "mpt"])
            if baseline is not None:
                rule[row.group].append(abs(baseline / row.per_gpu - 1))
        for single, many in scaling_pairs(rows):
            if single.spec.name != held:
                continue
            predicted = predict(many, fold.constants, fold.software_gain) / predict(
                single, fold.constants, fold.software_gain
            )
            measured = many.per_gpu / single.per_gpu
            errors["multi-GPU scaling"].append(abs(predicted / measured - 1))
            rule["multi-GPU scaling"].append(abs(1 / measured - 1))  # linear scaling
        print(f"  held out {held}: median {summary(per_gpu[held])[0]:.1%}", file=sys.stderr)
    table = []
    header = ("rows", "n", "model median", "model p90", "bw rule median", "bw rule p90")
    print("{:<22} {:>4} {:>13} {:>10} {:>15} {:>12}".format(*header))
    all_model: list[float] = []
    all_rule: list[float] = []
    for group in sorted(errors):
        model_median, model_p90 = summary(errors[group])
        rule_median, rule_p90 = summary(rule[group])
        if group != "multi-GPU scaling":
            all_model += errors[group]
            all_rule += rule[group]
        table.append(
            {  # nan (no other GPU to scale from) is written as null
                "rows": group,
                "n": len(errors[group]),
                "model_median": model_median,
                "model_p90": model_p90,
                "rule_median": rule_median,
                "rule_p90": rule_p90,
            }
        )
        print(_line(group, len(errors[group]), model_median, model_p90, rule_median, rule_p90))
    model_median, model_p90 = summary(all_model)
    rule_median, rule_p90 = summary(all_rule)
    print(_line("all single-GPU", len(all_model), model_median, model_p90, rule_median, rule_p90))
    table.append(
        {
            "rows": "all single-GPU",
            "n": len(all_model),
            "model_median": model_median,
            "model_p90": model_p90,
            "rule_median": rule_median,
            "rule_p90": rule_p90,
        }
    )
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.write:
        write(full, table, rows)
    return 0


def _line(group: str, n: int, *errors: float) -> str:
    cells = [f"{value:.1%}" if value == value else "n/a" for value in errors]  # nan: no rule
    widths = (13, 10, 15, 12)
    return f"{group:<22} {n:>4} " + " ".join(
        f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)
    )


def write(full, table, rows) -> None:  # type: ignore[no-untyped-def]
    constants = full.constants
    lines = [
        '"""Fitted constants of the performance model (generated: do not edit by hand).',
        "",
        "Written by tests/benchmarks/calibrate_performance.py --write from",
        f"tests/data/measured_throughput.csv ({len(rows)} rows; Lambda deeplearning-benchmark",
        "PyTorch runs and MosaicML llm-foundry MPT runs). Leave-one-GPU-out errors are in",
        'tests/data/calibration_report.json."""',
        "",
        "from planner.core.performance import Constants",
        "",
        "CONSTANTS = Constants(",
    ]
    for field in dataclasses.fields(constants):
        lines.append(f"    {field.name}={getattr(constants, field.name)!r},")
    lines += [
        ")",
        "# Speed of the 2022+ software stacks over the 2020-22 ones in the measured data.",
        f"SOFTWARE_GAIN = {full.software_gain!r}",
        "# Measured runs the constants were fitted on.",
        f"FITTED_ROWS = {len(rows)}",
        "",
        "# Leave-one-GPU-out median and 90th-percentile absolute percentage error of",
        "# single-GPU throughput: the model's uncertainty range.",
    ]
    overall = next(entry for entry in table if entry["rows"] == "all single-GPU")
    lines.append(f"ERROR_MEDIAN = {overall['model_median']!r}")
    lines.append(f"ERROR_P90 = {overall['model_p90']!r}")
    (ROOT / "planner" / "core" / "calibrated.py").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    for entry in table:  # JSON has no NaN: groups the rule cannot predict get null
        for key, value in entry.items():
            if isinstance(value, float) and value != value:
                entry[key] = None
    (DATA / "calibration_report.json").write_text(
        json.dumps(
            {"table": table, "loss": full.loss, "software_gain": full.software_gain}, indent=1
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
