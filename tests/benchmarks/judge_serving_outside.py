"""Judges the shipped serving model on the outside set (tests/data/outside_serving.csv):
published llama.cpp runs from other sources than the fitting set, kept apart — no constant is
fitted on them. Prints the median and 90th-percentile error of `planner estimate --cases`'
path for generation (`tg`) and prompt processing (`pp`), per source and per GPU, next to the
plain rules (generation = memory bandwidth ÷ model size, prompt = FP16 tensor peak ÷
2 × parameters), and the fit verdicts on the set's fit reports it can represent.

Rows the planner cannot represent are counted and left out, with the reason: models not in
the catalog (Qwen3.5's hybrid attention), GPUs not in it, partial expert offload, doubtful
rows, prompt processing at a depth, several GPUs (llama.cpp's pipelined prompt), and
aggregate serving benchmarks over a dataset of mixed lengths.

Run: .venv/bin/python tests/benchmarks/judge_serving_outside.py
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from planner.core.errors import RecordError  # noqa: E402
from planner.core.inference_cases import estimate_inference_case  # noqa: E402
from planner.core.parts import Gpu  # noqa: E402
from planner.io.catalog_files import load_builtin_catalog  # noqa: E402
from planner.io.workload_files import load_workloads  # noqa: E402

DATA = ROOT / "tests" / "data" / "outside_serving.csv"
GPUS = {
    "RTX 3090 24GB": "rtx-3090",
    "RTX 3090 Ti 24GB": "rtx-3090-ti",
    "RTX 4090 24GB": "rtx-4090",
    "RTX 4080 SUPER 16GB": "rtx-4080-super",
    "RTX 5060 Ti 16GB": "rtx-5060-ti-16gb",
    "RTX 5070 12GB": "rtx-5070",
    "RTX 5070 Ti 16GB": "rtx-5070-ti",
    "RTX 5080 16GB": "rtx-5080",
    "RTX 5090 32GB": "rtx-5090",
    "RTX 3060 12GB": "rtx-3060-12gb",
    "RTX 2080 Ti 11GB": "rtx-2080-ti",
    "RTX PRO 6000 Blackwell Workstation 96GB": "rtx-pro-6000-blackwell-workstation",
    "RTX PRO 6000 Blackwell Max-Q Workstation 96GB": "rtx-pro-6000-blackwell-max-q",
    "A100 80GB PCIe": "a100-80gb-pcie",
    "Tesla T4 16GB": "t4",
}
# The set's model names → catalog workloads, and its format names → the planner's.
MODELS = {
    "gpt-oss-20b": "gpt-oss-20b",
    "gpt-oss-120b": "gpt-oss-120b",
    "LLaMA 2 7B class (llama 7B)": "llama-2-7b",
    "LLaMA 2 13B": "llama-2-13b",
    "Meta-Llama-3.1-8B-Instruct": "llama-3-1-8b",
}
QUANTS = {"MXFP4": "MXFP4", "F16": "fp16", "Q4_0": "Q4_0", "Q8_0": "Q8_0", "Q4_K_M": "Q4_K_M"}


@dataclass
class Judged:
    test: str
    gpu: str
    source: str
    measured: float
    predicted: float
    rule: float


def model_of(name: str) -> str | None:
    return next((wid for prefix, wid in MODELS.items() if name.startswith(prefix)), None)


def why_left_out(row: dict[str, str]) -> str:
    """'' when the row can be judged, else why not."""
    notes = row["notes"]
    if "DOUBTFUL" in notes:
        return "doubtful in its source"
    if row["test"] == "agg":
        return "aggregate over a dataset of mixed lengths"
    if row["gpu"] not in GPUS:
        return "GPU not in the catalog"
    if model_of(row["model"]) is None:
        return "model not in the catalog"
    if row["quant"].split(" ")[0] not in QUANTS:
        return "weight format not represented"
    if int(row["gpu_count"] or 1) > 1:
        return "several GPUs (pipelined prompt)"
    if "=CPU" in notes or "nkvo=1" in notes:
        return "some tensors or the cache kept on the CPU"
    if "n-cpu-moe" in notes and (row["test"] not in ("fits", "oom") or "-ub 512" not in notes):
        return "experts on the CPU with an unstated memory or a larger micro-batch"
    if row["test"] == "pp" and "at depth" in row["context_or_prompt"]:
        return "prompt at a depth"
    return ""


def case_of(row: dict[str, str]) -> dict[str, object] | None:
    where = row["context_or_prompt"]
    case: dict[str, object] = {
        "task": "inference",
        "gpu": GPUS[row["gpu"]],
        "workload": model_of(row["model"]),
        "quant": QUANTS[row["quant"].split(" ")[0]],
        "flash_attention": "fa=0" not in row["notes"],
        "engine": "vllm" if row["engine"].startswith("vLLM") else "llama.cpp",
    }
    generated = re.match(r"gen (\d+) tokens from depth (\d+)", where)
    prompt = re.match(r"prompt (\d+) tokens$", where)
    window = re.match(r"(?:n_ctx|max_model_len) (\d+)$", where)
    if row["test"] == "tg" and generated:
        depth = int(generated.group(2))
        case.update(prompt_tokens=max(1, depth), gen_tokens=int(generated.group(1)))
    elif row["test"] == "pp" and prompt:
        case.update(prompt_tokens=int(prompt.group(1)), gen_tokens=0)
    elif row["test"] in ("fits", "oom") and window:
        context = int(window.group(1))
        case.update(prompt_tokens=min(512, context), gen_tokens=0, context=context)
        experts = re.search(r"--n-cpu-moe (\d+)", row["notes"])
        if experts:  # the memory's bandwidth does not change what fits
            case.update(offload_experts=int(experts.group(1)), system_ram_gbs=50)
        return case
    else:
        return None
    case["context"] = int(case["prompt_tokens"]) + int(case["gen_tokens"])  # type: ignore[call-overload]
    return case


def judge() -> tuple[list[Judged], list[tuple[str, bool, bool]], Counter[str]]:
    gpus = {p.id: p for p in load_builtin_catalog() if isinstance(p, Gpu)}
    workloads = load_workloads()
    judged: list[Judged] = []
    verdicts: list[tuple[str, bool, bool]] = []  # (row, reported to fit, predicted to fit)
    left_out: Counter[str] = Counter()
    with DATA.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for row in table:
        reason = why_left_out(row)
        case = None if reason else case_of(row)
        if case is None:
            left_out[reason or "setting not represented"] += 1
            continue
        try:
            result = estimate_inference_case(case, gpus, workloads)
        except RecordError as error:
            left_out[f"not servable as set ({error.location.field})"] += 1
            continue
        if row["test"] in ("fits", "oom"):
            fits = bool(result["memory"]["fits"])  # type: ignore[index]
            verdicts.append(
                (
                    f"{row['gpu']} {row['model']} {row['context_or_prompt']}",
                    row["test"] == "fits",
                    fits,
                )
            )
            continue
        key = "decode_tokens_per_s" if row["test"] == "tg" else "prefill_tokens_per_s"
        gpu = gpus[str(case["gpu"])]
        size = float(row["model_size_gib"] or 0) * 2**30
        params = float(row["params_b"] or 0) * 1e9
        if row["test"] == "tg":
            rule = gpu.memory_bandwidth_gbs * 1e9 / size if size else 0.0
        else:
            rule = (gpu.fp16_tensor_tflops or gpu.fp32_tflops) * 1e12 / (2 * params)
        source = row["source_url"].split("#")[0]
        judged.append(
            Judged(
                row["test"],
                row["gpu"],
                source,
                float(row["tokens_per_s"]),
                float(result[key]),
                rule,
            )  # type: ignore[arg-type]
        )
    return judged, verdicts, left_out


def errors(found: list[Judged], rule: bool = False) -> list[float]:
    return sorted(abs((j.rule if rule else j.predicted) / j.measured - 1) for j in found)


def p90(values: list[float]) -> float:
    return values[max(0, int(0.9 * len(values)) - 1)]


def _medians(
    title: str, judged: list[Judged], key: Callable[[Judged], str], rows: bool = False
) -> None:
    """The tg and pp median errors of each group of rows."""
    print(f"\n{title:<24}{'tg median':>11}{'pp median':>11}" + ("  rows" if rows else ""))
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        groups[key(j)].append(j)
    for name, found in sorted(groups.items()):
        cells = []
        for test in ("tg", "pp"):
            values = errors([j for j in found if j.test == test])
            cells.append(f"{statistics.median(values):>11.1%}" if values else f"{'—':>11}")
        print(f"{name[:24]:<24}{cells[0]}{cells[1]}" + (f"{len(found):>6}" if rows else ""))


def main() -> int:
    judged, verdicts, left_out = judge()
    print("Serving estimates on the outside set (tests/data/outside_serving.csv): published")
    print("llama.cpp runs from other sources, never fitted on\n")
    print(f"{'test':<6}{'rows':>6}{'median':>9}{'p90':>8}   {'rule median':>12}{'rule p90':>10}")
    for test in ("tg", "pp"):
        found = [j for j in judged if j.test == test]
        model, rule = errors(found), errors(found, rule=True)
        print(
            f"{test:<6}{len(found):>6}{statistics.median(model):>9.1%}{p90(model):>8.1%}   "
            f"{statistics.median(rule):>12.1%}{p90(rule):>10.1%}"
        )
    right = sum(reported == predicted for _row, reported, predicted in verdicts)
    print(f"\nfit verdicts right: {right} of {len(verdicts)}")
    for row, reported, predicted in verdicts:
        if reported != predicted:
            print(f"  wrong: {row} (reported {'fits' if reported else 'OOM'})")
    _medians("per source", judged, lambda j: j.source.split("github.com/")[-1], rows=True)
    _medians("per GPU", judged, lambda j: j.gpu)
    print("\nleft out: " + ", ".join(f"{n} {why}" for why, n in left_out.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
