"""Typed records from plain tables (parsed TOML or JSON), with errors that name the field.

A record class is a frozen dataclass. Each field may carry constraints through
`spec(...)`: a range, a set of allowed strings, a TOML key that is not a Python name.
`parse_record` turns a table into the class, keeping keys it does not know in `extra`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import sys
import types
import typing
from collections.abc import Callable, Hashable, Mapping
from functools import cache
from typing import Any, TypeVar, cast

from planner.core.errors import Location, RecordError

T = TypeVar("T")

_MISSING: Any = dataclasses.MISSING
FLOAT_MAX = sys.float_info.max


def spec(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[Any, ...] | None = None,
    pattern: str | None = None,
    key: str | None = None,
    doc: str = "",
    quiet_default: bool = False,
) -> Any:
    """A dataclass field with validation rules for `parse_record`. A `quiet_default` field
    is written by `record_to_table` only when it differs from its default, so files saved
    before it existed stay byte for byte the same."""
    metadata = {
        "quiet_default": quiet_default,
        "low": low,
        "high": high,
        "choices": choices,
        "pattern": re.compile(pattern) if pattern else None,
        "key": key,
        "doc": doc,
    }
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def internal(default_factory: Callable[[], Any] = dict) -> Any:
    """A field that is not read from the table (e.g. `extra`)."""
    return dataclasses.field(default_factory=default_factory, metadata={"internal": True})


@dataclasses.dataclass(frozen=True)
class _FieldRule:
    name: str
    key: str
    hint: Any
    required: bool
    low: float | None
    high: float | None
    choices: tuple[Any, ...] | None
    pattern: re.Pattern[str] | None
    quiet_default: Any = _MISSING  # the default, for fields written only when changed


def _rules(cls: type) -> tuple[_FieldRule, ...]:
    return _rules_cached(cast(Hashable, cls))


@cache
def _rules_cached(key: Hashable) -> tuple[_FieldRule, ...]:
    cls = cast(type, key)
    hints = typing.get_type_hints(cls)
    rules = []
    for field in dataclasses.fields(cls):
        if field.metadata.get("internal"):
            continue
        required = field.default is _MISSING and field.default_factory is _MISSING
        rules.append(
            _FieldRule(
                name=field.name,
                key=field.metadata.get("key") or field.name,
                hint=hints[field.name],
                required=required,
                low=field.metadata.get("low"),
                high=field.metadata.get("high"),
                choices=field.metadata.get("choices"),
                pattern=field.metadata.get("pattern"),
                quiet_default=field.default if field.metadata.get("quiet_default") else _MISSING,
            )
        )
    return tuple(rules)


def record_keys(cls: type) -> tuple[str, ...]:
    """The table keys a record class reads, in declaration order."""
    return tuple(rule.key for rule in _rules(cls))


def parse_record(cls: type[T], table: object, path: str = "") -> T:
    """Build `cls` from `table`; raise RecordError naming the field on bad input."""
    if not isinstance(table, Mapping):
        raise RecordError(f"expected a table, got {_describe(table)}", Location(field=path))
    values: dict[str, Any] = {}
    known: set[str] = set()
    for rule in _rules(cls):
        known.add(rule.key)
        field_path = f"{path}.{rule.key}" if path else rule.key
        if rule.key not in table:
            if rule.required:
                raise RecordError("is required but missing", Location(field=field_path))
            continue
        values[rule.name] = _convert(rule, rule.hint, table[rule.key], field_path)
    if _has_extra(cls):
        values["extra"] = {key: value for key, value in table.items() if key not in known}
    record = cls(**values)
    check = getattr(record, "validate", None)
    if check is not None:
        try:
            check()
        except RecordError as error:
            field = f"{path}.{error.location.field}" if path else error.location.field
            raise RecordError(error.message, Location(field=field)) from None
    return record


def _has_extra(cls: type) -> bool:
    return _has_extra_cached(cast(Hashable, cls))


@cache
def _has_extra_cached(key: Hashable) -> bool:
    """Whether a record class keeps the keys it does not know (an `extra` field)."""
    return any(field.name == "extra" for field in dataclasses.fields(cast(Any, key)))


@cache
def _shape(hint: Any) -> tuple[str, Any]:
    """What kind of type hint `hint` is, worked out once per hint: ("optional", inner),
    ("tuple", item hint), ("record", class) or ("plain", hint)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return "optional", next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if origin is tuple:
        return "tuple", typing.get_args(hint)[0]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return "record", hint
    return "plain", hint


