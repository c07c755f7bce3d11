"""Hostile batch cases, terminal escapes and pathological TOML lines: a clear located
message, fast, never a traceback (issue: hardening)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cli_runner import planner

from planner.cli import terminal_safe
from planner.io.tomlfile import TomlLines

DEEP = "[" * 3000 + "]" * 3000
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ('{"gpu": {"id": "rtx-4090"}, "workload": "gpt2"}', "gpu"),
        ('{"gpu": ["rtx-4090"], "workload": "gpt2"}', "gpu"),
        (
            '{"gpu": "rtx-4090", "gpu_count": 2, "workload": "gpt2", "interconnect": "eth-0g"}',
            "interconnect",
        ),
        (
            '{"gpu": "rtx-4090", "gpu_count": 2, "workload": "gpt2", "interconnect": 5e-324}',
            "interconnect",
        ),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "power_limit_w": NaN}', "power_limit_w"),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "power_limit_w": Infinity}', "power_limit_w"),
        (
            '{"gpu": "rtx-4090", "workload": "gpt2", "electricity_usd_per_kwh": NaN}',
            "electricity_usd_per_kwh",
        ),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "seq_len": 1e400}', "seq_len"),
        ('{"gpu": "rtx-4090", "workload": {"family": {"x": 1}}}', "workload.family"),
    ],
)
def test_bad_case_values_name_their_field(tmp_path: Path, case: str, field: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(f"[{case}]", encoding="utf-8")
    result = planner("estimate", "--cases", str(path), "--json")
    assert result.returncode == 2, result.stdout
    assert f"field '{field}'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("content", "words"),
    [(f"[{DEEP}]", "nested too deeply"), (f'[{{"batch_size": {HUGE}}}]', "cannot be read")],
)
def test_unreadable_case_files_are_one_line(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    result = planner("estimate", "--cases", str(path))
    assert result.returncode == 2 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_control_characters_are_shown_escaped(tmp_path: Path) -> None:
    profile = tmp_path / "evil.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\n'
        'name = "evil \\u001b[31mRED\\u0007 build"\n\n[[parts]]\nid = "rtx-4090"\n',
        encoding="utf-8",
    )
    result = planner("check", str(profile))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil \\x1b[31mRED\\x07 build" in result.stdout


def test_one_line_messages_escape_newlines() -> None:
    assert terminal_safe("a\nb\tc\x1b", one_line=True) == "a\\nb\\tc\\x1b"
    assert terminal_safe("a\nb") == "a\nb"


@pytest.mark.parametrize(
    "line", ["[[" + " " * 100_000, " " * 100_000, "[[gpu" + " " * 100_000 + "x"]
)
def test_long_lines_do_not_stall_line_lookup(line: str) -> None:
    started = time.perf_counter()
    lines = TomlLines(line + "\n[[gpu]]\nid = 'x'\n")
    assert lines.array_entry("gpu", 0) == 2
    assert time.perf_counter() - started < 0.5
