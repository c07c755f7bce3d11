"""Workloads: the networks users train, defined by their architecture, with the dataset and
run length time-to-train uses by default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.core.errors import Location, RecordError
from planner.core.networks.attention_variants import Mla, Window
from planner.core.networks.common import Network, total_params
from planner.core.networks.flux import Flux
from planner.core.networks.moe import MoE
from planner.core.networks.resnet import ResNet
from planner.core.networks.transformer import Transformer
from planner.core.networks.unet import UNet
from planner.core.networks.vision_tower import KINDS as VISION_KINDS
from planner.core.networks.vision_tower import VisionTower
from planner.core.networks.whisper import Whisper
from planner.core.parts import ID_PATTERN
from planner.core.records import internal, parse_record, spec

FAMILIES = ("decoder", "encoder", "vit", "resnet", "unet", "whisper", "flux")
TASKS = ("pretrain", "finetune")
ACTIVATIONS = ("gelu", "gelu_tanh", "gelu_pytorch_tanh", "relu", "silu", "swiglu_clamped")
# Bounds of an inline ResNet: channels double per stage and the image halves.
MAX_RESNET_STAGES = 6
MAX_RESNET_BLOCKS = 100
# Chinchilla-optimal pre-training (Hoffmann et al. 2022): about 20 tokens per parameter.
PRETRAIN_TOKENS_PER_PARAM = 20
# Default instruction fine-tuning run: Stanford Alpaca, 52,002 examples for 3 epochs.
FINETUNE_SAMPLES = 52_002
FINETUNE_EPOCHS = 3.0


@dataclass(frozen=True, kw_only=True)
class Architecture:
    """The sizes a network family needs; which fields matter depends on the family."""

    family: str = spec(choices=FAMILIES)
    layers: int = spec(default=0, low=0, high=1_000)
    hidden: int = spec(default=0, low=0, high=100_000)
    heads: int = spec(default=0, low=0, high=1_024)
    kv_heads: int = spec(default=0, low=0, high=1_024)
    ffn: int = spec(default=0, low=0, high=1_000_000)
    gated_ffn: bool = spec(default=False)
    vocab: int = spec(default=0, low=0, high=10_000_000)
    seq_len: int = spec(default=0, low=0, high=10_000_000)
    tied_embeddings: bool = spec(default=False)
    positions: str = spec(default="rotary", choices=("rotary", "learned", "alibi", "none"))
    max_positions: int = spec(default=0, low=0, high=10_000_000)
    bias: bool = spec(default=False)
    qkv_bias: bool = spec(default=False)
    norm: str = spec(default="rmsnorm", choices=("rmsnorm", "layernorm"))
    norm_bias: bool | None = spec(default=None)
    dropout: float = spec(default=0.0, low=0.0, high=0.9)
    # The activation of a non-gated MLP as Hugging Face names it: "gelu" (erf), "gelu_tanh"
    # (HF's gelu_new, a Python tanh formula that keeps more tensors), "gelu_pytorch_tanh",
    # "relu". Gated MLPs (gated_ffn) use SiLU.
    activation: str = spec(default="gelu", choices=ACTIVATIONS)
    head_dim: int = spec(default=0, low=0, high=4_096)
    post_norm: bool = spec(default=False)
    type_vocab: int = spec(default=0, low=0, high=16)
    embedding_norm: bool = spec(default=False)
    pooler: bool = spec(default=False)
    head: str = spec(default="", choices=("", "lm", "mlm", "qa", "classifier", "none"))
    num_classes: int = spec(default=0, low=0, high=1_000_000)
    patch_size: int = spec(default=0, low=0, high=1_024)
    image_size: int = spec(default=0, low=0, high=16_384)
    blocks: tuple[int, ...] = spec(default=())
    mel_bins: int = spec(default=0, low=0, high=1_024)
    # Mixture of experts: routed experts per MoE layer, how many each token uses, each
    # expert's MLP width (default ffn), shared experts' total width, Qwen2-MoE's shared
    # expert gate, and the first layers that keep a dense MLP of width ffn.
    experts: int = spec(default=0, low=0, high=4_096, quiet_default=True)
    experts_per_token: int = spec(default=0, low=0, high=4_096, quiet_default=True)
    expert_ffn: int = spec(default=0, low=0, high=1_000_000, quiet_default=True)
    shared_expert_ffn: int = spec(default=0, low=0, high=1_000_000, quiet_default=True)
    shared_expert_gate: bool = spec(default=False, quiet_default=True)
    router_bias: bool = spec(default=False, quiet_default=True)
    dense_layers: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    # Multi-head latent attention (DeepSeek-V2/V3): a kv_lora_rank > 0 switches it on.
    q_lora_rank: int = spec(default=0, low=0, high=100_000, quiet_default=True)
    kv_lora_rank: int = spec(default=0, low=0, high=100_000, quiet_default=True)
    qk_rope_head_dim: int = spec(default=0, low=0, high=4_096, quiet_default=True)
    qk_nope_head_dim: int = spec(default=0, low=0, high=4_096, quiet_default=True)
    v_head_dim: int = spec(default=0, low=0, high=4_096, quiet_default=True)
    # Sliding-window attention: the window in tokens, and every n-th layer global (0: none).
    sliding_window: int = spec(default=0, low=0, high=10_000_000, quiet_default=True)
    global_every: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    qk_norm: bool = spec(default=False, quiet_default=True)
    sandwich_norm: bool = spec(default=False, quiet_default=True)
    attention_sinks: bool = spec(default=False, quiet_default=True)
    single_norm: bool = spec(default=False, quiet_default=True)
    # A multimodal model's image encoder (frozen when the language model is fine-tuned):
    # its kind, depth, width, MLP width, patch and image size, and Pixtral's patch merge.
    vision: str = spec(default="", choices=("", *VISION_KINDS), quiet_default=True)
    vision_layers: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    vision_hidden: int = spec(default=0, low=0, high=100_000, quiet_default=True)
    vision_ffn: int = spec(default=0, low=0, high=1_000_000, quiet_default=True)
    vision_patch: int = spec(default=0, low=0, high=1_024, quiet_default=True)
    vision_image: int = spec(default=0, low=0, high=16_384, quiet_default=True)
    vision_merge: int = spec(default=0, low=0, high=16, quiet_default=True)
    # Diffusion transformers (FLUX.1): single-stream blocks after the double-stream ones
    # (`layers`), the text encoder's width, the pooled text embedding, a guidance embedding.
    single_layers: int = spec(default=0, low=0, high=1_000, quiet_default=True)
    context_dim: int = spec(default=0, low=0, high=100_000, quiet_default=True)
    pooled_dim: int = spec(default=0, low=0, high=100_000, quiet_default=True)
    guidance_embeds: bool = spec(default=False, quiet_default=True)
    latent_channels: int = spec(default=0, low=0, high=1_024, quiet_default=True)
    extra: Mapping[str, Any] = internal()

    def validate(self) -> None:
        needs = {
            "decoder": ("layers", "hidden", "heads", "ffn", "vocab", "seq_len"),
            "encoder": ("layers", "hidden", "heads", "ffn", "vocab", "seq_len"),
            "vit": ("layers", "hidden", "heads", "ffn", "patch_size", "image_size"),
            "whisper": ("layers", "hidden", "heads", "ffn", "vocab"),
            "resnet": ("blocks",),
            "unet": (),
            "flux": (
                "layers",
                "hidden",
                "heads",
                "ffn",
                "context_dim",
                "pooled_dim",
                "latent_channels",
                "image_size",
                "seq_len",
            ),
        }[self.family]
        for name in needs:
            if name == "ffn" and self.experts and not self.dense_layers:
                continue  # every layer's MLP is experts of expert_ffn
            if not getattr(self, name):
                raise RecordError(f"is required for a {self.family} network", Location(field=name))
        if self.heads and self.hidden and not self.head_dim and self.hidden % self.heads:
            raise RecordError(
                f"hidden ({self.hidden}) must divide by heads ({self.heads})",
                Location(field="heads"),
            )
        kv = self.kv_heads or self.heads
        if self.heads and kv and self.heads % kv:
            raise RecordError(
                f"heads ({self.heads}) must be a multiple of kv_heads ({kv})",
                Location(field="kv_heads"),
            )
        self._validate_shapes()
        self._validate_variants()

    def _validate_variants(self) -> None:
        """Experts and latent attention need all their sizes, consistent ones."""
        if self.experts:
            if not (self.expert_ffn or self.ffn):
                raise RecordError(
                    "is required for a mixture of experts", Location(field="expert_ffn")
                )
            if not 1 <= self.experts_per_token <= self.experts:
                raise RecordError(
                    f"must be 1 to experts ({self.experts}) for a mixture of experts",
                    Location(field="experts_per_token"),
                )
            if self.dense_layers >= self.layers:
                raise RecordError(
                    f"leaves no expert layer of {self.layers}", Location(field="dense_layers")
                )
        elif self.experts_per_token or self.expert_ffn or self.dense_layers:
            raise RecordError("needs experts > 0", Location(field="experts"))
        if self.kv_lora_rank:
            for name in ("qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"):
                if not getattr(self, name):
                    raise RecordError(
                        "is required for latent attention (kv_lora_rank > 0)",
                        Location(field=name),
                    )
        if self.vision:
            for name in ("vision_layers", "vision_hidden", "vision_ffn", "vision_patch"):
                if not getattr(self, name):
                    raise RecordError("is required with a vision encoder", Location(field=name))
            if self.vision == "siglip" and not self.vision_image:
                raise RecordError("is required for SigLIP", Location(field="vision_image"))
        if self.global_every and not self.sliding_window:
            raise RecordError("needs a sliding_window", Location(field="global_every"))

    def _validate_shapes(self) -> None:
        """Sizes that parse but describe no network the planner can model."""
        head = self.head or ("classifier" if self.family == "vit" else "")
        if head == "classifier" and not self.num_classes:
            raise RecordError("a classifier head needs num_classes", Location(field="num_classes"))
        if self.family == "vit" and self.patch_size > self.image_size:
            raise RecordError(
                f"a {self.patch_size}-pixel patch does not fit a {self.image_size}-pixel image",
                Location(field="patch_size"),
            )
        if self.family == "resnet":
            if len(self.blocks) > MAX_RESNET_STAGES:
                raise RecordError(
                    f"at most {MAX_RESNET_STAGES} stages (ResNets have 4)", Location(field="blocks")
                )
            if any(not 1 <= count <= MAX_RESNET_BLOCKS for count in self.blocks):
                raise RecordError(
                    f"each stage has 1 to {MAX_RESNET_BLOCKS} blocks (ResNet-152: 3, 8, 36, 3)",
                    Location(field="blocks"),
                )


@dataclass(frozen=True, kw_only=True)
class Workload:
    id: str = spec(pattern=ID_PATTERN)
    name: str = spec()
    source: tuple[str, ...] = spec()
    params_published: int = spec(low=1)
    # A mixture of experts' published active count as written ("3.3B"), and whether its
    # maker leaves the input embedding out of it (OpenAI and DeepSeek do: a lookup).
    params_active_published: str = spec(default="", pattern=r"^(\d+(\.\d+)?[MB])?$")
    active_without_embedding: bool = spec(default=False)
    architecture: Architecture = spec()
    task: str = spec(default="finetune", choices=TASKS)
    dataset: str = spec()
    dataset_samples: int = spec(low=1)
    # Mean real tokens per example (sequence datasets), from the dataset's statistics:
    # decides the tokens a packed run processes.
    dataset_tokens_per_sample: float | None = spec(default=None, low=1)
    epochs: float = spec(default=1.0, low=0.0001, high=100_000)
    dataset_gb: float | None = spec(default=None, low=0)
    sample_kb: float | None = spec(default=None, low=0)
    default_batch: int = spec(default=8, low=1)
    notes: str = spec(default="")
    extra: Mapping[str, Any] = internal()

    @property
    def family(self) -> str:
        return self.architecture.family


def build_network(architecture: Architecture) -> Network:
    a = architecture
    if a.family in ("decoder", "encoder", "vit"):
        return _transformer(a)
    if a.family == "resnet":
        return ResNet(a.blocks, image_size=a.image_size or 224, classes=a.num_classes or 1000)
    if a.family == "unet":
        return UNet()
    if a.family == "flux":
        return Flux(
            layers=a.layers,
            single_layers=a.single_layers,
            hidden=a.hidden,
            heads=a.heads,
            ffn=a.ffn,
            context_dim=a.context_dim,
            pooled_dim=a.pooled_dim,
            guidance=a.guidance_embeds,
            latent_channels=a.latent_channels,
            image_size=a.image_size,
            text_tokens=a.seq_len,
        )
    return Whisper(
        layers=a.layers,
        hidden=a.hidden,
        heads=a.heads,
        ffn=a.ffn,
        vocab=a.vocab,
        mel_bins=a.mel_bins or 80,
        seq_len=a.seq_len or 448,
    )


def _transformer(a: Architecture) -> Transformer:
    """A decoder, an encoder or a vision transformer (patches of an image as its tokens)."""
    vision = a.family == "vit"
    return Transformer(
        family="decoder" if a.family == "decoder" else "encoder",
        layers=a.layers,
        hidden=a.hidden,
        heads=a.heads,
        kv_heads=a.kv_heads or a.heads,
        ffn=a.ffn,
        vocab=a.vocab,
        seq_len=a.seq_len or ((a.image_size // a.patch_size) ** 2 + 1 if vision else 0),
        gated_ffn=a.gated_ffn,
        tied_embeddings=a.tied_embeddings,
        positions="none" if vision else a.positions,
        max_positions=a.max_positions or a.seq_len,
        bias=a.bias,
        qkv_bias=a.qkv_bias,
        norm=a.norm,
        norm_bias=a.norm_bias,
        dropout=a.dropout,
        activation=a.activation,
        head_dim=a.head_dim,
        post_norm=a.post_norm,
        type_vocab=a.type_vocab,
        embedding_norm=a.embedding_norm,
        pooler=a.pooler,
        head=a.head or ("lm" if a.family == "decoder" else "classifier" if vision else "mlm"),
        num_classes=a.num_classes,
        patch_size=a.patch_size,
        image_size=a.image_size,
        sample_unit="image" if vision else "sequence",
        **_variants(a),
    )


def _variants(a: Architecture) -> dict[str, Any]:
    """The experts, attention variant and extra norms of a transformer architecture."""
    moe = None
    if a.experts:
        moe = MoE(
            experts=a.experts,
            per_token=a.experts_per_token,
            expert_ffn=a.expert_ffn or a.ffn,
            shared_ffn=a.shared_expert_ffn,
            shared_gate=a.shared_expert_gate,
            dense_layers=a.dense_layers,
            bias=a.bias,
            router_bias=a.router_bias,
            gated=a.gated_ffn,
            act_tensors=7 if a.activation == "swiglu_clamped" else 4,
        )
    mla = None
    if a.kv_lora_rank:
        mla = Mla(
            a.q_lora_rank, a.kv_lora_rank, a.qk_rope_head_dim, a.qk_nope_head_dim, a.v_head_dim
        )
    window = Window(a.sliding_window, a.global_every) if a.sliding_window else None
    return {
        "moe": moe,
        "mla": mla,
        "window": window,
        "qk_norm": a.qk_norm,
        "sandwich_norm": a.sandwich_norm,
        "attention_sinks": a.attention_sinks,
        "single_norm": a.single_norm,
        "vision": _vision(a),
    }


def _vision(a: Architecture) -> VisionTower | None:
    if not a.vision:
        return None
    return VisionTower(
        kind=a.vision,
        layers=a.vision_layers,
        hidden=a.vision_hidden,
        ffn=a.vision_ffn,
        patch=a.vision_patch,
        image=a.vision_image,
        text_hidden=a.hidden,
        merge=a.vision_merge or 2,
    )


def parse_architecture(table: Mapping[str, Any]) -> Architecture:
    """An inline architecture (profile or estimate case); unknown keys are an error."""
    architecture = parse_record(Architecture, table)
    if architecture.extra:
        unknown = ", ".join(sorted(architecture.extra))
        raise RecordError(
            f"unknown key(s): {unknown}", Location(field=sorted(architecture.extra)[0])
        )
    return architecture


def inline_workload(architecture: Architecture) -> Workload:
    """A workload around an inline architecture: pre-training for 20 tokens per parameter
    of a generic corpus, or fine-tuning for an Alpaca-sized run."""
    params = total_params(build_network(architecture).parameters())
    return Workload(
        id="inline",
        name=f"Custom {architecture.family} ({params / 1e9:.2f}B parameters)",
        source=("defined inline",),
        params_published=params,
        architecture=architecture,
        task="finetune",
        dataset="Alpaca-sized instruction set (52,002 examples)",
        dataset_samples=FINETUNE_SAMPLES,
        epochs=FINETUNE_EPOCHS,
    )
