"""What a form for a record class shows: one field per key with its kind of editor, the
unit read from the key's suffix, the allowed values and range, and whether it is required.
Built from the same rules `parse_record` checks, so the form cannot drift from them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any

from planner.core.records import _rules, _shape

# The unit each key suffix means, longest suffix first when two match.
UNITS = (
    ("_tflops", "TFLOPS"),
    ("_gbs", "GB/s"),
    ("_mbs", "MB/s"),
    ("_mts", "MT/s"),
    ("_ghz", "GHz"),
    ("_usd", "$"),
    ("_mm", "mm"),
    ("_gb", "GB"),
    ("_mb", "MB"),
    ("_w", "W"),
    ("_v", "V"),
)
# Provenance that the catalog's maintainers keep; a user's own part does not need it.
LEFT_OUT = frozenset({"unverified"})


@dataclasses.dataclass(frozen=True)
class FormField:
    key: str
    label: str
    editor: str  # int | float | text | bool | date | choice | texts | record | records
    required: bool
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    fields: tuple[FormField, ...] = ()  # of a record, or of each row of records

    @property
    def range_text(self) -> str:
        """ "1–1,024 GB", "one of: air, aio", "" when free."""
        if self.choices:
            return "one of: " + ", ".join(str(choice) for choice in self.choices)
        if self.low is None and self.high is None:
            return ""
        low = "" if self.low is None else f"{self.low:,g}"
        high = "" if self.high is None else f"{self.high:,g}"
        return f"{low}–{high} {self.unit}".strip()


def form_fields(cls: type) -> tuple[FormField, ...]:
    """The fields of `cls` in declaration order, as a form shows them."""
    return tuple(_field(rule) for rule in _rules(cls) if rule.key not in LEFT_OUT)


def _field(rule: Any) -> FormField:
    shape, inner = _shape(rule.hint)
    hint = inner if shape == "optional" else rule.hint
    shape, inner = _shape(hint)
    common = {
        "key": rule.key,
        "label": label_of(rule.key),
        "required": rule.required,
        "unit": unit_of(rule.key),
        "low": rule.low,
        "high": rule.high,
    }
    if shape == "record":
        return FormField(editor="record", fields=form_fields(inner), **common)
    if shape == "tuple":
        if dataclasses.is_dataclass(inner) and isinstance(inner, type):
            return FormField(editor="records", fields=form_fields(inner), **common)
        if inner is int:  # a list of numbers that may repeat ("8, 8"): typed, not ticked
            return FormField(editor="ints", choices=rule.choices or (), **common)
        return FormField(editor="texts", choices=rule.choices or (), **common)
    if rule.choices:
        return FormField(editor="choice", choices=tuple(rule.choices), **common)
    editor = {int: "int", float: "float", bool: "bool", dt.date: "date"}.get(hint, "text")
    return FormField(editor=editor, **common)


def unit_of(key: str) -> str:
    return next((unit for suffix, unit in UNITS if key.endswith(suffix)), "")


def label_of(key: str) -> str:
    """ "max_gpu_length_mm" → "Max GPU length"; the unit is shown beside the value."""
    for suffix, _unit in UNITS:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    words = key.replace("_", " ").split()
    upper = {"id", "gpu", "cpu", "psu", "tdp", "ecc", "pcie", "vram", "l2", "llc", "atx", "sata"}
    upper |= {"nvlink", "m2", "eps", "tbw", "rpm", "fp32", "fp16", "fp8", "tf32", "bf16"}
    shown = [word.upper() if word in upper else word for word in words]
    text = " ".join(shown).replace("NVLINK", "NVLink").replace("M2", "M.2").replace("PCIE", "PCIe")
    return text[:1].upper() + text[1:]


def unknown_keys(cls: type, table: Mapping[str, Any], path: str = "") -> list[tuple[str, str]]:
    """Keys of `table` (and its nested tables) that `cls` does not read, each with the
    nearest known key or "" — a misspelling like `slot_widht` must not pass quietly."""
    found: list[tuple[str, str]] = []
    fields = {field.key: field for field in form_fields(cls)}
    known = [*fields, *LEFT_OUT]
    for key, value in table.items():
        where = f"{path}.{key}" if path else key
        field = fields.get(key)
        if field is None and key not in LEFT_OUT:
            guess = difflib.get_close_matches(key, known, n=1)
            found.append((where, guess[0] if guess else ""))
        elif field is not None and field.editor == "record" and isinstance(value, Mapping):
            found += _unknown_in(field, value, where)
        elif field is not None and field.editor == "records" and isinstance(value, list):
            for index, row in enumerate(value):
                if isinstance(row, Mapping):
                    found += _unknown_in(field, row, f"{where}[{index}]")
    return found


def _unknown_in(field: FormField, table: Mapping[str, Any], path: str) -> list[tuple[str, str]]:
    keys = [sub.key for sub in field.fields]
    found = []
    for key in table:
        if key not in keys:
            guess = difflib.get_close_matches(key, keys, n=1)
            found.append((f"{path}.{key}", guess[0] if guess else ""))
    return found
