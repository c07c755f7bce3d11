"""Dev-only: the library models tests/tools/measure_library_activations.py measures, built
from configs with the published sizes of catalog workloads (no downloads), and the training
forward pass (with the library's loss) each runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import diffusers
import timm
import torch
import torch.nn.functional as F
import transformers
from torch import nn


@dataclass(frozen=True)
class Spec:
    """One catalog workload as a library builds it: `build(layers)` makes the model at a
    depth, `inputs(model, batch, seq_len)` runs a training forward pass with its loss."""

    workload: str
    library: str
    model: str
    config: dict[str, Any]
    layers: int
    build: Callable[[int], nn.Module]
    inputs: Callable[[nn.Module, int, int], Callable[[], object]]
    shapes: tuple[tuple[int, int], ...]  # (batch, seq_len) pairs
    attention: tuple[str, ...] = ("eager", "sdpa")
    architecture: dict[str, Any] = field(default_factory=dict)  # overrides of the catalog's


def hf(cls: Callable[..., nn.Module], config_cls: Any, depth_keys: tuple[str, ...], **config: Any):  # type: ignore[no-untyped-def]
    def build(layers: int, attention: str = "sdpa") -> nn.Module:
        sizes = dict(config, **dict.fromkeys(depth_keys, layers))
        return cls(config_cls(**sizes, attn_implementation=attention))

    return build


def lm_inputs(model: nn.Module, batch: int, seq_len: int) -> Callable[[], object]:
    vocab = model.config.vocab_size
    ids = torch.randint(0, vocab, (batch, seq_len))
    return lambda: model(input_ids=ids, labels=ids).loss


def qa_inputs(model: nn.Module, batch: int, seq_len: int) -> Callable[[], object]:
    ids = torch.randint(0, model.config.vocab_size, (batch, seq_len))
    start = torch.randint(0, seq_len, (batch,))
    end = torch.randint(0, seq_len, (batch,))
    return lambda: model(input_ids=ids, start_positions=start, end_positions=end).loss


def image_inputs(model: nn.Module, batch: int, seq_len: int) -> Callable[[], object]:
    pixels = torch.randn(batch, 3, 224, 224)
    labels = torch.randint(0, 1000, (batch,))
    if isinstance(model, transformers.PreTrainedModel):
        return lambda: model(pixel_values=pixels, labels=labels).loss
    return lambda: F.cross_entropy(model(pixels), labels)


def whisper_inputs(model: nn.Module, batch: int, seq_len: int) -> Callable[[], object]:
    features = torch.randn(batch, model.config.num_mel_bins, 3000)
    # The stacks' own train flag only draws LayerDrop (0 in Whisper's configs) with a value
    # a fake tensor cannot compare; their layers stay in train mode.
    model.model.encoder.training = model.model.decoder.training = False
    labels = torch.randint(0, model.config.vocab_size, (batch, seq_len))
    return lambda: model(input_features=features, labels=labels).loss


def unet_inputs(model: nn.Module, batch: int, seq_len: int) -> Callable[[], object]:
    # diffusers' train_text_to_image.py: predict the noise, fp32 mean-squared error.
    latents = torch.randn(batch, 4, 64, 64)
    steps = torch.randint(0, 1000, (batch,))
    text = torch.randn(batch, 77, 768)
    return lambda: F.mse_loss(model(latents, steps, text).sample.float(), latents.float())


def gpt2(workload: str, hidden: int, layers: int, heads: int, shapes: Any) -> Spec:
    config = {"n_embd": hidden, "n_head": heads, "vocab_size": 50257, "n_positions": 1024}
    build = hf(transformers.GPT2LMHeadModel, transformers.GPT2Config, ("n_layer",), **config)
    return Spec(
        workload, "transformers", "GPT2LMHeadModel", config, layers, build, lm_inputs, shapes
    )


def bert(
    workload: str, hidden: int, layers: int, heads: int, shapes: Any, mlm: bool = False
) -> Spec:
    config = {
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "intermediate_size": 4 * hidden,
        "vocab_size": 30522,
    }
    cls = transformers.BertForMaskedLM if mlm else transformers.BertForQuestionAnswering
    build = hf(cls, transformers.BertConfig, ("num_hidden_layers",), **config)
    inputs = lm_inputs if mlm else qa_inputs
    extra = {"head": "mlm"} if mlm else {}
    return Spec(
        workload,
        "transformers",
        cls.__name__,
        config,
        layers,
        build,
        inputs,
        shapes,
        architecture=extra,
    )


def llama(
    workload: str, cls: Any, config_cls: Any, layers: int, shapes: Any, **config: Any
) -> Spec:
    build = hf(cls, config_cls, ("num_hidden_layers",), **config)
    return Spec(workload, "transformers", cls.__name__, config, layers, build, lm_inputs, shapes)


def specs() -> list[Spec]:
    t = transformers
    vit = {
        "hidden_size": 768,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
        "num_labels": 1000,
    }
    vit_l = {
        "hidden_size": 1024,
        "num_attention_heads": 16,
        "intermediate_size": 4096,
        "num_labels": 1000,
    }
    whisper = {
        "d_model": 768,
        "encoder_attention_heads": 12,
        "decoder_attention_heads": 12,
        "encoder_ffn_dim": 3072,
        "decoder_ffn_dim": 3072,
        "vocab_size": 51865,
        "num_mel_bins": 80,
    }
    whisper_l = {
        "d_model": 1280,
        "encoder_attention_heads": 20,
        "decoder_attention_heads": 20,
        "encoder_ffn_dim": 5120,
        "decoder_ffn_dim": 5120,
        "vocab_size": 51866,
        "num_mel_bins": 128,
    }
    llama2 = {
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "vocab_size": 32000,
    }
    llama32 = {
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
        "tie_word_embeddings": True,
        "head_dim": 64,
    }
    llama31 = {
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
    }
    qwen05 = {
        "hidden_size": 896,
        "intermediate_size": 4864,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "vocab_size": 151936,
        "tie_word_embeddings": True,
    }
    qwen7 = {
        "hidden_size": 3584,
        "intermediate_size": 18944,
        "num_attention_heads": 28,
        "num_key_value_heads": 4,
        "vocab_size": 152064,
    }

    def whisper_build(sizes: dict[str, Any]):  # type: ignore[no-untyped-def]
        depth = ("encoder_layers", "decoder_layers")
        return hf(t.WhisperForConditionalGeneration, t.WhisperConfig, depth, **sizes)

    return [
        gpt2("gpt2", 768, 12, 12, ((4, 1024), (8, 512))),
        gpt2("gpt2-medium", 1024, 24, 16, ((2, 1024),)),
        gpt2("gpt2-xl", 1600, 48, 25, ((2, 1024),)),
        bert("bert-base", 768, 12, 12, ((8, 384), (4, 128))),
        bert("bert-large", 1024, 24, 16, ((4, 384),)),
        bert("bert-base", 768, 12, 12, ((8, 512),), mlm=True),
        llama("llama-2-7b", t.LlamaForCausalLM, t.LlamaConfig, 32, ((2, 1024),), **llama2),
        llama(
            "llama-3-2-1b", t.LlamaForCausalLM, t.LlamaConfig, 16, ((4, 1024), (2, 512)), **llama32
        ),
        llama("llama-3-1-8b", t.LlamaForCausalLM, t.LlamaConfig, 32, ((2, 1024),), **llama31),
        llama(
            "mistral-7b",
            t.MistralForCausalLM,
            t.MistralConfig,
            32,
            ((2, 1024),),
            **dict(llama31, vocab_size=32000),
            sliding_window=4096,
        ),
        llama("qwen2-5-0-5b", t.Qwen2ForCausalLM, t.Qwen2Config, 24, ((4, 1024),), **qwen05),
        llama("qwen2-5-7b", t.Qwen2ForCausalLM, t.Qwen2Config, 28, ((2, 1024),), **qwen7),
        Spec(
            "vit-b-16",
            "transformers",
            "ViTForImageClassification",
            vit,
            12,
            hf(t.ViTForImageClassification, t.ViTConfig, ("num_hidden_layers",), **vit),
            image_inputs,
            ((8, 197),),
        ),
        Spec(
            "vit-l-16",
            "transformers",
            "ViTForImageClassification",
            vit_l,
            24,
            hf(t.ViTForImageClassification, t.ViTConfig, ("num_hidden_layers",), **vit_l),
            image_inputs,
            ((4, 197),),
        ),
        Spec(
            "whisper-small",
            "transformers",
            "WhisperForConditionalGeneration",
            whisper,
            12,
            whisper_build(whisper),
            whisper_inputs,
            ((4, 448), (8, 128)),
        ),
        Spec(
            "whisper-large-v3",
            "transformers",
            "WhisperForConditionalGeneration",
            whisper_l,
            32,
            whisper_build(whisper_l),
            whisper_inputs,
            ((2, 448),),
        ),
        Spec(
            "resnet-50",
            "timm",
            "resnet50",
            {},
            0,
            lambda layers, attention="none": timm.create_model("resnet50"),
            image_inputs,
            ((8, 0), (32, 0)),
            ("none",),
        ),
        Spec(
            "stable-diffusion-1-5-unet",
            "diffusers",
            "UNet2DConditionModel",
            {"cross_attention_dim": 768},
            0,
            lambda layers, attention="sdpa": diffusers.UNet2DConditionModel(
                cross_attention_dim=768
            ),
            unet_inputs,
            ((2, 0), (4, 0)),
            ("sdpa",),
        ),
    ]
