"""`planner estimate` and `planner catalog workloads` as scripts use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import planner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.rigplan.toml"))


def test_catalog_workloads_json() -> None:
    result = planner("catalog", "workloads", "--json")
    assert result.returncode == 0, result.stderr
    workloads = json.loads(result.stdout)
    assert len(workloads) >= 25
    for workload in workloads:
        assert {"id", "name", "family", "params"} <= set(workload)
    llama = next(w for w in workloads if w["id"] == "llama-2-7b")
    assert llama["params"] == 6_738_415_616 and llama["family"] == "decoder"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_estimate_every_sample(sample: Path) -> None:
    result = planner("estimate", str(sample), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["estimates"]) == 2
    for estimate in document["estimates"]:
        assert estimate["samples_per_s"] > 0
        assert estimate["low"] < estimate["samples_per_s"] < estimate["high"]
        assert estimate["memory"]["fits"] is True
        assert estimate["time_to_train_h"] > 0 and estimate["energy_kwh"] > 0
        assert estimate["bound"]
    text = planner("estimate", str(sample))
    assert text.returncode == 0 and "samples/s" in text.stdout


DESIGN_CASES = [
    {
        "gpu": "rtx-4090",
        "gpu_count": 1,
        "workload": {
            "family": "decoder",
            "layers": 24,
            "hidden": 2048,
            "heads": 16,
            "kv_heads": 16,
            "ffn": 8192,
            "gated_ffn": False,
            "vocab": 50368,
            "seq_len": 2048,
        },
        "precision": "bf16",
        "batch_size": 4,
        "seq_len": 2048,
        "mode": "full",
        "optimizer": "adamw",
        "activation_checkpointing": True,
        "sharding": "none",
    },
    {
        "gpu": "rtx-a6000",
        "gpu_count": 4,
        "workload": "llama-2-7b",
        "precision": "bf16",
        "batch_size": 2,
        "seq_len": 4096,
        "mode": "full",
        "sharding": "zero3",
        "activation_checkpointing": True,
        "interconnect": "pcie4x16",
    },
    {
        "gpu": "rtx-3060-12gb",
        "workload": "llama-2-7b",
        "batch_size": 4,
        "seq_len": 2048,
        "mode": "full",
        "suggest": True,
    },
    {
        "gpu": "rtx-3090",
        "gpu_count": 2,
        "workload": "bert-large",
        "precision": "fp16",
        "batch_size": 16,
        "interconnect": "nvlink",
    },
]


def test_batch_mode_keeps_order_and_shape(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(DESIGN_CASES), encoding="utf-8")
    result = planner("estimate", "--cases", str(path), "--json")
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)
    assert [r["gpu_count"] for r in results] == [1, 4, 1, 2]
    for r in results:
        assert {
            "samples_per_s",
            "tokens_per_s",
            "step_time_s",
            "bound",
            "low",
            "high",
            "memory",
        } <= set(r)
        assert {
            "weights",
            "gradients",
            "optimizer",
            "activations",
            "overhead",
            "total",
            "fits",
        } <= set(r["memory"])
    assert results[0]["tokens_per_s"] == pytest.approx(results[0]["samples_per_s"] * 2048, rel=1e-3)
    big = results[2]
    assert big["memory"]["fits"] is False and big["suggestions"]
    assert any(s["fits"] for s in big["suggestions"])
    assert results[3]["tokens_per_s"] is not None


@pytest.mark.parametrize(
    ("content", "words", "line"),
    [
        ('[{"gpu": "rtx-4090", "workload": "gpt2", "colour": 1}]', "unknown key 'colour'", 1),
        (
            '[\n  {"gpu": "rtx-4090", "workload": "gpt2"},\n'
            '  {"gpu": "rtx-9999", "workload": "gpt2"}\n]',
            "unknown GPU id",
            3,
        ),
        ('[{"gpu": "rtx-4090", "workload": "gpt7"}]', "unknown workload", 1),
        ('[{"gpu": "rtx-4090", "workload": "gpt2", "batch_size": -1}]', "at least 1", 1),
        ('[{"gpu": "rtx-4090", "workload": "gpt2", "seq_len": 4096}]', "1024 positions", 1),
        (
            '[{"gpu": "rtx-4090", "workload": "gpt2", "interconnect": "carrier pigeon"}]',
            "pcie4x16",
            1,
        ),
        ('{"gpu": "rtx-4090"}', "JSON list", 1),
        ("[{", "not valid JSON", 1),
    ],
)
def test_bad_cases_exit_2_with_location(
    tmp_path: Path, content: str, words: str, line: int
) -> None:
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    result = planner("estimate", "--cases", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert words in message
    assert f"{path}:{line}" in message


def test_unknown_workload_in_a_profile(tmp_path: Path) -> None:
    profile = tmp_path / "p.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\n\n[[parts]]\nid = "rtx-4090"\n\n'
        '[[workloads]]\nid = "gpt9"\n',
        encoding="utf-8",
    )
    result = planner("estimate", str(profile))
    assert result.returncode == 2
    assert (
        f"{profile}:7: field 'workloads[0]'" in result.stderr
        and "unknown workload 'gpt9'" in result.stderr
    )


def test_estimate_needs_a_profile_or_cases() -> None:
    assert planner("estimate").returncode == 2
