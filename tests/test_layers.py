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
