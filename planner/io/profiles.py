"""Profiles: builds saved as TOML (format `rig-planner-profile`), versioned and lossless.

Loading validates every known field and reports the file, line and field of the first bad
one. Whatever the planner does not know (top-level keys, tables, keys inside parts,
workloads and settings, part ids missing from the catalog) is kept and written back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import tomli_w

from planner.core.build import (
    SERVING_KEYS,
    TRAINING_KEYS,
    Build,
    PartChoice,
    Settings,
    WorkloadChoice,
)
from planner.core.catalog import Catalog, RetiredPart
from planner.core.errors import Location, ProfileError, RecordError
from planner.core.records import parse_record, record_to_table
from planner.io.atomic import write_atomic
from planner.io.toml_style import restyle
from planner.io.tomlfile import TomlLines, parse_toml_text, read_toml

FORMAT = "rig-planner-profile"
SCHEMA_VERSION = 1

Migration = Callable[[dict[str, Any]], dict[str, Any]]
# MIGRATIONS[n] turns a schema-n document into a schema-(n+1) document. Each new schema
# adds one entry here and a fixture profile of the old version under tests/data.
MIGRATIONS: dict[int, Migration] = {}

_HEADER_START = re.compile(r"^(\[\[?)", re.MULTILINE)
_KNOWN_TOP = ("format", "schema_version", "name", "notes", "settings", "parts", "workloads")


def load_profile(path: Path | str) -> Build:
    path = Path(path)
    document, text = read_toml(path, ProfileError)
    return _build_from_document(document, text, str(path))


def loads_profile(text: str, file: str = "<profile>") -> Build:
    return _build_from_document(parse_toml_text(text, file, ProfileError), text, file)


def _build_from_document(document: dict[str, Any], text: str, file: str) -> Build:
    lines = TomlLines(text)

    def fail(message: str, field: str, table: str = "", index: int | None = None) -> ProfileError:
        line = lines.key(field, table, index) if field else None
        if line is None and table and index is not None:
            line = lines.array_entry(table, index)
        if line is None:
            # `settings = "x"`, a [settings] or [schema_version] table, or an inline array
            # of tables (`parts = [{...}]`): the line of the top-level key or header.
            top = table or field.split(".")[0].split("[")[0]
            line = (lines.key(top) or lines.header(top)) if top else None
        return ProfileError(
            message, Location(file=file, line=line, field=_qualified(table, index, field))
        )

    document = _migrate(document, fail)
    name = document.get("name", "Untitled build")
    if not isinstance(name, str):
        raise fail("expected text", "name")
    notes = document.get("notes", "")
    if not isinstance(notes, str):
        raise fail("expected text", "notes")
    _check_sizes(document, name, notes, fail)
    settings = _parse_table(Settings, document.get("settings", {}), "settings", None, fail)
    parts = tuple(
        _parse_table(PartChoice, table, "parts", index, fail)
        for index, table in enumerate(_array(document, "parts", fail))
    )
    workloads = tuple(
        _parse_workload(table, index, fail)
        for index, table in enumerate(_array(document, "workloads", fail))
    )
    extra = {key: value for key, value in document.items() if key not in _KNOWN_TOP}
    return Build(
        name=name, notes=notes, settings=settings, parts=parts, workloads=workloads, extra=extra
    )


# A build plan is a page, not a database: beyond these a profile is refused with the reason,
# so that a huge file cannot freeze the window or the report.
MAX_NAME_CHARS = 200
MAX_NOTES_CHARS = 100_000
MAX_ENTRIES = {"parts": 200, "workloads": 50}


def _check_sizes(
    document: Mapping[str, Any], name: str, notes: str, fail: Callable[..., ProfileError]
) -> None:
    if len(name) > MAX_NAME_CHARS:
        raise fail(
            f"is {len(name):,} characters; a build name has at most {MAX_NAME_CHARS}", "name"
        )
    if len(notes) > MAX_NOTES_CHARS:
        raise fail(
            f"are {len(notes):,} characters; notes have at most {MAX_NOTES_CHARS:,}", "notes"
        )
    for key, limit in MAX_ENTRIES.items():
        entries = document.get(key)
        if isinstance(entries, list) and len(entries) > limit:
            raise fail(f"has {len(entries):,} entries; a profile has at most {limit}", key)


def _migrate(document: dict[str, Any], fail: Callable[..., ProfileError]) -> dict[str, Any]:
    if document.get("format") != FORMAT:
        found = document.get("format")
        detail = f"'{found}'" if isinstance(found, str) else "missing"
        raise fail(f"is not a Rig Planner profile: format must be '{FORMAT}' ({detail})", "format")
    version = document.get("schema_version")
    if version is None:
        raise fail("is missing: a profile names its schema_version (1)", "schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise fail("must be a whole number (the profile schema version)", "schema_version")
    if version > SCHEMA_VERSION:
        raise fail(
            f"the profile was written by a newer Rig Planner (schema {version}); this version "
            f"reads schema {SCHEMA_VERSION} and older. Update Rig Planner to open it.",
            "schema_version",
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise fail(f"schema {version} is not supported; no migration exists", "schema_version")
        document = step(dict(document))
        version += 1
        document["schema_version"] = version
    return document


def _array(document: Mapping[str, Any], key: str, fail: Callable[..., ProfileError]) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise fail(f"must be an array of tables, written [[{key}]]", key)
    return value


def _parse_table(
    cls: type[Any],
    table: object,
    name: str,
    index: int | None,
    fail: Callable[..., ProfileError],
) -> Any:
    if not isinstance(table, Mapping):
        raise fail("expected a table", "", name, index)
    try:
        return parse_record(cls, table)
    except RecordError as error:
        raise fail(error.message, error.location.field, name, index) from None


def _parse_workload(table: object, index: int, fail: Callable[..., ProfileError]) -> WorkloadChoice:
    inline = table.get("id") if isinstance(table, Mapping) else None
    if isinstance(inline, Mapping) and isinstance(table, Mapping):
        table = {key: value for key, value in table.items() if key != "id"}
    choice: WorkloadChoice = _parse_table(WorkloadChoice, table, "workloads", index, fail)
    if isinstance(inline, Mapping):
        return dataclasses.replace(choice, inline=dict(inline))
    if choice.id is None:
        raise fail(
            "a workload needs an 'id': a workload catalog id or an inline table describing "
            "the network",
            "id",
            "workloads",
            index,
        )
    return choice


def _workload_table(choice: WorkloadChoice) -> dict[str, Any]:
    """The entry as written: a served workload without training keys and a trained one
    without serving keys, so each reads like the task it is."""
    other = TRAINING_KEYS if choice.serves else SERVING_KEYS
    table = {key: value for key, value in record_to_table(choice).items() if key not in other}
    if choice.inline is not None:
        table = {"id": dict(choice.inline), **table}
    return table


def _qualified(table: str, index: int | None, field: str) -> str:
    if not table:
        return field
    head = f"{table}[{index}]" if index is not None else table
    return f"{head}.{field}" if field else head


def unknown_part_error(
    path: Path | str,
    build: Build,
    known: Callable[[str], bool],
    retired: Mapping[str, RetiredPart] | None = None,
) -> ProfileError | None:
    """An error naming the first part id of `build` for which `known` is false, with its line
    (and, for a part that left the built-in catalog, why and what to do)."""
    for index, choice in enumerate(build.parts):
        if known(choice.id):
            continue
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        line = TomlLines(text).key("id", "parts", index)
        gone = (retired or {}).get(choice.id)
        message = (
            f"part '{choice.id}' ({gone.name}) {gone.why}; {gone.fix}"
            if gone is not None
            else f"unknown part id '{choice.id}': it is neither in the built-in catalog nor in "
            "your parts folder"
        )
        return ProfileError(
            message, Location(file=str(path), line=line, field=f"parts[{index}].id")
        )
    return None


def require_known_parts(path: Path | str, build: Build, catalog: Catalog) -> Build:
    """`build`, if the catalog knows every part id in it; else the error `unknown_part_error`
    makes."""
    error = unknown_part_error(path, build, catalog.__contains__, catalog.retired)
    if error is not None:
        raise error
    return build


def workload_error(path: Path | str, index: int, message: str) -> ProfileError:
    """An error about the index-th [[workloads]] entry of a profile, with its line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        text = ""
    return ProfileError(
        message,
        Location(
            file=str(path),
            line=TomlLines(text).array_entry("workloads", index),
            field=f"workloads[{index}]",
        ),
    )


