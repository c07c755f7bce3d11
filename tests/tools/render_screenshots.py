"""Render the README's screenshots: the main window with the four-GPU sample and with the
eight-GPU open frame (exactly as `planner gui PROFILE --screenshot` draws it, 1280×800) and
the compare window with three samples. Run: .venv/bin/python tests/tools/render_screenshots.py"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
OUT = ROOT / "resources" / "screenshots"
COMPARED = ("dual-rtx-3090-nvlink", "four-gpu-threadripper", "single-rtx-4090")
WINDOWS = (
    ("four-gpu-threadripper", "main-window.png"),
    ("eight-gpu-open-frame", "open-frame.png"),
)


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "RIG_PLANNER_DATA_DIR": f"{home}/data",
            "RIG_PLANNER_CONFIG_DIR": f"{home}/config",
        }
        for name, shot in WINDOWS:
            sample, target = SAMPLES / f"{name}.rigplan.toml", OUT / shot
            command = [sys.executable, "-m", "planner", "gui", str(sample)]
            subprocess.run([*command, "--screenshot", str(target)], check=True, env=env, cwd=ROOT)
        code = COMPARE.format(
            profiles=[str(SAMPLES / f"{name}.rigplan.toml") for name in COMPARED],
            target=str(OUT / "compare-window.png"),
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    print(f"wrote {', '.join(shot for _name, shot in WINDOWS)} and compare-window.png in {OUT}")
    return 0


COMPARE = """
from pathlib import Path
from PySide6.QtWidgets import QApplication
from planner.io.catalog_files import load_catalog
from planner.io.workload_files import load_workloads
from planner.ui.main_window import MainWindow
from planner.ui.theme import apply_theme

app = QApplication([])
apply_theme(app, "light")
window = MainWindow(load_catalog().catalog, load_workloads(), complain=lambda *a: None)
compare = window.compare_profiles([Path(p) for p in {profiles}])
compare.resize(1200, 800)
app.processEvents()
compare.grab().save({target!r})
window.ranker.wait()
"""


if __name__ == "__main__":
    sys.exit(main())
