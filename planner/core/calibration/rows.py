"""Measured training runs as estimate cases (the public `planner estimate --cases` format).

The rows come from tests/data/measured_throughput.csv (Lambda's PyTorch benchmarks of
NVIDIA's DeepLearningExamples, and MosaicML llm-foundry's MPT table). Each becomes a case
with the run's real settings — the 2020-22 NGC BERT runs used eager (unfused) attention —
and is resolved by the same `prepare_case` the CLI uses, so what is fitted and evaluated is
what users get.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.core.cases import PreparedCase, prepare_case
from planner.core.compute_spec import TF32_ARCHITECTURES
from planner.core.parts import Gpu
from planner.core.workloads import Workload

BERT_SEQ = 384
# llm-foundry MPT sizes (scripts/train/yamls/pretrain/mpt-*.yaml): d_model, heads, layers.
MPT_SIZES = {
    "MPT-125m": (768, 12, 12),
    "MPT-350m": (1024, 16, 24),
    "MPT-760m": (1536, 12, 24),
    "MPT-1b": (2048, 16, 24),
    "MPT-3b": (2560, 20, 32),
    "MPT-7b": (4096, 32, 32),
    "MPT-13b": (5120, 40, 40),
}
# GPU names in the measured data -> catalog ids. Lambda's cloud V100s are SXM2 modules.
CATALOG_IDS = {
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
    "A100 40GB SXM4": "a100-sxm4-40gb",
    "H100 80GB SXM5": "h100-sxm5-80gb",
    "B200 180GB SXM": "b200-sxm-180gb",
    "V100 16GB (variant unspecified)": "v100-sxm2-16gb",
    "V100 16GB SXM2": "v100-sxm2-16gb",
    "V100 32GB (variant unspecified)": "v100-sxm2-32gb",
}
LAMBDA_MODELS = {
    "resnet50": "resnet50",
    "bert_base_squad_finetune": "bert_base",
    "bert_large_squad_finetune": "bert_large",
}
PRECISION = {"fp16_amp": "fp16", "amp_bf16": "bf16", "fp32": "fp32"}


@dataclass(frozen=True)
class Row:
    gpu: str  # the GPU's catalog id
    model: str  # resnet50, bert_base, bert_large, mpt, or a published run's family
    source: str  # where the measurement comes from: lambda-v0/v1/v2, mosaicml-mpt, ...
    software: str  # v0 (NGC 2020-22), v1 (2022-24), v2 (later), mpt, ...
    case: Mapping[str, Any]  # the estimate case, as a user would write it
    prepared: PreparedCase
    gpus: int
    per_gpu: float  # measured samples per second per GPU

    @property
    def fitted(self) -> bool:
        """Whether the single-GPU fit uses the row: one-GPU runs and MosaicML's MPT runs
        (on NVLink); Lambda's multi-GPU rows fit the link constants through their scaling
        against one GPU, and other multi-GPU runs are only judged."""
        return self.gpus == 1 or self.model == "mpt"

    @property
    def group(self) -> str:
        if self.model == "mpt":
            return "mpt decoders"
        precision = self.prepared.setup.precision
        return f"{self.model} {'fp16' if precision in ('fp16', 'bf16') else 'fp32'}"


def bert_workload(layers: int, hidden: int, heads: int) -> dict[str, Any]:
    """BERT with a SQuAD (span) head as NVIDIA's DeepLearningExamples fine-tune it."""
    return {
        "family": "encoder",
        "layers": layers,
        "hidden": hidden,
        "heads": heads,
        "ffn": 4 * hidden,
        "vocab": 30522,
        "seq_len": BERT_SEQ,
        "positions": "learned",
        "max_positions": 512,
        "bias": True,
        "norm": "layernorm",
        "type_vocab": 2,
        "embedding_norm": True,
        "head": "qa",
        "post_norm": True,
        "dropout": 0.1,
    }


WORKLOADS: dict[str, object] = {
    "resnet50": "resnet-50",
    "bert_base": bert_workload(12, 768, 12),
    "bert_large": bert_workload(24, 1024, 16),
}


