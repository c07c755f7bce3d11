"""Export and compare in the real window: File → Export writes the report, the CSVs and the
charts; File → Compare Builds opens three saved builds side by side in one window."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from planner.ui.compare_window import CompareWindow

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
BUDGET = SAMPLES / "budget-rtx-4060-ti.rigplan.toml"
FOUR = SAMPLES / "four-gpu-threadripper.rigplan.toml"
SINGLE = SAMPLES / "single-rtx-4090.rigplan.toml"


def menu_action(window, *path: str):  # type: ignore[no-untyped-def]
    """The menu action at File → Export → …, matched by text without the & marks."""
    actions = window.menuBar().actions()
    for name in path:
        action = next(a for a in actions if a.text().replace("&", "") == name)
        actions = action.menu().actions() if action.menu() else []
    return action


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    result = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def test_file_export_writes_report_csvs_and_charts(driver, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    assert window.files.open(SINGLE)
    window.charts.build()
    asked: list[str] = []

    def save_name(_parent, title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(Path(suggested).name)
        return str(tmp_path / Path(suggested).name.replace(".", "-export.", 1)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(tmp_path))

    menu_action(window, "File", "Export", "Paper Size", "Letter").trigger()
    assert window.settings.paper() == "letter"
    menu_action(window, "File", "Export", "Build Report (PDF)…").trigger()
    assert asked[-1] == "Single-RTX-4090-workstation.pdf"
    pdf = tmp_path / "Single-RTX-4090-workstation-export.pdf"
    text = pdf_text(pdf)
    total = window.document.assembly.total_price_usd  # the catalog's prices move; the sum shows
    assert "Single RTX 4090 workstation" in text and f"${total:,.2f}" in text
    assert "BERT-large" in text
    assert "Exported the build report" in window.statusBar().currentMessage()
    assert "Letter" in window.statusBar().currentMessage()

    menu_action(window, "File", "Export", "Parts List (CSV)…").trigger()
    rows = list(
        csv.DictReader(
            io.StringIO(
                (tmp_path / "Single-RTX-4090-workstation-export.csv").read_text(
                    encoding="utf-8-sig"
                )
            )
        )
    )
    assert rows[0]["id"] == "rtx-4090" and rows[-1]["line_total_usd"] == f"{total:.2f}"

    menu_action(window, "File", "Export", "Charts (PNG)…").trigger()
    charts = sorted(tmp_path.glob("Single-RTX-4090-workstation-*.png"))
    assert [path.name.split("workstation-")[1] for path in charts] == [
        "memory.png",
        "power.png",
        "price-vs-speed.png",
        "scaling.png",
        "time-to-train.png",
    ]
    assert all(not QImage(str(path)).isNull() for path in charts)


def test_an_export_that_cannot_be_written_is_reported(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    assert window.files.open(SINGLE)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not window.exports.export_parts_csv(blocker / "parts.csv")
    title, text = driver.complaints[-1]
    assert "parts list" in title and "parts.csv" in text
    assert window.files.open(SINGLE, confirm=False)  # the app carries on


def test_three_saved_builds_side_by_side(driver, qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    picked = [str(BUDGET), str(FOUR), str(SINGLE)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_args: (picked, ""))
    menu_action(window, "File", "Compare Builds…").trigger()
    compare = window.compare_windows[-1]
    assert isinstance(compare, CompareWindow)
    qtbot.waitExposed(compare)
    model = compare.model
    assert model.columnCount() == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2, 3)] == [
        "Budget RTX 4060 Ti 16GB",
        "Four-GPU Threadripper PRO server",
        "Single RTX 4090 workstation",
    ]

    def line(label: str, section: str = "") -> int:
        return next(
            n
            for n in range(model.rowCount())
            if model.line(n).row is not None
            and model.line(n).row.label == label
            and section in model.line(n).section
        )

    price = line("Total price")
    assert model.index(price, 1).data() == "$1,552"
    assert model.index(price, 1).data(Qt.ItemDataRole.UserRole) is True  # best: highlighted
    assert model.index(price, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(price, 2).data(Qt.ItemDataRole.UserRole) is False
    fits = line("Fits in GPU memory", "Llama 2 70B")
    assert [model.index(fits, c).data() for c in (1, 2, 3)] == [
        "does not fit",
        "fits",
        "does not fit",
    ]
    # Section titles span the whole row.
    assert compare.table.columnSpan(model.section_rows()[0], 0) == 4

    everything = model.rowCount()
    compare.only_differences.setChecked(True)
    assert model.rowCount() < everything
    assert all(
        model.line(n).row is None or model.line(n).row.differs for n in range(model.rowCount())
    )
    assert "Errors" not in {model.index(n, 0).data() for n in range(model.rowCount())}

    # Overlaid charts: one bar per build, zero where the model does not fit.
    charts = compare.charts
    charts.workload.setCurrentIndex(
        next(
            i
            for i in range(charts.workload.count())
            if "Llama 2 70B" in charts.workload.itemText(i)
        )
    )
    assert charts.bars[0] == 0 and charts.bars[1] > 0 and charts.bars[2] == 0
    assert "Does not fit: Budget RTX 4060 Ti 16GB, Single RTX 4090 workstation" in (
        charts.caption.text()
    )

    assert compare.export_csv(tmp_path / "compare.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "compare.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][2:5] == [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2, 3)]
    assert compare.export_pdf(tmp_path / "compare.pdf")
    assert "Comparing 3 builds" in pdf_text(tmp_path / "compare.pdf")

    compare.remove(0)
    assert model.columnCount() == 3
    compare.close()


def test_compare_from_one_profile_starts_with_the_open_build(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    assert window.files.open(BUDGET)
    compare = window.compare_profiles([SINGLE])
    qtbot.waitExposed(compare)
    assert compare.comparison is not None
    assert compare.comparison.names == ("Budget RTX 4060 Ti 16GB", "Single RTX 4090 workstation")
    compare.close()


def test_a_build_already_compared_is_not_added_twice(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    assert window.files.open(SINGLE)
    compare = window.compare_profiles([SINGLE])  # the open build is that same file
    qtbot.waitExposed(compare)
    assert len(compare.entries) == 1
    assert "already in the comparison" in compare.statusBar().currentMessage()
    compare.add_current()
    assert len(compare.entries) == 1
    window.document.rename("Single 4090, renamed")
    compare.add_current()  # the same build with unsaved changes: updated in place
    assert [build.name for _source, build in compare.entries] == ["Single 4090, renamed"]
    assert "Updated" in compare.statusBar().currentMessage()
    compare.close()


def test_remove_build_waits_for_a_selected_column(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    compare = driver.window.compare_profiles([BUDGET, FOUR])
    qtbot.waitExposed(compare)
    assert not compare.remove_action.isEnabled()
    compare.remove_selected()
    assert len(compare.entries) == 2
    assert "Select a build's column" in compare.statusBar().currentMessage()
    compare.table.selectColumn(2)
    assert compare.remove_action.isEnabled()
    compare.remove_action.trigger()
    assert [build.name for _source, build in compare.entries] == ["Budget RTX 4060 Ti 16GB"]
    compare.close()


def test_a_broken_profile_is_reported_and_the_rest_compared(driver, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.rigplan.toml"
    broken.write_text("this is = = not toml\n")
    compare = driver.window.compare_profiles([BUDGET, broken, FOUR])
    qtbot.waitExposed(compare)
    assert compare.comparison is not None and len(compare.comparison.candidates) == 2
    _title, text = driver.complaints[-1]
    assert "broken.rigplan.toml" in text
    compare.close()


def test_export_dialogs_start_beside_the_profile_named_after_the_build(
    driver, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    profile = tmp_path / "mine.rigplan.toml"
    shutil.copy(SINGLE, profile)
    assert window.files.open(profile)
    window.charts.build()
    chart = window.charts.panel.time
    assert chart.suggested is not None
    assert chart.suggested(chart.name) == tmp_path / "Single-RTX-4090-workstation-time-to-train.png"
    compare = window.compare_profiles([profile, BUDGET])
    qtbot.waitExposed(compare)
    suggested = compare.suggested(".pdf")
    assert suggested.parent == tmp_path
    assert suggested.name == "comparison-Single-RTX-4090-workstation-vs-Budget-RTX-4060-Ti-16GB.pdf"
    compare.close()
