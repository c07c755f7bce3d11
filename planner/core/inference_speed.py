"""How fast a model serves: a roofline per decoding step and for the prompt, with the
constants calibrated on training runs (planner/core/calibrated.py) — decoding is the
bandwidth-bound case those constants describe, prompt processing the compute-bound one —
so measured serving speeds are a test the model never saw (tests/benchmarks/).

A decoding step of `concurrency` sequences reads every weight the step uses once (a mixture
of experts: the experts its tokens chose) and each sequence's cache, and does 2 FLOPs per
active parameter per sequence plus the attention over the cache. Tensor parallelism divides
both over the GPUs and adds two all-reduces of the hidden state per layer over the build's
link; a layer split runs the GPUs one after another. Layers left in system RAM are read by
the CPU at the memory's own bandwidth (llama.cpp computes them there)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.calibrated import CONSTANTS
from planner.core.inference import (
    UBATCH,
    Serving,
    kv_bytes_per_token,
    offloaded_expert_bytes,
    weight_bytes,
)
from planner.core.model_constants import Constants
from planner.core.networks.attention_variants import keys_per_query
from planner.core.networks.transformer import Transformer
from planner.core.performance import ComputeSpec, Link
from planner.core.serving_constants import (
    DECODE_RANGE,
    PREFILL_RANGE,
    SERVING,
    ServingConstants,
)

HOST_STAGING = 0.5  # no peer-to-peer: every byte copied through host memory
# A small all-reduce is latency-bound: a ring of n GPUs takes 2(n - 1) steps. Eight GeForce
# RTX 3090s over PCIe (no peer-to-peer) all-reduce 8 bytes in 54.18 µs (nccl-tests
# all_reduce_perf, github.com/NVIDIA/nccl/issues/1439): 54.18 / 14 µs per step.
RING_STEP_S = 54.18e-6 / 14
SCORE_PASSES = 4  # the score matrix written, read and written by softmax, read by V


@dataclass(frozen=True)
class ServingSpeed:
    decode_tokens_per_s: float  # each sequence
    aggregate_tokens_per_s: float
    prefill_tokens_per_s: float
    ttft_s: float
    bound: str  # what limits a decoding step
    link_share: float = 0.0  # of a decoding step: the tensor-parallel all-reduces
    decode: DecodeTerms | None = None  # the terms, for the explanation
    prompt: PromptTerms | None = None

    @property
    def decode_range(self) -> tuple[float, float]:
        """Each sequence's tokens/s, from the 5th to the 95th percentile of measured ÷
        predicted on GPUs left out of the fit."""
        low, high = DECODE_RANGE
        return self.decode_tokens_per_s * low, self.decode_tokens_per_s * high

    @property
    def prefill_range(self) -> tuple[float, float]:
        low, high = PREFILL_RANGE
        return self.prefill_tokens_per_s * low, self.prefill_tokens_per_s * high


def lookup_params(net: Transformer) -> int:
    """The input embedding, of which a token only looks up its own row: never read whole
    nor multiplied (0 when the output head shares it, which reads it all)."""
    return 0 if net.tied_embeddings else net.vocab * net.hidden


def read_weight_bytes(net: Transformer, serving: Serving, sequences: int) -> float:
    """Weight bytes a step over `sequences` tokens reads: every expert its tokens chose, not
    the input embedding's table."""
    total = weight_bytes(net, serving) - lookup_params(net) * serving.weight_bits / 8
    moe = net.moe
    if moe is None:
        return total
    per_expert = moe.matrices * moe.expert_ffn * net.hidden * serving.expert_bits / 8
    layers = moe.moe_layers(net.layers)
    all_experts = per_expert * moe.experts * layers
    chosen = moe.experts * (1 - (1 - moe.per_token / moe.experts) ** sequences)
    return total - all_experts + per_expert * chosen * layers


def chosen_expert_bytes(net: Transformer, serving: Serving, sequences: int) -> float:
    """Bytes of the experts kept in system RAM (--n-cpu-moe) that a step over `sequences`
    tokens uses: those its tokens chose, in the offloaded layers."""
    moe = net.moe
    if moe is None or not serving.offload_experts:
        return 0.0
    per_expert = moe.matrices * moe.expert_ffn * net.hidden * serving.expert_bits / 8
    chosen = moe.experts * (1 - (1 - moe.per_token / moe.experts) ** sequences)
    return per_expert * chosen * min(serving.offload_experts, moe.moe_layers(net.layers))


