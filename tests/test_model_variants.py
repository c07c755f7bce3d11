"""Activation memory of the 2024-26 architecture variants against PyTorch's own byte counts
on the real Hugging Face implementations (tests/tools/measure_variant_activations.py, small
configs on CPU in fp32 with eager attention): mixtures of experts with and without shared
experts, DeepSeek-V3's latent attention and dense first layers, gpt-oss's clamped SwiGLU
experts, sinks and windows, Gemma 3's windows, QK norms and sandwich norms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.core.model_import import architecture_from_hf
from planner.core.workloads import build_network, parse_architecture

DATA = json.loads((Path(__file__).parent / "data" / "variant_activations.json").read_text())
TOLERANCE = 0.06


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda case: case["name"])
def test_variant_activations_match_pytorch(case: dict[str, Any]) -> None:
    architecture = architecture_from_hf(case["config"])
    assert architecture == case["architecture"]  # the importer still reads it the same way
    network = build_network(parse_architecture(architecture))
    saved = network.activations(case["batch"], case["seq_len"], 4, False, False)
    assert saved.total_bytes == pytest.approx(case["activation_bytes"], rel=TOLERANCE)


def test_the_variants_cover_experts_latent_attention_windows_and_sinks() -> None:
    names = {case["name"] for case in DATA["cases"]}
    assert names == {"mixtral", "qwen2_moe", "qwen3_moe", "deepseek_v3", "gpt_oss", "gemma3_text"}
