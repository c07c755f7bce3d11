"""The header of a GGUF file (llama.cpp's format): its metadata and its tensor table, read
as a stream without loading the weights or the vocabulary. The tensor types' block sizes
come from the `gguf` package (gguf-py, llama.cpp's own Python library); its GGUFReader
would also decode every vocabulary array (about 14 s and 480 MB for a Qwen vocabulary),
so the header's layout, which the GGUF specification fixes, is walked here."""

from __future__ import annotations

import struct
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from planner.core.errors import Location
from planner.core.model_import import ModelFileError

MAGIC = b"GGUF"
# Sanity limits: a real header is far below each; a corrupt one must fail fast, not allocate.
MAX_ENTRIES = 1_000_000
MAX_STRING = 64 * 2**20
MAX_DIMS = 8
SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
STRING, ARRAY = 8, 9


@dataclass
class GgufHeader:
    metadata: dict[str, Any] = field(default_factory=dict)  # arrays: their length only
    tensors: dict[str, tuple[tuple[int, ...], int]] = field(default_factory=dict)  # shape, type

    @property
    def tensor_bytes(self) -> int:
        return sum(_tensor_bytes(shape, kind) for shape, kind in self.tensors.values())

    @property
    def parameters(self) -> int:
        return sum(_elements(shape) for shape, _kind in self.tensors.values())

    @property
    def quantization(self) -> str:
        """The type holding most of the weights, with the bits per weight of the whole file."""
        if not self.tensors:
            return ""
        names = _type_names()
        weight: Counter[str] = Counter()
        for shape, kind in self.tensors.values():
            weight[names.get(kind, str(kind))] += _elements(shape)
        main = weight.most_common(1)[0][0]
        bits = 8 * self.tensor_bytes / max(1, self.parameters)
        return f"{main}, {bits:.2f} bits per weight"


class _Reader:
    def __init__(self, stream: BinaryIO, path: Path) -> None:
        self.stream = stream
        self.path = path

    def fail(self, message: str) -> ModelFileError:
        return ModelFileError(
            f"is not a readable GGUF file: {message} (at byte {self.stream.tell():,})",
            Location(file=str(self.path)),
        )

    def take(self, size: int) -> bytes:
        data = self.stream.read(size)
        if len(data) != size:
            raise self.fail("the header ends early")
        return data

    def scalar(self, code: str) -> Any:
        return struct.unpack(code, self.take(struct.calcsize(code)))[0]

    def string(self) -> str:
        length = self.scalar("<Q")
        if length > MAX_STRING:
            raise self.fail(f"a string of {length:,} bytes")
        return self.take(length).decode("utf-8", errors="replace")

    def value(self, kind: int) -> Any:
        if kind in SCALARS:
            return self.scalar(SCALARS[kind])
        if kind == STRING:
            return self.string()
        if kind == ARRAY:
            item, count = self.scalar("<I"), self.scalar("<Q")
            if count > 100 * MAX_ENTRIES:
                raise self.fail(f"an array of {count:,} items")
            if item in SCALARS:
                if count <= 4096:  # small arrays (per-layer sizes, patterns) are kept
                    return [self.value(item) for _ in range(count)]
                self.stream.seek(struct.calcsize(SCALARS[item]) * count, 1)
            elif item == STRING:
                for _ in range(count):
                    self.stream.seek(self.scalar("<Q"), 1)
            else:
                raise self.fail(f"an array of value type {item}")
            return _Length(count)
        raise self.fail(f"value type {kind}")


class _Length(int):
    """A long array's length (the vocabulary's tokens, say), its items skipped."""


def read_gguf_header(path: Path) -> GgufHeader:
    header = GgufHeader()
    try:
        with path.open("rb") as stream:
            reader = _Reader(stream, path)
            if reader.take(4) != MAGIC:
                raise ModelFileError(
                    "is not a GGUF file (it does not start with 'GGUF')", Location(file=str(path))
                )
            version = reader.scalar("<I")
            if version not in (2, 3):
                raise reader.fail(f"version {version} (2 and 3 are read)")
            tensors, entries = reader.scalar("<Q"), reader.scalar("<Q")
            if tensors > MAX_ENTRIES or entries > MAX_ENTRIES:
                raise reader.fail(f"{tensors:,} tensors and {entries:,} metadata entries")
            for _ in range(entries):
                key = reader.string()
                header.metadata[key] = reader.value(reader.scalar("<I"))
            for _ in range(tensors):
                name = reader.string()
                dims = reader.scalar("<I")
                if dims > MAX_DIMS:
                    raise reader.fail(f"tensor '{name}' with {dims} dimensions")
                shape = tuple(reader.scalar("<Q") for _ in range(dims))
                kind = reader.scalar("<I")
                reader.scalar("<Q")  # offset of the data
                header.tensors[name] = (shape, kind)
    except OSError as error:
        raise ModelFileError(f"cannot read: {error.strerror}", Location(file=str(path))) from None
    return header


def _elements(shape: tuple[int, ...]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count


def _tensor_bytes(shape: tuple[int, ...], kind: int) -> int:
    block, size = _quant_sizes().get(kind, (1, 4))
    return _elements(shape) // block * size


@cache
def _quant_sizes() -> dict[int, tuple[int, int]]:
    from gguf.constants import GGML_QUANT_SIZES

    return {int(kind): sizes for kind, sizes in GGML_QUANT_SIZES.items()}


@cache
def _type_names() -> dict[int, str]:
    from gguf.constants import GGMLQuantizationType

    return {int(kind): kind.name for kind in GGMLQuantizationType}
