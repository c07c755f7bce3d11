"""What the bundle is called and which version it is, read from planner/__init__.py.

The spec (packaging/rig-planner.spec) and tests/test_packaging.py use this. The package's
source is parsed rather than imported, so a stale `planner` installed in the build venv can
never lend the bundle its version.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_INIT = ROOT / "planner" / "__init__.py"

BUNDLE_DIR_NAME = "rig-planner"  # dist/rig-planner/
EXECUTABLE_NAME = "planner"  # the same command as the installed package's entry point


def package_constants(init: Path = PACKAGE_INIT) -> dict[str, str]:
    """The module-level string constants of the package: APP_NAME, APP_ID, __version__."""
    tree = ast.parse(init.read_text(encoding="utf-8"), filename=str(init))
    constants: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            constants[node.targets[0].id] = node.value.value
    missing = {"APP_NAME", "APP_ID", "__version__"} - constants.keys()
    if missing:
        raise ValueError(f"{init}: no {', '.join(sorted(missing))} string constant")
    return constants


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """`0.1.0` as (0, 1, 0, 0): the four numbers of a Windows version resource (a suffix
    such as `rc1` is left out)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    numbers = [int(part) for part in match.group().split(".")][:4]
    major, minor, patch, build = numbers + [0] * (4 - len(numbers))
    return major, minor, patch, build
