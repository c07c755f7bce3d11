"""What every check sees, and small helpers for writing findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.core.assembly import Assembly
from planner.core.catalog import Catalog
from planner.core.findings import Finding
from planner.core.parts import Part, PartKind


@dataclass(frozen=True)
class CheckContext:
    assembly: Assembly
    catalog: Catalog

    def examples(self, kind: PartKind, fits: Callable[[Part], bool], limit: int = 2) -> str:
        """Names of the cheapest catalog parts of `kind` that satisfy `fits`, for fixes."""
        matches = sorted(
            (part for part in self.catalog.of_kind(kind) if fits(part)),
            key=lambda part: (part.price_usd is None, part.price_or_zero),
        )
        names = [part.display_name for part in matches[:limit]]
        if not names:
            return ""
        return " (e.g. " + ", ".join(names) + ")"


Check = Callable[[CheckContext], Iterable[Finding]]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
