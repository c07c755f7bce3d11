"""Completeness and compatibility checks: each code with a build that passes and one that fails."""

from __future__ import annotations

import pytest

from planner.core.build import Build, PartChoice
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Severity

GOOD = {
    "gpu": "rtx-4090",
    "cpu": "ryzen-9-7950x",
    "motherboard": "asus-proart-x670e-creator-wifi",
    "memory": "corsair-vengeance-64gb-2x32-ddr5-6000-c30",
    "psu": "corsair-rm1000x-2024",
    "case": "fractal-design-north",
    "cooler": "deepcool-ak620",
    "storage": "samsung-990-pro-2tb",
}


def build_of(parts: dict[str, str], **counts: int) -> Build:
    return Build(
        name="test",
        parts=tuple(
            PartChoice(id=part_id, count=counts.get(kind, 1)) for kind, part_id in parts.items()
        ),
    )


def check(catalog: Catalog, change: dict[str, str] | None = None, **counts: int) -> CheckReport:
    parts = dict(GOOD)
    for kind, part_id in (change or {}).items():
        if part_id:
            parts[kind] = part_id
        else:
            parts.pop(kind)
    return run_checks(build_of(parts, **counts), catalog)


def finding(report: CheckReport, code: str):  # type: ignore[no-untyped-def]
    matches = [item for item in report.findings if item.code == code]
    assert matches, f"{code} not in {report.codes()}"
    return matches[0]


def test_the_reference_build_has_no_compatibility_or_completeness_findings(
    catalog: Catalog,
) -> None:
    report = check(catalog)
    assert not [
        item for item in report.findings if item.category.value in ("compatibility", "completeness")
    ], [item.message for item in report.findings]


@pytest.mark.parametrize(
    "kind", ["gpu", "cpu", "motherboard", "memory", "psu", "case", "cooler", "storage"]
)
def test_each_missing_essential_part_is_an_error(catalog: Catalog, kind: str) -> None:
    report = check(catalog, {kind: ""})
    item = finding(report, f"completeness.missing_{kind}")
    assert item.severity is Severity.ERROR
    assert item.fix.startswith("Add a")


def test_an_empty_build_lists_every_missing_part(catalog: Catalog) -> None:
    report = run_checks(Build(), catalog)
    assert len(report.of_severity(Severity.ERROR)) == 8
    assert report.has_errors


@pytest.mark.parametrize("kind", ["cpu", "motherboard", "case", "cooler"])
def test_two_of_a_single_part_is_an_error(catalog: Catalog, kind: str) -> None:
    report = check(catalog, **{kind: 2})
    item = finding(report, f"completeness.too_many_{kind}")
    assert item.severity is Severity.ERROR
    assert "2 ×" in item.message


def test_unknown_part_ids_are_kept_and_warned_about(catalog: Catalog) -> None:
    build = build_of(GOOD)
    build = Build(name="x", parts=(*build.parts, PartChoice(id="gpu-from-2031", count=2)))
    report = run_checks(build, catalog)
    item = finding(report, "completeness.unknown_part")
    assert item.severity is Severity.WARNING
    assert item.parts == ("gpu-from-2031",)
    assert "×2" in item.message


def test_cpu_socket_mismatch(catalog: Catalog) -> None:
    report = check(catalog, {"cpu": "core-i9-14900k"})
    item = finding(report, "compatibility.cpu_socket")
    assert item.severity is Severity.ERROR
    assert "LGA1700" in item.message and "AM5" in item.message
    assert set(item.parts) == {"core-i9-14900k", GOOD["motherboard"]}
    assert "Choose a CPU for the AM5 socket" in item.fix
    assert "e.g." in item.fix


def test_threadripper_needs_its_chipset(catalog: Catalog) -> None:
    report = check(
        catalog,
        {
            "cpu": "threadripper-7960x",
            "motherboard": "asus-pro-ws-wrx90e-sage-se",
            "memory": "samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk",
            "cooler": "noctua-nh-u14s-tr5-sp6",
        },
    )
    item = finding(report, "compatibility.cpu_chipset")
    assert "TRX50" in item.message and "WRX90" in item.message
    assert "compatibility.cpu_socket" not in report.codes()


def test_ddr4_kit_on_a_ddr5_board(catalog: Catalog) -> None:
    report = check(catalog, {"memory": "corsair-vengeance-lpx-64gb-2x32-ddr4-3200-c16"})
    item = finding(report, "compatibility.memory_type")
    assert item.severity is Severity.ERROR
    assert "DDR4" in item.message and "DDR5" in item.message
    assert "DDR5 UDIMM kit" in item.fix


def test_registered_memory_on_a_desktop_board(catalog: Catalog) -> None:
    report = check(catalog, {"memory": "samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk"})
    assert finding(report, "compatibility.memory_module").severity is Severity.ERROR


def test_too_many_modules_for_the_slots(catalog: Catalog) -> None:
    report = check(catalog, memory=3)
    item = finding(report, "compatibility.memory_slots")
    assert "6 modules" in item.message and "4 DIMM slots" in item.message


def test_exactly_filling_the_slots_is_fine_but_slows_ddr5(catalog: Catalog) -> None:
    report = check(catalog, memory=2)
    assert "compatibility.memory_slots" not in report.codes()
    assert finding(report, "compatibility.memory_speed_4dimm").severity is Severity.INFO


def test_memory_capacity_over_the_limit(catalog: Catalog) -> None:
    report = check(catalog, {"memory": "crucial-pro-128gb-2x64-ddr5-5600-cl46"}, memory=2)
    item = finding(report, "compatibility.memory_capacity")
    assert "256 GB" in item.message and "192 GB" in item.message


def test_board_too_big_for_the_case(catalog: Catalog) -> None:
    report = check(catalog, {"case": "cooler-master-masterbox-nr200p"})
    item = finding(report, "compatibility.case_form_factor")
    assert item.severity is Severity.ERROR
    assert "ATX" in item.message and "Mini-ITX" in item.message
    assert "e.g." in item.fix


def test_smaller_atx_family_boards_fit_larger_cases(catalog: Catalog) -> None:
    report = check(
        catalog,
        {"motherboard": "asus-rog-strix-x670e-i-gaming-wifi", "case": "corsair-7000d-airflow"},
    )
    assert "compatibility.case_form_factor" not in report.codes()


def test_cooler_for_another_socket(catalog: Catalog) -> None:
    report = check(catalog, {"cooler": "noctua-nh-u14s-tr5-sp6"})
    item = finding(report, "compatibility.cooler_socket")
    assert "sTR5" in item.message and "AM5" in item.message


def test_cooler_rated_below_the_cpu(catalog: Catalog) -> None:
    report = check(catalog, {"cooler": "bequiet-pure-rock-2"})
    item = finding(report, "compatibility.cooler_capacity")
    assert item.severity is Severity.WARNING
    assert "150 W" in item.message and "170 W" in item.message


def test_findings_come_errors_first(catalog: Catalog) -> None:
    report = check(catalog, {"cpu": "core-i9-14900k", "cooler": "bequiet-pure-rock-2", "gpu": ""})
    ranks = [item.severity.rank for item in report.findings]
    assert ranks == sorted(ranks)


def test_report_json_shape(catalog: Catalog) -> None:
    document = check(catalog, {"cpu": "core-i9-14900k"}).to_json()
    assert document["ok"] is False
    assert document["counts"]["error"] >= 1  # type: ignore[index]
    first = document["findings"][0]  # type: ignore[index]
    assert set(first) == {"severity", "category", "code", "message", "parts", "fix"}
