"""The global constants of the performance model, what each means physically, and the
bandwidth and tensor-core ceilings they give a GPU. planner/core/calibrated.py holds the
fitted values."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.core.performance import ComputeSpec

__all__ = ["MEANINGS", "Constants", "described_constants"]


@dataclass(frozen=True)
class Constants:
    """The global constants of the model; calibrated.py holds the fitted values."""

    tensor_efficiency: float  # fraction of dense tensor peak on large matrix products
    simt_efficiency: float  # fraction of FP32 peak on large products without tensor cores
    half_size_gflop: float  # product size (GFLOP) at which efficiency is half its maximum
    memory_efficiency: float  # fraction of DRAM bandwidth bandwidth-bound kernels reach
    launch_us: float  # per kernel: its launch and eager PyTorch's host-side dispatch
    overlap: float  # fraction of gradient all-reduce hidden behind the backward pass
    attention_efficiency: float = 1.0  # fused attention relative to matrix products
    image_decode_us: float = 0.0  # host time per JPEG image (decode, augment) per GPU
    link_efficiency: float = 1.0  # share of the link's bandwidth collectives reach
    hbm_efficiency: float | None = None  # memory_efficiency for HBM (None: the same)
    # How fast the tensor ceiling falls as tensor cores outrun the SM's FP32 pipes: a
    # GeForce card's FP32-accumulate rate is 2× its FP32 rate, an A100's 16×; the faster
    # the tensor pipes, the harder the shared-memory operand feed keeps up (exponent).
    tensor_ratio_loss: float = 0.0

    def tensor_ceiling(self, peak_flops: float, gpu: ComputeSpec) -> float:
        """The share of a tensor peak large products reach: `tensor_efficiency` at 8×
        the FP32 rate, higher below and lower above by the ratio's `tensor_ratio_loss` power."""
        ratio = peak_flops / (gpu.fp32_tflops * 1e12)
        scale: float = (ratio / 8) ** (-self.tensor_ratio_loss)
        return min(0.98, self.tensor_efficiency * scale)

    def bandwidth(self, gpu: ComputeSpec) -> float:
        """Bytes per second bandwidth-bound kernels reach on `gpu`'s memory."""
        share = self.memory_efficiency
        if gpu.hbm and self.hbm_efficiency is not None:
            share = self.hbm_efficiency
        return gpu.memory_bandwidth_gbs * 1e9 * share


# What each fitted constant means physically, for the explain view and the report.
MEANINGS = {
    "tensor_efficiency": "share of the tensor peak large products reach at 8× the FP32 rate",
    "tensor_ratio_loss": "how fast that share falls as the tensor rate outruns FP32 (power)",
    "simt_efficiency": "share of the FP32 peak large products reach without tensor cores",
    "half_size_gflop": "product size (GFLOP) at which a kernel reaches half its ceiling",
    "memory_efficiency": "share of GDDR bandwidth that bandwidth-bound kernels reach",
    "hbm_efficiency": "share of HBM bandwidth that bandwidth-bound kernels reach",
    "launch_us": "per kernel: the launch and eager PyTorch's host-side dispatch (µs)",
    "overlap": "share of gradient all-reduce hidden behind the backward pass",
    "attention_efficiency": "fused attention's efficiency relative to matrix products",
    "image_decode_us": "host time per JPEG image (decode, augment) per GPU (µs)",
    "link_efficiency": "share of the link's bandwidth NCCL collectives reach",
    "software_gain": "speed of 2022+ software stacks over the 2020-22 NGC containers",
}


def described_constants(constants: Constants, software_gain: float) -> list[tuple[str, str, str]]:
    """(name, value, meaning) of every fitted constant."""
    values = {field.name: getattr(constants, field.name) for field in fields(constants)}
    values["software_gain"] = software_gain
    return [(name, f"{value:.4g}", MEANINGS[name]) for name, value in values.items()]
