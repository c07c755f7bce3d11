"""A network description from a model's own files: the `config.json` Hugging Face ships
with a checkpoint, or the metadata of a GGUF file (read by planner/io/model_files.py).
Each supported architecture maps its keys to the planner's transformer sizes; a file that
does not say enough is refused with the key that is missing, never guessed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from planner.core.errors import Location, RecordError

TRAINING_SEQ = 4096  # the sequence length an imported model trains at unless set


class ModelFileError(RecordError):
    """A config that cannot describe a network: the field names the key."""


def _get(config: Mapping[str, Any], key: str, default: Any = ...) -> Any:
    value = config.get(key, default)
    if value is ...:
        raise ModelFileError(
            "is missing: the planner needs it to size the network", Location(field=key)
        )
    return value


def whole_number(config: Mapping[str, Any], key: str, default: Any = ...) -> int:
    value = _get(config, key, default)
    if value is None and default is not ...:
        return int(default or 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelFileError(f"must be a whole number, got {value!r}", Location(field=key))
    return value


def _decoder(config: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """The keys Llama-style decoders share (llama, mistral, qwen2/3, phi3, gemma, ...)."""
    hidden = whole_number(config, "hidden_size")
    heads = whole_number(config, "num_attention_heads")
    table: dict[str, Any] = {
        "family": "decoder",
        "layers": whole_number(config, "num_hidden_layers"),
        "hidden": hidden,
        "heads": heads,
        "kv_heads": whole_number(config, "num_key_value_heads", heads) or heads,
        "ffn": whole_number(config, "intermediate_size"),
        "gated_ffn": True,
        "vocab": whole_number(config, "vocab_size"),
        "max_positions": whole_number(config, "max_position_embeddings"),
        "tied_embeddings": bool(config.get("tie_word_embeddings", False)),
        "positions": "rotary",
        "norm": "rmsnorm",
    }
    head_dim = config.get("head_dim")
    if head_dim and head_dim != hidden // heads:
        table["head_dim"] = whole_number(config, "head_dim")
    if config.get("attention_bias") and not extra.get("bias"):
        raise ModelFileError(
            "is true: biases on the attention projections alone are not modelled",
            Location(field="attention_bias"),
        )
    table["seq_len"] = min(TRAINING_SEQ, table["max_positions"])
    table.update(extra)
    return table


def _window(config: Mapping[str, Any], every: int) -> dict[str, Any]:
    size = config.get("sliding_window")
    if not size or config.get("use_sliding_window") is False:
        return {}
    return {"sliding_window": whole_number(config, "sliding_window"), "global_every": every}


def llama(config: Mapping[str, Any]) -> dict[str, Any]:
    if config.get("mlp_bias"):
        raise ModelFileError(
            "is true: MLP biases without attention biases", Location(field="mlp_bias")
        )
    return _decoder(config, **_window(config, 0))


def mixtral(config: Mapping[str, Any]) -> dict[str, Any]:
    experts = whole_number(config, "num_local_experts")
    return _decoder(
        config,
        experts=experts,
        experts_per_token=whole_number(config, "num_experts_per_tok"),
        **_window(config, 0),
    )


def qwen2(config: Mapping[str, Any]) -> dict[str, Any]:
    return _decoder(config, qkv_bias=True, **_window(config, 0))


def qwen2_moe(config: Mapping[str, Any]) -> dict[str, Any]:
    shared = whole_number(config, "shared_expert_intermediate_size")
    return _qwen_moe(config, qkv_bias=True, shared_expert_ffn=shared, shared_expert_gate=True)


def qwen3(config: Mapping[str, Any]) -> dict[str, Any]:
    return _decoder(config, qk_norm=True, **_window(config, 0))


def qwen3_moe(config: Mapping[str, Any]) -> dict[str, Any]:
    return _qwen_moe(config, qk_norm=True)


def _qwen_moe(config: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Qwen2-MoE and Qwen3-MoE: the same expert keys, every layer sparse."""
    _every_layer_sparse(config)
    return _decoder(
        config,
        experts=whole_number(config, "num_experts"),
        experts_per_token=whole_number(config, "num_experts_per_tok"),
        expert_ffn=whole_number(config, "moe_intermediate_size"),
        **extra,
    )


def _every_layer_sparse(config: Mapping[str, Any]) -> None:
    if config.get("decoder_sparse_step", 1) != 1 or config.get("mlp_only_layers"):
        raise ModelFileError(
            "makes only some layers experts; the planner models every layer sparse",
            Location(
                field="mlp_only_layers" if config.get("mlp_only_layers") else "decoder_sparse_step"
            ),
        )


def gemma3(config: Mapping[str, Any]) -> dict[str, Any]:
    """Gemma 3's language model (a multimodal config's `text_config`)."""
    text = config.get("text_config", config)
    if not isinstance(text, Mapping):
        raise ModelFileError("must be a table", Location(field="text_config"))
    every = whole_number(text, "sliding_window_pattern", 6)
    table = _decoder(
        text,
        qk_norm=True,
        sandwich_norm=True,
        tied_embeddings=True,
        head_dim=whole_number(text, "head_dim"),
        **_window(text, every),
    )
    table["activation"] = "gelu_pytorch_tanh"
    table.update(_vision_config(config, "siglip"))
    return table


