"""Model-state bytes per parameter as the frameworks allocate them, and the memory API."""

from __future__ import annotations

import pytest

from planner.core.memory import (
    ADAM8BIT_STATE_BYTES,
    GIB,
    NF4_BYTES,
    TrainingSetup,
    estimate_memory,
    largest_batch,
)
from planner.core.workloads import build_network
from planner.io.workload_files import load_workloads

WORKLOADS = load_workloads()
LLAMA = build_network(WORKLOADS["llama-2-7b"].architecture)
P = 6_738_415_616


def states(setup: TrainingSetup) -> tuple[float, float, float]:
    memory = estimate_memory(LLAMA, setup)
    return memory.weights.bytes, memory.gradients.bytes, memory.optimizer.bytes


def test_pytorch_amp_adamw_is_16_bytes_per_param_plus_autocast_copies() -> None:
    weights, gradients, optimizer = states(TrainingSetup(precision="bf16"))
    assert gradients == 4 * P and optimizer == 8 * P
    matrices = P - 2 * 32_000 * 4096 - (65 * 4096)  # all but embeddings, head and norms
    assert weights == pytest.approx(4 * P + 2 * (matrices + 32_000 * 4096), rel=1e-9)


def test_fp32_adamw_and_sgd() -> None:
    assert states(TrainingSetup(precision="fp32")) == (4 * P, 4 * P, 8 * P)
    assert states(TrainingSetup(precision="fp32", optimizer="sgd"))[2] == 4 * P
    assert states(TrainingSetup(precision="fp32", optimizer="adamw8bit"))[2] == pytest.approx(
        ADAM8BIT_STATE_BYTES * P
    )


@pytest.mark.parametrize(
    ("sharding", "expected"),
    [
        # Rajbhandari et al. 2020, per GPU with mixed-precision AdamW (DOMAIN.md).
        ("zero1", lambda n: 4 * P + 12 * P / n),
        ("zero2", lambda n: 2 * P + 14 * P / n),
        ("zero3", lambda n: 16 * P / n),
        ("fsdp", lambda n: 16 * P / n),
    ],
)
def test_zero_stages(sharding: str, expected) -> None:  # type: ignore[no-untyped-def]
    for n in (2, 4, 8):
        total = sum(states(TrainingSetup(sharding=sharding, gpus=n)))
        assert total == pytest.approx(expected(n), rel=1e-9)


def test_sharding_needs_more_than_one_gpu() -> None:
    assert states(TrainingSetup(sharding="zero3", gpus=1)) == states(TrainingSetup())


def test_lora_and_qlora() -> None:
    lora = estimate_memory(LLAMA, TrainingSetup(mode="lora", lora_rank=16))
    # Rank 16 on q, k, v, o, gate, up, down of 32 layers: 16·(in+out) each.
    adapters = 32 * 16 * (4 * (4096 + 4096) + 3 * (4096 + 11008))
    assert lora.trainable_params == adapters
    assert lora.gradients.bytes == 4 * adapters
    assert lora.optimizer.bytes == 8 * adapters
    assert lora.weights.bytes == 2 * P + 4 * adapters
    qlora = estimate_memory(LLAMA, TrainingSetup(mode="qlora", lora_rank=16))
    matrices = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008)
    rest = P - matrices
    assert qlora.weights.bytes == pytest.approx(NF4_BYTES * matrices + 2 * rest + 4 * adapters)
    assert pytest.approx(0.5159, abs=1e-4) == NF4_BYTES


def test_offload_moves_optimizer_states_to_host() -> None:
    memory = estimate_memory(LLAMA, TrainingSetup(offload="optimizer"))
    assert memory.optimizer.bytes == 0
    assert memory.host_bytes == pytest.approx(12 * P)


def test_adafactor_factors_matrices() -> None:
    memory = estimate_memory(LLAMA, TrainingSetup(precision="fp32", optimizer="adafactor"))
    assert memory.optimizer.bytes < 0.01 * P


def test_checkpointing_shrinks_activations_and_batch_grows_them() -> None:
    base = TrainingSetup(batch_size=4, seq_len=2048)
    plain = estimate_memory(LLAMA, base).activations.bytes
    checkpointed = estimate_memory(
        LLAMA, TrainingSetup(batch_size=4, seq_len=2048, activation_checkpointing=True)
    ).activations.bytes
    assert checkpointed < plain / 4
    doubled = estimate_memory(LLAMA, TrainingSetup(batch_size=8, seq_len=2048)).activations.bytes
    assert doubled == pytest.approx(2 * plain)


def test_largest_batch_is_the_edge_of_fitting() -> None:
    setup = TrainingSetup(mode="qlora", seq_len=2048, activation_checkpointing=True)
    capacity = 24 * GIB
    best = largest_batch(LLAMA, setup, capacity)
    assert best > 1
    from dataclasses import replace

    assert estimate_memory(LLAMA, replace(setup, batch_size=best), capacity).fits
    assert not estimate_memory(LLAMA, replace(setup, batch_size=best + 1), capacity).fits
    assert largest_batch(LLAMA, TrainingSetup(), capacity) == 0


def test_json_and_explain() -> None:
    memory = estimate_memory(LLAMA, TrainingSetup(), 80 * GIB)
    document = memory.to_json()
    assert set(document) >= {
        "weights",
        "gradients",
        "optimizer",
        "activations",
        "overhead",
        "total",
        "fits",
    }
    assert document["total"] == int(memory.total)
    formulas = [part["formula"] for part in document["explain"]]  # type: ignore[union-attr]
    assert any("fp32 params × 4 B" in formula for formula in formulas)