def _convert(rule: _FieldRule, hint: Any, value: Any, path: str) -> Any:
    shape, inner = _shape(hint)
    if shape == "optional":
        return _convert(rule, inner, value, path)
    if shape == "tuple":
        item_hint = inner
        if isinstance(value, str) and item_hint is str:
            value = [value]
        if not isinstance(value, list):
            raise RecordError(f"expected a list, got {_describe(value)}", Location(field=path))
        return tuple(
            _convert(rule, item_hint, item, f"{path}[{index}]") for index, item in enumerate(value)
        )
    if shape == "record":
        return parse_record(inner, value, path)
    if hint is bool:
        if not isinstance(value, bool):
            raise RecordError(
                f"expected true or false, got {_describe(value)}", Location(field=path)
            )
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(
                f"expected a whole number, got {_describe(value)}", Location(field=path)
            )
        return _check_range(rule, value, path)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(f"expected a number, got {_describe(value)}", Location(field=path))
        if isinstance(value, int) and abs(value) > FLOAT_MAX:
            raise RecordError(f"is too large ({_fmt(value)})", Location(field=path))
        if not math.isfinite(value):
            raise RecordError(f"expected a finite number, got {value}", Location(field=path))
        return _check_range(rule, float(value), path)
    if hint is str:
        if not isinstance(value, str):
            raise RecordError(f"expected text, got {_describe(value)}", Location(field=path))
        return _check_text(rule, value, path)
    if hint is dt.date:
        return _to_date(value, path)
    raise TypeError(f"unsupported field type {hint!r} for {path}")


def _check_range(rule: _FieldRule, value: float, path: str) -> Any:
    if rule.choices is not None and value not in rule.choices:
        allowed = ", ".join(str(choice) for choice in rule.choices)
        raise RecordError(f"must be one of {allowed} (got {value})", Location(field=path))
    if rule.low is not None and value < rule.low:
        raise RecordError(
            f"must be at least {_fmt(rule.low)} (got {_fmt(value)})", Location(field=path)
        )
    if rule.high is not None and value > rule.high:
        raise RecordError(
            f"must be at most {_fmt(rule.high)} (got {_fmt(value)})", Location(field=path)
        )
    return value


def _check_text(rule: _FieldRule, value: str, path: str) -> str:
    if rule.choices is not None and value not in rule.choices:
        allowed = ", ".join(f"'{choice}'" for choice in rule.choices)
        raise RecordError(f"must be one of {allowed} (got '{value}')", Location(field=path))
    if rule.pattern is not None and not rule.pattern.fullmatch(value):
        raise RecordError(
            f"'{value}' is not valid: use lowercase letters, digits and '-'",
            Location(field=path),
        )
    if rule.required and not value.strip():
        raise RecordError("must not be empty", Location(field=path))
    return value


def _to_date(value: Any, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise RecordError(
        f"expected a date like 2024-01-31, got {_describe(value)}", Location(field=path)
    )


def _fmt(number: float) -> str:
    """A number for a message; integers too long to show are shortened."""
    if isinstance(number, int) and abs(number) >= 10**16:
        return f"a {len(str(abs(number)))}-digit number"
    return f"{number:g}"


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text '{value}'" if len(value) < 40 else "text"
    if isinstance(value, (int, float)):
        return f"the number {_fmt(value)}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def record_to_table(record: object) -> dict[str, Any]:
    """The record as a plain table with its TOML keys (inverse of `parse_record`)."""
    table: dict[str, Any] = {}
    for rule in _rules(type(record)):
        value = getattr(record, rule.name)
        if value is None or (rule.quiet_default is not _MISSING and value == rule.quiet_default):
            continue
        table[rule.key] = _plain(value)
    extra = getattr(record, "extra", None)
    if isinstance(extra, Mapping):
        table.update(extra)
    return table


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_to_table(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value