def mpt_workload(size: str, seq_len: int) -> dict[str, Any]:
    hidden, heads, layers = MPT_SIZES[size]
    return {
        "family": "decoder",
        "layers": layers,
        "hidden": hidden,
        "heads": heads,
        "ffn": 4 * hidden,
        "vocab": 50368,
        "seq_len": seq_len,
        "positions": "learned",
        "max_positions": seq_len,
        "norm": "layernorm",
        "norm_bias": False,
        "tied_embeddings": True,
    }


def interconnect_for(gpu: Gpu) -> str:
    """The link in the measured servers: NVLink on SXM modules, else PCIe 4.0 x16 (3.0
    before Ampere); peer-to-peer follows the card."""
    if gpu.is_sxm:
        return "nvlink"
    return (
        "pcie4x16" if gpu.architecture in ("ampere", "ada", "hopper", "blackwell") else "pcie3x16"
    )


def load_rows(path: Path, gpus: Mapping[str, Gpu], workloads: Mapping[str, Workload]) -> list[Row]:
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            made = _case(record, gpus)
            if made is None:
                continue
            case, model, software, per_gpu = made
            prepared = prepare_case(case, gpus, workloads)
            source = "mosaicml-mpt" if software == "mpt" else f"lambda-{software}"
            count = int(case.get("gpu_count", 1))
            rows.append(Row(case["gpu"], model, source, software, case, prepared, count, per_gpu))
    return rows


def _case(
    record: Mapping[str, str], gpus: Mapping[str, Gpu]
) -> tuple[dict[str, Any], str, str, float] | None:
    if record["metric"] != "train_throughput":
        return None
    gpu_id = CATALOG_IDS.get(record["gpu"])
    if gpu_id is None or gpu_id not in gpus:
        return None
    count = int(record["num_gpus"])
    notes = record["notes"]
    model = record["model"]
    if model.startswith("MPT"):
        size = model.split(" ")[0]
        if size not in MPT_SIZES or count != 8:
            return None
        fields = dict(re.findall(r"(\w+)=([\w.%]+)", notes))
        seq = int(fields["seq_len"])
        case = {
            "gpu": gpu_id,
            "gpu_count": count,
            "workload": mpt_workload(size, seq),
            "precision": "bf16",
            "batch_size": int(fields["micro_bs"]),
            "seq_len": seq,
            "activation_checkpointing": fields["act_ckpt"] == "True",
            "sharding": "fsdp",
            "interconnect": "nvlink",
            "task": "pretrain",
        }
        return case, "mpt", "mpt", float(record["value"]) / count / seq
    key = LAMBDA_MODELS.get(model)
    if key is None or "pytorch" not in record["source"] or not record["batch_size"]:
        return None
    batch = int(record["batch_size"]) // count
    if batch < 1:
        return None
    gpu = gpus[gpu_id]
    precision = PRECISION.get(record["precision"], "fp32")
    if precision == "fp32" and gpu.architecture in TF32_ARCHITECTURES:
        # NGC containers run "fp32" matrix math on TF32 tensor cores on Ampere and later.
        precision = "tf32"
    case = {
        "gpu": gpu_id,
        "gpu_count": count,
        "workload": WORKLOADS[key],
        "precision": precision,
        "batch_size": batch,
        "optimizer": "sgd" if key == "resnet50" else "adamw",
    }
    version = notes.split(";")[0].replace("Lambda ", "").split(" ")[0]
    if key != "resnet50":
        case["seq_len"] = BERT_SEQ
        case["attention"] = "eager"  # NGC BERT (2020-22) computes attention unfused
        if precision == "fp16" and version == "v0":
            # DeepLearningExamples' run_squad.py of the 2020 containers: apex amp O2 with
            # FusedAdam (16-bit model and gradients, fp32 master copy in the optimizer).
            case["master_weights"] = "fp32_copy"
    if count > 1:
        case["interconnect"] = interconnect_for(gpu)
    return case, key, version, float(record["value"]) / count
