"""The activation model against the bytes PyTorch autograd saved for the same networks.

tests/data/activation_measurements.json comes from tests/tools/measure_activations.py
(hand-written modules the way the planner models them, pure 16-bit); and
tests/data/library_activations.json from tests/tools/measure_library_activations.py (the
real Hugging Face, timm and diffusers implementations as they train on CUDA, fp32 and AMP).
Neither needs torch at test time.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from planner.core.networks.common import Network
from planner.core.networks.resnet import ResNet
from planner.core.networks.transformer import Transformer
from planner.core.networks.unet import UNet
from planner.core.networks.whisper import Whisper
from planner.core.param_summary import summarize
from planner.core.workloads import build_network
from planner.io.workload_files import load_workloads

MEASURED = json.loads((Path(__file__).parent / "data" / "activation_measurements.json").read_text())
# Grouped-query cases of the hand-written modules repeat k and v for SDPA and take a 16-bit
# softmax; Hugging Face passes k and v as they are and asks for an fp32 softmax, which the
# model now follows (library_activations.json measures those cases on the real code).
HAND_WRITTEN = [case for case in MEASURED["cases"] if "gqa" not in case["name"]]
# Per-case tolerance: the model leaves out kilobyte-sized tensors (causal masks, rotary
# tables, scalar losses) and BatchNorm statistics dtypes that differ between CPU and GPU.
TOLERANCE = 0.03


def predicted(case: dict[str, Any]) -> float:
    value = 2 if case["precision"] == "bf16" else 4
    # The hand-written modules hold bf16 parameters: pure 16-bit, no autocast.
    pure = {"autocast": False}
    family = case["family"]
    if family in ("decoder", "encoder"):
        network = Transformer(
            family,
            case["layers"],
            case["hidden"],
            case["heads"],
            case.get("kv_heads", case["heads"]),
            case["ffn"],
            case["vocab"],
            case["seq_len"],
            gated_ffn=case.get("gated_ffn", False),
            positions=case.get("positions", "rotary"),
            bias=case.get("bias", False),
            norm=case.get("norm", "rmsnorm"),
            dropout=case.get("dropout", 0.0),
            post_norm=case.get("post_norm", False),
            head="lm",
        )
        return network.activations(
            case["batch"], case["seq_len"], value, case.get("fused", True), False, **pure
        ).total_bytes
    if family == "resnet":
        return (
            ResNet(image_size=case["image_size"])
            .activations(case["batch"], 0, value, True, False, **pure)
            .total_bytes
        )
    if family == "unet":
        return (
            UNet(latent_size=case["latent_size"])
            .activations(case["batch"], 0, value, True, False, **pure)
            .total_bytes
        )
    whisper = Whisper(case["layers"], case["hidden"], case["heads"], case["ffn"], case["vocab"])
    return whisper.activations(
        case["batch"], case["seq_len"], value, True, False, **pure
    ).total_bytes


def test_the_fixture_covers_every_family() -> None:
    families = {case["family"] for case in MEASURED["cases"]}
    assert families == {"decoder", "encoder", "resnet", "unet", "whisper"}
    assert MEASURED["torch"].startswith("2.")


@pytest.mark.parametrize(
    "case",
    HAND_WRITTEN,
    ids=lambda case: f"{case['name']}-{case['precision']}-b{case['batch']}",
)
def test_activation_bytes_match_pytorch(case: dict[str, Any]) -> None:
    assert predicted(case) == pytest.approx(case["measured_bytes"], rel=TOLERANCE)


# ---- the real library implementations ------------------------------------------------------

LIBRARY = json.loads((Path(__file__).parent / "data" / "library_activations.json").read_text())
WORKLOADS = load_workloads()
LIBRARY_TOLERANCE = 0.15


def library_network(case: dict[str, Any]) -> Network:
    """The catalog workload the case measured, as the app builds it."""
    architecture = replace(WORKLOADS[case["workload"]].architecture, **case["architecture"])
    return build_network(architecture)


def library_id(case: dict[str, Any]) -> str:
    checkpointing = "-ckpt" if case["checkpointing"] else ""
    shape = f"b{case['batch']}s{case['seq_len']}"
    setting = f"{case['attention']}-{shape}-{case['dtype']}{checkpointing}"
    return f"{case['model']}-{case['workload']}-{setting}"


@pytest.mark.parametrize("case", LIBRARY["cases"], ids=library_id)
def test_activations_match_the_library_implementations(case: dict[str, Any]) -> None:
    """fp32 and AMP bf16 (autocast over fp32 weights), eager and SDPA attention, with and
    without checkpointing, at full depth, against what autograd saved on the real code."""
    activations = library_network(case).activations(
        case["batch"],
        case["seq_len"],
        2 if case["dtype"] == "bf16" else 4,
        case["attention"] != "eager",
        case["checkpointing"],
    )
    assert activations.total_bytes == pytest.approx(case["activation_bytes"], rel=LIBRARY_TOLERANCE)


def test_the_library_fixture_covers_every_family_and_setting() -> None:
    families = {WORKLOADS[case["workload"]].family for case in LIBRARY["cases"]}
    assert families == {"decoder", "encoder", "vit", "whisper", "resnet", "unet"}
    settings = {(c["dtype"], c["checkpointing"], c["attention"]) for c in LIBRARY["cases"]}
    assert {("bf16", True, "sdpa"), ("fp32", False, "eager")} <= settings
    assert LIBRARY["cross_check"]["cpu_bytes"] == LIBRARY["cross_check"]["fake_cuda_bytes"]


@pytest.mark.parametrize("case", LIBRARY["cases"], ids=library_id)
def test_autocast_weight_copies_are_recorded(case: dict[str, Any]) -> None:
    """weight_copy_bytes: autocast's 16-bit casts of the weights that autograd keeps. Without
    checkpointing: every matrix and convolution weight once (the cast is cached), plus the
    embedding matrix a tied LM head casts; with checkpointing only those outside the
    checkpointed layers (head, stem, UNet resamplers) stay saved."""
    copies = case["weight_copy_bytes"]
    if case["dtype"] == "fp32":
        assert copies == 0
        return
    architecture = WORKLOADS[case["workload"]].architecture
    tied = architecture.vocab * architecture.hidden
    if not (architecture.tied_embeddings or architecture.family == "whisper"):
        tied = 0
    casts = 2 * (summarize(library_network(case)).matrices + tied)
    if case["checkpointing"]:
        assert 0 <= copies < 0.5 * casts
    else:
        assert copies == pytest.approx(casts, rel=0.05)
