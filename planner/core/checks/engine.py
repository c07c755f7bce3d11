"""Runs every check on a build and gathers the findings, the slot layout and power budget."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.checks import (
    advice,
    compatibility,
    completeness,
    cooling,
    fit,
    pcie,
    power,
    prices,
    psu_pair,
    risers,
    serving,
    training,
)
from planner.core.checks.context import Check, CheckContext
from planner.core.findings import Finding, Severity, sort_findings
from planner.core.pcie import SlotLayout
from planner.core.power import PowerBudget
from planner.core.workload_estimates import BuildEstimate
from planner.core.workloads import Workload

CHECKS: tuple[Check, ...] = (
    completeness.check_missing_parts,
    completeness.check_single_parts,
    completeness.check_unknown_parts,
    compatibility.check_cpu_socket,
    compatibility.check_memory,
    compatibility.check_case_form_factor,
    compatibility.check_cooler,
    compatibility.check_sxm_modules,
    power.check_psu_capacity,
    power.check_transients,
    power.check_connectors,
    power.check_wall_circuit,
    power.check_large_psu_on_120v,
    power.check_psu_input_voltage,
    psu_pair.check_psu_shares,
    psu_pair.check_psu_transients,
    psu_pair.check_psu_cables,
    psu_pair.check_psu_sync,
    pcie.check_slots,
    pcie.check_links,
    pcie.check_cpu_lanes,
    pcie.check_peer_to_peer,
    pcie.check_m2_sockets,
    risers.check_riser_links,
    risers.check_bifurcation,
    risers.check_open_frame,
    fit.check_gpu_length,
    fit.check_cooler_fit,
    fit.check_psu_fit,
    fit.check_drives,
    cooling.check_packed_cards,
    cooling.check_passive_cards,
    cooling.check_heat,
    advice.check_cpu_cores,
    advice.check_system_ram,
    advice.check_storage,
    training.check_workloads_valid,
    training.check_gpu_memory,
    training.check_dataset_storage,
    serving.check_serving_memory,
    serving.check_serving_link,
    prices.check_price_age,
    prices.check_cloud_only_gpus,
)


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    layout: SlotLayout | None = None
    power: PowerBudget | None = None
    estimates: tuple[BuildEstimate, ...] = ()

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
            "slot_layout": self.layout.to_json() if self.layout else None,
            "power": self.power.to_json() if self.power else None,
        }


def run_checks(
    build: Build, catalog: Catalog, workloads: Mapping[str, Workload] | None = None
) -> CheckReport:
    """Findings for the build; with a workload catalog, also for the workloads it trains."""
    context = CheckContext(Assembly.resolve(build, catalog), catalog, workloads or {})
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(context))
    return CheckReport(sort_findings(findings), context.layout, context.power, context.estimates)
