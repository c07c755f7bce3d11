"""Fit the performance model's global constants and judge it on runs it never saw.

Every measured run is an estimate case (planner/core/calibration/rows.py and published.py)
resolved by the same `prepare_case` as `planner estimate --cases`. Two hold-outs:
- leave-one-GPU-out: for each GPU, fit on the other GPUs' rows, predict its rows;
- leave-one-source-out: for each source (Lambda's 2020-22 / 2022-24 / later tables, MosaicML's
  MPT table, each published fine-tuning source), fit on the others, predict its rows.
The tables give the median and 90th percentile absolute percentage error of samples/s per
group (network family × mode × consumer/pro/datacenter × 1/multi-GPU), the same for the plain
memory-bandwidth rule (the held-out GPU's rate scaled from the other GPUs' rates on the same
network, mode, precision and GPU count by bandwidth), and how many held-out measurements fall
inside the range the estimate states.

Run: .venv/bin/python tests/benchmarks/calibrate_performance.py [--write] [--quick]
--write stores the constants in planner/core/calibrated.py and the tables in
tests/data/calibration_report.json (the README's table is printed by this script).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from planner.core.calibration.fit import Fit, fit, predict, summary
from planner.core.calibration.published import load_published, load_published_runs
from planner.core.calibration.rows import Row, load_rows
from planner.core.memory import CONTEXT_BYTES, FRAGMENTATION, estimate_memory
from planner.core.parts import Gpu
from planner.core.speed_ranges import REGIMES, speed_regime
from planner.core.units import GIB
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
ALL = "all rows"
DECODERS = "all decoders (fine-tuning and pre-training)"
LAMBDA = "all Lambda ResNet-50 and BERT"


def gpu_class(gpu: Gpu) -> str:
    name = gpu.name
    if "GeForce" in name or "TITAN" in name.upper():
        return "consumer"
    if any(word in name for word in ("Quadro", "RTX A", "Ada Generation", "RTX PRO", "Pro W")):
        return "pro"
    return "datacenter"


def group_of(row: Row, gpus: dict[str, Gpu]) -> str:
    setup = row.prepared.setup
    count = "1 GPU" if row.gpus == 1 else "multi-GPU"
    return f"{row.model} {setup.mode} {gpu_class(gpus[row.gpu])} {count}"


def bandwidth_rule(row: Row, others: Sequence[Row]) -> float | None:
    """The held-out rate from the other GPUs' rates on the same network, mode, precision
    and GPU count, scaled by the memory-bandwidth ratio (geometric mean)."""

    def key(r: Row) -> tuple[object, ...]:
        setup = r.prepared.setup
        return (r.model, setup.mode, setup.precision.replace("tf32", "fp32"), r.gpus)

    same = [o for o in others if key(o) == key(row) and o.gpu != row.gpu]
    if not same:
        return None
    logs = [math.log(o.per_gpu / o.prepared.gpu.memory_bandwidth_gbs) for o in same]
    return math.exp(sum(logs) / len(logs)) * row.prepared.gpu.memory_bandwidth_gbs


def catalog_gpus() -> dict[str, Gpu]:
    return {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}


def load_all_rows() -> list[Row]:
    """Lambda's and MosaicML's tables, then the published fine-tuning runs."""
    gpus, workloads = catalog_gpus(), load_workloads()
    rows = load_rows(DATA / "measured_throughput.csv", gpus, workloads)
    return rows + load_published(DATA / "published_runs.csv", gpus, workloads)


@dataclasses.dataclass
class Errors:
    model: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    rule: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    inside: dict[str, list[bool]] = dataclasses.field(default_factory=lambda: defaultdict(list))


Prediction = tuple[Row, float, float | None]  # row, model, bandwidth rule


def hold_out(
    rows: list[Row], key: Callable[[Row], str], vector: list[float], iterations: int
) -> list[Prediction]:
    """Fit without each value of `key` in turn and predict the rows left out."""
    found: list[Prediction] = []
    for held in sorted({key(r) for r in rows}):
        train = [r for r in rows if key(r) != held]
        test = [r for r in rows if key(r) == held]
        fold, _ = fit(train, start=vector, iterations=iterations)
        for row in test:
            predicted = predict(row, fold.constants, fold.software_gain)
            found.append((row, predicted, bandwidth_rule(row, train)))
        print(f"  held out {held}: {len(test)} rows", file=sys.stderr)
    return found


def regime_of(row: Row) -> str:
    """How the run's GPUs work together, as a user's build shows it (planner/core/estimate.py
    picks the range by the same rule)."""
    return speed_regime(row.prepared.setup, row.prepared.link)


def ranges_of(predictions: list[Prediction]) -> dict[str, tuple[float, float]]:
    """Per regime, the 5th and 95th percentile of measured ÷ predicted on held-out rows."""
    ratios: dict[str, list[float]] = defaultdict(list)
    for row, predicted, _baseline in predictions:
        ratios[regime_of(row)].append(row.per_gpu / predicted)
    found = {}
    for regime in REGIMES:
        values = sorted(ratios[regime])
        low = values[int(0.05 * (len(values) - 1))]
        high = values[math.ceil(0.95 * (len(values) - 1))]
        found[regime] = (low, high)
        print(f"  {regime}: {len(values)} rows, measured ÷ predicted {low:.2f}–{high:.2f}")
    return found


def print_coverage(
    title: str, predictions: list[Prediction], ranges: dict[str, tuple[float, float]]
) -> None:
    """How many held-out measurements of each regime fall inside its range."""
    inside: dict[str, list[bool]] = defaultdict(list)
    for row, predicted, _baseline in predictions:
        low, high = ranges[regime_of(row)]
        inside[regime_of(row)].append(low <= row.per_gpu / predicted <= high)
    cells = [f"{r} {sum(v) / len(v):.0%} of {len(v)}" for r, v in inside.items()]
    print(f"  in range, {title}: " + "; ".join(cells))


def errors_of(
    predictions: list[Prediction], gpus: dict[str, Gpu], ranges: dict[str, tuple[float, float]]
) -> Errors:
    """Errors per group, and whether each measurement lies in the range an estimate states
    (`ranges`: per regime, measured ÷ predicted on held-out GPUs)."""
    errors = Errors()
    for row, predicted, baseline in predictions:
        below, above = ranges[regime_of(row)]
        low, high = predicted * below, predicted * above
        family = DECODERS if row.model in ("decoder", "mpt") else LAMBDA
        for group in (group_of(row, gpus), family, ALL):
            errors.model[group].append(abs(predicted / row.per_gpu - 1))
            errors.inside[group].append(low <= row.per_gpu <= high)
            if baseline is not None:
                errors.rule[group].append(abs(baseline / row.per_gpu - 1))
    return errors


def table(errors: Errors) -> list[dict[str, object]]:
    entries = []
    for group in sorted(errors.model, key=lambda g: (g.startswith("all"), g == ALL, g)):
        model_median, model_p90 = summary(errors.model[group])
        rule_median, rule_p90 = summary(errors.rule[group])
        inside = errors.inside[group]
        entries.append(
            {
                "rows": group,
                "n": len(errors.model[group]),
                "model_median": model_median,
                "model_p90": model_p90,
                "rule_median": None if math.isnan(rule_median) else rule_median,
                "rule_p90": None if math.isnan(rule_p90) else rule_p90,
                "rule_n": len(errors.rule[group]),
                "in_range": sum(inside) / len(inside),
            }
        )
    return entries


def print_table(title: str, entries: list[dict[str, object]]) -> None:
    print(f"\n{title}")
    print("| rows | n | model median | model p90 | bandwidth rule median | p90 | in range |")
    print("|---|---|---|---|---|---|---|")
    for e in entries:
        rule = (
            f"{e['rule_median']:.1%} | {e['rule_p90']:.1%}"
            if e["rule_median"] is not None
            else "n/a | n/a"
        )
        print(
            f"| {e['rows']} | {e['n']} | {e['model_median']:.1%} | {e['model_p90']:.1%} | "
            f"{rule} | {e['in_range']:.0%} |"
        )


def print_memory(gpus: dict[str, Gpu]) -> None:
    """Fit verdicts and peak memory of the published runs the recipe keys can express."""
    runs = load_published_runs(DATA / "published_runs.csv", gpus, load_workloads())
    judged = [run for run in runs if run.expressible and run.pytorch_memory]
    wrong = []
    errors = []
    for run in judged:
        case = run.prepared
        memory = estimate_memory(case.network, case.setup, case.gpu.vram_gb * GIB)
        if memory.fits != run.ran and (run.length_known or not run.ran):
            wrong.append(run.id)
        if run.ran and run.peak_gib and run.length_known:
            allocated = (memory.total - CONTEXT_BYTES) / (1 + FRAGMENTATION) / GIB
            errors.append(abs(allocated / run.peak_gib - 1))
    median, p90 = summary(errors)
    ran = sum(run.ran for run in judged)
    print(
        f"\nPublished runs: {len(judged)} judged ({ran} ran, {len(judged) - ran} out of "
        f"memory); verdict wrong on {len(wrong)}{': ' + ', '.join(wrong) if wrong else ''}. "
        f"Peak memory of {len(errors)} runs: median error {median:.1%}, p90 {p90:.1%}."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--iterations", type=int, default=400)
    args = parser.parse_args()
    started = time.perf_counter()
    gpus = catalog_gpus()
    rows = load_all_rows()
    print(f"{len(rows)} rows on {len({r.gpu for r in rows})} GPUs", file=sys.stderr)
    full, vector = fit(rows, iterations=args.iterations)
    print(f"full fit: {full}", file=sys.stderr)
    by_gpu = hold_out(rows, lambda r: r.gpu, vector, args.iterations // 2)
    by_source = hold_out(rows, lambda r: r.source, vector, args.iterations // 2)
    p90 = summary([abs(p / r.per_gpu - 1) for r, p, _ in by_gpu])[1]
    print("Speed ranges (leave-one-GPU-out):")
    ranges = ranges_of(by_gpu)
    print_coverage("leave-one-GPU-out", by_gpu, ranges)
    print_coverage("leave-one-source-out", by_source, ranges)
    gpu_table = table(errors_of(by_gpu, gpus, ranges))
    source_table = table(errors_of(by_source, gpus, ranges))
    print_table("Leave-one-GPU-out", gpu_table)
    print_table("Leave-one-source-out", source_table)
    print_memory(catalog_gpus())
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.write:
        write(full, rows, p90, ranges, gpu_table, source_table)
    return 0


def write(  # type: ignore[type-arg]
    full: Fit,
    rows: list[Row],
    p90: float,
    ranges: dict[str, tuple[float, float]],
    gpu_table: list,
    source_table: list,
) -> None:
    constants = full.constants
    overall = next(entry for entry in gpu_table if entry["rows"] == ALL)
    sources = sorted({row.source for row in rows})
    lines = [
        '"""Fitted constants of the performance model (generated: do not edit by hand).',
        "",
        "Written by tests/benchmarks/calibrate_performance.py --write from the measured runs",
        f"in tests/data ({len(rows)} runs from {len(sources)} sources:",
        *textwrap.wrap(", ".join(sources) + ").", 88),
        'Held-out errors are in tests/data/calibration_report.json."""',
        "",
        "from planner.core.model_constants import Constants",
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
        "# throughput over every run.",
        f"ERROR_MEDIAN = {overall['model_median']!r}",
        f"ERROR_P90 = {p90!r}",
        "# The range an estimate states, by how the GPUs work together: the 5th and 95th",
        "# percentile of measured ÷ predicted throughput on runs of GPUs left out of the fit.",
        "SPEED_RANGES = {",
        *(
            f"    {json.dumps(regime)}: ({low!r}, {high!r}),"
            for regime, (low, high) in ranges.items()
        ),
        "}",
    ]
    (ROOT / "planner" / "core" / "calibrated.py").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    report = {
        "leave_one_gpu_out": gpu_table,
        "leave_one_source_out": source_table,
        "loss": full.loss,
        "software_gain": full.software_gain,
        "rows": len(rows),
    }
    (DATA / "calibration_report.json").write_text(
        json.dumps(report, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