def _compute_rate(gpu: ComputeSpec, fitted: ServingConstants, quantized: bool = False) -> float:
    """The tensor rate prompt processing reaches. GeForce cards run FP16-accumulate (and
    8-bit integer) tensor math at twice the FP32-accumulate rate the catalog lists (NVIDIA's
    Ampere and Ada GeForce whitepapers); llama.cpp uses both."""
    peak = (gpu.fp16_tensor_tflops or gpu.fp32_tflops) * 1e12
    if gpu.fp16_tensor_tflops and "GeForce" in gpu.name:
        peak *= 2
    return peak * (fitted.prefill_quantized if quantized else fitted.prefill)


def _bandwidth(gpu: ComputeSpec, serving: ServingConstants) -> float:
    return serving.bandwidth(gpu.memory_bandwidth_gbs, gpu.hbm)


@dataclass(frozen=True)
class DecodeTerms:
    """One decoding step, term by term (seconds, bytes, FLOPs), for the explanation."""

    weights: float  # bytes of weights read (the chosen experts; not the embedding table)
    cache: float  # bytes of KV cache read
    bandwidth: float  # bytes/s the GPU's memory reaches
    memory_s: float
    flops: float
    compute_rate: float  # FLOP/s
    compute_s: float
    layers_s: float  # the fixed time of every layer
    offloaded_s: float  # layers in system RAM, read by the CPU
    link_s: float  # tensor-parallel all-reduces
    bound: str

    @property
    def total(self) -> float:
        return max(self.memory_s, self.compute_s) + self.layers_s + self.offloaded_s + self.link_s


def decode_terms(
    net: Transformer,
    serving: Serving,
    gpu: ComputeSpec,
    constants: Constants,
    link: Link | None,
    host_bandwidth_gbs: float,
    context: float,
    fitted: ServingConstants = SERVING,
) -> DecodeTerms:
    n = max(1, serving.gpus)
    batch = serving.concurrency
    on_gpu = max(0, net.layers - serving.offload_layers) / net.layers
    weights = read_weight_bytes(net, serving, batch)
    cache = batch * kv_bytes_per_token(net, serving, int(context)) * context
    flops = 2.0 * (net.active_params() - lookup_params(net)) * batch
    flops += 4.0 * batch * net.heads * net.head_size * attended_keys(net, int(context), 1)
    parallel = n if serving.split == "tensor" else 1
    bandwidth, rate = _bandwidth(gpu, fitted), _compute_rate(gpu, fitted)
    memory_s = (weights + cache) * on_gpu / parallel / bandwidth
    compute_s = flops * on_gpu / parallel / rate
    step, bound = max((memory_s, "GPU memory bandwidth"), (compute_s, "compute"))
    layers_s = net.layers * fitted.decode_layer_us * 1e-6  # launching and syncing each layer
    step += layers_s
    cpu_s = 0.0
    host = host_bandwidth_gbs * 1e9 * constants.memory_efficiency
    if on_gpu < 1:
        cpu_s = (weights + cache) * (1 - on_gpu) / host
    cpu_experts = chosen_expert_bytes(net, serving, batch)
    if cpu_experts:  # the CPU reads these; the GPU does not
        cpu_s += cpu_experts / host
        memory_s = max(0.0, memory_s - cpu_experts / parallel / bandwidth)
        step = max(memory_s, compute_s) + layers_s
    if cpu_s:
        step += cpu_s
        if cpu_s > step / 2:
            bound = "system RAM bandwidth (offloaded layers)"
    comm_s = _all_reduce_s(net, serving, link, constants)
    if comm_s:
        step += comm_s
        if comm_s > step / 2:
            bound = "the link between GPUs"
    terms = (weights, cache, bandwidth, memory_s, flops, rate, compute_s, layers_s, cpu_s)
    return DecodeTerms(*terms, comm_s, bound)


def _all_reduce_s(net: Transformer, serving: Serving, link: Link | None, c: Constants) -> float:
    """A tensor-parallel step's two all-reduces of the hidden state per layer (16-bit) over
    the build's link: the bytes a ring moves at the link's rate plus its 2(n - 1) steps."""
    n = max(1, serving.gpus)
    if serving.split != "tensor" or n < 2 or link is None:
        return 0.0
    moved = 2 * net.layers * serving.concurrency * net.hidden * 2 * 2 * (n - 1) / n
    link_rate = link.gbs * 1e9 * c.link_efficiency * (1 if link.p2p else HOST_STAGING)
    return moved / link_rate + 2 * net.layers * 2 * (n - 1) * RING_STEP_S


