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
    params: list[Params] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    saved: float = 0.0

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
        self.ops.append(Op(name, "conv", 2.0 * m * n * k, inputs + k * n + m * n, 1, m, n, k))
        if keep_input:
            self.saved += self.batch * c_in * size_in**2 * self.value_bytes
        return size_out

    def norm(self, name: str, channels: int, size: int, keep_input: bool = True) -> None:
        self.params += [
            Params(f"{name}.weight", (channels,), "norm"),
            Params(f"{name}.bias", (channels,), "bias"),
        ]
        elements = self.batch * channels * size**2
        self.ops.append(Op(name, "norm", 5.0 * elements, 2.0 * elements))
        if keep_input:
            self.saved += elements * self.value_bytes + 2 * self.batch * channels * FP32

    def activation(self, name: str, channels: int, size: int, keep: bool = True) -> None:
        """ReLU/SiLU. `keep=False` when the tensor it keeps is one the next layer keeps
        anyway (an in-place ReLU's output is the next convolution's input)."""
        elements = self.batch * channels * size**2
        self.ops.append(Op(name, "elementwise", 4.0 * elements, 2.0 * elements))
        if keep:
            self.saved += elements * self.value_bytes

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

    def _traced(self, batch: int, value_bytes: int) -> Trace:
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
    ) -> Activations:
        # Every tensor autograd keeps scales with the micro-batch.
        saved = self._traced(1, bytes_per_value).saved * batch
        return Activations(0.0, 0, saved, checkpointing)
