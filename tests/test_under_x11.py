"""The keyboard and window-size tests again under a real X server (Xvfb, Qt's xcb
platform): focus, Tab order, shortcuts and window geometry go through the window system
there, and behave differently from the offscreen platform the rest of the suite uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("tests", ["test_keyboard.py", "test_window_layout.py"])
def test_under_a_real_x_server(tests: str) -> None:
    env = {**os.environ, "RIG_PLANNER_TEST_QPA": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(TESTS / tests),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=TESTS.parent,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
