"""Reading TOML with errors that name the line, and finding lines of tables and keys.

`tomllib` gives values without positions; `TomlLines` finds where a value was written by
scanning the text for table headers and `key =` lines, which is all the error messages need.
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path
from typing import Any

from planner.core.errors import InputError, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# The name inside `[[ ... ]]`; matched on the text between the brackets only, so a long line
# of spaces cannot make the pattern backtrack.
_HEADER_NAME = re.compile(r"[A-Za-z0-9_.\-\"' ]+")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")
_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_INDEX = re.compile(r"\[(\d+)\]")


# Profiles and part files are small; a larger file is refused rather than read (a planted
# /dev/zero link or a multi-gigabyte file must not exhaust memory).
MAX_FILE_BYTES = 64 * 2**20


def read_toml(path: Path, error_type: type[InputError] = InputError) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; `error_type` with file and line when unreadable.
    Only regular files are read (not a FIFO, a device or a directory), up to MAX_FILE_BYTES."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):
            raise error_type(
                "is not a regular file (a pipe, socket or device?)", Location(file=str(path))
            )
        if status.st_size > MAX_FILE_BYTES:
            raise error_type(
                f"is {status.st_size / 2**20:,.0f} MiB; files over {MAX_FILE_BYTES // 2**20} MiB "
                "are not read",
                Location(file=str(path)),
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error_type("file not found", Location(file=str(path))) from None
    except IsADirectoryError:
        raise error_type("is a directory, not a file", Location(file=str(path))) from None
    except OSError as error:
        raise error_type(f"cannot read: {error.strerror}", Location(file=str(path))) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is allowed
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise error_type(
            "is not UTF-8 text (is it a TOML file?)", Location(file=str(path), line=line)
        ) from None
    return parse_toml_text(text, str(path), error_type), text


# Dotted keys deeper than this describe nothing a profile or part file holds; Python's TOML
# parser takes quadratic time on them (40,000 segments: 20 s), so they are refused first.
MAX_KEY_DEPTH = 64
# One part of a dotted key as TOML writes it: a bare key or a short quoted one, with the
# brackets of a table header at the ends (prose like "one. two. three" does not match).
_KEY_PART = re.compile(r"""\s*\[*\s*([A-Za-z0-9_\-]+|"[^"]{0,64}"|'[^']{0,64}')\s*\]*\s*""")


def parse_toml_text(
    text: str, file: str, error_type: type[InputError] = InputError
) -> dict[str, Any]:
    deep = _deep_key_line(text)
    if deep is not None:
        raise error_type(
            f"has a key of more than {MAX_KEY_DEPTH} dotted parts", Location(file=file, line=deep)
        )
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise error_type("is nested too deeply to read", Location(file=file)) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _AT_LINE.search(message)
        line = int(match.group(1)) if match else None
        if line is None and "(at end of document)" in message:
            line = max(1, len(text.splitlines()))
        reason = _AT_LINE.sub("", message).replace("(at end of document)", "(the file ends early)")
        reason = reason.strip().rstrip(".")
        raise error_type(f"is not valid TOML: {reason}", Location(file=file, line=line)) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise error_type(
            "holds an integer too long to read", Location(file=file, line=_long_number_line(text))
        ) from None


def _deep_key_line(text: str) -> int | None:
    """The first line whose key or table header has more than MAX_KEY_DEPTH dotted parts
    (lines inside multi-line strings are text, not keys)."""
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        starts_inside = in_string
        if (line.count('"""') + line.count("'''")) % 2:
            in_string = not in_string
        if starts_inside:
            continue
        head = line.split("=", 1)[0] if "=" in line else line
        if head.count(".") <= MAX_KEY_DEPTH or head.lstrip().startswith("#"):
            continue
        parts = head.split(".")
        if len(parts) > MAX_KEY_DEPTH and all(_KEY_PART.fullmatch(part) for part in parts):
            return number
    return None


def _long_number_line(text: str) -> int | None:
    """The first line with a run of more than 4,300 digits."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(r"\d{4301}", line):
            return number
    return None


class TomlLines:
    """Line numbers (1-based) of tables, array entries and keys in a TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._array_headers: dict[str, list[int]] | None = None

    def _headers_of(self, table: str) -> list[int]:
        """Header lines of every `[[table]]`, found in one pass over the text and kept."""
        if self._array_headers is None:
            found: dict[str, list[int]] = {}
            for number, line in enumerate(self._lines, start=1):
                name = _array_header(line)
                if name is not None:
                    found.setdefault(_clean(name), []).append(number)
            self._array_headers = found
        return self._array_headers.get(table, [])

    def array_entry(self, table: str, index: int) -> int | None:
        """The header line of the `index`-th `[[table]]`."""
        headers = self._headers_of(table)
        return headers[index] if 0 <= index < len(headers) else None

    def key(self, field_path: str, table: str = "", index: int | None = None) -> int | None:
        """The line where `field_path` (e.g. `pcie_slots[2].gen`) is written.

        The search covers the `index`-th `[[table]]` block, the `[table]` block, or the
        top of the document when `table` is empty. Falls back to the block's header line.
        """
        start, end = self._block(table, index)
        if start is None:
            return None
        first = field_path.split(".")[0]
        item = _INDEX.search(first)
        key = _INDEX.sub("", first)
        for number in range(start, end):
            line = self._lines[number]
            match = _KEY.match(line)
            if match and _clean(match.group(1)) == key:
                if item is None:
                    return number + 1
                return self._list_item(number, int(item.group(1)), end) or number + 1
        return start if table else None

    def _list_item(self, key_line: int, item: int, end: int) -> int | None:
        seen = -1
        for number in range(key_line, end):
            text = self._lines[number]
            if number == key_line:
                text = text.split("=", 1)[1]
            seen += text.count("{")
            if seen >= item:
                return number + 1
        return None

    def header(self, table: str) -> int | None:
        """The line of the `[table]` header, if the text has one."""
        start, _end = self._block(table, None)
        return start

    def _block(self, table: str, index: int | None) -> tuple[int | None, int]:
        """0-based first line after the header, and the end (exclusive) of the block."""
        if not table:
            return 0, self._next_header(0)
        if index is not None:
            header = self.array_entry(table, index)
        else:
            header = next(
                (
                    number
                    for number, line in enumerate(self._lines, start=1)
                    if (name := _table_header(line)) is not None and _clean(name) == table
                ),
                None,
            )
        if header is None:
            return None, 0
        return header, self._next_header(header)

    def _next_header(self, start: int) -> int:
        for number in range(start, len(self._lines)):
            if _table_header(self._lines[number]) is not None:
                return number
        return len(self._lines)


def _array_header(line: str) -> str | None:
    """The table name of an `[[name]]` header line (a comment may follow), else None."""
    return _header(line, "[[", "]]")


def _table_header(line: str) -> str | None:
    """The table name of a `[name]` or `[[name]]` header line, else None."""
    return _header(line, "[[", "]]") or _header(line, "[", "]")


def _header(line: str, opening: str, closing: str) -> str | None:
    """The name between `opening` and `closing` on a header line (a comment may follow);
    found without a regular expression, so a long line of spaces cannot stall it."""
    stripped = line.strip()
    if not stripped.startswith(opening):
        return None
    end = stripped.find(closing, len(opening))
    if end < 0:
        return None
    rest = stripped[end + len(closing) :].lstrip()
    name = stripped[len(opening) : end].strip()
    if (rest and not rest.startswith("#")) or not _HEADER_NAME.fullmatch(name):
        return None
    return name


def _clean(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))
