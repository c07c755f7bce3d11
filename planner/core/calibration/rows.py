"""Measured training runs as rows the performance model can predict.

The rows come from tests/data/measured_throughput.csv (Lambda's PyTorch benchmarks of
NVIDIA's DeepLearningExamples, and MosaicML llm-foundry's MPT table). A row knows its
GPU, network, precision, micro-batch and the measured samples per second per GPU.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from planner.core.memory import TrainingSetup
from planner.core.networks.common import Network
from planner.core.networks.resnet import ResNet
from planner.core.networks.transformer import Transformer
from planner.core.performance import TF32_ARCHITECTURES, ComputeSpec

MODELS = ("resnet50", "bert_base_squad_finetune", "bert_large_squad_finetune")
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


@dataclass(frozen=True)
class Row:
    gpu: str  # the GPU name in the data
    spec: ComputeSpec
    model: str  # resnet50, bert_base, bert_large, mpt
    network: Network
    setup: TrainingSetup
    software: str  # v0 (NGC 2020-22), v1 (2022-24), v2 (later), mpt
    gpus: int
    per_gpu: float  # measured samples per second per GPU

    @property
    def group(self) -> str:
        precision = "fp16" if self.setup.precision in ("fp16", "bf16") else "fp32"
        return f"{self.model} {precision}" if self.model != "mpt" else "mpt decoders"


def bert(layers: int, hidden: int, heads: int) -> Transformer:
    return Transformer(
        "encoder",
        layers,
        hidden,
        heads,
        heads,
        4 * hidden,
        30522,
        BERT_SEQ,
        positions="learned",
        max_positions=512,
        bias=True,
        norm="layernorm",
        type_vocab=2,
        embedding_norm=True,
        head="qa",
        post_norm=True,
        dropout=0.1,
    )


NETWORKS: dict[str, Network] = {
    "resnet50": ResNet(),
    "bert_base": bert(12, 768, 12),
    "bert_large": bert(24, 1024, 16),
}


def mpt(size: str, seq_len: int) -> Transformer:
    hidden, heads, layers = MPT_SIZES[size]
    return Transformer(
        "decoder",
        layers,
        hidden,
        heads,
        heads,
        4 * hidden,
        50368,
        seq_len,
        positions="learned",
        max_positions=seq_len,
        norm="layernorm",
        norm_bias=False,
        tied_embeddings=True,
    )


def load_rows(path: Path, specs: dict[str, ComputeSpec]) -> list[Row]:
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            row = _row(record, specs)
            if row is not None:
                rows.append(row)
    return rows


def _row(record: dict[str, str], specs: dict[str, ComputeSpec]) -> Row | None:
    if record["metric"] != "train_throughput":
        return None
    spec = specs.get(record["gpu"])
    if spec is None:
        return None
    gpus = int(record["num_gpus"])
    notes = record["notes"]
    model = record["model"]
    if model.startswith("MPT"):
        size = model.split(" ")[0]
        if size not in MPT_SIZES or gpus != 8:
            return None
        fields = dict(re.findall(r"(\w+)=([\w.%]+)", notes))
        seq = int(fields["seq_len"])
        setup = TrainingSetup(
            precision="bf16",
            batch_size=int(fields["micro_bs"]),
            seq_len=seq,
            activation_checkpointing=fields["act_ckpt"] == "True",
            sharding="fsdp",
            gpus=gpus,
        )
        per_gpu = float(record["value"]) / gpus / seq
        return Row(record["gpu"], spec, "mpt", mpt(size, seq), setup, "mpt", gpus, per_gpu)
    if model not in MODELS or "pytorch" not in record["source"] or "Max-Q" in record["gpu"]:
        return None
    version = notes.split(";")[0].replace("Lambda ", "").split(" ")[0]
    precision = "fp16" if record["precision"] == "fp16_amp" else "fp32"
    if precision == "fp32" and spec.architecture in TF32_ARCHITECTURES:
        # NGC containers run "fp32" matrix math on TF32 tensor cores on Ampere and later.
        precision = "tf32"
    key = model.split("_squad")[0] if model != "resnet50" else "resnet50"
    batch = max(1, int(record["batch_size"] or 0) // gpus) if record["batch_size"] else 0
    if batch == 0:
        return None
    setup = TrainingSetup(
        precision=precision,
        batch_size=batch,
        seq_len=BERT_SEQ,
        optimizer="sgd" if key == "resnet50" else "adamw",
        gpus=gpus,
        fused_attention=False,
    )
    per_gpu = float(record["value"]) / gpus
    return Row(record["gpu"], spec, key, NETWORKS[key], setup, version, gpus, per_gpu)
