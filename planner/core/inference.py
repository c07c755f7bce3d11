"""Serving a model: will it fit, at what context, how fast. Memory per GPU is the weights in
their stored format, the KV cache the architecture keeps (grouped-query heads, DeepSeek's
latent, sliding windows), the engine's workspace and its runtime; speed is a roofline per
decoding step — the weights and the cache read from memory, the products done on the
tensor cores — plus the all-reduces a tensor-parallel split sends over the build's link.

Sources of the format sizes: llama.cpp tools/quantize/README.md (bits per weight of
Llama-3.1-8B files: Q2_K 3.1593, Q4_K_M 4.8944, Q5_K_M 5.7036, Q6_K 6.5633, Q8_0 8.5008),
examples/quantize/README.md (Llama 2 7B Q3_K_M 3.91), ggml's block layouts (Q4_0: 18 bytes
per 32 weights = 4.5 bits; q8_0 34 bytes and q4_0 18 bytes per 32 cache values); 4-bit
AWQ/GPTQ with a 16-bit scale and zero per group of 128 (4.25 bits).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from planner.core.errors import Location, RecordError
from planner.core.memory import CONTEXT_BYTES, GIB
from planner.core.networks.common import total_params
from planner.core.networks.transformer import Transformer

QUANT_BITS = {
    "bf16": 16.0,
    "fp16": 16.0,
    "fp8": 8.0,
    "int8": 8.0,
    "awq": 4.25,
    "gptq": 4.25,
    "Q8_0": 8.5008,
    "Q6_K": 6.5633,
    "Q5_K_M": 5.7036,
    "Q4_K_M": 4.8944,
    "Q4_0": 4.5,
    "Q3_K_M": 3.91,
    "Q2_K": 3.1593,
    # gpt-oss as ggml-org's GGUF files hold it: the experts in MXFP4, the rest in Q8_0.
    "MXFP4": 8.5,
}
# Formats that store the experts of a mixture of experts differently from the rest: MXFP4
# blocks are 32 four-bit values and one shared 8-bit exponent (ggml's block_mxfp4, 17
# bytes per 32 weights; the OCP Microscaling specification).
EXPERT_BITS = {"MXFP4": 4.25}
KV_BYTES = {"f16": 2.0, "bf16": 2.0, "fp8": 1.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
ENGINES = ("llama.cpp", "vllm", "generic")
SPLITS = ("tensor", "layer")


def default_split(engine: str) -> str:
    """llama.cpp splits by whole layers unless told otherwise (-sm layer); vLLM and the
    others by tensors."""
    return "layer" if engine == "llama.cpp" else "tensor"


@dataclass(frozen=True)
class Serving:
    """How the model is served: what a case or a profile's serving workload sets."""

    quant: str = "bf16"
    context: int = 4096  # the longest sequence a slot must hold (prompt + generated)
    prompt_tokens: int = 512
    gen_tokens: int = 128
    concurrency: int = 1  # sequences decoded together
    kv_dtype: str = "f16"
    split: str = "layer"  # over the GPUs: whole layers per GPU (llama.cpp) or tensor-parallel
    offload_layers: int = 0  # layers kept in system RAM (llama.cpp runs them on the CPU)
    # Mixture-of-experts layers whose experts stay in system RAM while the rest of the layer
    # is on the GPU (llama.cpp's --n-cpu-moe N): the CPU runs the chosen experts.
    offload_experts: int = 0
    engine: str = "llama.cpp"
    gpus: int = 1
    # Flash attention: no score matrix in memory. llama.cpp turns it on where the GPU
    # supports it (-fa auto, 2025); llama-bench runs of 2023-24 had it off.
    flash_attention: bool = True

    @property
    def weight_bits(self) -> float:
        return QUANT_BITS[self.quant]

    @property
    def expert_bits(self) -> float:
        return EXPERT_BITS.get(self.quant, self.weight_bits)

    @property
    def kv_bytes(self) -> float:
        return KV_BYTES[self.kv_dtype]


