"""Training throughput from a per-operation roofline (DESIGN.md, DOMAIN.md Performance).

Each forward operation of a micro-batch takes
    max(FLOPs / (peak × compute efficiency), bytes / (bandwidth × memory efficiency))
plus a kernel launch overhead; compute efficiency grows with the size of the operation.
The backward pass is derived from the forward (2× for matrix products), the optimizer
step and autocast weight casts are bandwidth-bound passes over the parameters, and data
parallelism adds a ring all-reduce over the slowest link, partly hidden behind backward.
A handful of global constants (planner/core/calibrated.py) are fitted on measured runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from planner.core.communication import (
    all_to_all_bytes,
    communication_seconds,
    host_transfer_seconds,
)
from planner.core.compute_spec import BF16_ARCHITECTURES, FP8_ARCHITECTURES
from planner.core.compute_spec import ComputeSpec as ComputeSpec
from planner.core.model_constants import MEANINGS as MEANINGS
from planner.core.model_constants import Constants as Constants
from planner.core.model_constants import described_constants as described_constants
from planner.core.networks.common import Network, Op
from planner.core.param_summary import summarize
from planner.core.training_setup import TrainingSetup


@dataclass(frozen=True)
class OpTime:
    name: str
    kind: str
    seconds: float
    bound: str  # compute, memory or launch
    flops: float
    bytes: float


@dataclass(frozen=True)
class Link:
    """The link gradients cross between GPUs: its bandwidth per direction, and whether
    the GPUs reach each other directly (peer-to-peer) or through host memory."""

    name: str
    gbs: float
    p2p: bool = True


@dataclass(frozen=True)
class StepTime:
    compute_s: float
    optimizer_s: float
    communication_s: float
    exposed_communication_s: float
    ops: tuple[OpTime, ...] = field(default_factory=tuple)
    input_s: float = 0.0  # host-side data preparation, overlapped with the GPU

    @property
    def gpu_s(self) -> float:
        return self.compute_s + self.optimizer_s + self.exposed_communication_s

    @property
    def total_s(self) -> float:
        return max(self.gpu_s, self.input_s)

    @property
    def bound(self) -> str:
        """What limits the step: the input pipeline, the link, compute, memory bandwidth or
        kernel launches."""
        if self.input_s > self.gpu_s:
            return "input pipeline"
        if self.exposed_communication_s > 0.25 * self.total_s:
            return "communication"
        totals: dict[str, float] = {}
        for op in self.ops:
            totals[op.bound] = totals.get(op.bound, 0.0) + op.seconds
        return max(totals, key=lambda key: totals[key]) if totals else "compute"


VALUE_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "fp8": 2}
# Pointwise kinds torch.compile fuses, and the share of their traffic that remains (the
# fused kernel still reads its inputs once and writes its output once; the intermediates
# between the chained operations stay on chip).
FUSABLE = ("elementwise", "norm", "softmax")
WINOGRAD_GAIN = 2.25
FUSED_TRAFFIC = 0.5
# Bytes an optimizer step reads and writes per trainable parameter (fp32 states).
OPTIMIZER_BYTES = {
    "adamw": 28.0,
    "sgd": 20.0,
    "paged_adamw": 28.0,
    "adamw8bit": 16.0,
    "paged_adamw8bit": 16.0,
    "adafactor": 20.0,
}
# Backward of each kind relative to its forward: (FLOPs, bytes, kernels).
BACKWARD = {
    "matmul": (2.0, 2.0, 2),
    "attention": (2.5, 2.0, 1),
    "conv": (2.0, 2.0, 2),
    "norm": (2.0, 2.0, 1),
    "elementwise": (1.0, 1.5, 1),
    "softmax": (1.0, 1.5, 1),
    "loss": (1.0, 1.0, 1),
    "embedding": (0.0, 1.0, 1),
}


@dataclass(frozen=True)
class Term:
    """One forward or backward kernel of an op, with what does not depend on the constants."""

    name: str
    kind: str
    flops: float
    moved: float  # bytes
    peak: float  # FLOP/s of the unit the kernel runs on
    tensor: bool
    count: float  # how many times it runs per step (repeats, recomputation)
    launches: float = 1.0  # kernels it takes (0 when torch.compile fuses it into another)


@dataclass(frozen=True)
class _Terms:
    terms: tuple[Term, ...]
    extra_launches: float
    dequant_bytes: float


_grouped: dict[tuple[object, ...], tuple[Op, ...]] = {}


def grouped_ops(network: Network, batch: int, seq_len: int, fused: bool) -> tuple[Op, ...]:
    """The forward ops with identical ones merged into one op with a repeat count: a
    UNet has hundreds of convolutions of a few shapes. Cached per network and shape."""
    key = (network, batch, seq_len, fused)
    cached = _grouped.get(key)
    if cached is not None:
        return cached
    merged: dict[tuple[object, ...], Op] = {}
    for op in network.forward_ops(batch, seq_len, fused):
        shape = (op.kind, op.flops, op.elements, op.m, op.n, op.k, op.winograd)
        seen = merged.get(shape)
        merged[shape] = op if seen is None else replace(seen, repeat=seen.repeat + op.repeat)
    result = tuple(merged.values())
    if len(_grouped) > 512:
        _grouped.clear()
    _grouped[key] = result
    return result


_term_cache: dict[tuple[object, ...], _Terms] = {}


def _effective_precision(setup: TrainingSetup, gpu: ComputeSpec) -> tuple[str, str]:
    """The precision the GPU really runs, and the one its memory traffic is in."""
    precision = setup.precision
    if precision == "bf16" and gpu.architecture not in BF16_ARCHITECTURES:
        precision = "fp16"
    if precision == "fp8" and gpu.architecture not in FP8_ARCHITECTURES:
        precision = "bf16" if gpu.architecture in BF16_ARCHITECTURES else "fp16"
    traffic = precision
    if precision in ("fp16", "bf16", "fp8") and not gpu.fp16_tensor_tflops:
        # Without tensor cores (Pascal) mixed precision computes, and mostly moves, fp32.
        traffic = "fp32"
    return precision, traffic


def _terms(network: Network, setup: TrainingSetup, gpu: ComputeSpec) -> _Terms:
    key = (network, setup, gpu)
    cached = _term_cache.get(key)
    if cached is not None:
        return cached
    precision, traffic = _effective_precision(setup, gpu)
    peak_tflops, tensor = gpu.matmul_peak_tflops(precision)
    recompute = 1.0 if setup.activation_checkpointing else 0.0
    frozen_base = setup.mode in ("lora", "qlora")
    value = VALUE_BYTES[traffic]
    terms: list[Term] = []
    extra = 0.0
    for op in grouped_ops(network, setup.batch_size, setup.seq_len, setup.fused_attention):
        flop_scale, byte_scale, kernels = BACKWARD[op.kind]
        if frozen_base and op.kind == "matmul":
            # Frozen weights need no weight gradient: one product, not two.
            flop_scale, byte_scale, kernels = 1.0, 1.0, 1
        matrix = op.kind in ("matmul", "attention", "conv")
        # torch.compile fuses chains of pointwise work into the neighbouring kernel: no
        # launch of its own, and the intermediate tensors stay in registers.
        fused = setup.compile and op.kind in FUSABLE
        op_flops = op.flops
        op_peak, op_tensor = peak_tflops if matrix else gpu.fp32_tflops, tensor and matrix
        if op.winograd and _winograd_faster(precision, tensor, peak_tflops, gpu):
            # cuDNN's FP32 Winograd F(2×2, 3×3) does 2.25× fewer multiplications.
            op_flops /= WINOGRAD_GAIN
            op_peak, op_tensor = gpu.fp32_tflops, False
        for phase, flops, moved, count in (
            ("forward", op_flops, op.elements * value, op.repeat * (1 + recompute)),
            ("backward", op_flops * flop_scale, op.elements * value * byte_scale, op.repeat),
        ):
            terms.append(
                Term(
                    f"{op.name} {phase}",
                    op.kind,
                    flops,
                    moved,
                    op_peak * 1e12,
                    op_tensor,
                    count,
                    0.0 if fused else 1.0,
                )
            )
        extra += (kernels - 1) * op.repeat * (0.0 if fused else 1.0)
    if frozen_base:
        # Each adapter runs x·A and ·B forward and four small products backward.
        tensors = summarize(network).adapters(setup.lora_rank, setup.lora_targets).tensors
        extra += tensors * (2 * (1 + recompute) + 4)
    dequant = 0.0
    if setup.mode == "qlora":
        # 4-bit weights are dequantized to 16-bit for each product, forward and backward.
        dequant = summarize(network).adapted * (0.5 + 2) * (2 + recompute)
    result = _Terms(tuple(terms), extra, dequant)
    if len(_term_cache) > 2048:
        _term_cache.clear()
    _term_cache[key] = result
    return result


def _winograd_faster(precision: str, tensor: bool, peak_tflops: float, gpu: ComputeSpec) -> bool:
    """Whether cuDNN (benchmark mode picks the fastest algorithm) runs a 3×3 convolution as
    FP32 Winograd: always without tensor cores, and in FP32/TF32 where the tensor rate is
    below 2.25× the FP32 rate (GeForce Ampere and Ada run TF32 at the FP32 rate)."""
    if not tensor:
        return True
    return precision in ("fp32", "tf32") and gpu.fp32_tflops * WINOGRAD_GAIN > peak_tflops


def term_seconds(term: Term, gpu: ComputeSpec, constants: Constants) -> tuple[float, str]:
    """One run of a kernel: the roofline time plus a launch, and what bounds it."""
    bandwidth = constants.bandwidth(gpu)
    memory_s = term.moved / bandwidth
    compute_s = 0.0
    if term.flops:
        if term.kind in ("matmul", "attention", "conv"):
            ceiling = (
                constants.tensor_ceiling(term.peak, gpu)
                if term.tensor
                else constants.simt_efficiency
            )
            size = term.flops / 1e9
            efficiency = ceiling * size / (size + constants.half_size_gflop)
            if term.kind == "attention":
                efficiency *= constants.attention_efficiency
        else:
            efficiency = constants.simt_efficiency
        compute_s = term.flops / (term.peak * efficiency)
    if term.launches == 0 and term.kind in FUSABLE:
        memory_s *= FUSED_TRAFFIC
    launch = constants.launch_us * 1e-6 * term.launches
    seconds = max(compute_s, memory_s)
    bound = "compute" if compute_s >= memory_s else "memory"
    if launch > seconds:
        bound = "launch"
    return seconds + launch, bound


def step_time(
    network: Network,
    setup: TrainingSetup,
    gpu: ComputeSpec,
    constants: Constants,
    link: Link | None = None,
    trainable_params: int | None = None,
    total_params: int | None = None,
    detail: bool = True,
) -> StepTime:
    """Time of one optimizer step of one micro-batch per GPU."""
    cached = _terms(network, setup, gpu)
    times: list[OpTime] = []
    compute = cached.extra_launches * constants.launch_us * 1e-6
    for term in cached.terms:
        seconds, bound = term_seconds(term, gpu, constants)
        compute += seconds * term.count
        if detail:
            times.append(
                OpTime(
                    term.name,
                    term.kind,
                    seconds * term.count,
                    bound,
                    term.flops * term.count,
                    term.moved * term.count,
                )
            )
    if cached.dequant_bytes:
        compute += cached.dequant_bytes / (constants.bandwidth(gpu))
    summary = summarize(network, setup.experts_split)
    total = total_params if total_params is not None else summary.total
    trainable = trainable_params if trainable_params is not None else total
    optimizer = _optimizer_seconds(setup, gpu, constants, trainable, total)
    optimizer += host_transfer_seconds(network, setup, gpu.vram_gb, gpu.host_link_gbs)
    comm, exposed = 0.0, 0.0
    if link is not None:
        p2p = link.p2p if setup.p2p is None else setup.p2p
        comm, exposed = communication_seconds(
            summary,
            setup,
            link.gbs,
            p2p,
            constants.link_efficiency,
            constants.overlap,
            trainable,
            compute,
            all_to_all_bytes(network, setup),
        )
    input_s = 0.0
    if network.family in ("resnet", "vit"):
        input_s = setup.batch_size * constants.image_decode_us * 1e-6
    return StepTime(compute, optimizer, comm, exposed, tuple(times), input_s)


def _optimizer_seconds(
    setup: TrainingSetup, gpu: ComputeSpec, constants: Constants, trainable: int, total: int
) -> float:
    """The optimizer step (and autocast's weight casts) per micro-batch: bandwidth-bound
    passes over the parameters, once every `grad_accum` micro-batches."""
    bandwidth = constants.bandwidth(gpu)
    # AdamW reads parameter, gradient and two moments and writes three of them (fp32).
    per_param = OPTIMIZER_BYTES[setup.optimizer] * (0.5 if setup.pure_16bit else 1.0)
    shards = setup.gpus if setup.stage else 1
    seconds = trainable / shards * per_param / bandwidth
    if setup.autocast:
        # Autocast casts every fp32 weight to 16-bit once per step.
        seconds += total * 6.0 / bandwidth
    step = seconds + 10 * constants.launch_us * 1e-6
    return step / max(1, setup.grad_accum)
