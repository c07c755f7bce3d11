"""ResNets as torchvision builds them (v1.5: the stride sits on the 3×3 convolution)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from planner.core.networks.common import Op
from planner.core.networks.convolutional import FP32, INDEX, Trace, TracedImageNetwork


@dataclass(frozen=True)
class ResNet(TracedImageNetwork):
    blocks: tuple[int, ...] = (3, 4, 6, 3)
    width: int = 64
    image_size: int = 224
    classes: int = 1000
    family: str = "resnet"
    sample_unit: str = "image"

    def _traced(self, batch: int, value_bytes: int, amp: bool = False) -> Trace:
        # Batch norm is on no autocast list: AMP and pure 16-bit keep the same tensors.
        return _trace(self, batch, value_bytes)


@cache
def _trace(net: ResNet, batch: int, value_bytes: int) -> Trace:
    trace = Trace(batch, value_bytes)
    size = trace.conv("conv1", 3, net.width, 7, net.image_size, stride=2)
    trace.norm("bn1", net.width, size)
    trace.activation("relu", net.width, size)
    # Max pooling keeps its input (the ReLU output, already counted) and int64 indices.
    size = (size + 2 - 3) // 2 + 1
    trace.saved += batch * net.width * size**2 * INDEX
    channels = net.width
    for stage, count in enumerate(net.blocks):
        width = net.width * 2**stage
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            name = f"layer{stage + 1}.{block}"
            # timm checkpoints each bottleneck block.
            trace.begin_block(batch * channels * size**2 * value_bytes)
            out = trace.conv(f"{name}.conv1", channels, width, 1, size)
            trace.norm(f"{name}.bn1", width, out)
            trace.activation(f"{name}.relu1", width, out, keep=False)
            out = trace.conv(f"{name}.conv2", width, width, 3, out, stride)
            trace.norm(f"{name}.bn2", width, out)
            trace.activation(f"{name}.relu2", width, out, keep=False)
            trace.conv(f"{name}.conv3", width, 4 * width, 1, out)
            trace.norm(f"{name}.bn3", 4 * width, out)
            if block == 0:
                # The shortcut convolution shares its input with conv1.
                trace.conv(
                    f"{name}.downsample", channels, 4 * width, 1, size, stride, keep_input=False
                )
                trace.norm(f"{name}.downsample.bn", 4 * width, out)
            trace.add(f"{name}.add", 4 * width, out)
            last = stage == len(net.blocks) - 1 and block == count - 1
            trace.activation(f"{name}.relu3", 4 * width, out, keep=last)
            trace.end_block()
            channels, size = 4 * width, out
    trace.ops.append(
        Op("avgpool", "elementwise", batch * channels * size**2, batch * channels * (size**2 + 1))
    )
    trace.linear("fc", batch, channels, net.classes)
    trace.ops.append(
        Op("cross_entropy", "loss", 5.0 * batch * net.classes, 3.0 * batch * net.classes)
    )
    trace.saved += batch * net.classes * FP32
    return trace
