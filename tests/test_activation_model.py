"""The activation model against the bytes PyTorch autograd saved for the same networks.

tests/data/activation_measurements.json comes from tests/tools/measure_activations.py
(PyTorch on CPU, models built from configs: no runtime dependency on torch).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.core.networks.resnet import ResNet
from planner.core.networks.transformer import Transformer
from planner.core.networks.unet import UNet
from planner.core.networks.whisper import Whisper

MEASURED = json.loads((Path(__file__).parent / "data" / "activation_measurements.json").read_text())
# Per-case tolerance: the model leaves out kilobyte-sized tensors (causal masks, rotary
# tables, scalar losses) and BatchNorm statistics dtypes that differ between CPU and GPU.
TOLERANCE = 0.03


def predicted(case: dict[str, Any]) -> float:
    value = 2 if case["precision"] == "bf16" else 4
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
            case["batch"], case["seq_len"], value, case.get("fused", True), False
        ).total_bytes
    if family == "resnet":
        return (
            ResNet(image_size=case["image_size"])
            .activations(case["batch"], 0, value, True, False)
            .total_bytes
        )
    if family == "unet":
        return (
            UNet(latent_size=case["latent_size"])
            .activations(case["batch"], 0, value, True, False)
            .total_bytes
        )
    whisper = Whisper(case["layers"], case["hidden"], case["heads"], case["ffn"], case["vocab"])
    return whisper.activations(case["batch"], case["seq_len"], value, True, False).total_bytes


def test_the_fixture_covers_every_family() -> None:
    families = {case["family"] for case in MEASURED["cases"]}
    assert families == {"decoder", "encoder", "resnet", "unet", "whisper"}
    assert MEASURED["torch"].startswith("2.")


@pytest.mark.parametrize(
    "case",
    MEASURED["cases"],
    ids=lambda case: f"{case['name']}-{case['precision']}-b{case['batch']}",
)
def test_activation_bytes_match_pytorch(case: dict[str, Any]) -> None:
    assert predicted(case) == pytest.approx(case["measured_bytes"], rel=TOLERANCE)
