"""The training recipes people run, through the public case format: sharded fine-tuning,
pure 16-bit training, paged and 8-bit optimizers, offload, gradient accumulation, power
limits, peer-to-peer, packing, and what the checks and estimates do with them."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.cases import CASE_KEYS, estimate_case
from planner.core.errors import RecordError
from planner.core.estimate import Estimate
from planner.core.parts import Gpu
from planner.core.power import speed_loss
from planner.core.units import GIB
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

GPUS = {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}
WORKLOADS = load_workloads()


def run(**case: Any) -> Estimate:
    return estimate_case(case, GPUS, WORKLOADS, CONSTANTS, SPEED_RANGES)


def test_fsdp_qlora_70b_fits_on_two_24gb_cards() -> None:
    # Answer.AI's FSDP+QLoRA recipe: Llama 2 70B on 2 × 24 GB, checkpointing, batch 1, the
    # sharded 4-bit base offloaded to CPU RAM between uses.
    recipe = {
        "gpu": "rtx-4090",
        "workload": "llama-2-70b",
        "mode": "qlora",
        "batch_size": 1,
        "seq_len": 2048,
        "activation_checkpointing": True,
    }
    alone = run(**recipe, gpu_count=2)
    sharded = run(**recipe, gpu_count=2, sharding="fsdp")
    offloaded = run(**recipe, gpu_count=2, sharding="fsdp", offload="parameters")
    assert not alone.memory.fits
    assert sharded.memory.weights.bytes < 0.55 * alone.memory.weights.bytes
    assert offloaded.memory.fits
    # The base is gathered layer by layer, forward and backward: that traffic costs time.
    assert sharded.step.communication_s > 1.0


def test_lora_70b_fits_on_eight_80gb_cards_with_fsdp() -> None:
    recipe = {"gpu": "a100-sxm4-80gb", "gpu_count": 8, "workload": "llama-3-1-70b"}
    recipe |= {"mode": "lora", "batch_size": 1, "seq_len": 4096, "activation_checkpointing": True}
    assert not run(**recipe).memory.fits
    assert run(**recipe, sharding="fsdp").memory.fits


def test_pure_bf16_has_no_fp32_master_copy() -> None:
    case = {"gpu": "h100-sxm5-80gb", "workload": "llama-3-2-1b", "batch_size": 1}
    amp = run(**case).memory
    pure = run(**case, master_weights="bf16").memory
    params = pure.total_params
    assert pure.weights.bytes == 2 * params and pure.gradients.bytes == 2 * params
    assert pure.optimizer.bytes == 4 * params  # AdamW moments in bf16
    assert amp.optimizer.bytes == 8 * params and amp.gradients.bytes == 4 * params


def test_paged_optimizer_states_need_host_ram_not_vram() -> None:
    case = {"gpu": "rtx-4090", "workload": "llama-3-1-8b", "batch_size": 2}
    case |= {"master_weights": "bf16", "activation_checkpointing": True}
    plain = run(**case, optimizer="adamw8bit").memory
    paged = run(**case, optimizer="paged_adamw8bit").memory
    assert paged.optimizer.bytes == 0 and paged.host_bytes == pytest.approx(plain.optimizer.bytes)
    assert paged.total < plain.total


def test_optimizer_in_backward_keeps_one_gradient() -> None:
    case = {"gpu": "rtx-4090", "workload": "llama-3-1-8b", "master_weights": "bf16"}
    whole = run(**case).memory.gradients.bytes
    one = run(**case, optimizer_in_backward=True).memory.gradients.bytes
    assert one < whole / 10


def test_parameter_offload_moves_weights_to_host_and_costs_time() -> None:
    case = {"gpu": "rtx-3090", "gpu_count": 2, "workload": "llama-2-13b", "sharding": "fsdp"}
    case |= {"batch_size": 1, "activation_checkpointing": True}
    kept = run(**case)
    offloaded = run(**case, offload="parameters")
    assert offloaded.memory.weights.bytes == 0 and offloaded.memory.optimizer.bytes == 0
    assert offloaded.memory.host_bytes > 13e9 * 2 * 2  # weights, gradients, optimizer
    assert offloaded.samples_per_s < kept.samples_per_s


def test_lora_on_attention_only_trains_fewer_parameters() -> None:
    case = {"gpu": "rtx-4090", "workload": "llama-2-7b", "mode": "lora", "lora_rank": 8}
    every = run(**case).memory.trainable_params
    attention = run(**case, lora_targets="attention").memory.trainable_params
    assert attention == 8 * (4096 + 4096) * 4 * 32  # q, k, v, o of 32 layers
    assert every > 2 * attention


def test_gradient_accumulation_reduces_gradients_once_per_step() -> None:
    case = {"gpu": "rtx-3090", "gpu_count": 4, "workload": "gpt2-medium", "batch_size": 4}
    once = run(**case)
    accumulated = run(**case, grad_accum=8)
    assert accumulated.step.communication_s == pytest.approx(once.step.communication_s / 8)
    assert accumulated.samples_per_s > once.samples_per_s


def test_no_peer_to_peer_is_slower() -> None:
    case = {"gpu": "rtx-a6000", "gpu_count": 4, "workload": "bert-large", "batch_size": 8}
    with_p2p = run(**case)
    without = run(**case, p2p=False)
    assert without.step.exposed_communication_s > 1.5 * with_p2p.step.exposed_communication_s
    assert without.samples_per_s < with_p2p.samples_per_s


def test_power_limit_slows_the_gpu_as_the_power_advice_says() -> None:
    case = {"gpu": "rtx-4090", "workload": "bert-large", "batch_size": 8}
    full = run(**case).samples_per_s
    limited = run(**case, power_limit_w=350).samples_per_s
    assert limited / full == pytest.approx(1 - speed_loss(350 / 450))
    assert run(**case, power_limit_w=250).samples_per_s < limited


def test_packing_counts_real_tokens() -> None:
    case = {"gpu": "rtx-4090", "workload": "llama-3-2-1b", "mode": "lora", "seq_len": 2048}
    padded = run(**case, tokens_per_sample=300)
    packed = run(**case, tokens_per_sample=300, packing=True)
    assert packed.run.samples == pytest.approx(padded.run.samples * 300 / 2048)
    assert packed.time_to_train_s < padded.time_to_train_s / 6
    assert "packed" in packed.run.description


def test_compile_and_eager_attention_change_speed() -> None:
    case = {"gpu": "rtx-4090", "workload": "gpt2", "batch_size": 8, "seq_len": 1024}
    base = run(**case).samples_per_s
    assert run(**case, compile=True).samples_per_s > base
    assert run(**case, attention="eager").samples_per_s < base


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("attention", "flash"),
        ("master_weights", "fp16"),
        ("grad_accum", 0),
        ("offload", "disk"),
        ("lora_targets", "mlp"),
        ("p2p", "yes"),
        ("tokens_per_sample", -3),
        ("optimizer", "lion"),
    ],
)
def test_bad_recipe_values_name_their_field(key: str, value: object) -> None:
    with pytest.raises(RecordError) as caught:
        run(gpu="rtx-4090", workload="gpt2", **{key: value})
    assert caught.value.location.field == key


def test_every_documented_key_is_accepted() -> None:
    documented = {
        "attention": "eager",
        "compile": True,
        "master_weights": "bf16",
        "optimizer": "paged_adamw8bit",
        "optimizer_in_backward": True,
        "grad_accum": 4,
        "packing": True,
        "tokens_per_sample": 250,
        "lora_rank": 32,
        "lora_targets": "attention",
        "offload": "optimizer",
        "power_limit_w": 300,
        "p2p": False,
    }
    assert set(documented) <= CASE_KEYS
    result = run(
        gpu="rtx-4090",
        gpu_count=2,
        workload="llama-3-2-1b",
        mode="lora",
        batch_size=1,
        seq_len=512,
        **documented,
    )
    assert result.samples_per_s > 0 and result.memory.total < 24 * GIB


def test_only_the_gpus_the_board_places_are_estimated(catalog) -> None:  # type: ignore[no-untyped-def]
    from planner.core.assembly import Assembly
    from planner.core.build import Build, PartChoice, WorkloadChoice
    from planner.core.checks.context import CheckContext
    from planner.core.workload_estimates import estimate_build

    def estimate(gpus: int) -> Estimate:
        parts = {
            "rtx-4090": gpus,
            "ryzen-9-7950x": 1,
            "asus-proart-x670e-creator-wifi": 1,
            "corsair-vengeance-64gb-2x32-ddr5-6000-c30": 1,
            "corsair-rm1000x-2024": 1,
            "fractal-design-north": 1,
            "deepcool-ak620": 1,
            "samsung-990-pro-2tb": 1,
        }
        build = Build(
            parts=tuple(PartChoice(id=part, count=count) for part, count in parts.items()),
            workloads=(WorkloadChoice(id="bert-large", batch_size=8),),
        )
        context = CheckContext(Assembly.resolve(build, catalog), catalog, WORKLOADS)
        result = estimate_build(
            context.assembly, context.layout, context.power, WORKLOADS, CONSTANTS, SPEED_RANGES
        )[0]
        assert result.estimate is not None
        return result.estimate

    four = estimate(4)
    placed = four.setup.gpus
    assert placed < 4
    assert f"only {placed} of the 4 GPUs" in four.note
    assert four.samples_per_s == pytest.approx(estimate(placed).samples_per_s)


RECIPE_VALUES = {
    "mode": ["full", "lora", "qlora"],
    "precision": ["fp32", "tf32", "fp16", "bf16", "fp8"],
    "sharding": ["none", "zero1", "zero2", "zero3", "fsdp"],
    "optimizer": ["adamw", "sgd", "adamw8bit", "paged_adamw", "paged_adamw8bit", "adafactor"],
    "offload": ["none", "optimizer", "parameters"],
    "master_weights": ["fp32", "bf16"],
    "attention": ["fused", "eager"],
    "compile": [True, False],
    "optimizer_in_backward": [True, False],
    "grad_accum": [1, 7, 1_000_000],
    "packing": [True, False],
    "tokens_per_sample": [1, 50, 10_000_000],
    "lora_rank": [1, 64, 4096],
    "lora_targets": ["all", "attention"],
    "p2p": [True, False],
    "activation_checkpointing": [True, False],
    "gpu_count": [1, 2, 8, 1024],
    "power_limit_w": [1, 50, 300, 5000],
    "batch_size": [1, 64, 1_000_000],
}


@given(
    st.fixed_dictionaries(
        {},
        optional={key: st.sampled_from(values) for key, values in RECIPE_VALUES.items()},
    ),
    st.sampled_from(sorted(GPUS)),
    st.sampled_from(sorted(WORKLOADS)),
)
@settings(max_examples=150, deadline=None)
def test_any_recipe_gives_finite_numbers_or_a_located_error(
    recipe: dict[str, Any], gpu: str, workload: str
) -> None:
    try:
        result = run(gpu=gpu, workload=workload, **recipe)
    except RecordError as error:
        assert error.location.field
        return
    for value in (result.samples_per_s, result.memory.total, result.low, result.high):
        assert math.isfinite(value) and value >= 0
    assert result.time_to_train_s > 0
    assert result.to_json()["memory"]
