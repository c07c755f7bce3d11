"""The `planner` command as users and scripts run it: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import planner

from planner import __version__
from planner.core.parts import PART_CLASSES, PartKind
from planner.core.records import record_keys

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.rigplan.toml"))


def test_version() -> None:
    result = planner("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"planner {__version__}"


def test_catalog_list_json_has_every_field_of_each_kind() -> None:
    result = planner("catalog", "list", "--json")
    assert result.returncode == 0, result.stderr
    parts = json.loads(result.stdout)
    by_kind: dict[str, int] = {}
    for part in parts:
        by_kind[part["kind"]] = by_kind.get(part["kind"], 0) + 1
        for key in ("id", "kind", "name", "vendor", "price_usd", "source"):
            assert key in part, (part["id"], key)
        required = [
            key
            for key in record_keys(PART_CLASSES[PartKind(part["kind"])])
            if key not in ("price_source", "notes", "unverified", "price_usd", "price_date")
        ]
        optional_absent = {"fp16_tensor_tflops", "tf32_tensor_tflops", "fp8_tensor_tflops"}
        for key in required:
            assert key in part or key in optional_absent or part.get(key) is None, (part["id"], key)
    assert by_kind["gpu"] >= 40 and by_kind["cpu"] >= 25 and by_kind["motherboard"] >= 20
    gpu = next(part for part in parts if part["id"] == "rtx-4090")
    for key in ("vram_gb", "memory_bandwidth_gbs", "board_power_w", "length_mm", "slot_width"):
        assert key in gpu
    assert gpu["power_connectors"] == {"pcie_6pin": 0, "pcie_8pin": 0, "eps_8pin": 0, "12vhpwr": 1}


def test_catalog_list_filters_by_kind_and_prints_a_table() -> None:
    result = planner("catalog", "list", "--kind", "psu", "--json")
    kinds = {part["kind"] for part in json.loads(result.stdout)}
    assert kinds == {"psu"}
    text = planner("catalog", "list", "--kind", "gpu")
    assert text.returncode == 0
    assert text.stdout.startswith("GPU (")
    assert "rtx-4090" in text.stdout and "24 GB GDDR6X" in text.stdout


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_check_samples(sample: Path) -> None:
    result = planner("check", str(sample), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert document["profile"] == str(sample)
    text = planner("check", str(sample))
    assert text.returncode == 0
    assert "0 errors" in text.stdout


def test_check_reports_errors_with_exit_1(tmp_path: Path) -> None:
    profile = tmp_path / "bad.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\nname = "Mismatch"\n\n'
        '[[parts]]\nid = "core-i9-14900k"\n\n[[parts]]\nid = "asus-proart-x670e-creator-wifi"\n',
        encoding="utf-8",
    )
    result = planner("check", str(profile))
    assert result.returncode == 1
    assert "compatibility.cpu_socket" in result.stdout
    assert "fix:" in result.stdout
    as_json = json.loads(planner("check", str(profile), "--json").stdout)
    assert as_json["ok"] is False
    assert {"compatibility.cpu_socket", "completeness.missing_gpu"} <= {
        finding["code"] for finding in as_json["findings"]
    }


BAD_PROFILES = {
    "truncated": ('format = "rig-planner-profile"\nschema_version = 1\n[[parts]]\nid = "rtx-', 4),
    "not-toml": ("<?xml version='1.0'?><rig/>", 1),
    "wrong-type": ('format = "rig-planner-profile"\nschema_version = 1\n[[parts]]\nid = 4090\n', 4),
    "negative-count": (
        'format = "rig-planner-profile"\nschema_version = 1\n'
        '[[parts]]\nid = "rtx-4090"\ncount = -1\n',
        5,
    ),
    "unknown-id": (
        'format = "rig-planner-profile"\nschema_version = 1\n\n[[parts]]\nid = "rtx-4090"\n\n'
        '[[parts]]\nid = "rtx-9090"\n',
        8,
    ),
    "newer-schema": ('format = "rig-planner-profile"\nschema_version = 99\n', 2),
}


@pytest.mark.parametrize("name", sorted(BAD_PROFILES))
def test_bad_profiles_exit_2_with_one_located_line(name: str, tmp_path: Path) -> None:
    text, line = BAD_PROFILES[name]
    path = tmp_path / f"{name}.rigplan.toml"
    path.write_text(text, encoding="utf-8")
    for extra in ([], ["--json"]):
        result = planner("check", str(path), *extra)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"planner: error: {path}:{line}:")
        assert "Traceback" not in result.stderr


def test_missing_profile_exits_2(tmp_path: Path) -> None:
    result = planner("check", str(tmp_path / "nowhere.rigplan.toml"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"planner: error: {tmp_path / 'nowhere.rigplan.toml'}: file not found"
    )


def test_bad_user_parts_warn_but_do_not_fail(tmp_path: Path) -> None:
    parts = tmp_path / "data" / "parts"
    parts.mkdir(parents=True)
    (parts / "broken.toml").write_text("[[gpu]]\nid = 'x'\n", encoding="utf-8")
    result = planner(
        "catalog",
        "list",
        "--kind",
        "case",
        "--json",
        env_extra={"RIG_PLANNER_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) >= 12
    assert "user part skipped" in result.stderr and "broken.toml:1" in result.stderr


def test_usage_errors_exit_2() -> None:
    result = planner("catalog", "list", "--kind", "spaceship")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
