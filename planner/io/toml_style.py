"""Saving a profile over the file it came from keeps what the person wrote: comments, key
order, number and string styles (`0xff`, `1_000`, `'x'`), inline and dotted tables and line
ends, for every value the app did not change. The new values are merged into the file's
own document (tomlkit keeps its layout); whatever changed is written in plain style."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


Defaults = Mapping[str, Mapping[str, Any]]  # per table: the value a missing key means


def restyle(
    original: str,
    canonical: str,
    means_the_same: Callable[[str], bool],
    defaults: Defaults,
) -> str | None:
    """`canonical` (the app's text for the build) laid out like `original`, or None when the
    original cannot carry it (then the canonical text is written as it is). A key the file
    left out is not added while the new value is what leaving it out means (`defaults`);
    `means_the_same` confirms the result reads back as the build."""
    try:
        document = tomlkit.parse(original)
        wanted = tomllib.loads(canonical)
        _merge(document, wanted, defaults, "")
        text = tomlkit.dumps(document)
        if not means_the_same(text):
            return None
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None  # tomlkit's errors are ValueErrors: fall back to the plain writer
    if "\r\n" in original:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


def _merge(container: Any, wanted: Mapping[str, Any], defaults: Defaults, table: str) -> None:
    implied = defaults.get(table, {})
    for key in [key for key in container if key not in wanted]:
        if key in implied and _equal(container[key], implied[key]):
            continue  # written by the person, equal to what the app leaves out: keep it
        del container[key]
    for key, value in wanted.items():
        if key not in container:
            if not (key in implied and _equal(implied[key], value)):
                container[key] = value
            continue
        old = container[key]
        if _equal(old, value):
            continue
        if isinstance(value, dict) and isinstance(old, Table):
            _merge(old, value, defaults, key)
        elif _is_table_array(value) and isinstance(old, AoT):
            _merge_array(old, value, defaults, key)
        else:
            container[key] = value


def _merge_array(old: AoT, wanted: list[dict[str, Any]], defaults: Defaults, table: str) -> None:
    for index, entry in enumerate(wanted):
        if index < len(old):
            _merge(old[index], entry, defaults, table)
        else:
            implied = defaults.get(table, {})
            old.append(
                {
                    key: value
                    for key, value in entry.items()
                    if not (key in implied and _equal(implied[key], value))
                }
            )
    while len(old) > len(wanted):
        del old[len(old) - 1]


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _equal(old: Any, value: object) -> bool:
    unwrap = getattr(old, "unwrap", None)
    plain = unwrap() if callable(unwrap) else old
    return bool(type(plain) is type(value) and plain == value)
