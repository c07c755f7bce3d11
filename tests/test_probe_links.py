"""The probe's link test: with two or more GPUs the script measures copy and reduce
bandwidth between them and whether they reach each other directly, next to the link the
plan assumes (an NVLink pair, or the slowest PCIe link), and the comparison says when the
measurement falls short of the plan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.errors import InputError
from planner.core.probe_links import LinkProbe, link_lines, planned_links, read_links
from planner.io.catalog_files import load_builtin_catalog
from planner.io.profiles import load_profile

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


def test_the_plan_names_the_link_its_gradients_cross() -> None:
    catalog = load_builtin_catalog()
    pair = planned_links(load_profile(SAMPLES / "dual-rtx-3090-nvlink.rigplan.toml"), catalog)
    assert pair == {
        "gpus": 2,
        "link": "NVLink bridge",
        "wire_gbs": 56.25,
        "peer_to_peer": True,
        "gradient_gbs": pytest.approx(22.5, abs=0.01),
    }
    frame = planned_links(load_profile(SAMPLES / "eight-gpu-open-frame.rigplan.toml"), catalog)
    assert frame is not None and frame["link"] == "PCIe 4.0 x4" and not frame["peer_to_peer"]
    assert planned_links(load_profile(SAMPLES / "single-rtx-4090.rigplan.toml"), catalog) is None


def test_the_script_measures_links_and_the_comparison_shows_them(tmp_path: Path) -> None:
    profile = SAMPLES / "dual-rtx-3090-nvlink.rigplan.toml"
    script, results = tmp_path / "probe.py", tmp_path / "results.json"
    assert planner("probe", str(profile), "--out", str(script)).returncode == 0
    run = subprocess.run(
        [sys.executable, str(script), "--tiny", "--steps", "1", "--warmup", "1", "--device",
         "cpu", "--link-devices", "cpu,cpu", "--link-mb", "4", "--out", str(results)],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "GPU links (2 devices)" in run.stdout
    links = json.loads(results.read_text())["links"]
    assert links["predicted"]["link"] == "NVLink bridge"
    assert links["measured"]["copy_gbs"] > 0 and links["measured"]["peer_to_peer"] is None
    shown = planner("probe", str(profile), "--compare", str(results)).stdout
    assert "GPU links, 2 devices: copy" in shown and "planned: NVLink bridge" in shown


def test_a_slow_link_and_missing_peer_to_peer_are_called_out() -> None:
    planned = {"link": "PCIe 4.0 x16", "wire_gbs": 31.5, "peer_to_peer": True, "gradient_gbs": 12.6}
    lines = link_lines(LinkProbe(planned, 2, False, 6.0, 5.0))
    assert any("under half the planned link" in line for line in lines)
    assert any("the driver does not offer it" in line for line in lines)


def test_a_broken_links_object_is_named_by_field() -> None:
    assert read_links({"workloads": []}, "r.json") is None
    with pytest.raises(InputError, match=r"links\.measured\.copy_gbs"):
        read_links({"links": {"measured": {"devices": 2, "copy_gbs": "fast"}}}, "r.json")
    with pytest.raises(InputError, match="links"):
        read_links({"links": []}, "r.json")


def test_the_results_dialog_shows_links_as_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from planner.ui.probe_dialog import ProbeResultsDialog

    planned = {"link": "<img src='x'>PCIe", "wire_gbs": 31.5, "peer_to_peer": True}
    dialog = ProbeResultsDialog("<b>rig</b>", [], None, LinkProbe(planned, 2, True, 20.0, 18.0))
    qtbot.addWidget(dialog)
    labels = dialog.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert "<img src='x'>PCIe" in dialog.links.text()
