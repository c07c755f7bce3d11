"""Dev-only: the bytes autograd saves for the 2024-26 architecture variants — mixtures of
experts (Mixtral, Qwen2-MoE, Qwen3-MoE), DeepSeek-V3's latent attention with shared experts
and dense first layers, gpt-oss's sinks, biases and windows, Gemma 3's windows and extra
norms — on the real Hugging Face implementations, for tests/test_model_variants.py.

    /tmp/torchenv/bin/python tests/tools/measure_variant_activations.py \\
        > tests/data/variant_activations.json

FLUX.1's transformer runs as diffusers builds it, with SDPA (on CPU in fp32 the flash
kernel, which keeps what CUDA's does). Small configs (hidden 256, a few layers, real expert counts where they matter) run on real
CPU tensors in fp32 with eager attention and no dropout, where CPU and CUDA keep the same
tensors (tests/tools/measure_library_activations.py explains the differences otherwise).
Routing is data-dependent: the experts' rows are whatever the random router picks, which
sum to tokens × experts_per_token whatever the split. Each case also records the planner
architecture the importer makes of the same config, so the test needs no torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torch
import transformers as t

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from fake_cuda import saved_bytes  # noqa: E402

from planner.core.model_import import architecture_from_hf  # noqa: E402

BASE = {
    "hidden_size": 256,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 1000,
    "max_position_embeddings": 4096,
    "attention_dropout": 0.0,
}
CASES: list[tuple[str, Any, Any, dict[str, Any]]] = [
    (
        "mixtral",
        t.MixtralConfig,
        t.MixtralForCausalLM,
        dict(
            BASE,
            model_type="mixtral",
            num_hidden_layers=2,
            intermediate_size=512,
            num_local_experts=8,
            num_experts_per_tok=2,
        ),
    ),
    (
        "qwen2_moe",
        t.Qwen2MoeConfig,
        t.Qwen2MoeForCausalLM,
        dict(
            BASE,
            model_type="qwen2_moe",
            num_hidden_layers=2,
            intermediate_size=512,
            moe_intermediate_size=128,
            shared_expert_intermediate_size=512,
            num_experts=16,
            num_experts_per_tok=4,
        ),
    ),
    (
        "qwen3_moe",
        t.Qwen3MoeConfig,
        t.Qwen3MoeForCausalLM,
        dict(
            BASE,
            model_type="qwen3_moe",
            num_hidden_layers=2,
            intermediate_size=512,
            head_dim=64,
            moe_intermediate_size=128,
            num_experts=16,
            num_experts_per_tok=4,
        ),
    ),
    (
        "deepseek_v3",
        t.DeepseekV3Config,
        t.DeepseekV3ForCausalLM,
        dict(
            BASE,
            model_type="deepseek_v3",
            num_hidden_layers=3,
            intermediate_size=512,
            num_key_value_heads=4,
            moe_intermediate_size=128,
            n_routed_experts=16,
            num_experts_per_tok=4,
            n_shared_experts=1,
            first_k_dense_replace=1,
            q_lora_rank=96,
            kv_lora_rank=64,
            qk_rope_head_dim=16,
            qk_nope_head_dim=32,
            v_head_dim=32,
            n_group=1,
            topk_group=1,
        ),
    ),
    (
        "gpt_oss",
        t.GptOssConfig,
        t.GptOssForCausalLM,
        dict(
            BASE,
            model_type="gpt_oss",
            num_hidden_layers=2,
            intermediate_size=256,
            head_dim=64,
            num_local_experts=8,
            num_experts_per_tok=2,
            sliding_window=32,
            layer_types=["sliding_attention", "full_attention"],
        ),
    ),
    (
        "gemma3_text",
        t.Gemma3TextConfig,
        t.Gemma3ForCausalLM,
        dict(
            BASE,
            model_type="gemma3_text",
            num_hidden_layers=6,
            intermediate_size=512,
            head_dim=64,
            sliding_window=32,
            sliding_window_pattern=6,
        ),
    ),
]
SHAPES = ((2, 128),)


def measure(config_cls: Any, model_cls: Any, config: dict[str, Any], batch: int, seq: int) -> int:
    torch.manual_seed(0)
    sizes = {k: v for k, v in config.items() if k != "model_type"}
    model = model_cls(config_cls(**sizes, attn_implementation="eager")).train()
    ids = torch.randint(0, config["vocab_size"], (batch, seq))
    return saved_bytes(model, lambda: model(input_ids=ids, labels=ids).loss, None).activation_bytes


FLUX_SMALL = {
    "num_layers": 1,
    "num_single_layers": 2,
    "attention_head_dim": 64,
    "num_attention_heads": 2,
    "joint_attention_dim": 64,
    "pooled_projection_dim": 32,
    "in_channels": 64,
    "guidance_embeds": True,
    "axes_dims_rope": (8, 28, 28),
}
# The planner's description of FLUX_SMALL: 256 px images (16 × 16 = 256 patches), 64 text tokens.
FLUX_ARCHITECTURE = {
    "family": "flux",
    "layers": 1,
    "single_layers": 2,
    "hidden": 128,
    "heads": 2,
    "ffn": 512,
    "context_dim": 64,
    "pooled_dim": 32,
    "guidance_embeds": True,
    "latent_channels": 16,
    "image_size": 256,
    "seq_len": 64,
}


def measure_flux(batch: int) -> int:
    """diffusers' FluxTransformer2DModel with the flow-matching loss its examples use."""
    import diffusers

    torch.manual_seed(0)
    model = diffusers.FluxTransformer2DModel(**FLUX_SMALL).train()
    image, text = 256, 64
    latents = torch.randn(batch, image, 64)
    context = torch.randn(batch, text, 64)
    pooled = torch.randn(batch, 32)
    step = torch.rand(batch)
    image_ids = torch.zeros(image, 3)
    text_ids = torch.zeros(text, 3)
    target = torch.randn(batch, image, 64)

    def run() -> object:
        out = model(latents, context, pooled, step, image_ids, text_ids, guidance=step).sample
        return torch.nn.functional.mse_loss(out.float(), target)

    return cpu_saved_bytes(model, run)


def cpu_saved_bytes(model: torch.nn.Module, run: Any) -> int:
    """The storages autograd keeps on real CPU tensors, parameters left out (fake_cuda's
    saved_bytes routes SDPA to CUDA kernels, which CPU tensors cannot run)."""
    params = {p.untyped_storage()._cdata for p in model.parameters()}
    storages: dict[int, int] = {}
    kept: list[torch.Tensor] = []

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage._cdata not in params:
            storages[storage._cdata] = storage.nbytes()
            kept.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run()
    return sum(storages.values())


def main() -> None:
    rows = []
    rows.append(
        {
            "name": "flux",
            "config": FLUX_SMALL,
            "architecture": FLUX_ARCHITECTURE,
            "batch": 2,
            "seq_len": 64,
            "dtype": "fp32",
            "attention": "sdpa",
            "activation_bytes": measure_flux(2),
        }
    )
    for name, config_cls, model_cls, config in CASES:
        for batch, seq in SHAPES:
            rows.append(
                {
                    "name": name,
                    "config": config,
                    "architecture": architecture_from_hf(config),
                    "batch": batch,
                    "seq_len": seq,
                    "dtype": "fp32",
                    "attention": "eager",
                    "activation_bytes": measure(config_cls, model_cls, config, batch, seq),
                }
            )
            print(name, rows[-1]["activation_bytes"], file=sys.stderr)
    json.dump(
        {"transformers": t.__version__, "torch": torch.__version__, "cases": rows},
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
