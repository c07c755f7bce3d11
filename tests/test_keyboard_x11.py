"""The keyboard tests again under a real X server (Xvfb, Qt's xcb platform): focus,
Tab order and shortcuts go through the window system there, and behave differently from
the offscreen platform the rest of the suite uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

TESTS = Path(__file__).resolve().parent


def test_keyboard_under_a_real_x_server() -> None:
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
            str(TESTS / "test_keyboard.py"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=TESTS.parent,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
