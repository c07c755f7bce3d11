"""Serving a model: weights in their format, the KV cache each architecture keeps, the
longest context that fits, and the roofline speed of decoding and of the prompt, checked
against hand-worked numbers and through `planner estimate --cases`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.inference import (
    Serving,
    host_embedding_bytes,
    kv_bytes_per_token,
    max_context,
    serving_memory,
    weight_bytes,
)
from planner.core.inference_speed import read_weight_bytes
from planner.core.workloads import build_network
from planner.io.workload_files import load_workloads

WORKLOADS = load_workloads()


def net(workload_id: str):  # type: ignore[no-untyped-def]
    return build_network(WORKLOADS[workload_id].architecture)


def test_llama_3_3_70b_q4_k_m_weights_and_cache() -> None:
    """70,553,706,496 weights at Q4_K_M's 4.8944 bits; the cache holds 80 layers × 2 (k, v)
    × 8 KV heads × 128 × 2 bytes = 327,680 bytes per token."""
    model = net("llama-3-3-70b")
    serving = Serving(quant="Q4_K_M")
    assert weight_bytes(model, serving) == pytest.approx(70_553_706_496 * 4.8944 / 8)
    assert kv_bytes_per_token(model, serving, 32768) == 327_680
    assert kv_bytes_per_token(model, Serving(kv_dtype="q8_0"), 32768) == 327_680 * 34 / 64


def test_latent_attention_and_windows_shrink_the_cache() -> None:
    # DeepSeek-V3 caches the 512-wide latent and the 64-wide positional key per layer.
    assert kv_bytes_per_token(net("deepseek-v3"), Serving(), 4096) == 61 * (512 + 64) * 2
    # Gemma 3 27B: 52 of 62 layers keep only their 1,024-token window.
    gemma = net("gemma-3-27b")
    full = 2 * 16 * 128 * 2
    at_32k = kv_bytes_per_token(gemma, Serving(), 32768) * 32768
    assert at_32k == pytest.approx(full * (10 * 32768 + 52 * 1024))


def test_a_70b_model_on_two_24_gb_cards_at_32k() -> None:
    """Q4_K_M over two 24 GB cards: 21.6 GB of weights and 5.4 GB of cache each at 32k:
    it does not fit; the longest context that does is what the planner reports."""
    model = net("llama-3-3-70b")
    serving = Serving(quant="Q4_K_M", context=32768, gpus=2, split="layer")
    memory = serving_memory(model, serving, 24e9)
    assert not memory.fits
    assert memory.kv_cache == pytest.approx(327_680 * 32768 / 2)
    longest = max_context(model, serving, 24e9)
    assert 0 < longest < 32768
    assert serving_memory(model, serving, 24e9, longest).fits
    assert not serving_memory(model, serving, 24e9, longest + 1).fits


def test_decoding_reads_only_the_chosen_experts() -> None:
    """Qwen3-30B-A3B: one sequence reads 8 of 128 experts per layer; 32 sequences about
    128 · (1 − (120/128)^32) = 111.8 of them. Neither reads the input embedding's table
    (151,936 × 2,048, untied), only its own rows."""
    model = net("qwen3-30b-a3b")
    serving = Serving(quant="bf16")
    per_expert = 3 * 768 * 2048 * 2
    table = 151_936 * 2048 * 2
    total = weight_bytes(model, serving)
    one = read_weight_bytes(model, serving, 1)
    assert total - one == pytest.approx(120 * per_expert * 48 + table)
    many = read_weight_bytes(model, serving, 32)
    chosen = 128 * (1 - (120 / 128) ** 32)
    assert round(chosen, 1) == 111.8
    assert total - many == pytest.approx((128 - chosen) * per_expert * 48 + table)


def test_mxfp4_keeps_the_experts_in_four_bits() -> None:
    """gpt-oss as ggml-org's GGUF files hold it: experts in MXFP4 (17 bytes per 32), the rest
    in Q8_0 — 11.24 GiB for gpt-oss-20b and 58.88 GiB for gpt-oss-120b, against the 11.27
    and 59.02 GiB llama-bench prints for those files (llama.cpp discussion #15396)."""
    for workload_id, published in (("gpt-oss-20b", 11.27), ("gpt-oss-120b", 59.02)):
        size = weight_bytes(net(workload_id), Serving(quant="MXFP4")) / 2**30
        assert size == pytest.approx(published, rel=0.005)


def test_inference_cases_through_the_command(tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(
        json.dumps(
            [
                {"task": "inference", "gpu": "rtx-4090", "workload": "llama-2-7b", "quant": "Q4_0"},
                {
                    "task": "inference",
                    "gpu": "rtx-3090",
                    "gpu_count": 2,
                    "workload": "llama-3-3-70b",
                    "quant": "Q4_K_M",
                    "context": 32768,
                    "split": "tensor",
                    "interconnect": "pcie4x8",
                },
            ]
        )
    )
    result = planner("estimate", "--cases", str(cases), "--json")
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    for key in (
        "decode_tokens_per_s",
        "aggregate_tokens_per_s",
        "prefill_tokens_per_s",
        "ttft_s",
        "max_context",
    ):
        assert first[key] > 0
    assert first["memory"]["fits"] and not second["memory"]["fits"]
    assert set(second["memory"]) >= {
        "weights",
        "kv_cache",
        "activations",
        "overhead",
        "total",
        "fits",
        "system_ram",
    }
    text = planner("estimate", "--cases", str(cases))
    assert "tokens/s per sequence" in text.stdout and "does NOT fit" in text.stdout


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"quant": "Q4_K_S"}, "quant"),
        ({"kv_dtype": "int3"}, "kv_dtype"),
        ({"temperature": 0.7}, "temperature"),
        ({"offload_layers": 4}, "system_ram_gbs"),
        ({"prompt_tokens": 4000, "gen_tokens": 200, "context": 4096}, "context"),
        ({"workload": "resnet-50"}, "workload"),
    ],
)
def test_bad_inference_cases_name_the_field(
    tmp_path: Path, case: dict[str, object], field: str
) -> None:
    base = {"task": "inference", "gpu": "rtx-4090", "workload": "llama-2-7b"}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([dict(base, **case)]))
    result = planner("estimate", "--cases", str(path))
    assert result.returncode == 2
    assert f"field '{field}'" in result.stderr


