"""Test set-up: offscreen Qt, and a private user directory so tests never touch the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("RIG_PLANNER_CONFIG_DIR", str(base / "config"))
    return base


@pytest.fixture(scope="session")
def catalog():
    from planner.io.catalog_files import load_builtin_catalog

    return load_builtin_catalog()
