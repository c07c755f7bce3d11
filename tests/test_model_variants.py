"""Activation memory of the 2024-26 architecture variants against PyTorch's own byte counts
on the real Hugging Face implementations (tests/tools/measure_variant_activations.py, small
configs on CPU in fp32 with eager attention): mixtures of experts with and without shared
experts, DeepSeek-V3's latent attention and dense first layers, gpt-oss's clamped SwiGLU
experts, sinks and windows, Gemma 3's windows, QK norms and sandwich norms, and FLUX.1's
double- and single-stream diffusion transformer (diffusers, SDPA)."""

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
    architecture = case["architecture"]
    if case["name"] != "flux":  # diffusers' config: the planner's description is in the case
        assert architecture_from_hf(case["config"]) == architecture  # the importer agrees
    network = build_network(parse_architecture(architecture))
    fused = case["attention"] != "eager"
    saved = network.activations(case["batch"], case["seq_len"], 4, fused, False)
    assert saved.total_bytes == pytest.approx(case["activation_bytes"], rel=TOLERANCE)


def test_the_variants_cover_experts_latent_attention_windows_and_sinks() -> None:
    names = {case["name"] for case in DATA["cases"]}
    assert names == {
        "mixtral",
        "qwen2_moe",
        "qwen3_moe",
        "deepseek_v3",
        "gpt_oss",
        "gemma3_text",
        "flux",
    }


def test_expert_parallelism_divides_the_experts_and_routes_tokens_over_the_link() -> None:
    """Qwen3-30B-A3B on 8 GPUs: each GPU keeps 16 of 128 experts; every one of 48 expert
    layers sends 4 · tokens · 8 · 2,048 bf16 values, 7/8 of them to other GPUs."""
    from planner.core.communication import all_to_all_bytes
    from planner.core.param_summary import summarize
    from planner.core.training_setup import TrainingSetup
    from planner.io.workload_files import load_workloads

    network = build_network(load_workloads()["qwen3-30b-a3b"].architecture)
    whole, split = summarize(network), summarize(network, 8)
    expert_params = 48 * 128 * 3 * 768 * 2048
    assert whole.experts == expert_params
    assert split.experts == expert_params // 8
    assert whole.total - split.total == expert_params * 7 // 8
    setup = TrainingSetup(batch_size=2, seq_len=4096, gpus=8, expert_parallel=True)
    assert setup.experts_split == 8
    assert all_to_all_bytes(network, setup) == 4 * 2 * 4096 * 8 * 2048 * 2 * 48 * 7 / 8
    assert all_to_all_bytes(network, TrainingSetup(gpus=8)) == 0


def test_expert_parallelism_through_the_estimate_cases() -> None:
    from planner.core.calibrated import CONSTANTS, SPEED_RANGES
    from planner.core.cases import estimate_case
    from planner.core.parts import Gpu
    from planner.io.catalog_files import load_builtin_catalog
    from planner.io.workload_files import load_workloads

    gpus = {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}
    base = {
        "gpu": "h100-sxm5-80gb",
        "gpu_count": 8,
        "workload": "qwen3-30b-a3b",
        "batch_size": 1,
        "activation_checkpointing": True,
        "sharding": "zero1",
    }
    plain = estimate_case(base, gpus, load_workloads(), CONSTANTS, SPEED_RANGES)
    split = estimate_case(
        dict(base, expert_parallel=True), gpus, load_workloads(), CONSTANTS, SPEED_RANGES
    )
    assert split.memory.total < plain.memory.total / 4  # 16 of 128 experts and their states
    assert split.memory.fits and not plain.memory.fits
