"""What the performance model knows of a GPU: its compute peaks, memory and links, and which
architectures have tensor cores, TF32, FP8 and BF16."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.parts import Gpu
from planner.core.slot_layout import link_bandwidth_gbs

TF32_ARCHITECTURES = ("ampere", "ada", "hopper", "blackwell")
FP8_ARCHITECTURES = ("ada", "hopper", "blackwell")
BF16_ARCHITECTURES = ("ampere", "ada", "hopper", "blackwell", "cdna2", "cdna3", "rdna3", "rdna4")


@dataclass(frozen=True)
class ComputeSpec:
    """What the performance model needs to know of a GPU."""

    name: str
    architecture: str
    memory_bandwidth_gbs: float
    fp32_tflops: float
    fp16_tensor_tflops: float | None
    tf32_tensor_tflops: float | None = None
    fp8_tensor_tflops: float | None = None
    l2_cache_mb: float = 4.0
    vram_gb: float = 24.0
    nvlink_gbs: float | None = None
    pcie_p2p: bool = True
    board_power_w: float = 300.0
    host_link_gbs: float = 31.5  # PCIe to the host per direction (offload, paging)
    hbm: bool = False  # stacked HBM rather than GDDR memory

    @classmethod
    def of(cls, gpu: Gpu) -> ComputeSpec:
        return cls(
            name=gpu.display_name,
            architecture=gpu.architecture,
            memory_bandwidth_gbs=gpu.memory_bandwidth_gbs,
            fp32_tflops=gpu.fp32_tflops,
            fp16_tensor_tflops=gpu.fp16_tensor_tflops,
            tf32_tensor_tflops=gpu.tf32_tensor_tflops,
            fp8_tensor_tflops=gpu.fp8_tensor_tflops,
            l2_cache_mb=gpu.l2_cache_mb,
            vram_gb=gpu.vram_gb,
            nvlink_gbs=gpu.nvlink_gbs,
            pcie_p2p=gpu.pcie_p2p,
            board_power_w=gpu.board_power_w,
            host_link_gbs=link_bandwidth_gbs(min(gpu.pcie_gen, 5), gpu.pcie_lanes),
            hbm=gpu.memory_type.startswith("HBM"),
        )

    def matmul_peak_tflops(self, precision: str) -> tuple[float, bool]:
        """The dense peak for matrix products at `precision`, and whether it is a tensor-core
        (matrix unit) rate. Without tensor cores (Pascal) 16-bit math runs at the FP32 rate."""
        tensor = self.fp16_tensor_tflops
        if precision == "fp8" and self.fp8_tensor_tflops:
            return self.fp8_tensor_tflops, True
        if precision in ("fp16", "bf16", "fp8") and tensor:
            return tensor, True
        if precision == "tf32" and self.tf32_tensor_tflops:
            return self.tf32_tensor_tflops, True
        return self.fp32_tflops, False
