"""The first window, driven with pytest-qt: it shows the loaded build and its findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QListWidget, QTableView

from planner.core.build import Build, PartChoice
from planner.core.catalog import Catalog
from planner.io.profiles import load_profile
from planner.ui.build_table_model import BuildTableModel
from planner.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "four-gpu-threadripper.rigplan.toml"

pytestmark = pytest.mark.gui


def test_window_lists_the_parts_of_the_build(qtbot, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    build = load_profile(SAMPLE)
    window = MainWindow(catalog, build)
    qtbot.addWidget(window)
    window.show()
    table = window.findChild(QTableView, "parts")
    model = table.model()
    assert model.rowCount() == len(build.parts)
    names = [model.index(row, BuildTableModel.NAME).data() for row in range(model.rowCount())]
    assert "NVIDIA RTX A6000" in names
    counts = [model.index(row, BuildTableModel.COUNT).data() for row in range(model.rowCount())]
    assert "4" in counts and "8" in counts
    assert window.windowTitle().startswith("Four-GPU Threadripper PRO server")
    total = window.findChild(QLabel, "total").text()
    assert "Total: $" in total and "without a list price" in total


def test_window_shows_findings_of_a_broken_build(qtbot, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    build = Build(
        name="Mismatch",
        parts=(PartChoice(id="core-i9-14900k"), PartChoice(id="asus-proart-x670e-creator-wifi")),
    )
    window = MainWindow(catalog, build)
    qtbot.addWidget(window)
    findings = window.findChild(QListWidget, "findings")
    texts = [findings.item(row).text() for row in range(findings.count())]
    assert any("LGA1700" in text and "AM5" in text for text in texts)
    assert any(text.startswith("The build has no GPU") for text in texts)
    window.show_build(load_profile(SAMPLE.with_name("single-rtx-4090.rigplan.toml")))
    assert findings.item(0).text() == "No problems found."


def test_screenshot_command_writes_the_window(tmp_path: Path) -> None:
    target = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-m", "planner", "gui", str(SAMPLE), "--screenshot", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_broken_profile_opens_an_empty_build_and_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rigplan.toml"
    broken.write_text("not = [toml", encoding="utf-8")
    target = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-m", "planner", "gui", str(broken), "--screenshot", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0
    assert f"Could not open the profile: {broken}:1: is not valid TOML" in result.stderr
    assert target.exists()