@dataclass(frozen=True)
class ServingMemory:
    weights: float  # per GPU, bytes
    kv_cache: float
    activations: float
    overhead: float
    system_ram: float  # offloaded layers' weights and cache, and the engine's host copy
    capacity: float  # per GPU, what the engine may use

    @property
    def total(self) -> float:
        return self.weights + self.kv_cache + self.activations + self.overhead

    @property
    def fits(self) -> bool:
        return self.total <= self.capacity

    def to_json(self) -> dict[str, object]:
        return {
            "weights": int(self.weights),
            "kv_cache": int(self.kv_cache),
            "activations": int(self.activations),
            "overhead": int(self.overhead),
            "total": int(self.total),
            "fits": self.fits,
            "per_gpu": True,
            "system_ram": int(self.system_ram),
        }


def kv_bytes_per_token(net: Transformer, serving: Serving, context: int) -> float:
    """Cache bytes one sequence holds over `context` tokens, all layers (divided by the
    context: per token, windows counted at their size)."""
    if net.mla is not None:
        per_layer = (net.mla.kv_rank + net.mla.rope_dim) * serving.kv_bytes
    else:
        per_layer = 2 * net.kv_heads * net.head_size * serving.kv_bytes
    window = net.window
    if window is None:
        return per_layer * net.layers
    local = window.local_layers(net.layers) * min(context, window.size) / max(1, context)
    return per_layer * (window.global_layers(net.layers) + local)


def weight_bytes(net: Transformer, serving: Serving) -> float:
    """The served weights in their format (a mixture's experts in theirs)."""
    experts = expert_params(net)
    return (
        (served_params(net) - experts) * serving.weight_bits + experts * serving.expert_bits
    ) / 8


def expert_params(net: Transformer) -> int:
    """The routed experts' weights, every layer (0 for a dense model)."""
    moe = net.moe
    if moe is None:
        return 0
    return moe.matrices * moe.expert_ffn * net.hidden * moe.experts * moe.moe_layers(net.layers)


@cache
def served_params(net: Transformer) -> int:
    """The parameters served (a multimodal model's image encoder excluded: llama.cpp and
    vLLM load it separately, for image inputs only); once per network, as the longest
    context's search and the charts ask again and again."""
    return total_params(tuple(p for p in net.parameters() if not p.name.startswith("vision.")))


# llama.cpp evaluates prompts in micro-batches of 512 tokens (its --ubatch-size default);
# the workspace holds their logits (fp32 over the vocabulary) and the widest intermediate.
UBATCH = 512
# llama.cpp needs only the CUDA context: with lazy module loading (CUDA 11.7 and later) it is
# "~300MB" (NVIDIA's ptrblck, pytorch/pytorch#107667); llama.cpp loads no cuDNN and sizes
# its own buffers (counted as workspace). PyTorch-based engines keep the training figure.
LLAMA_CPP_CONTEXT_BYTES = 0.3 * GIB
# vLLM lets itself use this share of each GPU (its gpu_memory_utilization default).
VLLM_UTILIZATION = 0.9


def serving_memory(
    net: Transformer, serving: Serving, vram_bytes: float, context: int | None = None
) -> ServingMemory:
    context = context or serving.context
    n = max(1, serving.gpus)
    gpu_layers = max(0, net.layers - serving.offload_layers)
    on_gpu = gpu_layers / net.layers
    weights = weight_bytes(net, serving)
    kv = kv_bytes_per_token(net, serving, context) * context * serving.concurrency
    workspace = float(UBATCH * (net.vocab + 2 * max(net.ffn, 1) + 4 * net.hidden) * 4)
    if not serving.flash_attention:
        # Without flash attention (llama.cpp's default) a micro-batch's fp32 scores over
        # the whole cache: n_ubatch × n_ctx × heads values, for the layer being computed
        # (a tensor split divides the heads).
        workspace += UBATCH * context * net.heads * 4 / (n if serving.split == "tensor" else 1)
    capacity = vram_bytes * (VLLM_UTILIZATION if serving.engine == "vllm" else 1.0)
    experts = offloaded_expert_bytes(net, serving)
    host = host_embedding_bytes(net, serving)
    # A layer split keeps the output layer whole on the last GPU, the fullest one.
    head = head_bytes(net, serving) if serving.split == "layer" and n > 1 else 0.0
    return ServingMemory(
        weights=((weights - host - head) * on_gpu - experts) / n + head,
        kv_cache=kv * on_gpu / n,
        activations=workspace,
        overhead=LLAMA_CPP_CONTEXT_BYTES if serving.engine == "llama.cpp" else CONTEXT_BYTES,
        system_ram=(weights - host + kv) * (1 - on_gpu) + experts + host,
        capacity=capacity,
    )


