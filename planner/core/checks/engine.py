"""Runs every check on a build and gathers the findings."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.checks import compatibility, completeness
from planner.core.checks.context import Check, CheckContext
from planner.core.findings import Finding, Severity, sort_findings

CHECKS: tuple[Check, ...] = (
    completeness.check_missing_parts,
    completeness.check_single_parts,
    completeness.check_unknown_parts,
    compatibility.check_cpu_socket,
    compatibility.check_memory,
    compatibility.check_case_form_factor,
    compatibility.check_cooler,
)


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]

    def of_severity(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity is severity)

    @property
    def has_errors(self) -> bool:
        return any(finding.severity is Severity.ERROR for finding in self.findings)

    def codes(self) -> set[str]:
        return {finding.code for finding in self.findings}

    def to_json(self) -> dict[str, object]:
        return {
            "ok": not self.has_errors,
            "counts": {severity.value: len(self.of_severity(severity)) for severity in Severity},
            "findings": [finding.to_json() for finding in self.findings],
        }


def run_checks(build: Build, catalog: Catalog) -> CheckReport:
    context = CheckContext(Assembly.resolve(build, catalog), catalog)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(context))
    return CheckReport(sort_findings(findings))