def _vision_config(config: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A multimodal config's image encoder (SigLIP for Gemma 3, Pixtral for Mistral 3)."""
    vision = config.get("vision_config")
    if not isinstance(vision, Mapping):
        return {}
    table = {
        "vision": kind,
        "vision_layers": whole_number(vision, "num_hidden_layers"),
        "vision_hidden": whole_number(vision, "hidden_size"),
        "vision_ffn": whole_number(vision, "intermediate_size"),
        "vision_patch": whole_number(vision, "patch_size"),
        "vision_image": whole_number(vision, "image_size"),
    }
    if kind == "pixtral":
        table["vision_merge"] = whole_number(config, "spatial_merge_size", 2)
        if config.get("multimodal_projector_bias"):
            raise ModelFileError(
                "is true: projector biases are not modelled",
                Location(field="multimodal_projector_bias"),
            )
    return table


def phi3(config: Mapping[str, Any]) -> dict[str, Any]:
    return _decoder(config, **_window(config, 0))


def deepseek(config: Mapping[str, Any]) -> dict[str, Any]:
    """DeepSeek-V2/V3/R1: latent attention, shared and routed experts, dense first layers."""
    if config.get("moe_layer_freq", 1) != 1:
        raise ModelFileError(
            "is not 1: experts in every other layer are not modelled",
            Location(field="moe_layer_freq"),
        )
    heads = whole_number(config, "num_attention_heads")
    expert_ffn = whole_number(config, "moe_intermediate_size")
    table = _decoder(
        config,
        kv_heads=heads,
        experts=whole_number(config, "n_routed_experts"),
        experts_per_token=whole_number(config, "num_experts_per_tok"),
        expert_ffn=expert_ffn,
        shared_expert_ffn=whole_number(config, "n_shared_experts", 0) * expert_ffn,
        dense_layers=whole_number(config, "first_k_dense_replace", 0),
        # V3's auxiliary-loss-free balancing adds a bias per expert to the routing scores.
        router_bias=config.get("topk_method") == "noaux_tc",
        q_lora_rank=whole_number(config, "q_lora_rank", 0),
        kv_lora_rank=whole_number(config, "kv_lora_rank"),
        qk_rope_head_dim=whole_number(config, "qk_rope_head_dim"),
        qk_nope_head_dim=whole_number(config, "qk_nope_head_dim"),
        v_head_dim=whole_number(config, "v_head_dim"),
    )
    table.pop("head_dim", None)
    return table


def gpt_oss(config: Mapping[str, Any]) -> dict[str, Any]:
    """gpt-oss: experts with biases, a router bias, attention biases and sinks, and
    sliding-window layers alternating with full ones."""
    types = config.get("layer_types")
    every = 2  # gpt-oss alternates windowed and full layers, windowed first
    if isinstance(types, list) and types:
        full = [index for index, kind in enumerate(types) if kind == "full_attention"]
        every = full[0] + 1 if full else 0
        regular = full == list(range(every - 1, len(types), every)) if every else True
        if not regular:
            raise ModelFileError(
                "mixes windowed and full layers irregularly", Location(field="layer_types")
            )
    ffn = whole_number(config, "intermediate_size")
    return _decoder(
        config,
        bias=True,
        attention_sinks=True,
        activation="swiglu_clamped",
        experts=whole_number(config, "num_local_experts"),
        experts_per_token=whole_number(config, "num_experts_per_tok"),
        expert_ffn=ffn,
        **_window(config, every),
    )


def gpt2(config: Mapping[str, Any]) -> dict[str, Any]:
    hidden = whole_number(config, "n_embd")
    positions = whole_number(config, "n_positions")
    return {
        "family": "decoder",
        "layers": whole_number(config, "n_layer"),
        "hidden": hidden,
        "heads": whole_number(config, "n_head"),
        "ffn": whole_number(config, "n_inner", None) or 4 * hidden,
        "vocab": whole_number(config, "vocab_size"),
        "seq_len": positions,
        "max_positions": positions,
        "positions": "learned",
        "tied_embeddings": True,
        "bias": True,
        "norm": "layernorm",
        "activation": "gelu_tanh",
    }


def bert(config: Mapping[str, Any]) -> dict[str, Any]:
    positions = whole_number(config, "max_position_embeddings")
    return {
        "family": "encoder",
        "layers": whole_number(config, "num_hidden_layers"),
        "hidden": whole_number(config, "hidden_size"),
        "heads": whole_number(config, "num_attention_heads"),
        "ffn": whole_number(config, "intermediate_size"),
        "vocab": whole_number(config, "vocab_size"),
        "seq_len": min(512, positions),
        "max_positions": positions,
        "positions": "learned",
        "type_vocab": whole_number(config, "type_vocab_size", 2),
        "embedding_norm": True,
        "pooler": True,
        "post_norm": True,
        "bias": True,
        "norm": "layernorm",
        "head": "mlm",
        "tied_embeddings": True,
    }


def vit(config: Mapping[str, Any]) -> dict[str, Any]:
    """A ViT image classifier (ViTForImageClassification's config)."""
    labels = config.get("num_labels") or len(config.get("id2label") or {}) or 1000
    return {
        "family": "vit",
        "layers": whole_number(config, "num_hidden_layers"),
        "hidden": whole_number(config, "hidden_size"),
        "heads": whole_number(config, "num_attention_heads"),
        "ffn": whole_number(config, "intermediate_size"),
        "patch_size": whole_number(config, "patch_size"),
        "image_size": whole_number(config, "image_size"),
        "bias": True,
        "norm": "layernorm",
        "num_classes": int(labels),
    }


def whisper(config: Mapping[str, Any]) -> dict[str, Any]:
    """Whisper: the encoder and decoder share their sizes in every released model."""
    for encoder, decoder in (
        ("encoder_layers", "decoder_layers"),
        ("encoder_attention_heads", "decoder_attention_heads"),
        ("encoder_ffn_dim", "decoder_ffn_dim"),
    ):
        if config.get(encoder) != config.get(decoder):
            raise ModelFileError(
                f"differs from {decoder}: the planner models equal encoder and decoder",
                Location(field=encoder),
            )
    return {
        "family": "whisper",
        "layers": whole_number(config, "encoder_layers"),
        "hidden": whole_number(config, "d_model"),
        "heads": whole_number(config, "encoder_attention_heads"),
        "ffn": whole_number(config, "encoder_ffn_dim"),
        "vocab": whole_number(config, "vocab_size"),
        "seq_len": whole_number(config, "max_target_positions", 448),
        "mel_bins": whole_number(config, "num_mel_bins", 80),
    }


def falcon(config: Mapping[str, Any]) -> dict[str, Any]:
    """Falcon: attention and MLP side by side, multi-query (7B) or grouped (40B, 180B)."""
    if config.get("alibi"):
        raise ModelFileError(
            "is true: ALiBi Falcon variants are not modelled", Location(field="alibi")
        )
    if not config.get("parallel_attn", True):
        raise ModelFileError(
            "is false: sequential Falcon blocks are not modelled", Location(field="parallel_attn")
        )
    hidden = whole_number(config, "hidden_size")
    heads = whole_number(config, "num_attention_heads")
    new = bool(config.get("new_decoder_architecture"))
    kv = (
        whole_number(config, "num_kv_heads", heads)
        if new
        else (1 if config.get("multi_query", True) else heads)
    )
    positions = whole_number(config, "max_position_embeddings", 2048)
    return {
        "family": "decoder",
        "layers": whole_number(config, "num_hidden_layers"),
        "hidden": hidden,
        "heads": heads,
        "kv_heads": kv,
        "ffn": whole_number(config, "ffn_hidden_size", None) or 4 * hidden,
        "vocab": whole_number(config, "vocab_size"),
        "seq_len": min(TRAINING_SEQ, positions),
        "max_positions": positions,
        "tied_embeddings": bool(config.get("tie_word_embeddings", True)),
        "bias": bool(config.get("bias", False)),
        "norm": "layernorm",
        "single_norm": not new,
    }


def mistral3(config: Mapping[str, Any]) -> dict[str, Any]:
    """Mistral Small 3.1's language model (its vision encoder is not modelled)."""
    text = config.get("text_config")
    if not isinstance(text, Mapping):
        raise ModelFileError(
            "is missing: the language model's sizes", Location(field="text_config")
        )
    return {**llama(text), **_vision_config(config, "pixtral")}


HF_ARCHITECTURES: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "mistral3": mistral3,
    "llama": llama,
    "mistral": llama,
    "mixtral": mixtral,
    "qwen2": qwen2,
    "qwen2_moe": qwen2_moe,
    "qwen3": qwen3,
    "qwen3_moe": qwen3_moe,
    "gemma3": gemma3,
    "gemma3_text": gemma3,
    "phi3": phi3,
    "deepseek_v2": deepseek,
    "deepseek_v3": deepseek,
    "gpt_oss": gpt_oss,
    "gpt2": gpt2,
    "bert": bert,
    "vit": vit,
    "falcon": falcon,
    "whisper": whisper,
}


def architecture_from_hf(config: Mapping[str, Any]) -> dict[str, Any]:
    """The architecture table (as a profile's inline `architecture`) of a config.json."""
    model_type = config.get("model_type")
    if not isinstance(model_type, str):
        raise ModelFileError(
            "is missing: which architecture is this?", Location(field="model_type")
        )
    convert = HF_ARCHITECTURES.get(model_type)
    if convert is None:
        known = ", ".join(sorted(HF_ARCHITECTURES))
        raise ModelFileError(
            f"'{model_type}' is not supported (supported: {known})", Location(field="model_type")
        )
    return convert(config)
