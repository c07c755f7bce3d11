"""Building blocks for convolutional networks: a layer list that yields parameters,
operations and saved activations together."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.networks.common import Activations, Op, Params, matmul

FP32 = 4
INDEX = 8


@dataclass
class Trace:
    """Walks a network for one micro-batch, collecting parameters, ops and saved bytes.

    Saved bytes follow PyTorch autograd: a convolution or linear layer keeps its input,
    batch/group norm its input plus fp32 statistics, ReLU/SiLU their output/input, max
    pooling its input and int64 indices. `value_bytes` is the activation dtype size.
    """

    batch: int
    value_bytes: int
    # Group and layer norms run in fp32 under CUDA autocast: they keep an fp32 input and give
    # an fp32 output (what a following SiLU keeps). 0: the value dtype.
    norm_bytes: int = 0
    params: list[Params] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    saved: float = 0.0
    # Blocks a library checkpoints: what they save, the inputs they keep instead, the largest.
    block_saved: float = 0.0
    block_inputs: float = 0.0
    largest_block: float = 0.0
    _block_start: float | None = None

    def begin_block(self, input_bytes: float) -> None:
        """Start a block that checkpointing replaces by its input (`input_bytes`)."""
        self.block_inputs += input_bytes
        self._block_start = self.saved

    def end_block(self) -> None:
        assert self._block_start is not None
        inside = self.saved - self._block_start
        self.block_saved += inside
        self.largest_block = max(self.largest_block, inside)
        self._block_start = None

    def conv(
        self,
        name: str,
        c_in: int,
        c_out: int,
        kernel: int,
        size_in: int,
        stride: int = 1,
        bias: bool = False,
        keep_input: bool = True,
    ) -> int:
        size_out = (size_in + 2 * (kernel // 2) - kernel) // stride + 1
        self.params.append(Params(f"{name}.weight", (c_out, c_in, kernel, kernel), "conv"))
        if bias:
            self.params.append(Params(f"{name}.bias", (c_out,), "bias"))
        m, n, k = self.batch * size_out**2, c_out, c_in * kernel * kernel
        inputs = self.batch * c_in * size_in**2
        winograd = kernel == 3 and stride == 1
        flops = 2.0 * m * n * k
        self.ops.append(Op(name, "conv", flops, inputs + k * n + m * n, 1, m, n, k, winograd))
        if keep_input:
            self.saved += self.batch * c_in * size_in**2 * self.value_bytes
        return size_out

    @property
    def norm_value_bytes(self) -> int:
        return self.norm_bytes or self.value_bytes

    def norm(
        self, name: str, channels: int, size: int, keep_input: bool = True, fp32: bool = False
    ) -> None:
        """Batch norm (16-bit under autocast) or, with `fp32`, group norm."""
        self.params += [
            Params(f"{name}.weight", (channels,), "norm"),
            Params(f"{name}.bias", (channels,), "bias"),
        ]
        elements = self.batch * channels * size**2
        self.ops.append(Op(name, "norm", 5.0 * elements, 2.0 * elements))
        if keep_input:
            value = self.norm_value_bytes if fp32 else self.value_bytes
            self.saved += elements * value + 2 * self.batch * channels * FP32

    def activation(
        self, name: str, channels: int, size: int, keep: bool = True, after_norm: bool = False
    ) -> None:
        """ReLU/SiLU. `keep=False` when the tensor it keeps is one the next layer keeps
        anyway (an in-place ReLU's output is the next convolution's input); `after_norm`
        when it reads a group norm's (fp32 under autocast) output."""
        elements = self.batch * channels * size**2
        self.ops.append(Op(name, "elementwise", 4.0 * elements, 2.0 * elements))
        if keep:
            self.saved += elements * (self.norm_value_bytes if after_norm else self.value_bytes)

    def add(self, name: str, channels: int, size: int) -> None:
        elements = self.batch * channels * size**2
        self.ops.append(Op(name, "elementwise", elements, 3.0 * elements))

    def linear(self, name: str, rows: int, d_in: int, d_out: int, bias: bool = True) -> None:
        self.params.append(Params(f"{name}.weight", (d_out, d_in), "linear"))
        if bias:
            self.params.append(Params(f"{name}.bias", (d_out,), "bias"))
        self.ops.append(matmul(name, rows, d_out, d_in))
        self.saved += rows * d_in * self.value_bytes


class TracedImageNetwork:
    """The Network methods of an image network whose parameters, kernels and saved tensors
    all come from one traced forward pass (`_traced`, cached by the network's module)."""

    def _traced(self, batch: int, value_bytes: int, amp: bool = False) -> Trace:
        raise NotImplementedError

    def tokens_per_sample(self, seq_len: int) -> int:
        return 1

    def parameters(self) -> tuple[Params, ...]:
        return tuple(self._traced(1, 2).params)

    def forward_ops(self, batch: int, seq_len: int, fused_attention: bool = True) -> tuple[Op, ...]:
        return tuple(self._traced(batch, 2).ops)

    def activations(
        self,
        batch: int,
        seq_len: int,
        bytes_per_value: int,
        fused_attention: bool,
        checkpointing: bool,
        autocast: bool | None = None,
        lora_targets: str | None = None,
    ) -> Activations:
        del lora_targets  # adapters are modelled on decoder and encoder transformers only
        # Every tensor autograd keeps scales with the micro-batch.
        amp = bytes_per_value < FP32 and autocast is not False
        trace = self._traced(1, bytes_per_value, amp)
        if checkpointing:
            # Each checkpointed block keeps its input; backward rebuilds one block at a time.
            kept = (trace.saved - trace.block_saved + trace.block_inputs) * batch
            return Activations(0.0, 0, kept, True, recompute_bytes=trace.largest_block * batch)
        return Activations(0.0, 0, trace.saved * batch, False)
