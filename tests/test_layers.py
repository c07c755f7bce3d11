"""The domain and file layers never import Qt: they must work with Qt unavailable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, pkgutil, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"):
                raise ImportError(f"Qt is blocked in this test: {name}")
            return None

    sys.meta_path.insert(0, BlockQt())
    import planner.core, planner.io
    for package in (planner.core, planner.io):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            __import__(module.name)
    from planner.io.catalog_files import load_catalog
    from planner.core.checks import run_checks
    from planner.io.profiles import load_profile
    catalog = load_catalog().catalog
    build = load_profile(sys.argv[1])
    print(len(catalog), len(run_checks(build, catalog).findings))
    """
)


def test_core_and_io_work_with_qt_blocked() -> None:
    sample = next((ROOT / "resources" / "samples").glob("*.rigplan.toml"))
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, str(sample)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    parts, _findings = result.stdout.split()
    assert int(parts) > 100


def test_no_qt_import_statements_in_core_and_io() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for layer in ("core", "io")
        for path in (ROOT / "planner" / layer).rglob("*.py")
        if any(
            line.lstrip().startswith(("import PySide6", "from PySide6", "import pyqtgraph"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_report_uses_qtgui_only() -> None:
    """Reports are made headless (the CLI): QtGui and QtCore, never widgets or pyqtgraph."""
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "planner" / "report").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("import", "from"))
        and any(name in line for name in ("QtWidgets", "pyqtgraph", "planner.ui"))
    ]
    assert offenders == []


def test_qt_bindings_keep_none_alive() -> None:
    """PySide6 6.12.0 dropped a reference to None on every call of a method returning void;
    on Python 3.11 that crashes the interpreter after a few thousand calls (painting a
    report is enough). The pinned binding must not do that."""
    script = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtGui import QFont, QGuiApplication, QImage, QPainter
        app = QGuiApplication([])
        font = QFont()
        image = QImage(8, 8, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        before = sys.getrefcount(None)
        for _ in range(20_000):
            font.setPointSizeF(9)
            painter.save()
            painter.restore()
        painter.end()
        print(before - sys.getrefcount(None))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 100
