"""Reading a model's own files for import: a Hugging Face `config.json`, or the header of a
`.gguf` file (metadata and the tensor table, not the weights). Problems name the file and,
where there is one, the line or the key."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.core.errors import InputError, Location
from planner.core.gguf_architecture import architecture_from_gguf
from planner.core.model_import import ModelFileError, architecture_from_hf
from planner.io.gguf_header import GgufHeader, read_gguf_header

MAX_CONFIG_BYTES = 4 * 2**20  # a config.json is a few kB; anything this size is not one


@dataclass(frozen=True)
class ImportedModel:
    name: str
    architecture: dict[str, Any]
    source: str  # what the user imported, for the workload's sources
    weights_bytes: int | None = None  # a GGUF file's tensors as stored (its quantization)
    quantization: str = ""
    file_params: int | None = None  # what a GGUF file's tensors hold, to compare


def read_model_file(path: Path) -> ImportedModel:
    """The network of a config.json or .gguf file; InputError naming file and field."""
    _check_regular(path)
    if path.suffix.lower() == ".gguf":
        header = read_gguf_header(path)
        return _from_gguf(path, header)
    config = _read_json(path)
    try:
        architecture = architecture_from_hf(config)
    except ModelFileError as error:
        raise ModelFileError(
            error.message,
            Location(
                file=str(path),
                line=_json_line(path, error.location.field),
                field=error.location.field,
            ),
        ) from None
    name = str(config.get("_name_or_path") or "").rstrip("/").split("/")[-1]
    # A checkpoint's config.json sits in a folder named after the model.
    fallback = path.parent.name if path.name == "config.json" else path.stem
    return ImportedModel(name or fallback or path.stem, architecture, str(path))


def _from_gguf(path: Path, header: GgufHeader) -> ImportedModel:
    try:
        shapes = {name: shape for name, (shape, _kind) in header.tensors.items()}
        architecture = architecture_from_gguf(header.metadata, shapes)
    except ModelFileError as error:
        raise ModelFileError(
            error.message, Location(file=str(path), field=error.location.field)
        ) from None
    name = str(header.metadata.get("general.name") or path.stem)
    return ImportedModel(name, architecture, str(path), header.tensor_bytes, header.quantization)


def _check_regular(path: Path) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ModelFileError("file not found", Location(file=str(path))) from None
    except OSError as error:
        raise ModelFileError(f"cannot read: {error.strerror}", Location(file=str(path))) from None
    if stat.S_ISDIR(status.st_mode):
        raise ModelFileError(
            "is a folder: give its config.json or a .gguf file", Location(file=str(path))
        )
    if not stat.S_ISREG(status.st_mode):
        raise ModelFileError("is not a regular file", Location(file=str(path)))


def _read_json(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ModelFileError(
            f"is over {MAX_CONFIG_BYTES // 2**20} MiB: not a config.json (a .gguf file must "
            "end in .gguf)",
            Location(file=str(path)),
        )
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ModelFileError(
            "is not UTF-8 text: not a config.json (a .gguf file must end in .gguf)",
            Location(file=str(path)),
        ) from None
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"is not valid JSON: {error.msg} (column {error.colno})",
            Location(file=str(path), line=error.lineno),
        ) from None
    except RecursionError:
        raise ModelFileError(
            "nests too deeply to be a config.json", Location(file=str(path))
        ) from None
    if not isinstance(document, dict):
        raise ModelFileError("must be a JSON object, as a config.json is", Location(file=str(path)))
    return document


def _json_line(path: Path, key: str) -> int | None:
    """The first line that names `key`, for the message."""
    if not key:
        return None
    pattern = re.compile(rf'"{re.escape(key.split(".")[-1])}"\s*:')
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if pattern.search(line):
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


__all__ = ["ImportedModel", "InputError", "read_model_file"]
