"""Exports as their readers use them: the PDF read with poppler's pdftotext/pdfinfo/pdftoppm,
the CSVs read back with Python's csv module."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.assembly import Assembly
from planner.core.catalog import PartOrigin
from planner.core.checks import run_checks
from planner.core.parts import PartKind
from planner.io.csv_export import (
    ESTIMATE_COLUMNS,
    PARTS_COLUMNS,
    TOTAL_KIND,
    estimates_csv,
    parts_csv,
)
from planner.io.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.rigplan.toml"))
FOUR_GPU = ROOT / "resources" / "samples" / "four-gpu-threadripper.rigplan.toml"
SINGLE = ROOT / "resources" / "samples" / "single-rtx-4090.rigplan.toml"


def poppler(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: install poppler-utils (apt-get install poppler-utils)"
    return subprocess.run(
        [path, *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for spreadsheet programs"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_parts_csv_round_trips_with_columns_and_total(sample: Path, catalog) -> None:
    assembly = Assembly.resolve(load_profile(sample), catalog)
    rows = read_csv(parts_csv(assembly))
    assert tuple(rows[0]) == PARTS_COLUMNS
    parts, total = rows[:-1], rows[-1]
    assert total["kind"] == TOTAL_KIND
    assert [row["id"] for row in parts] == [item.part.id for item in assembly.items]
    for row, item in zip(parts, assembly.items, strict=True):
        assert row["name"] == item.part.name
        assert int(row["count"]) == item.count
        if item.part.price_usd is not None:
            assert float(row["line_total_usd"]) == pytest.approx(
                float(row["unit_price_usd"]) * item.count, abs=0.01
            )
        assert row["specs"] and row["source"]
    summed = sum(float(row["line_total_usd"] or 0) for row in parts)
    assert float(total["line_total_usd"]) == pytest.approx(summed, abs=0.01)
    assert float(total["line_total_usd"]) == pytest.approx(assembly.total_price_usd, abs=0.01)
    assert int(total["count"]) == sum(item.count for item in assembly.items)


def test_parts_csv_quotes_commas_quotes_and_unicode(catalog) -> None:
    gpu = catalog.get("rtx-4090")
    awkward = dataclasses.replace(gpu, id="odd-gpu", name='RTX 4090 "Odd", 24 GB — ×2 ü')
    odd = catalog.overlay([(awkward, PartOrigin("user.toml", 1, user=True))])
    build = dataclasses.replace(
        load_profile(SINGLE),
        parts=tuple(
            dataclasses.replace(choice, id="odd-gpu") if choice.id == "rtx-4090" else choice
            for choice in load_profile(SINGLE).parts
        ),
    )
    data = parts_csv(Assembly.resolve(build, odd))
    assert b"\r\n" in data
    rows = read_csv(data)
    assert rows[0]["name"] == 'RTX 4090 "Odd", 24 GB — ×2 ü'
    assert len(rows[0]) == len(PARTS_COLUMNS)


def test_unpriced_parts_are_named_in_the_total_row(catalog) -> None:
    build = load_profile(FOUR_GPU)
    memory = next(c.id for c in build.parts if catalog.get(c.id).KIND == PartKind.MEMORY)
    quote_only = dataclasses.replace(catalog.get(memory), price_usd=None, price_date=None)
    catalog = catalog.overlay([(quote_only, PartOrigin("user.toml", 1, user=True))])
    assembly = Assembly.resolve(build, catalog)
    rows = read_csv(parts_csv(assembly))
    unpriced = [row for row in rows[:-1] if not row["unit_price_usd"]]
    assert len(unpriced) == len(assembly.unpriced) > 0
    assert f"{len(unpriced)} parts without a price" in rows[-1]["name"]


def test_estimates_csv_has_a_row_per_workload_with_numbers(catalog, workloads) -> None:
    report = run_checks(load_profile(FOUR_GPU), catalog, workloads)
    rows = read_csv(estimates_csv(report.estimates))
    assert tuple(rows[0]) == ESTIMATE_COLUMNS
    assert [row["workload"] for row in rows] == ["Llama 2 7B", "Llama 2 70B"]
    for row, result in zip(rows, report.estimates, strict=True):
        estimate = result.estimate
        assert estimate is not None
        assert row["fits"] == "yes"
        assert float(row["samples_per_s"]) == pytest.approx(estimate.samples_per_s, rel=1e-3)
        low, high = float(row["time_to_train_h_low"]), float(row["time_to_train_h_high"])
        assert low < float(row["time_to_train_h"]) < high
        assert float(row["electricity_usd"]) == pytest.approx(estimate.cost_usd, abs=0.01)
        parts = sum(
            float(row[f"{name}_gib"])
            for name in ("weights", "gradients", "optimizer", "activations", "overhead")
        )
        assert parts == pytest.approx(float(row["memory_per_gpu_gib"]), abs=0.03)


# ---- PDF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def four_gpu_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("export")
    pdf, parts = out / "report.pdf", out / "parts.csv"
    result = planner("export", str(FOUR_GPU), "--pdf", str(pdf), "--csv", str(parts))
    assert result.returncode == 0, result.stderr
    return pdf, parts, result.stdout


def test_pdf_text_has_parts_totals_findings_and_estimates(four_gpu_report) -> None:
    pdf, _parts, stdout = four_gpu_report
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    flat = " ".join(text.split())
    for expected in (
        "Four-GPU Threadripper PRO server",
        "NVIDIA RTX A6000",
        "AMD Ryzen Threadripper PRO 7975WX",
        "$18,600.00",  # 4 × $4,650 line total
        "$40,676.76",  # the total, 8 × 64 GB RDIMM at 2026 prices included
        "older ATX 2.x design",  # the transient warning
        "Choose an ATX 3.0/3.1 power supply",  # and its fix
        "Sustained draw under training load",
        "PCIe 4.0 x16",
        "Llama 2 70B",
        "fits",
        "Time to train",
        "kWh",
        "Calibrated constant",
        "Sources",
    ):
        assert expected in flat, expected
    info = poppler("pdfinfo", str(pdf))
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert f"{pages} pages" in stdout
    assert "A4" in info
    assert f"page {pages} of {pages}" in flat


def test_pdf_pages_render(four_gpu_report, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    pdf, _parts, _stdout = four_gpu_report
    poppler("pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4
    for page in pages:
        image = QImage(str(page))
        assert image.width() < image.height()  # portrait
        colors = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colors) > 5, f"{page.name} looks blank"


def test_pdf_has_the_charts_as_images(four_gpu_report) -> None:
    pdf, _parts, _stdout = four_gpu_report
    listing = poppler("pdfimages", "-list", str(pdf))
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    # power, memory, and per workload time-to-train and scaling
    assert len(images) >= 6


def test_letter_paper(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    result = planner("export", str(SINGLE), "--pdf", str(pdf), "--paper", "letter")
    assert result.returncode == 0, result.stderr
    info = poppler("pdfinfo", str(pdf))
    assert "612 x 792 pts (letter)" in info


def test_export_without_outputs_writes_both_beside_a_copy_of_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "mine.rigplan.toml"
    profile.write_bytes(SINGLE.read_bytes())
    result = planner("export", str(profile))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mine.pdf").stat().st_size > 10_000
    rows = read_csv((tmp_path / "mine.csv").read_bytes())
    assert rows[0]["id"] == "rtx-4090"


def test_export_reports_bad_input_and_unwritable_output(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rigplan.toml"
    broken.write_text('format = "rig-planner-profile"\nschema_version = 1\nname = \n')
    result = planner("export", str(broken), "--csv", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert "broken.rigplan.toml" in result.stderr and "Traceback" not in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = planner("export", str(SINGLE), "--csv", str(blocker / "parts.csv"))
    assert result.returncode == 2
    assert "parts.csv" in result.stderr and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
