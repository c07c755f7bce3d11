"""Published fine-tuning and pre-training runs (tests/data/published_runs.csv, described in
tests/data/published_runs.md) as estimate cases.

Each row carries its source URL and the run's configuration as the source states it; a
blank field is "not stated" and becomes what a user who does not set it gets (the app's
default). Rows whose GPU or model cannot be pinned to a catalog part or a known
architecture are left out, and so are throughput figures whose run size is not stated.
Every row that ran is a fit verdict to check; rows with a peak memory are a memory check.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.core.calibration.rows import Row
from planner.core.cases import PreparedCase, prepare_case
from planner.core.errors import RecordError
from planner.core.param_summary import summarize
from planner.core.parts import Gpu
from planner.core.workloads import Workload

# Hugging Face model ids -> catalog workloads with the same architecture.
MODELS: dict[str, object] = {
    "meta-llama/Llama-2-7b-hf": "llama-2-7b",
    "meta-llama/Llama-2-70b-hf": "llama-2-70b",
    "meta-llama/Llama-2-70b-chat-hf": "llama-2-70b",
    "meta-llama/Meta-Llama-3-8B": "llama-3-1-8b",
    "meta-llama/Llama-3.1-8B": "llama-3-1-8b",
    "meta-llama/Meta-Llama-3.1-8B": "llama-3-1-8b",
    "meta-llama/Meta-Llama-3.1-8B-Instruct": "llama-3-1-8b",
    "meta-llama/Meta-Llama-3.1-70B-Instruct": "llama-3-1-70b",
    "meta-llama/Llama-3.3-70B-Instruct": "llama-3-1-70b",
    "mistralai/Mistral-7B-v0.1": "mistral-7b",
    "unsloth/Mistral-7B-v0.2": "mistral-7b",
    "openai-community/gpt2": "gpt2",
    "openai-community/gpt2-medium": "gpt2-medium",
    "openai-community/gpt2-large": "gpt2-large",
    "openai-community/gpt2-xl": "gpt2-xl",
    # https://huggingface.co/01-ai/Yi-34B/blob/main/config.json (LlamaForCausalLM)
    "01-ai/Yi-34B": {
        "family": "decoder",
        "layers": 60,
        "hidden": 7168,
        "heads": 56,
        "kv_heads": 8,
        "ffn": 20480,
        "gated_ffn": True,
        "vocab": 64000,
        "seq_len": 4096,
    },
}
# GPU names as sources print them -> catalog ids, where the name leaves no doubt.
GPU_NAMES = {"Titan RTX 24GB": "titan-rtx", "RTX A5000 24GB": "rtx-a5000"}
SHARDING = {"ddp": "none", "": "none"}
ATTENTION = {"flash2": "fused", "sdpa": "fused", "eager": "eager", "": "fused"}


# What the recipe keys cannot express, by the words the row's quote uses: such runs are
# reported but not judged. Fused linear cross-entropy (Liger) and Unsloth's kernels change
# memory and speed; fully trained embeddings beside LoRA (PEFT's modules_to_save) change
# memory; llm.c is hand-written CUDA with no autograd, so its memory is not PyTorch's.
INEXPRESSIBLE = ("Liger kernels=yes", "Unsloth (custom", "lora_modules_to_save")
NOT_PYTORCH_MEMORY = ("llm.c",)


@dataclass(frozen=True)
class PublishedRun:
    id: str
    source: str
    case: Mapping[str, Any]
    prepared: PreparedCase
    ran: bool
    peak_gib: float | None
    per_gpu: float | None  # measured samples (sequences) per second per GPU
    expressible: bool  # the run uses nothing the planner's recipe keys cannot say
    pytorch_memory: bool  # its memory is what PyTorch allocates (not a hand-written trainer)
    length_known: bool  # sequences are packed or fill the context; else seq_len is a maximum


def _flag(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.strip().lower())


def _case(record: Mapping[str, str], gpus: Mapping[str, Gpu]) -> dict[str, Any] | None:
    gpu_id = GPU_NAMES.get(record["gpu"], record["gpu"])
    workload = MODELS.get(record["model"])
    if gpu_id not in gpus or workload is None:
        return None
    if not record["micro_batch"] or not record["seq_len"]:
        return None  # the run's shape is not stated
    count = int(record["gpu_count"] or 1)
    case: dict[str, Any] = {
        "gpu": gpu_id,
        "gpu_count": count,
        "workload": workload,
        "mode": record["mode"] or "full",
        "batch_size": int(record["micro_batch"]),
        "sharding": SHARDING.get(record["sharding"], record["sharding"]),
        "attention": ATTENTION[record["attention"]],
    }
    for key in ("precision", "master_weights", "optimizer", "lora_targets", "offload"):
        if record[key]:
            case[key] = record[key]
    for key, column in (("seq_len", "seq_len"), ("grad_accum", "grad_accum")):
        if record[column]:
            case[key] = int(record[column])
    if record["lora_rank"]:
        case["lora_rank"] = int(record["lora_rank"])
    for key in ("packing", "activation_checkpointing", "compile"):
        flag = _flag(record[key])
        if flag is not None:
            case[key] = flag
    if record["stack"] == "answerai-fsdp_qlora" and "activation_checkpointing" not in case:
        case["activation_checkpointing"] = True  # train.py's default
    limit = re.search(r"power limited to (\d+) ?W", record["quote"])
    if limit:
        case["power_limit_w"] = int(limit.group(1))
    if re.search(r"optimizer_in_bwd:? True", record["quote"]):
        case["optimizer_in_backward"] = True
    if case.get("optimizer", "adamw") == "adamw" and "32-bit paged AdamW" in record["quote"]:
        case["optimizer"] = "paged_adamw"
    interconnect = record["interconnect"]
    if count > 1 and interconnect == "nvlink" and gpus[gpu_id].nvlink_gbs:
        case["interconnect"] = "nvlink"
    elif count > 1 and interconnect in ("pcie", "pcie-no-p2p"):
        gen = min(gpus[gpu_id].pcie_gen, 4)
        case["interconnect"] = f"pcie{gen}x16"
        if interconnect == "pcie-no-p2p":
            case["p2p"] = False
    return case


def _per_gpu(record: Mapping[str, str], case: Mapping[str, Any]) -> float | None:
    """Sequences per second per GPU, where the source gives a rate or a run of known size."""
    metric, value = record["metric"], record["value"]
    if not value:
        return None
    count, seq = int(case["gpu_count"]), int(case.get("seq_len", 0))
    if metric == "tokens_per_s" and seq:
        return float(value) / seq / count
    if metric == "step_time_s":
        return int(case["batch_size"]) * int(case.get("grad_accum", 1)) / float(value)
    # Answer.AI's runs train 1,024 samples, each filling the context.
    answerai = metric == "run_time_s" and record["stack"] == "answerai-fsdp_qlora"
    if answerai and re.search(r"dataset_samples 1024|1,024 samples", record["quote"]):
        return 1024 / float(value) / count
    return None


def _length_known(record: Mapping[str, str]) -> bool:
    """Packed sequences, or examples that fill the context, have the stated length; padded
    batches of real examples are only as long as their longest example."""
    if _flag(record["packing"]):
        return True
    return bool(record["tokens_per_sample"]) and record["tokens_per_sample"] == record["seq_len"]


def load_published_runs(
    path: Path, gpus: Mapping[str, Gpu], workloads: Mapping[str, Workload]
) -> list[PublishedRun]:
    runs = []
    with path.open(newline="", encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            case = _case(record, gpus)
            if case is None:
                continue
            try:
                prepared = prepare_case(case, gpus, workloads)
            except RecordError:
                continue  # e.g. a sequence longer than the architecture's positions
            peak = float(record["peak_memory_gib"]) if record["peak_memory_gib"] else None
            runs.append(
                PublishedRun(
                    record["id"],
                    record["stack"],
                    case,
                    prepared,
                    _flag(record["ran"]) is not False,
                    peak,
                    _per_gpu(record, case),
                    not any(words in record["quote"] for words in INEXPRESSIBLE),
                    record["stack"] not in NOT_PYTORCH_MEMORY,
                    _length_known(record),
                )
            )
    return runs


# A measured rate implying more than this share of the GPU's dense tensor peak (6 FLOPs per
# parameter and token for full training, 4 with a frozen base, 2 more when checkpointing
# recomputes the forward pass) cannot be what it says.
PLAUSIBLE_MFU = 0.9


def plausible(run: PublishedRun) -> bool:
    if run.per_gpu is None:
        return True
    case = run.prepared
    params = summarize(case.network).total
    tokens = run.per_gpu * case.network.tokens_per_sample(case.setup.seq_len)
    per_token = (6 if case.setup.mode == "full" else 4) + (
        2 if case.setup.activation_checkpointing else 0
    )
    flops = per_token * params * tokens
    peak, _tensor = case.gpu.matmul_peak_tflops(case.setup.precision)
    return flops <= PLAUSIBLE_MFU * peak * 1e12


def load_published(
    path: Path, gpus: Mapping[str, Gpu], workloads: Mapping[str, Workload]
) -> list[Row]:
    """The published runs with a measured rate, as calibration rows."""
    if not path.exists():
        return []
    return [
        Row(
            run.case["gpu"],
            "decoder",
            run.source,
            "current",
            run.case,
            run.prepared,
            run.case["gpu_count"],
            run.per_gpu,
        )
        for run in load_published_runs(path, gpus, workloads)
        if run.per_gpu is not None and run.expressible and plausible(run)
    ]
