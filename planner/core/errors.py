"""Errors raised for bad input, each naming where the problem is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a bad value was found: file, line (when known), record and field."""

    file: str = ""
    line: int | None = None
    record: str = ""
    field: str = ""

    def describe(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        parts = [place]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts)


class InputError(Exception):
    """Bad user input: a file, a record or a value the planner cannot use."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    def located(self, **changes: object) -> InputError:
        """A copy of this error with more of its location filled in."""
        current = self.location
        merged = Location(
            file=str(changes.get("file", current.file) or current.file),
            line=_pick_line(changes.get("line"), current.line),
            record=str(changes.get("record", current.record) or current.record),
            field=str(changes.get("field", current.field) or current.field),
        )
        return type(self)(self.message, merged)

    def __str__(self) -> str:
        where = self.location.describe()
        return f"{where}: {self.message}"


def _pick_line(new: object, old: int | None) -> int | None:
    if isinstance(new, int):
        return new
    return old


class RecordError(InputError):
    """A record (catalog part, profile entry) has a missing or bad field."""


class CatalogError(InputError):
    """A catalog file or entry cannot be used."""


class ProfileError(InputError):
    """A profile file cannot be read."""