def test_plan_serving_in_the_app_answers_the_70b_at_32k_question(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Two RTX 3090s (the dual sample): Llama 3.3 70B Q4_K_M at 32k does not fit; the
    dialog says so, gives the longest context that does, the speed, and what would help."""
    from planner.ui.serving_dialog import ServingDialog

    window = driver.window
    sample = (
        Path(__file__).resolve().parents[1] / "resources/samples/dual-rtx-3090-nvlink.rigplan.toml"
    )
    assert window.files.open(sample)
    dialog = ServingDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.choose("llama-3-3-70b")
    dialog.quant.setCurrentText("Q4_K_M")
    dialog.context.setValue(32768)
    text = dialog.answer.text()
    assert "Does not fit" in text and "2 × NVIDIA GeForce RTX 3090" in text
    plan = dialog.plan
    assert plan is not None and plan.gpus == 2 and not plan.result.memory.fits
    assert f"{plan.result.longest_context:,} tokens" in text
    assert "tokens/s" in text and "What would change it" in text
    assert any(words.startswith("Q3_K_M") and other.memory.fits for words, other in plan.changes)
    dialog.kv.setCurrentText("q4_0")
    assert (
        dialog.plan is not None and dialog.plan.result.longest_context > plan.result.longest_context
    )


def test_the_workloads_menu_offers_plan_serving(driver) -> None:  # type: ignore[no-untyped-def]
    menus = {action.text(): action for action in driver.window.menuBar().actions()}
    items = [action.text() for action in menus["&Workloads"].menu().actions()]
    assert items == ["&Import Model…", "Plan &Serving…"]


def test_llama_cpp_keeps_the_input_table_in_system_ram() -> None:
    """llama.cpp looks token rows up on the CPU: an untied input table stays in system RAM
    with every layer on the GPU; a tied one is also the output layer and stays on the GPU.
    Its CUDA context is ~0.3 GiB against a PyTorch engine's 0.75 GiB."""
    untied = net("llama-3-1-8b")
    served = Serving(quant="Q4_K_M", context=4096)
    table = untied.vocab * untied.hidden * served.weight_bits / 8
    memory = serving_memory(untied, served, 24 * 2**30)
    assert host_embedding_bytes(untied, served) == pytest.approx(table)
    assert memory.weights == pytest.approx(weight_bytes(untied, served) - table)
    assert memory.system_ram == pytest.approx(table)
    assert memory.overhead == pytest.approx(0.3 * 2**30)
    vllm = Serving(quant="bf16", context=4096, engine="vllm")
    assert host_embedding_bytes(untied, vllm) == 0
    assert serving_memory(untied, vllm, 80 * 2**30).overhead == pytest.approx(0.75 * 2**30)
    tied = net("llama-3-2-1b")
    assert tied.tied_embeddings and host_embedding_bytes(tied, served) == 0


def test_a_layer_split_keeps_the_output_layer_on_the_last_gpu() -> None:
    """Six RTX 3090s running Llama 3.1 70B in fp16 split by layer OOM at 8k context
    (the evaluation's out-of-memory row): the last GPU holds its share plus the 2 GB head."""
    model = net("llama-3-1-70b")
    layer = Serving(quant="fp16", context=8192, gpus=6, split="layer", flash_attention=False)
    tensor = replace(layer, split="tensor")
    head = model.vocab * model.hidden * 2
    by_layer = serving_memory(model, layer, 24 * 2**30)
    by_tensor = serving_memory(model, tensor, 24 * 2**30)
    assert by_layer.weights - by_tensor.weights == pytest.approx(head * 5 / 6)
    assert not by_layer.fits


def test_experts_kept_in_system_ram() -> None:
    """gpt-oss-120b on a 32 GB card with the experts of 21 of its 36 layers in system RAM
    (llama.cpp's --n-cpu-moe 21): those experts leave the GPU for system RAM, the GPU holds
    the rest, and each token's chosen experts there are read by the CPU."""
    from planner.core.calibrated import CONSTANTS
    from planner.core.inference_speed import chosen_expert_bytes, serving_speed
    from planner.core.performance import ComputeSpec
    from planner.io.catalog_files import load_builtin_catalog

    model = net("gpt-oss-120b")
    on_gpu = Serving(quant="MXFP4", context=8192)
    split = Serving(quant="MXFP4", context=8192, offload_experts=21)
    experts = model.moe.matrices * model.moe.expert_ffn * model.hidden * 128 * 21 * 4.25 / 8
    vram = 32 * 2**30
    whole, offloaded = serving_memory(model, on_gpu, vram), serving_memory(model, split, vram)
    assert whole.weights - offloaded.weights == pytest.approx(experts)
    assert offloaded.system_ram == pytest.approx(experts + host_embedding_bytes(model, split))
    assert not whole.fits and offloaded.fits
    per_token = model.moe.matrices * model.moe.expert_ffn * model.hidden * 4 * 21 * 4.25 / 8
    assert chosen_expert_bytes(model, split, 1) == pytest.approx(per_token)
    gpu = next(p for p in load_builtin_catalog() if p.id == "rtx-5090")
    slow = serving_speed(model, split, ComputeSpec.of(gpu), CONSTANTS, None, 96.0)
    fast = serving_speed(model, on_gpu, ComputeSpec.of(gpu), CONSTANTS, None, 96.0)
    assert slow.decode_tokens_per_s < fast.decode_tokens_per_s / 2
    assert slow.bound == "system RAM bandwidth (offloaded layers)"


def test_an_experts_prompt_products_are_small() -> None:
    """gpt-oss-20b: a 512-token micro-batch sends 512 × 4 / 32 = 64 rows to each expert, a
    product of 2 × 64 × 3 × 2,880 × 2,880 FLOPs (3.2 GFLOP), which runs at size ÷ (size +
    half-size) of a large product's rate."""
    from planner.core.calibrated import CONSTANTS
    from planner.core.inference_speed import _expert_share

    size = 2 * 64 * 3 * 2880 * 2880 / 1e9
    expected = size / (size + CONSTANTS.half_size_gflop)
    assert _expert_share(net("gpt-oss-20b")) == pytest.approx(expected)
    assert _expert_share(net("llama-3-1-8b")) == 1.0


def test_a_windowed_layer_attends_only_over_its_window() -> None:
    """gpt-oss-20b alternates 128-token windows with full layers (12 of each): a 32k-token
    prompt's queries attend to 16,384 keys on average in a full layer and just under 128 in
    a windowed one; one new token over a 32k cache reads 32,768 keys in a full layer, 128 in
    a windowed one. A model without windows attends over everything in every layer."""
    from planner.core.inference_speed import attended_keys

    oss, llama = net("gpt-oss-20b"), net("llama-3-1-8b")
    tokens = 32768
    windowed = (128 * 128 / 2 + (tokens - 128) * 128) / tokens
    assert attended_keys(oss, tokens, tokens) == pytest.approx(12 * tokens / 2 + 12 * windowed)
    assert attended_keys(oss, tokens, 1) == 12 * tokens + 12 * 128
    assert attended_keys(llama, tokens, tokens) == llama.layers * tokens / 2


def test_every_layer_of_a_prompt_micro_batch_takes_a_fixed_time() -> None:
    """A 2,048-token prompt is four 512-token micro-batches: besides its products it takes
    4 × layers × the fitted time per layer and micro-batch, on a small card and a big one
    alike; a 16-token prompt still pays a decoding step's time per layer."""
    from planner.core.inference_speed import prompt_terms
    from planner.core.performance import ComputeSpec
    from planner.core.serving_constants import SERVING
    from planner.io.catalog_files import load_builtin_catalog

    model = net("llama-3-1-8b")
    parts = {p.id: p for p in load_builtin_catalog()}
    serving = Serving(quant="Q4_K_M", context=4096, prompt_tokens=2048)
    fixed = 4 * model.layers * SERVING.prefill_layer_us * 1e-6
    for gpu in ("rtx-5060-ti-16gb", "rtx-5090"):
        terms = prompt_terms(model, serving, ComputeSpec.of(parts[gpu]))
        assert terms.layers_s == pytest.approx(fixed)
        assert terms.total == pytest.approx(max(terms.compute_s, terms.memory_s) + fixed)
    short = prompt_terms(model, replace(serving, prompt_tokens=16), ComputeSpec.of(parts[gpu]))
    assert short.layers_s == pytest.approx(model.layers * SERVING.decode_layer_us * 1e-6)
