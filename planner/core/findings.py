"""Findings: what the check engine says about a build."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Category(str, Enum):
    COMPATIBILITY = "compatibility"
    POWER = "power"
    PCIE = "pcie"
    FIT = "fit"
    COOLING = "cooling"
    MEMORY = "memory"
    STORAGE = "storage"
    COMPLETENESS = "completeness"
    COST = "cost"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    category: Category
    code: str
    message: str
    parts: tuple[str, ...] = ()
    fix: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "category": self.category.value,
            "code": self.code,
            "message": self.message,
            "parts": list(self.parts),
            "fix": self.fix,
        }


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """Errors first, then warnings, then notes; stable within a severity."""
    return tuple(sorted(findings, key=lambda finding: finding.severity.rank))