def head_bytes(net: Transformer, serving: Serving) -> float:
    """The output layer (vocabulary × hidden) in the served format."""
    return net.vocab * net.hidden * serving.weight_bits / 8 if net.vocab else 0.0


def host_embedding_bytes(net: Transformer, serving: Serving) -> float:
    """The input embedding table llama.cpp keeps in system RAM even with every layer on the
    GPU: it only looks rows up ("offloaded 41/41 layers to GPU" beside "CPU buffer size =
    1640.62 MiB", ggml-org/llama.cpp#6122). A tied table is also the output layer, which
    stays on the GPU."""
    if serving.engine != "llama.cpp" or net.tied_embeddings:
        return 0.0
    return head_bytes(net, serving)  # the input table has the output layer's shape


def offloaded_expert_bytes(net: Transformer, serving: Serving) -> float:
    """The experts of the MoE layers kept in system RAM (--n-cpu-moe), in their format."""
    moe = net.moe
    if moe is None or not serving.offload_experts:
        return 0.0
    layers = min(serving.offload_experts, moe.moe_layers(net.layers))
    return expert_params(net) / moe.moe_layers(net.layers) * layers * serving.expert_bits / 8


def max_context(net: Transformer, serving: Serving, vram_bytes: float) -> int:
    """The longest context every concurrent sequence can hold (0: not even the weights)."""
    limit = net.max_positions or net.seq_len or 131_072
    if not serving_memory(net, serving, vram_bytes, 1).fits:
        return 0
    low, high = 1, limit
    while low < high:  # the cache grows with the context (windows stop growing): bisect
        middle = (low + high + 1) // 2
        if serving_memory(net, serving, vram_bytes, middle).fits:
            low = middle
        else:
            high = middle - 1
    return low


MAX_SEQUENCES = 4_096


def max_sequences(net: Transformer, serving: Serving, vram_bytes: float) -> int:
    """The most sequences that can be decoded together at the serving's context (0: not
    even one)."""

    def fits(count: int) -> bool:
        return serving_memory(net, replace(serving, concurrency=count), vram_bytes).fits

    if not fits(1):
        return 0
    low, high = 1, MAX_SEQUENCES
    while low < high:  # each sequence adds its own cache: bisect
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def position_limit(net: Transformer) -> int:
    """The longest sequence the model was built for (10 million where it names none)."""
    return net.max_positions or 10_000_000


def default_context(net: Transformer, prompt_tokens: int, gen_tokens: int) -> int:
    """Prompt and answer, at least 4,096 tokens, within what the model was built for."""
    return min(max(prompt_tokens + gen_tokens, 4096), position_limit(net))


def check_serving(net: Transformer, serving: Serving) -> None:
    """A RecordError naming the field of a setting the model cannot be served with."""
    limit = position_limit(net)
    for field, value in (
        ("context", serving.context),
        ("prompt_tokens", serving.prompt_tokens),
        ("gen_tokens", serving.gen_tokens),
    ):
        if value > limit:
            raise RecordError(
                f"{value:,} exceeds the {limit:,} positions the model was built with",
                Location(field=field),
            )
    if serving.prompt_tokens + serving.gen_tokens > serving.context:
        raise RecordError(
            f"prompt_tokens + gen_tokens ({serving.prompt_tokens + serving.gen_tokens:,}) "
            f"exceed the context ({serving.context:,})",
            Location(field="context"),
        )
    moe_layers = net.moe.moe_layers(net.layers) if net.moe else 0
    if serving.offload_experts > moe_layers:
        raise RecordError(
            f"{serving.offload_experts} exceeds the model's {moe_layers} layers with experts",
            Location(field="offload_experts"),
        )
    if serving.offload_layers and serving.offload_experts:
        raise RecordError(
            "keep either whole layers or only experts in system RAM, not both",
            Location(field="offload_experts"),
        )
    if serving.offload_layers > net.layers:
        raise RecordError(
            f"{serving.offload_layers} exceeds the model's {net.layers} layers",
            Location(field="offload_layers"),
        )
