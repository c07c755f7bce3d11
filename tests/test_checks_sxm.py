"""SXM modules (A100/H100/H200/B200/V100 SXM): they take no PCIe slot, so the build gets one
clear error with the PCIe alternative, and nothing else in the planner trips over their
missing slot width, length and power plugs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import planner
from test_checks_expert import check, find

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.findings import Severity
from planner.core.hints import incompatibility
from planner.core.part_specs import key_specs
from planner.core.parts import Gpu, PartKind
from planner.io.catalog_files import part_table
from planner.io.csv_export import parts_csv
from planner.io.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
FOUR_GPU = ROOT / "resources" / "samples" / "four-gpu-threadripper.rigplan.toml"
SXM_IDS = (
    "a100-sxm4-40gb",
    "a100-sxm4-80gb",
    "h100-sxm5-80gb",
    "h200-sxm-141gb",
    "b200-sxm-180gb",
    "v100-sxm2-16gb",
    "v100-sxm2-32gb",
)


def test_an_sxm_module_on_a_desktop_board_is_an_error_with_the_pcie_fix(catalog: Catalog) -> None:
    report = check(catalog, {"gpu": ("h100-sxm5-80gb", 1)})
    finding = find(report, "compatibility.gpu_sxm_module")
    assert finding.severity is Severity.ERROR
    assert "SXM module" in finding.message and "HGX/DGX baseboard" in finding.message
    assert "ProArt X670E" in finding.message  # the board it cannot go in
    assert set(finding.parts) == {"h100-sxm5-80gb", "asus-proart-x670e-creator-wifi"}
    assert "H100 PCIe, H100 NVL or H200 NVL" in finding.fix and "cloud rental" in finding.fix


def test_the_pcie_version_passes(catalog: Catalog) -> None:
    for part_id in ("rtx-4090", "a100-80gb-pcie", "h100-pcie-80gb", "t4", "a10g"):
        report = check(catalog, {"gpu": (part_id, 1)})
        assert "compatibility.gpu_sxm_module" not in report.codes(), part_id


def test_the_slot_plan_skips_modules_instead_of_calling_them_too_thick(catalog: Catalog) -> None:
    report = check(catalog, {"gpu": ("a100-sxm4-80gb", 8)})
    layout = report.layout
    assert layout is not None
    assert layout.gpus == () and layout.unplaced_gpus == ()
    assert layout.sxm_gpus == ("a100-sxm4-80gb",) * 8
    assert layout.to_json()["sxm_gpus"] == ["a100-sxm4-80gb"] * 8
    codes = report.codes()
    for misleading in (
        "pcie.not_enough_slots",
        "fit.gpu_spacing",
        "fit.expansion_slots",
        "fit.gpu_length",
        "power.connectors",
        "cooling.passive_in_desktop",
        "pcie.nvlink",
    ):
        assert misleading not in codes, misleading
    assert len([f for f in report.findings if f.code == "compatibility.gpu_sxm_module"]) == 1


def test_cards_beside_modules_keep_their_slot_and_index(catalog: Catalog) -> None:
    parts = (
        PartChoice(id="h100-sxm5-80gb", count=2),
        PartChoice(id="rtx-4090", count=1),
        PartChoice(id="ryzen-9-7950x", count=1),
        PartChoice(id="asus-proart-x670e-creator-wifi", count=1),
    )
    report = run_checks(Build(parts=parts), catalog)
    layout = report.layout
    assert layout is not None
    assert [(p.part_id, p.gpu_index) for p in layout.gpus] == [("rtx-4090", 2)]
    assert layout.sxm_gpus == ("h100-sxm5-80gb", "h100-sxm5-80gb")


@pytest.mark.parametrize("part_id", SXM_IDS)
def test_every_module_runs_through_checks_estimates_and_tables(
    catalog: Catalog, workloads: dict[str, object], part_id: str
) -> None:
    profile = load_profile(FOUR_GPU)
    parts = tuple(
        PartChoice(id=part_id, count=item.count) if item.id == "rtx-a6000" else item
        for item in profile.parts
    )
    build = Build(parts=parts, workloads=profile.workloads, settings=profile.settings)
    report = run_checks(build, catalog, workloads)  # type: ignore[arg-type]
    assert "compatibility.gpu_sxm_module" in report.codes()
    json.dumps(report.to_json())
    # On a desktop board the module cannot train; planned as a rented node (no board) it can.
    assert all("placed" in e.problem for e in report.estimates)
    rented = Build(
        parts=tuple(p for p in parts if p.id in (part_id, "threadripper-pro-7975wx")),
        workloads=profile.workloads,
    )
    estimates = run_checks(rented, catalog, workloads).estimates  # type: ignore[arg-type]
    assert estimates and all(e.estimate is not None for e in estimates)
    gpu = catalog.get(part_id)
    assert isinstance(gpu, Gpu)
    assert "SXM module" in key_specs(gpu)
    assert part_table(gpu)["slot_width"] is None
    assembly = Assembly.resolve(build, catalog)
    assert part_id.encode() in parts_csv(assembly)
    assert incompatibility(gpu, assembly) is not None  # greyed out with a board chosen


def test_catalog_list_export_and_check_handle_modules(tmp_path: Path) -> None:
    listed = planner("catalog", "list", "--kind", "gpu", "--json")
    assert listed.returncode == 0, listed.stderr
    gpus = {gpu["id"]: gpu for gpu in json.loads(listed.stdout)}
    assert gpus["b200-sxm-180gb"]["form_factor"] == "sxm"
    assert gpus["b200-sxm-180gb"]["slot_width"] is None
    assert gpus["rtx-4090"]["form_factor"] == "pcie"
    profile = tmp_path / "sxm.rigplan.toml"
    profile.write_text(
        FOUR_GPU.read_text(encoding="utf-8").replace('"rtx-a6000"', '"h200-sxm-141gb"'),
        encoding="utf-8",
    )
    checked = planner("check", str(profile), "--json")
    assert checked.returncode == 1, checked.stderr
    codes = {f["code"] for f in json.loads(checked.stdout)["findings"]}
    assert "compatibility.gpu_sxm_module" in codes
    pdf, csv = tmp_path / "report.pdf", tmp_path / "parts.csv"
    exported = planner("export", str(profile), "--pdf", str(pdf), "--csv", str(csv))
    assert exported.returncode == 0, exported.stderr
    assert pdf.stat().st_size > 0 and b"h200-sxm-141gb" in csv.read_bytes()
    text = planner("check", str(profile))
    assert "(SXM module)" in text.stdout


def test_gpu_picker_columns_show_a_dash_for_module_slots(catalog: Catalog) -> None:
    from planner.ui.catalog_columns import COLUMNS

    gpu = catalog.get("h100-sxm5-80gb")
    assert gpu is not None
    shown = {column.header: column.display(gpu) for column in COLUMNS[PartKind.GPU]}
    assert shown["Slots"] == "—" and shown["Length mm"] == "—"
