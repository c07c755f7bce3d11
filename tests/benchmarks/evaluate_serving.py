"""How good the serving estimates are on published llama.cpp measurements they never saw
(tests/data/published_serving.csv: the sources, exact settings and quotes are in the file
and in published_serving_sources.md). Three constants (planner/core/serving_constants.py)
are fitted here; each GPU is left out of the fit in turn and judged on the constants the
other GPUs give.

Prints, per test (generation `tg` and prompt processing `pp`) and per GPU, the median and
90th-percentile absolute error of `planner estimate --cases`' path (the same functions),
next to the plain rules: generation = memory bandwidth ÷ model size, prompt = FP16 tensor
peak ÷ (2 × parameters); and the fit / does-not-fit verdicts on the reported OOMs.

Run: .venv/bin/python tests/benchmarks/evaluate_serving.py
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy  # noqa: E402

from planner.core.inference import UBATCH  # noqa: E402
from planner.core.inference_cases import estimate_inference_case  # noqa: E402
from planner.core.parts import Gpu  # noqa: E402
from planner.core.serving_constants import ServingConstants  # noqa: E402
from planner.core.workloads import build_network  # noqa: E402
from planner.io.catalog_files import load_builtin_catalog  # noqa: E402
from planner.io.workload_files import load_workloads  # noqa: E402

DATA = ROOT / "tests" / "data" / "published_serving.csv"
GPUS = {
    "RTX 3090 24GB": "rtx-3090",
    "RTX 3090 Ti 24GB": "rtx-3090-ti",
    "RTX 4090 24GB": "rtx-4090",
    "RTX 4080 16GB": "rtx-4080",
    "RTX 4070 12GB": "rtx-4070",
    "RTX 3080 10GB": "rtx-3080-10gb",
    "RTX 3080 Ti 12GB": "rtx-3080-ti",
    "RTX 3070 8GB": "rtx-3070",
    "RTX 3060 12GB": "rtx-3060-12gb",
    "RTX 2080 Ti 11GB": "rtx-2080-ti",
    "RTX 4060 Ti 16GB": "rtx-4060-ti-16gb",
    "RTX 5060 Ti 16GB": "rtx-5060-ti-16gb",
    "RTX 6000 Ada 48GB": "rtx-6000-ada",
    "RTX 5000 Ada 32GB": "rtx-5000-ada",
    "RTX 4000 Ada 20GB": "rtx-4000-ada",
    "RTX A6000 48GB": "rtx-a6000",
    "A40 48GB": "a40",
    "L40S 48GB": "l40s",
    "A100 80GB PCIe": "a100-80gb-pcie",
    "A100 80GB SXM4": "a100-sxm4-80gb",
    "H100 80GB PCIe": "h100-pcie-80gb",
    "A100 40GB": "a100-40gb-pcie",
}
MODELS = {
    "Meta-Llama-3-8B (base)": "llama-3-1-8b",
    "Meta-Llama-3-8B": "llama-3-1-8b",
    "Meta-Llama-3-70B (base)": "llama-3-1-70b",
    "Meta-Llama-3-70B": "llama-3-1-70b",
    "Llama-2-7B": "llama-2-7b",
    "Llama-2-13B": "llama-2-13b",
    "Llama-2-70B": "llama-2-70b",
    "Qwen2.5-7B-Instruct": "qwen2-5-7b",
    "CodeLlama-7B": "llama-2-7b",
}
QUANTS = {"F16": "fp16", "Q4_K_M": "Q4_K_M", "Q4_0": "Q4_0", "Q8_0": "Q8_0"}


def case_of(row: dict[str, str]) -> dict[str, object] | None:
    gpu, model, quant = GPUS.get(row["gpu"]), MODELS.get(row["model"]), QUANTS.get(row["quant"])
    if not (gpu and model and quant) or "DOUBTFUL" in row["notes"]:
        return None
    where = row["context_or_prompt"]
    case: dict[str, object] = {
        "task": "inference",
        "gpu": gpu,
        "workload": model,
        "quant": quant,
        "gpu_count": int(row["gpu_count"] or 1),
        "split": "layer",
        # llama.cpp of 2023-24 (every row here) ran without flash attention unless asked.
        "flash_attention": False,
    }
    generated = re.match(r"generate (\d+) tokens from empty context", where)
    prompt = re.match(r"prompt (\d+) tokens", where)
    if row["test"] == "tg" and generated:
        case.update(prompt_tokens=1, gen_tokens=int(generated.group(1)) - 1)
    elif row["test"] == "pp" and prompt:
        case.update(prompt_tokens=int(prompt.group(1)), gen_tokens=0)
    elif row["test"] == "oom":
        context = re.search(r"n_ctx (\d+)", where)
        case.update(prompt_tokens=512, gen_tokens=128)
        if context:
            case.update(prompt_tokens=min(512, int(context.group(1))), gen_tokens=0)
            case["context"] = int(context.group(1))
            return case
    else:
        return None
    case["context"] = int(case["prompt_tokens"]) + int(case["gen_tokens"])  # type: ignore[call-overload]
    return case


@dataclass
class Row:
    test: str  # tg or pp
    gpu: str
    hbm: bool
    case: dict[str, object]
    measured: float
    rule: float
    old: bool = False  # a llama.cpp build of late 2023 (before build 2000)


def rows(gpus: dict[str, Gpu]) -> tuple[list[Row], list[dict[str, object]]]:
    speeds, ooms = [], []
    with DATA.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for row in table:
        case = case_of(row)
        if case is None:
            continue
        if row["test"] == "oom":
            ooms.append(case)
            continue
        gpu = gpus[str(case["gpu"])]
        size = float(row["model_size_gib"] or 0) * 2**30
        params = float(row["params_b"] or 0) * 1e9
        if row["test"] == "tg":
            rule = gpu.memory_bandwidth_gbs * 1e9 / size if size else 0.0
        else:
            peak = (gpu.fp16_tensor_tflops or gpu.fp32_tflops) * 1e12
            rule = peak / (2 * params) if params else 0.0
        hbm = gpu.memory_type.startswith("HBM")
        measured = float(row["tokens_per_s"])
        speeds.append(Row(row["test"], row["gpu"], hbm, case, measured, rule, _late_2023(row)))
    return speeds, ooms


def _late_2023(row: dict[str, str]) -> bool:
    """Whether the run used a llama.cpp build of late 2023 (build numbers below 2000)."""
    build = re.search(r"build (\d{4})\b|\((\d{4})\)", row["engine"])
    if build:
        return int(build.group(1) or build.group(2)) < 2000
    return "Jan 2024" in row["engine"] or "PR #4766" in row["engine"]


def predict(row: Row, fitted: ServingConstants, gpus: dict[str, Gpu], workloads: dict) -> float:  # type: ignore[type-arg]
    """`planner estimate --cases`' answer for the row; a late-2023 build's prompt speed
    scaled by the fitted factor of that software (estimates are for today's builds)."""
    result = estimate_inference_case(row.case, gpus, workloads, fitted)
    if row.test == "tg":
        return float(result["decode_tokens_per_s"])  # type: ignore[arg-type]
    speed = float(result["prefill_tokens_per_s"])  # type: ignore[arg-type]
    return speed * fitted.prefill_2023 if row.old else speed


def fit(train: list[Row], gpus: dict[str, Gpu], workloads: dict) -> ServingConstants:  # type: ignore[type-arg]
    """Generation: time per token = bytes ÷ (bandwidth × share) + layers × time per layer,
    the two shares (GDDR, HBM) and the time per layer fitted together by least squares on
    the relative error. Prompt processing: each share scales its bound's time, so the
    median measured ÷ predicted over the rows it bounds, times a start value, is its fit."""
    start = ServingConstants(decode_gddr=1.0, decode_hbm=1.0, prefill=0.5, prefill_quantized=0.5)
    decode = [r for r in train if r.test == "tg"]
    columns, targets = [], []
    for row in decode:
        memory_s = 1 / predict(row, start, gpus, workloads)
        layers = build_network(workloads[str(row.case["workload"])].architecture).layers
        seconds = 1 / row.measured
        columns.append(
            [
                0.0 if row.hbm else memory_s / seconds,
                memory_s / seconds if row.hbm else 0.0,
                layers / seconds,
            ]
        )
        targets.append(1.0)
    (gddr, hbm, per_layer), *_ = numpy.linalg.lstsq(numpy.array(columns), targets, rcond=None)
    values = {
        "decode_gddr": 1 / gddr if gddr > 0 else 1.0,
        "decode_hbm": 1 / hbm if hbm > 0 else 1.0,
        "decode_layer_us": per_layer * 1e6,
    }
    decoding = dict(values)
    prompts = [r for r in train if r.test == "pp" and not r.old]  # today's software
    groups = {
        "prefill": [r for r in prompts if r.case["quant"] == "fp16"],
        "prefill_quantized": [r for r in prompts if r.case["quant"] != "fp16"],
    }
    values.update(_prompt_fit(groups, decoding, gpus, workloads))
    fitted = ServingConstants(**values)
    ratios = [
        math.log(r.measured / predict(r, fitted, gpus, workloads))
        for r in train
        if r.test == "pp" and r.old
    ]
    factor = math.exp(statistics.median(ratios)) if ratios else 1.0
    return ServingConstants(**values, prefill_2023=factor)


def _prompt_fit(
    groups: dict[str, list[Row]],
    decode: dict[str, float],
    gpus: dict[str, Gpu],
    workloads: dict,  # type: ignore[type-arg]
) -> dict[str, float]:
    """The share of the tensor peak a prompt's products reach (one for 16-bit weights, one
    for quantized) and the time per layer and 512-token micro-batch they share: a prompt takes
    compute ÷ share plus the score traffic at the bandwidth generation reaches plus layers ×
    tokens ÷ 512 × that time, so each row's time is C / share + E + K × t. The values that
    minimise the summed absolute log error are found by golden-section search (the time
    outside, each share inside)."""
    terms = {name: _prompt_rows(chosen, decode, gpus, workloads) for name, chosen in groups.items()}

    def shares(per_layer: float) -> tuple[float, dict[str, float]]:
        found, total = {}, 0.0
        for name, rows in terms.items():
            if not rows:
                found[name] = 0.5
                continue
            share = _golden(lambda s: _prompt_loss(rows, s, per_layer), 0.05, 1.0)  # noqa: B023
            found[name] = share
            total += _prompt_loss(rows, share, per_layer)
        return total, found

    per_layer = _golden(lambda t: shares(t)[0], 0.0, 2e-3)
    return {**shares(per_layer)[1], "prefill_layer_us": per_layer * 1e6}


def _prompt_rows(
    chosen: list[Row],
    decode: dict[str, float],
    gpus: dict[str, Gpu],
    workloads: dict,  # type: ignore[type-arg]
) -> list[tuple[float, float, float, float]]:
    """Each row's (C, E, K, measured seconds) for the prompt fit."""
    rows = []
    for row in chosen:
        tokens = float(row.case["prompt_tokens"])  # type: ignore[arg-type]
        times = [
            tokens
            / predict(
                row, ServingConstants(**decode, prefill=s, prefill_quantized=s), gpus, workloads
            )
            for s in (1.0, 0.5)
        ]
        layers = build_network(workloads[str(row.case["workload"])].architecture).layers
        compute, rest = times[1] - times[0], 2 * times[0] - times[1]
        rows.append((compute, rest, layers * tokens / UBATCH, tokens / row.measured))
    return rows


def _prompt_loss(rows: list[tuple[float, float, float, float]], share: float, t: float) -> float:
    return sum(abs(math.log((c / share + e + k * t) / m)) for c, e, k, m in rows)


def _golden(loss: Callable[[float], float], low: float, high: float) -> float:
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(50):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if loss(a) < loss(b):
            high = b
        else:
            low = a
    return (low + high) / 2


def held_out(
    speeds: list[Row],
    gpus: dict[str, Gpu],
    workloads: dict,  # type: ignore[type-arg]
) -> list[tuple[Row, float]]:
    """Each row with its prediction by the constants fitted on the other GPUs' rows."""
    found = []
    for name in sorted({row.gpu for row in speeds}):
        fitted = fit([r for r in speeds if r.gpu != name], gpus, workloads)
        found += [(row, predict(row, fitted, gpus, workloads)) for row in speeds if row.gpu == name]
    return found


def ratio_range(pairs: list[tuple[Row, float]], test: str) -> tuple[float, float]:
    """The 5th and 95th percentiles of measured ÷ predicted for one test."""
    found = sorted(row.measured / predicted for row, predicted in pairs if row.test == test)
    return found[int(0.05 * len(found))], found[int(0.95 * len(found)) - 1]


def main() -> int:
    gpus = {p.id: p for p in load_builtin_catalog() if isinstance(p, Gpu)}
    workloads = load_workloads()
    speeds, ooms = rows(gpus)
    names = sorted({row.gpu for row in speeds})
    pairs = held_out(speeds, gpus, workloads)
    held: dict[str, list[float]] = defaultdict(list)
    per_gpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row, predicted in pairs:
        error = abs(predicted / row.measured - 1)
        held[row.test].append(error)
        per_gpu[(row.test, row.gpu)].append(error)
    rules = {
        t: sorted(abs(r.rule / r.measured - 1) for r in speeds if r.test == t and r.rule)
        for t in ("tg", "pp")
    }
    everything = fit(speeds, gpus, workloads)
    print("Serving estimates against published llama.cpp measurements, each GPU left out of")
    print("the fit in turn (tests/data/published_serving.csv)\n")
    print(f"{'test':<6}{'rows':>6}{'median':>9}{'p90':>8}   {'rule median':>12}{'rule p90':>10}")
    for test in ("tg", "pp"):
        found, rule = sorted(held[test]), rules[test]
        print(
            f"{test:<6}{len(found):>6}{statistics.median(found):>9.1%}"
            f"{found[int(0.9 * len(found)) - 1]:>8.1%}   "
            f"{statistics.median(rule):>12.1%}{rule[int(0.9 * len(rule)) - 1]:>10.1%}"
        )
    verdicts = sum(
        not estimate_inference_case(case, gpus, workloads)["memory"]["fits"]  # type: ignore[index]
        for case in ooms
    )
    ran = sum(
        bool(estimate_inference_case(r.case, gpus, workloads)["memory"]["fits"])  # type: ignore[index]
        for r in speeds
    )
    print(f"\nout-of-memory reports predicted as not fitting: {verdicts} of {len(ooms)}")
    print(f"runs that completed predicted as fitting: {ran} of {len(speeds)}")
    print(
        f"\nfitted on every GPU: decode_gddr={everything.decode_gddr:.3f} "
        f"decode_hbm={everything.decode_hbm:.3f} prefill={everything.prefill:.3f} "
        f"prefill_quantized={everything.prefill_quantized:.3f} "
        f"decode_layer_us={everything.decode_layer_us:.1f} "
        f"prefill_layer_us={everything.prefill_layer_us:.1f} "
        f"prefill_2023={everything.prefill_2023:.3f}\n"
    )
    for test in ("tg", "pp"):
        low, high = ratio_range(pairs, test)
        print(f"{test} measured ÷ predicted, held out: 5th percentile {low:.3f}, 95th {high:.3f}")
    print()
    print(f"{'GPU left out':<22}{'tg median':>11}{'pp median':>11}")
    for name in names:
        tg, pp = per_gpu.get(("tg", name), []), per_gpu.get(("pp", name), [])
        cells = [f"{statistics.median(v):>11.1%}" if v else f"{'—':>11}" for v in (tg, pp)]
        print(f"{name:<22}{cells[0]}{cells[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
