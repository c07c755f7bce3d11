"""Every finding code the engine can emit is exercised by some test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(
    r'"((?:completeness|compatibility|power|pcie|fit|cooling|memory|storage)\.[a-z0-9_]+)"'
)


def test_every_finding_code_appears_in_a_test() -> None:
    emitted = set()
    for path in (ROOT / "planner" / "core" / "checks").glob("*.py"):
        emitted |= set(CODE.findall(path.read_text(encoding="utf-8")))
    emitted |= {
        f"completeness.{prefix}_{kind}"
        for prefix in ("missing", "too_many")
        for kind in ("gpu", "cpu", "motherboard", "memory", "psu", "case", "cooler", "storage")
        if prefix == "missing" or kind in ("cpu", "motherboard", "case", "cooler")
    }
    tests = "".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").rglob("*")
        if path.suffix in (".py", ".toml") and path.name != Path(__file__).name
    )
    # Codes written as f"completeness.missing_{kind}" in parametrized tests cover the family.
    families = set(re.findall(r'f"([a-z]+\.[a-z_]+?)_\{', tests))
    missing = sorted(
        code
        for code in emitted
        if code not in tests and not any(code.startswith(family + "_") for family in families)
    )
    assert len(emitted) > 40
    assert missing == []
