"""Test set-up: offscreen Qt, and a private user directory so tests never touch the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offscreen by default; RIG_PLANNER_TEST_QPA=xcb runs a test file in a real X server.
os.environ["QT_QPA_PLATFORM"] = os.environ.get("RIG_PLANNER_TEST_QPA", "offscreen")

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


@pytest.fixture(scope="session")
def workloads():
    from planner.io.workload_files import load_workloads

    return load_workloads()


class WindowDriver:
    """The main window plus what its dialogs would have asked or shown, for pytest-qt tests."""

    def __init__(self, qtbot, catalog, workloads, answer: str = "discard") -> None:  # type: ignore[no-untyped-def]
        from planner.ui.main_window import MainWindow
        from planner.ui.session import Autosave, Settings

        self.complaints: list[tuple[str, str]] = []
        self.questions: list[str] = []
        self.answer = answer
        self.autosave = Autosave()
        self.window = MainWindow(
            catalog,
            workloads,
            Settings(),
            self.autosave,
            ask_unsaved=self._ask,
            complain=lambda title, text: self.complaints.append((title, text)),
        )
        self.window.restore_layout()
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)

    def _ask(self, name: str) -> str:
        self.questions.append(name)
        return self.answer


@pytest.fixture
def make_driver(qtbot, catalog, workloads):  # type: ignore[no-untyped-def]
    """Opens another main window; `answer` is what the unsaved-changes question gets."""
    made: list[WindowDriver] = []

    def make(answer: str = "discard") -> WindowDriver:
        made.append(WindowDriver(qtbot, catalog, workloads, answer))
        return made[-1]

    yield make
    for driver in made:
        driver.window.ranker.wait()


@pytest.fixture
def driver(make_driver):  # type: ignore[no-untyped-def]
    return make_driver()
