"""Builds side by side: like is compared with like, the best values win, a build compared
with itself shows no differences, and the table reaches the terminal, JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.comparison import Comparison, compare
from planner.io.csv_export import comparison_csv
from planner.io.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
BUDGET = SAMPLES / "budget-rtx-4060-ti.rigplan.toml"
DUAL = SAMPLES / "dual-rtx-3090-nvlink.rigplan.toml"
FOUR = SAMPLES / "four-gpu-threadripper.rigplan.toml"
SINGLE = SAMPLES / "single-rtx-4090.rigplan.toml"
ORDER = (BUDGET, DUAL, FOUR, SINGLE)


@pytest.fixture(scope="module")
def samples(catalog, workloads) -> Comparison:
    return compare([(str(path), load_profile(path)) for path in ORDER], catalog, workloads)


def row(comparison: Comparison, label: str, section: str | None = None):  # type: ignore[no-untyped-def]
    return next(
        r for r in comparison.rows if r.label == label and (section is None or section in r.section)
    )


def winner(comparison: Comparison, label: str, section: str | None = None) -> set[Path]:
    return {ORDER[index] for index in row(comparison, label, section).best}


def test_a_build_compared_with_itself_has_no_differences(catalog, workloads) -> None:
    build = load_profile(FOUR)
    comparison = compare([("a", build), ("b", build)], catalog, workloads)
    assert comparison.differences == ()
    assert all(not r.best for r in comparison.rows)
    result = planner("compare", str(SINGLE), str(SINGLE))
    assert result.returncode == 0, result.stderr
    assert "No differences: the builds are the same." in result.stdout


def test_every_build_is_estimated_on_every_workload(samples: Comparison) -> None:
    own = sum(len(load_profile(path).workloads) for path in ORDER)
    assert len(samples.workloads) == own  # the samples share no workload setting
    for candidate in samples.candidates:
        assert len(candidate.estimates) == len(samples.workloads)
        assert all(result.estimate is not None for result in candidate.estimates)


def test_the_samples_have_the_expected_winners(samples: Comparison) -> None:
    assert winner(samples, "Total price") == {
        BUDGET
    }  # the others carry unpriced parts or cost more
    assert winner(samples, "GPU memory in all") == {FOUR}
    assert winner(samples, "Sustained draw (training)") == {BUDGET}
    assert winner(samples, "Warnings") == {BUDGET, SINGLE}
    # Four A6000s are fastest wherever the model fits, and alone fit Llama 2 70B QLoRA.
    assert winner(samples, "Throughput", "ResNet-50 — full, fp16, micro-batch 256") == {FOUR}
    assert winner(samples, "Time to train", "Llama 2 7B — lora") == {FOUR}
    assert winner(samples, "Fits in GPU memory", "Llama 2 70B") == {FOUR}
    # BERT-large at micro-batch 32 needs ~17 GiB: all but the 16 GB card.
    assert winner(samples, "Fits in GPU memory", "BERT-large") == {DUAL, FOUR, SINGLE}
    # Speed per dollar goes to the two used RTX 3090s: the 4090 at its street price costs more
    # than twice as much as a used 3090 for less than twice the speed.
    assert winner(samples, "Speed per dollar", "ResNet-50 — full, fp16, micro-batch 128") == {DUAL}
    fit = row(samples, "Throughput", "Llama 2 70B")
    assert [cell.text for cell in fit.cells].count("— (does not fit)") == 3


def test_cli_table_json_and_csv_agree(samples: Comparison, tmp_path: Path) -> None:
    paths = [str(path) for path in ORDER]
    result = planner("compare", *paths, "--json", "--csv", str(tmp_path / "c.csv"))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [build["name"] for build in document["builds"]] == list(samples.names)
    assert len(document["rows"]) == len(samples.rows)
    price = next(r for r in document["rows"] if r["label"] == "Total price")
    assert price["best"] == [0] and price["better"] == "lower" and price["differs"]
    assert document["wins"] == samples.wins()

    rows = list(csv.reader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "row", *samples.names, "best", "differs"]
    assert len(rows) == len(samples.rows) + 1
    price_row = next(r for r in rows if r[1] == "Total price")
    assert price_row[-2] == samples.names[0]
    assert rows == list(csv.reader(io.StringIO(comparison_csv(samples).decode("utf-8-sig"))))

    text = planner("compare", *paths[:3]).stdout
    assert "Best in:" in text and "≠ Total price" in text and "$1,552 *" in text


def test_compare_pdf_names_every_build(tmp_path: Path) -> None:
    pdf = tmp_path / "compare.pdf"
    result = planner("compare", str(DUAL), str(FOUR), str(SINGLE), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in (
        "Comparing 3 builds",
        "Dual RTX 3090 with NVLink",
        "Four-GPU Threadripper PRO server",
        "Single RTX 4090 workstation",
        "Best in",
        "Time to train",
        "ResNet-50 — full, fp16, micro-batch 256",
    ):
        assert expected in flat, expected


def test_compare_needs_two_readable_profiles(tmp_path: Path) -> None:
    result = planner("compare", str(SINGLE))
    assert result.returncode == 2
    assert "two or more" in result.stderr
    result = planner("compare", str(SINGLE), str(tmp_path / "missing.rigplan.toml"))
    assert result.returncode == 2
    assert "missing.rigplan.toml" in result.stderr and "Traceback" not in result.stderr


def test_each_workloads_charts_share_a_page_with_their_heading(tmp_path: Path) -> None:
    pdf = tmp_path / "compare.pdf"
    profiles = [str(path) for path in (BUDGET, SINGLE, DUAL, FOUR)]
    result = planner("compare", *profiles, "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    pages = [int(line.split()[0]) for line in listing]
    pairs = list(zip(pages[::2], pages[1::2], strict=True))
    assert len(pairs) >= 4
    assert all(time == scaling for time, scaling in pairs), pairs
    charts_per_page: dict[int, int] = {}
    for page, _ in pairs:
        charts_per_page[page] = charts_per_page.get(page, 0) + 1
    seen_workloads = False
    headed = 0
    for page in range(1, max(pages) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        if "Workloads" in text:
            seen_workloads = True
            text = text[text.index("Workloads") :]
        if not seen_workloads:
            continue
        headings = [line for line in text if " — " in line and "micro-batch" in line]
        assert len(headings) == charts_per_page.get(page, 0), (page, headings)
        headed += len(headings)
    assert headed == len(pairs)  # no heading printed twice at a page's edge
