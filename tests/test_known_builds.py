"""The engine against builds whose verdict an experienced builder would give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.core.build import Build, PartChoice, Settings
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.records import parse_record
from planner.io.tomlfile import parse_toml_text

KNOWN = parse_toml_text(
    (Path(__file__).parent / "data" / "known_builds.toml").read_text("utf-8"), "known_builds.toml"
)


def _build(entry: dict[str, Any]) -> Build:
    return Build(
        name=entry["name"],
        parts=tuple(parse_record(PartChoice, part) for part in entry["parts"]),
        settings=parse_record(Settings, entry.get("settings", {})),
    )


@pytest.mark.parametrize("entry", KNOWN["build"], ids=lambda entry: entry["name"])
def test_known_build_verdict(entry: dict[str, Any], catalog: Catalog) -> None:
    report = run_checks(_build(entry), catalog)
    codes = report.codes()
    summary = "\n".join(f"{f.severity.value} {f.code}: {f.message}" for f in report.findings)
    for code in entry.get("expect", []):
        assert code in codes, f"missing {code}\n{summary}"
    for group in entry.get("expect_any", []):
        assert codes & set(group), f"none of {group}\n{summary}"
    for code in entry.get("absent", []):
        assert code not in codes, f"unexpected {code}\n{summary}"
    worst = report.findings[0].severity.value if report.findings else "ok"
    if entry["verdict"] == "ok":
        assert worst in ("ok", "info"), summary
    else:
        assert worst == entry["verdict"], summary
    for finding in report.findings:
        assert finding.message.endswith((".", ")")), finding.message
        if finding.severity.value != "info":
            assert finding.fix, finding.code
