"""Writing GGUF headers for tests: metadata and a tensor table laid out as the GGUF
specification fixes, with no tensor data (the planner reads headers only)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

TYPES = {int: 4, float: 6, bool: 7, str: 8}


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def _value(value: Any) -> bytes:
    if isinstance(value, bool):
        return struct.pack("<I?", 7, value)
    if isinstance(value, int):
        return struct.pack("<II", 4, value)
    if isinstance(value, float):
        return struct.pack("<If", 6, value)
    if isinstance(value, str):
        return struct.pack("<I", 8) + _string(value)
    if isinstance(value, list):
        if value and isinstance(value[0], str):
            return struct.pack("<IIQ", 9, 8, len(value)) + b"".join(_string(v) for v in value)
        return struct.pack("<IIQ", 9, 4, len(value)) + b"".join(struct.pack("<I", v) for v in value)
    raise TypeError(value)


def write_gguf(
    path: Path, metadata: dict[str, Any], tensors: dict[str, tuple[tuple[int, ...], int]]
) -> Path:
    """`tensors`: name → (shape in ggml order, ggml type number)."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, value in metadata.items():
        out += _string(key) + _value(value)
    offset = 0
    for name, (shape, kind) in tensors.items():
        out += _string(name) + struct.pack("<I", len(shape))
        out += b"".join(struct.pack("<Q", size) for size in shape)
        out += struct.pack("<IQ", kind, offset)
        offset += 32
    path.write_bytes(out)
    return path