@dataclass(frozen=True)
class PromptTerms:
    """One sequence's prompt: compute-bound products, the weights read once per batch, and
    without flash attention the score matrix's traffic."""

    flops: float
    compute_rate: float
    compute_s: float
    memory_s: float
    scores_s: float
    layers_s: float = 0.0  # every layer's work around the products

    @property
    def total(self) -> float:
        return max(self.compute_s, self.memory_s) + self.scores_s + self.layers_s


def prompt_terms(
    net: Transformer, serving: Serving, gpu: ComputeSpec, fitted: ServingConstants = SERVING
) -> PromptTerms:
    tokens = serving.prompt_tokens
    n = max(1, serving.gpus) if serving.split == "tensor" else 1
    flops = 2.0 * (net.active_params() - lookup_params(net)) * tokens
    flops += 4.0 * tokens * net.heads * net.head_size * attended_keys(net, tokens, tokens)
    rate = _compute_rate(gpu, fitted, serving.weight_bits < 16)
    compute_s = (flops + _expert_flops(net, tokens) * (1 / _expert_share(net) - 1)) / n / rate
    memory_s = read_weight_bytes(net, serving, tokens) / n / _bandwidth(gpu, fitted)
    # Without flash attention (llama-bench's default) each layer writes the fp32 scores of
    # every query against the keys before it, softmaxes them and reads them back: about
    # four passes over tokens² / 2 values per head, at the memory's bandwidth.
    scores_s = 0.0
    if not serving.flash_attention:
        scores = SCORE_PASSES * 4 * tokens * tokens / 2 * net.heads * net.layers
        scores_s = scores / n / _bandwidth(gpu, fitted)
    # Experts kept in system RAM are copied to the GPU for each micro-batch of the prompt
    # (llama.cpp computes large batches on the GPU) over its PCIe link to the host.
    batches = -(-tokens // UBATCH)
    copy_s = batches * offloaded_expert_bytes(net, serving) / (gpu.host_link_gbs * 1e9)
    # Every layer's work around the products grows with the tokens it sees (a short prompt
    # still pays a decoding step's launches).
    per_layer_us = max(fitted.decode_layer_us, fitted.prefill_layer_us * tokens / UBATCH)
    layers_s = net.layers * per_layer_us * 1e-6
    return PromptTerms(flops, rate, compute_s, memory_s, scores_s + copy_s, layers_s)


def attended_keys(net: Transformer, context: int, queries: int) -> float:
    """Keys a query attends to, summed over the layers: for a prompt of `queries` tokens
    (causal: half of them on average, as flash attention's work counts) or one new token
    over a `context`-token cache; a sliding-window layer sees at most its window."""
    window = net.window
    groups = [(net.layers, 0)]
    if window is not None:
        groups = [
            (window.global_layers(net.layers), 0),
            (window.local_layers(net.layers), window.size),
        ]
    if queries == 1:
        return sum(layers * (min(context, size) if size else context) for layers, size in groups)
    return sum(layers * keys_per_query(context, True, size) for layers, size in groups)


def _expert_flops(net: Transformer, tokens: int) -> float:
    moe = net.moe
    if moe is None:
        return 0.0
    width = moe.matrices * moe.expert_ffn * net.hidden
    return 2.0 * tokens * moe.per_token * width * moe.moe_layers(net.layers)


def _expert_share(net: Transformer) -> float:
    """The share of a large product's rate an expert's product reaches: each expert sees
    only micro-batch × chosen ÷ experts rows, and a product of `size` GFLOP runs at
    size ÷ (size + half-size) of the rate (the training model's calibrated curve)."""
    moe = net.moe
    if moe is None:
        return 1.0
    rows = UBATCH * moe.per_token / moe.experts
    size = 2.0 * rows * moe.matrices * moe.expert_ffn * net.hidden / 1e9
    return size / (size + CONSTANTS.half_size_gflop)


def serving_speed(
    net: Transformer,
    serving: Serving,
    gpu: ComputeSpec,
    constants: Constants,
    link: Link | None,
    host_bandwidth_gbs: float,
    fitted: ServingConstants = SERVING,
) -> ServingSpeed:
    context = serving.prompt_tokens + serving.gen_tokens / 2  # the mean over the answer
    decode = decode_terms(net, serving, gpu, constants, link, host_bandwidth_gbs, context, fitted)
    prompt = prompt_terms(net, serving, gpu, fitted)
    step = decode.total
    return ServingSpeed(
        decode_tokens_per_s=1 / step,
        aggregate_tokens_per_s=serving.concurrency / step,
        prefill_tokens_per_s=serving.prompt_tokens / prompt.total,
        ttft_s=prompt.total + step,
        bound=decode.bound,
        link_share=decode.link_s / step,
        decode=decode,
        prompt=prompt,
    )