def dumps_profile(build: Build) -> str:
    document: dict[str, Any] = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "name": build.name,
    }
    if build.notes:
        document["notes"] = build.notes
    document.update(build.extra)
    settings = record_to_table(build.settings)
    if settings:
        document["settings"] = settings
    arrays = {
        "parts": [record_to_table(choice) for choice in build.parts],
        "workloads": [_workload_table(choice) for choice in build.workloads],
    }
    text = tomli_w.dumps(document)
    for name, entries in arrays.items():
        for entry in entries:
            text += f"\n[[{name}]]\n" + _nest_headers(tomli_w.dumps(entry), name)
    expected = {**document, **_nonempty(arrays)}
    if not _same(parse_toml_text(text, "<written profile>", ProfileError), expected):
        raise AssertionError("profile writer produced TOML that reads back differently")
    return text


def _same(left: object, right: object) -> bool:
    """Deep equality in which NaN equals NaN (TOML can hold nan in unknown fields)."""
    if isinstance(left, float) and isinstance(right, float) and left != left:
        return right != right
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    return left == right


def _nest_headers(text: str, parent: str) -> str:
    """Put the table headers of an entry's own sub-tables under its array, e.g. `[x]` ->
    `[parts.x]`. tomli_w indents array items and escapes newlines in strings, so a line
    starting with `[` is always a header."""
    return _HEADER_START.sub(lambda match: f"{match.group(1)}{parent}.", text)


def _nonempty(arrays: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {name: entries for name, entries in arrays.items() if entries}


def save_profile(build: Build, path: Path | str, keep_style: bool = False) -> None:
    """Write `build` to `path`. With `keep_style` (saving over the file the build came
    from) the file keeps every byte when nothing changed, and its comments and layout for
    everything that did not change otherwise."""
    path = Path(path)
    text = dumps_profile(build)
    original = _existing_text(path) if keep_style else None
    if original is not None:
        if _reads_as(original, path, build):
            text = original
        else:
            text = (
                restyle(
                    original,
                    text,
                    lambda styled: _reads_as(styled, path, build),
                    _implied_defaults(),
                )
                or text
            )
    write_atomic(path, text.encode("utf-8"))


def _reads_as(text: str, path: Path, build: Build) -> bool:
    try:
        return loads_profile(text, str(path)) == build
    except (ProfileError, RecursionError):
        return False


@cache
def _implied_defaults() -> dict[str, dict[str, Any]]:
    """What a key left out of a profile table means, per table."""
    found: dict[str, dict[str, Any]] = {}
    for table, cls in (
        ("parts", PartChoice),
        ("workloads", WorkloadChoice),
        ("settings", Settings),
    ):
        found[table] = {
            field.metadata.get("key") or field.name: field.default
            for field in dataclasses.fields(cls)
            if field.default is not dataclasses.MISSING
            and field.default is not None
            and not field.metadata.get("internal")
        }
    return found


def _existing_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None
