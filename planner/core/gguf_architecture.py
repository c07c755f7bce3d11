"""A network description from the metadata of a GGUF file (llama.cpp's format): the keys
llama.cpp's converter writes per architecture, and the tensors whose presence marks a
variant (QK norms, sandwich norms, attention sinks, a router bias, a shared-expert gate).
planner/io/gguf_header.py reads the header; this maps it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.core.errors import Location
from planner.core.model_import import TRAINING_SEQ, ModelFileError, whole_number

GGUF_FAMILIES = {
    "llama": "llama",
    "qwen2": "qwen2",
    "qwen2moe": "qwen2moe",
    "qwen3": "qwen3",
    "qwen3moe": "qwen3moe",
    "gemma3": "gemma3",
    "phi3": "phi3",
    "deepseek2": "deepseek2",
    "gpt-oss": "gpt-oss",
}
# Sliding-window layer patterns llama.cpp builds in rather than writes: every n-th global.
GGUF_GLOBAL_EVERY = {"gemma3": 6, "gpt-oss": 2}


def architecture_from_gguf(
    metadata: Mapping[str, Any], tensors: Mapping[str, tuple[int, ...]]
) -> dict[str, Any]:
    """The architecture table of a GGUF file from its metadata and tensor shapes (ggml
    order: the row length first)."""
    arch = metadata.get("general.architecture")
    if not isinstance(arch, str):
        raise ModelFileError("is missing", Location(field="general.architecture"))
    if arch not in GGUF_FAMILIES:
        known = ", ".join(sorted(GGUF_FAMILIES))
        raise ModelFileError(
            f"'{arch}' is not supported (supported: {known})",
            Location(field="general.architecture"),
        )
    keys = {k[len(arch) + 1 :]: v for k, v in metadata.items() if k.startswith(arch + ".")}
    table = _gguf_common(keys, metadata, tensors, arch)
    has = tensors.__contains__
    if has("blk.0.attn_q.bias") and arch in ("qwen2", "qwen2moe"):
        table["qkv_bias"] = True
    if has("blk.0.attn_q_norm.weight"):
        table["qk_norm"] = True
    if has("blk.0.post_attention_norm.weight") and has("blk.0.post_ffw_norm.weight"):
        table["sandwich_norm"] = True
    if has("blk.0.attn_sinks.weight"):
        table["attention_sinks"] = True
    if keys.get("expert_count"):
        table.update(_gguf_experts(keys, tensors, arch))
    if arch == "deepseek2":
        table.update(_gguf_mla(keys))
    if keys.get("attention.sliding_window"):
        table["sliding_window"] = whole_number(keys, "attention.sliding_window")
        table["global_every"] = GGUF_GLOBAL_EVERY.get(arch, 0)
    if arch == "gemma3":
        table.update(tied_embeddings=True, activation="gelu_pytorch_tanh")
    if arch == "gpt-oss":
        table.update(bias=True, activation="swiglu_clamped")
    return table


def _gguf_common(
    keys: Mapping[str, Any],
    metadata: Mapping[str, Any],
    tensors: Mapping[str, tuple[int, ...]],
    arch: str,
) -> dict[str, Any]:
    hidden = whole_number(keys, "embedding_length")
    heads = _per_layer(keys, "attention.head_count")
    embedding = tensors.get("token_embd.weight")
    # The embedding's rows are the vocabulary the weights have (the token list may differ).
    vocab = embedding[-1] if embedding else None
    vocab = vocab or keys.get("vocab_size") or metadata.get("tokenizer.ggml.tokens")
    if not vocab:
        raise ModelFileError(
            "is missing (nor is there a token_embd tensor)", Location(field="tokenizer.ggml.tokens")
        )
    context = whole_number(keys, "context_length")
    table: dict[str, Any] = {
        "family": "decoder",
        "layers": whole_number(keys, "block_count"),
        "hidden": hidden,
        "heads": heads,
        "kv_heads": _per_layer(keys, "attention.head_count_kv", heads),
        "ffn": _per_layer(keys, "feed_forward_length", 0),
        "gated_ffn": True,
        "vocab": int(vocab),
        "max_positions": context,
        "seq_len": min(TRAINING_SEQ, context),
        "tied_embeddings": "output.weight" not in tensors,
        "positions": "rotary",
        "norm": "rmsnorm",
    }
    head_dim = keys.get("attention.key_length")
    if head_dim and arch != "deepseek2" and head_dim != hidden // heads:
        table["head_dim"] = whole_number(keys, "attention.key_length")
    return table


def _per_layer(keys: Mapping[str, Any], key: str, default: Any = ...) -> int:
    """A size that may be written once or per layer (then all layers must agree)."""
    value = keys.get(key, default)
    if isinstance(value, list):
        if len(set(value)) != 1:
            raise ModelFileError(
                "differs between layers, which is not modelled", Location(field=key)
            )
        value = value[0]
    if value is ...:
        raise ModelFileError("is missing", Location(field=key))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelFileError(f"must be a whole number, got {value!r}", Location(field=key))
    return value


def _gguf_experts(
    keys: Mapping[str, Any], tensors: Mapping[str, tuple[int, ...]], arch: str
) -> dict[str, Any]:
    expert_ffn = whole_number(keys, "expert_feed_forward_length", None) or _per_layer(
        keys, "feed_forward_length"
    )
    shared = 0
    if keys.get("expert_shared_feed_forward_length"):
        shared = whole_number(keys, "expert_shared_feed_forward_length")
    elif keys.get("expert_shared_count"):
        shared = whole_number(keys, "expert_shared_count") * expert_ffn
    dense = whole_number(keys, "leading_dense_block_count", 0)
    table = {
        "experts": whole_number(keys, "expert_count"),
        "experts_per_token": whole_number(keys, "expert_used_count"),
        "expert_ffn": expert_ffn,
        "shared_expert_ffn": shared,
        "dense_layers": dense,
        "shared_expert_gate": f"blk.{dense}.ffn_gate_inp_shexp.weight" in tensors,
        "router_bias": f"blk.{dense}.exp_probs_b.bias" in tensors,
    }
    return table


def _gguf_mla(keys: Mapping[str, Any]) -> dict[str, Any]:
    rope = whole_number(keys, "rope.dimension_count")
    if "attention.key_length_mla" not in keys:
        raise ModelFileError(
            "is missing (GGUF files converted before llama.cpp wrote it lack the head sizes)",
            Location(field="attention.key_length_mla"),
        )
    return {
        "kv_heads": 0,
        "q_lora_rank": whole_number(keys, "attention.q_lora_rank", 0),
        "kv_lora_rank": whole_number(keys, "attention.kv_lora_rank"),
        "qk_rope_head_dim": rope,
        "qk_nope_head_dim": whole_number(keys, "attention.key_length_mla") - rope,
        "v_head_dim": whole_number(keys, "attention.value_length_mla"),
    }
