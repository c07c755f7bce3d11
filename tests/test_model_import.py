"""Any model: the catalog's 2025-26 models reproduce their published parameter counts
(total exactly, active to the precision published); mixtures of experts, latent attention
and sliding windows change memory and FLOPs as hand-worked from the papers; config.json and
GGUF files import through the real command; bad files get one clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import planner
from gguf_fixture import write_gguf

from planner.core.model_import import ModelFileError, architecture_from_hf
from planner.core.networks.attention_variants import keys_per_query
from planner.core.networks.common import total_params
from planner.core.workloads import build_network, parse_architecture
from planner.io.model_files import read_model_file
from planner.io.workload_files import load_workloads

CONFIGS = Path(__file__).parent / "data" / "hf_configs"
WORKLOADS = load_workloads()
IMPORTED_IDS = sorted(path.stem for path in CONFIGS.glob("*.json"))


def network(workload_id: str):  # type: ignore[no-untyped-def]
    return build_network(WORKLOADS[workload_id].architecture)


def published(text: str) -> float:
    return float(text[:-1]) * (1e9 if text.endswith("B") else 1e6)


@pytest.mark.parametrize("workload_id", IMPORTED_IDS)
def test_catalog_models_are_their_config_and_their_published_count(workload_id: str) -> None:
    workload = WORKLOADS[workload_id]
    config = json.loads((CONFIGS / f"{workload_id}.json").read_text(encoding="utf-8"))
    imported = parse_architecture(architecture_from_hf(config))
    assert imported == workload.architecture  # the catalog entry is what the import gives
    net = network(workload_id)
    assert total_params(net.parameters()) == workload.params_published


@pytest.mark.parametrize(
    ("workload_id", "total"),
    [  # exact counts of the published weights (safetensors totals, keras-hub presets)
        ("mixtral-8x7b", 46_702_792_704),
        ("qwen3-30b-a3b", 30_532_122_624),
        ("qwen3-235b-a22b", 235_093_634_560),
        ("deepseek-v3", 671_026_419_200),
        ("gpt-oss-20b", 20_914_757_184),
        ("gpt-oss-120b", 116_829_156_672),
        ("llama-3-3-70b", 70_553_706_496),
        ("phi-4", 14_659_507_200),
        ("gemma-3-1b", 999_885_952),
        ("gemma-3-4b", 4_300_079_472),  # language model, SigLIP encoder and projector
        ("gemma-3-27b", 27_432_406_640),
        ("mistral-small-3-1-24b", 24_011_361_280),  # with the Pixtral encoder
        ("qwen3-8b", 8_190_735_360),
    ],
)
def test_published_totals(workload_id: str, total: int) -> None:
    assert WORKLOADS[workload_id].params_published == total


@pytest.mark.parametrize(
    "workload_id", [w for w in IMPORTED_IDS if WORKLOADS[w].params_active_published]
)
def test_active_parameters_round_to_the_published_figure(workload_id: str) -> None:
    workload = WORKLOADS[workload_id]
    net = network(workload_id)
    active = net.active_params()
    if workload.active_without_embedding:
        active -= workload.architecture.vocab * workload.architecture.hidden
    text = workload.params_active_published
    decimals = len(text[:-1].split(".")[1]) if "." in text else 0
    scale = 1e9 if text.endswith("B") else 1e6
    step = 10**-decimals
    shown = published(text) / scale
    # Makers round or cut off ("3.3B" for Qwen3-30B-A3B's 3.35B): within one last digit.
    assert shown - step / 2 <= active / scale < shown + step


@pytest.mark.parametrize(
    ("workload_id", "non_embedding_millions"),
    [("gemma-3-1b", 698), ("gemma-3-4b", 3209), ("gemma-3-12b", 10759), ("gemma-3-27b", 25600)],
)
def test_gemma_3_non_embedding_counts_match_table_1(
    workload_id: str, non_embedding_millions: int
) -> None:
    arch = WORKLOADS[workload_id].architecture
    params = network(workload_id).parameters()
    vision = sum(item.numel for item in params if item.name.startswith("vision."))
    language = WORKLOADS[workload_id].params_published - vision
    assert round((language - arch.vocab * arch.hidden) / 1e6) == non_embedding_millions
    if arch.vision:
        encoder = sum(
            item.numel
            for item in params
            if item.name.startswith("vision.") and "projector" not in item.name
        )
        assert round(encoder / 1e6) == 417  # the SigLIP encoder of Table 1


def test_mixtral_memory_holds_every_expert_and_compute_follows_two() -> None:
    """Mixtral 8x7B: 8 experts of 3 × 4096 × 14336, 2 per token (Jiang et al. 2024)."""
    net = network("mixtral-8x7b")
    expert = 3 * 4096 * 14336
    assert total_params(net.parameters()) - net.active_params() == 6 * expert * 32
    tokens = 4096
    ops = {op.name: op for op in net.forward_ops(1, tokens)}
    up, down = ops["experts_up"], ops["experts_down"]
    assert up.flops == 2 * tokens * 2 * (2 * 14336) * 4096  # two experts per token
    assert down.flops == 2 * tokens * 2 * 4096 * 14336
    assert up.m == tokens * 2 // 8  # each expert's product sees a quarter of the tokens
    small = {op.name: op for op in net.forward_ops(1, 1)}["experts_up"]
    assert small.elements >= 2 * (2 * 14336 * 4096)  # one token still reads two experts


def test_deepseek_v3_latent_attention_parameters_per_layer() -> None:
    """DeepSeek-V3: q 7168→1536→128·192, kv 7168→512+64, 512→128·(128+128), o 128·128→7168."""
    params = {p.name: p for p in network("deepseek-v3").parameters()}
    expected = {
        "layers.attn.q_a": 1536 * 7168,
        "layers.attn.q_b": 128 * 192 * 1536,
        "layers.attn.kv_a": (512 + 64) * 7168,
        "layers.attn.kv_b": 128 * 256 * 512,
        "layers.attn.o": 7168 * 128 * 128,
    }
    for name, numel in expected.items():
        assert params[name].numel == numel * 61
    assert params["layers.mlp.up"].repeat == 3  # three dense layers first
    assert params["layers.moe.experts.up"].shape == (256, 2048, 7168)


def test_sliding_windows_cut_attention_flops_as_hand_worked() -> None:
    """Gemma 3 27B at 8,192 tokens: 52 of 62 layers see a 1,024-token window (5 local : 1
    global); a windowed causal query sees (w²/2 + (s − w)·w)/s keys, s/2 in a full layer."""
    assert keys_per_query(8192, True) == 4096
    assert keys_per_query(8192, True, 1024) == (1024**2 / 2 + 7168 * 1024) / 8192
    ops = {op.name: op for op in network("gemma-3-27b").forward_ops(1, 8192)}
    assert ops["attention"].repeat == 62 // 6 and ops["attention_local"].repeat == 62 - 62 // 6
    ratio = ops["attention_local"].flops / ops["attention"].flops
    assert ratio == pytest.approx(960 / 4096)


def test_experts_change_activation_memory_not_just_parameters() -> None:
    dense = build_network(
        parse_architecture(
            {
                "family": "decoder",
                "layers": 4,
                "hidden": 1024,
                "heads": 8,
                "ffn": 4096,
                "gated_ffn": True,
                "vocab": 32000,
                "seq_len": 512,
            }
        )
    )
    moe = build_network(
        parse_architecture(
            {
                "family": "decoder",
                "layers": 4,
                "hidden": 1024,
                "heads": 8,
                "ffn": 4096,
                "gated_ffn": True,
                "vocab": 32000,
                "seq_len": 512,
                "experts": 8,
                "experts_per_token": 2,
            }
        )
    )
    a = dense.activations(1, 512, 2, True, False).total_bytes
    b = moe.activations(1, 512, 2, True, False).total_bytes
    assert b > a  # two experts' tensors per token, the router's probabilities and indices


def test_a_config_json_imports_with_the_real_command(tmp_path: Path) -> None:
    folder = tmp_path / "Qwen3-30B-A3B"
    folder.mkdir()
    (folder / "config.json").write_text((CONFIGS / "qwen3-30b-a3b.json").read_text())
    result = planner("workloads", "import", str(folder / "config.json"))
    assert result.returncode == 0, result.stderr
    assert "30,532,122,624 parameters" in result.stdout
    assert "3,353,032,704 (3.35B) active" in result.stdout
    case = tmp_path / "cases.json"
    case.write_text(
        json.dumps(
            [
                {
                    "gpu": "rtx-pro-6000-blackwell-workstation",
                    "workload": "qwen3-30b-a3b-2",
                    "mode": "qlora",
                    "batch_size": 1,
                    "activation_checkpointing": True,
                }
            ]
        )
    )
    estimated = planner("estimate", "--cases", str(case), "--json")
    assert estimated.returncode == 0, estimated.stderr
    document = json.loads(estimated.stdout)
    results = document if isinstance(document, list) else document["results"]
    assert results[0]["memory"]["total"] > 15 * 2**30  # all 128 experts, in 4 bits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"model_type": "llama"', "is not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"hidden_size": 4096}', "model_type"),
        ('{"model_type": "mamba"}', "'mamba' is not supported"),
        ('{"model_type": "qwen3", "hidden_size": 1024}', "num_attention_heads"),
        ('{"model_type": "qwen3", "hidden_size": "big"}', "hidden_size"),
    ],
)
def test_a_file_that_does_not_say_enough_is_named(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(text)
    result = planner("workloads", "import", str(path))
    assert result.returncode == 2
    assert str(path) in result.stderr and expected in result.stderr


def test_a_missing_key_is_named_with_its_line(tmp_path: Path) -> None:
    config = json.loads((CONFIGS / "mixtral-8x7b.json").read_text())
    config["num_experts_per_tok"] = None
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, indent=2))
    with pytest.raises(ModelFileError) as caught:
        read_model_file(path)
    assert caught.value.location.field == "num_experts_per_tok"
    assert caught.value.location.line is not None


def gguf_metadata(arch: str, **keys: object) -> dict[str, object]:
    meta: dict[str, object] = {"general.architecture": arch, "general.name": "Tiny MoE"}
    meta.update({f"{arch}.{key.replace('__', '.')}": value for key, value in keys.items()})
    return meta


def test_a_gguf_header_imports_with_its_experts_and_quantization(tmp_path: Path) -> None:
    meta = gguf_metadata(
        "qwen3moe",
        block_count=2,
        embedding_length=256,
        feed_forward_length=512,
        context_length=32768,
        attention__head_count=4,
        attention__head_count_kv=2,
        attention__key_length=64,
        expert_count=8,
        expert_used_count=2,
        expert_feed_forward_length=128,
    )
    meta["tokenizer.ggml.tokens"] = [f"t{n}" for n in range(1000)]
    q4k, f32 = 12, 0
    tensors = {
        "token_embd.weight": ((256, 1000), q4k),
        "output.weight": ((256, 1000), q4k),
        "blk.0.attn_q_norm.weight": ((64,), f32),
        "blk.0.ffn_up_exps.weight": ((256, 128, 8), q4k),
    }
    path = write_gguf(tmp_path / "tiny.gguf", meta, tensors)
    model = read_model_file(path)
    arch = model.architecture
    assert (arch["experts"], arch["experts_per_token"], arch["expert_ffn"]) == (8, 2, 128)
    assert arch["vocab"] == 1000 and arch["qk_norm"] and not arch["tied_embeddings"]
    assert model.weights_bytes == (2 * 256 * 1000 + 256 * 128 * 8) // 256 * 144 + 64 * 4
    assert model.quantization.startswith("Q4_K")
    result = planner("workloads", "import", str(path), "--name", "Tiny MoE")
    assert result.returncode == 0, result.stderr
    assert "weights in the file: Q4_K" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"NOPE" + bytes(20), "does not start with 'GGUF'"),
        (b"GGUF" + (3).to_bytes(4, "little") + (2**40).to_bytes(8, "little") + bytes(8), "tensors"),
        (b"GGUF" + (3).to_bytes(4, "little"), "header ends early"),
    ],
)
def test_a_broken_gguf_is_refused_quickly(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelFileError) as caught:
        read_model_file(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_import_model_in_the_app_adds_it_with_estimates(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    sample = Path(__file__).resolve().parents[1] / "resources/samples/single-rtx-4090.rigplan.toml"
    assert window.files.open(sample)
    assert window.import_model(CONFIGS / "gpt-oss-20b.json")
    result = window.document.report.estimates[-1]
    assert result.workload.id == "gpt-oss-20b-2" and result.estimate is not None
    assert result.estimate.memory.total > 0 and result.estimate.samples_per_s > 0
    panel = window.workload_panel
    assert panel.catalog_combo.findData("gpt-oss-20b-2") >= 0
    assert "Imported gpt-oss-20b" in window.statusBar().currentMessage()


def test_a_bad_model_file_in_the_app_is_reported_and_the_window_goes_on(
    driver, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "config.json"
    broken.write_text('{"model_type": "llama", "hidden_size": 4096')
    assert not driver.window.import_model(broken)
    title, text = driver.complaints[-1]
    assert title == "Could not import the model" and str(broken) in text


def test_flux_reproduces_diffusers_count_and_its_sequence() -> None:
    """FLUX.1 [dev]: 19 double and 38 single blocks of width 3,072 (24 heads of 128); at
    1,024 px an image is 64 × 64 = 4,096 latent patches beside 512 T5 tokens."""
    workload = WORKLOADS["flux-1-dev"]
    net = network("flux-1-dev")
    assert total_params(net.parameters()) == 11_901_408_320 == workload.params_published
    assert net.tokens_per_sample(0) == 4096 + 512
    ops = {op.name: op for op in net.forward_ops(1, 512)}
    assert ops["attention"].repeat == 57
    assert ops["attention"].flops == 4.0 * 24 * 4608 * 4608 * 128  # full, not causal


# What llama.cpp's converter (convert_hf_to_gguf.py) writes for each architecture: its
# name, the keys from the config, and the tensors whose presence marks a variant.
GGUF_ARCH = {
    "llama-3-3-70b": "llama",
    "mixtral-8x7b": "llama",
    "qwen3-8b": "qwen3",
    "qwen3-30b-a3b": "qwen3moe",
    "gemma-3-27b": "gemma3",
    "phi-4": "phi3",
    "deepseek-v3": "deepseek2",
    "gpt-oss-120b": "gpt-oss",
}


def gguf_from_config(
    workload_id: str,
) -> tuple[dict[str, object], dict[str, tuple[tuple[int, ...], int]]]:
    config = json.loads((CONFIGS / f"{workload_id}.json").read_text())
    config = config.get("text_config", config) if workload_id.startswith("gemma") else config
    arch = GGUF_ARCH[workload_id]
    hidden, vocab = config["hidden_size"], config["vocab_size"]
    meta: dict[str, object] = {"general.architecture": arch}
    keys = {
        "block_count": config["num_hidden_layers"],
        "context_length": config["max_position_embeddings"],
        "embedding_length": hidden,
        "feed_forward_length": config["intermediate_size"],
        "attention.head_count": config["num_attention_heads"],
        "attention.head_count_kv": config.get("num_key_value_heads", config["num_attention_heads"]),
    }
    if config.get("head_dim"):
        keys["attention.key_length"] = keys["attention.value_length"] = config["head_dim"]
    experts = (
        config.get("num_local_experts")
        or config.get("num_experts")
        or config.get("n_routed_experts")
    )
    if experts:
        keys["expert_count"] = experts
        keys["expert_used_count"] = config["num_experts_per_tok"]
        if config.get("moe_intermediate_size"):
            keys["expert_feed_forward_length"] = config["moe_intermediate_size"]
        elif arch == "gpt-oss":
            keys["expert_feed_forward_length"] = config["intermediate_size"]
    if arch == "deepseek2":
        keys.update(
            {
                "attention.head_count_kv": 1,
                "leading_dense_block_count": config["first_k_dense_replace"],
                "expert_shared_count": config["n_shared_experts"],
                "attention.q_lora_rank": config["q_lora_rank"],
                "attention.kv_lora_rank": config["kv_lora_rank"],
                "attention.key_length": config["kv_lora_rank"] + config["qk_rope_head_dim"],
                "attention.value_length": config["kv_lora_rank"],
                "attention.key_length_mla": config["qk_nope_head_dim"] + config["qk_rope_head_dim"],
                "attention.value_length_mla": config["v_head_dim"],
                "rope.dimension_count": config["qk_rope_head_dim"],
            }
        )
    if config.get("sliding_window"):
        keys["attention.sliding_window"] = config["sliding_window"]
    meta.update({f"{arch}.{key}": value for key, value in keys.items()})
    f32 = 0
    tensors: dict[str, tuple[tuple[int, ...], int]] = {"token_embd.weight": ((hidden, vocab), f32)}
    if not config.get("tie_word_embeddings", arch == "gemma3"):
        tensors["output.weight"] = ((hidden, vocab), f32)
    marks = {
        "qwen3": ["blk.0.attn_q_norm.weight"],
        "qwen3moe": ["blk.0.attn_q_norm.weight"],
        "gemma3": [
            "blk.0.attn_q_norm.weight",
            "blk.0.post_attention_norm.weight",
            "blk.0.post_ffw_norm.weight",
        ],
        "gpt-oss": ["blk.0.attn_sinks.weight"],
        "deepseek2": ["blk.3.exp_probs_b.bias"],
    }
    for name in marks.get(arch, []):
        tensors[name] = ((1,), f32)
    return meta, tensors


@pytest.mark.parametrize("workload_id", sorted(GGUF_ARCH))
def test_a_gguf_of_each_family_gives_the_catalog_count(tmp_path: Path, workload_id: str) -> None:
    meta, tensors = gguf_from_config(workload_id)
    path = write_gguf(tmp_path / f"{workload_id}.gguf", meta, tensors)
    net = build_network(parse_architecture(read_model_file(path).architecture))
    # llama.cpp keeps a multimodal model's vision encoder in a separate mmproj file.
    catalog = network(workload_id)
    vision = sum(item.numel for item in catalog.parameters() if item.name.startswith("vision."))
    assert total_params(net.parameters()) == WORKLOADS[workload_id].params_published - vision
    assert net.active_params() == catalog.active_params() - vision


@pytest.mark.parametrize(
    ("config", "count"),
    [  # counts of transformers' own models built from these configs (meta device)
        (
            {
                "model_type": "vit",
                "hidden_size": 768,
                "num_hidden_layers": 12,
                "num_attention_heads": 12,
                "intermediate_size": 3072,
                "image_size": 224,
                "patch_size": 16,
                "num_labels": 1000,
            },
            86_567_656,
        ),
        (
            {
                "model_type": "whisper",
                "d_model": 768,
                "encoder_layers": 12,
                "decoder_layers": 12,
                "encoder_attention_heads": 12,
                "decoder_attention_heads": 12,
                "encoder_ffn_dim": 3072,
                "decoder_ffn_dim": 3072,
                "vocab_size": 51865,
                "num_mel_bins": 80,
                "max_target_positions": 448,
            },
            241_734_912,
        ),
        (
            {
                "model_type": "falcon",
                "hidden_size": 4544,
                "num_attention_heads": 71,
                "num_hidden_layers": 32,
                "vocab_size": 65024,
                "multi_query": True,
                "parallel_attn": True,
                "bias": False,
                "new_decoder_architecture": False,
                "max_position_embeddings": 2048,
            },
            6_921_720_704,
        ),
    ],
    ids=["vit-b-16", "whisper-small", "falcon-7b"],
)
def test_vision_speech_and_falcon_configs_import(config: dict[str, object], count: int) -> None:
    net = build_network(parse_architecture(architecture_from_hf(config)))
    assert total_params(net.parameters()) == count
