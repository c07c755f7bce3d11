"""The roofline model's behaviour: what should be faster is faster, and bounds are right."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.calibrated import CONSTANTS
from planner.core.memory import TrainingSetup
from planner.core.parts import Gpu
from planner.core.performance import ComputeSpec, Link, step_time
from planner.core.workloads import build_network
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

CATALOG = load_builtin_catalog()
WORKLOADS = load_workloads()


def gpu(part_id: str) -> ComputeSpec:
    part = CATALOG.get(part_id)
    assert isinstance(part, Gpu)
    return ComputeSpec.of(part)


def rate(workload: str, part_id: str, **setup: object) -> float:
    network = build_network(WORKLOADS[workload].architecture)
    chosen = TrainingSetup(**setup)  # type: ignore[arg-type]
    return chosen.batch_size / step_time(network, chosen, gpu(part_id), CONSTANTS).total_s


def test_newer_and_bigger_gpus_train_faster() -> None:
    order = ["gtx-1080-ti", "rtx-2080-ti", "rtx-3090", "rtx-4090", "rtx-5090"]
    rates = [
        rate("bert-large", part, batch_size=16, seq_len=384, precision="fp16") for part in order
    ]
    assert rates == sorted(rates)


def test_tensor_cores_and_precision() -> None:
    fp32 = rate("bert-large", "rtx-a6000", batch_size=16, seq_len=384, precision="fp32")
    tf32 = rate("bert-large", "rtx-a6000", batch_size=16, seq_len=384, precision="tf32")
    bf16 = rate("bert-large", "rtx-a6000", batch_size=16, seq_len=384, precision="bf16")
    assert fp32 < tf32 < bf16
    # Pascal has no tensor cores: mixed precision brings little.
    pascal16 = rate("bert-large", "gtx-1080-ti", batch_size=8, seq_len=384, precision="fp16")
    pascal32 = rate("bert-large", "gtx-1080-ti", batch_size=8, seq_len=384, precision="fp32")
    assert pascal16 == pytest.approx(pascal32, rel=0.25)


def test_small_batches_are_less_efficient() -> None:
    small = rate("bert-base", "rtx-4090", batch_size=1, seq_len=128, precision="bf16")
    large = rate("bert-base", "rtx-4090", batch_size=64, seq_len=128, precision="bf16")
    assert large > 3 * small


def test_multi_gpu_scaling_depends_on_the_link() -> None:
    network = build_network(WORKLOADS["gpt2-medium"].architecture)
    spec = gpu("rtx-3090")
    one = step_time(network, TrainingSetup(batch_size=8, seq_len=1024), spec, CONSTANTS)
    setup = TrainingSetup(batch_size=8, seq_len=1024, gpus=4)
    nvlink = step_time(network, setup, spec, CONSTANTS, Link("NVLink", 56.25))
    x16 = step_time(network, setup, spec, CONSTANTS, Link("PCIe 4.0 x16", 31.5))
    x4 = step_time(network, setup, spec, CONSTANTS, Link("PCIe 4.0 x4", 7.9))
    assert one.total_s <= nvlink.total_s <= x16.total_s < x4.total_s
    assert x4.communication_s == pytest.approx(4 * x16.communication_s, rel=0.01)


def test_bounds_are_named() -> None:
    network = build_network(WORKLOADS["llama-2-7b"].architecture)
    step = step_time(
        network, TrainingSetup(mode="lora", batch_size=4, seq_len=2048), gpu("rtx-4090"), CONSTANTS
    )
    assert step.bound in ("compute", "memory", "launch", "communication", "input pipeline")
    resnet = build_network(WORKLOADS["resnet-50"].architecture)
    fast = step_time(
        resnet,
        TrainingSetup(batch_size=256, precision="bf16", optimizer="sgd"),
        gpu("h200-nvl"),
        CONSTANTS,
    )
    assert fast.bound == "input pipeline"


def test_lora_skips_weight_gradients() -> None:
    full = rate("llama-3-2-1b", "rtx-4090", batch_size=4, seq_len=1024)
    lora = rate("llama-3-2-1b", "rtx-4090", batch_size=4, seq_len=1024, mode="lora")
    assert lora > full


def test_checkpointing_costs_a_forward_pass() -> None:
    plain = rate("gpt2-large", "rtx-a6000", batch_size=4, seq_len=1024)
    checkpointed = rate(
        "gpt2-large", "rtx-a6000", batch_size=4, seq_len=1024, activation_checkpointing=True
    )
    assert 0.65 < checkpointed / plain < 0.9


def test_unsupported_precisions_fall_back() -> None:
    volta_bf16 = rate(
        "bert-base", "tesla-v100-pcie-32gb", batch_size=16, seq_len=384, precision="bf16"
    )
    volta_fp16 = rate(
        "bert-base", "tesla-v100-pcie-32gb", batch_size=16, seq_len=384, precision="fp16"
    )
    assert volta_bf16 == pytest.approx(volta_fp16)
    ada_fp8 = rate(
        "llama-2-7b", "rtx-4090", batch_size=2, seq_len=1024, mode="lora", precision="fp8"
    )
    ada_bf16 = rate(
        "llama-2-7b", "rtx-4090", batch_size=2, seq_len=1024, mode="lora", precision="bf16"
    )
    assert ada_fp8 > ada_bf16
    spec = replace(gpu("rtx-4090"), architecture="ampere", fp8_tensor_tflops=None)
    network = build_network(WORKLOADS["bert-base"].architecture)
    fp8 = step_time(network, TrainingSetup(precision="fp8", seq_len=384), spec, CONSTANTS)
    bf16 = step_time(network, TrainingSetup(precision="bf16", seq_len=384), spec, CONSTANTS)
    assert fp8.total_s == pytest.approx(bf16.total_s)
