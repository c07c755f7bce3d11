"""The probe: the script `planner probe` writes compiles for every sample, runs end to end
on the CPU with tiny networks, and its results come back next to the prediction and can be
kept on the profile; broken results files are named with their line and field."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.build import WorkloadChoice
from planner.core.probe import probe_plan
from planner.io.catalog_files import load_builtin_catalog
from planner.io.profiles import dumps_profile, load_profile
from planner.io.workload_files import load_workloads

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
PROFILES = sorted(SAMPLES.glob("*.rigplan.toml"))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name.split(".")[0])
def test_the_script_compiles_for_every_sample(profile: Path, tmp_path: Path) -> None:
    plan = probe_plan(load_profile(profile), load_builtin_catalog(), load_workloads())
    script = tmp_path / "probe.py"
    script.write_text(plan.script)
    compiled = subprocess.run([sys.executable, "-m", "py_compile", str(script)], check=False)
    assert compiled.returncode == 0 and plan.probed


def mixed_profile(tmp_path: Path) -> Path:
    """An encoder, a decoder fine-tuned with LoRA and checkpointing, a ResNet, and a served
    model (which the probe leaves out, saying why)."""
    build = dataclasses.replace(
        load_profile(SAMPLES / "single-rtx-4090.rigplan.toml"),
        workloads=(
            WorkloadChoice(id="bert-base", batch_size=8, seq_len=128),
            WorkloadChoice(
                id="llama-3-2-1b",
                mode="lora",
                batch_size=2,
                seq_len=256,
                activation_checkpointing=True,
            ),
            WorkloadChoice(id="resnet-50", precision="fp16", batch_size=16, optimizer="sgd"),
            WorkloadChoice(id="llama-3-1-8b", task="inference", quant="Q4_K_M"),
        ),
    )
    path = tmp_path / "mixed.rigplan.toml"
    path.write_text(dumps_profile(build))
    return path


def test_the_probe_runs_end_to_end_on_the_cpu(tmp_path: Path) -> None:
    profile = mixed_profile(tmp_path)
    script = tmp_path / "probe.py"
    written = planner("probe", str(profile), "--out", str(script))
    assert written.returncode == 0, written.stderr
    assert "not probed: Llama 3.1 8B: served" in written.stdout
    results = tmp_path / "results.json"
    run = subprocess.run(
        [
            sys.executable,
            str(script),
            "--tiny",
            "--steps",
            "1",
            "--warmup",
            "1",
            "--device",
            "cpu",
            "--out",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    shown = json.loads(results.read_text())
    names = [w["name"] for w in shown["workloads"]]
    assert names == ["BERT-base (uncased)", "Llama 3.2 1B", "ResNet-50"]
    for entry in shown["workloads"]:
        assert entry["measured"]["samples_per_s"] > 0 and entry["measured"]["tiny"] is True
        assert entry["predicted"]["samples_per_s"] > 0
    compared = planner("probe", str(profile), "--compare", str(results), "--keep")
    assert compared.returncode == 0, compared.stderr
    assert "Llama 3.2 1B" in compared.stdout and "nothing to keep" in compared.stdout
    assert "measured" not in load_profile(profile).extra  # tiny runs are never kept
    for entry in shown["workloads"]:
        entry["measured"]["tiny"] = False
    results.write_text(json.dumps(shown))
    assert planner("probe", str(profile), "--compare", str(results), "--keep").returncode == 0
    kept = load_profile(profile).extra["measured"]
    assert [k["workload"] for k in kept] == ["bert-base", "llama-3-2-1b", "resnet-50"]
    assert all(k["device"] and k["samples_per_s"] > 0 for k in kept)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"workloads": [\n  {"predicted": 1}\n]}', "workloads[0]"),
        (
            '{"workloads": [\n  {"predicted": {"samples_per_s": "fast"}, "measured": {}}]}',
            "workloads[0].predicted.samples_per_s",
        ),
        ('{"workloads": [\n  oops\n]}', ":2:"),
        ("[]", "workloads"),
    ],
)
def test_a_broken_results_file_is_named(tmp_path: Path, text: str, words: str) -> None:
    results = tmp_path / "results.json"
    results.write_text(text)
    shown = planner(
        "probe", str(SAMPLES / "single-rtx-4090.rigplan.toml"), "--compare", str(results)
    )
    assert shown.returncode == 2 and words in shown.stderr and "results.json" in shown.stderr


def test_probe_results_in_the_app(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.probe_dialog import compare_probe, write_probe

    window = driver.window
    assert window.files.open(SAMPLES / "single-rtx-4090.rigplan.toml")
    assert write_probe(window, tmp_path / "probe.py")
    assert "BERT-large" in (tmp_path / "probe.py").read_text()
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            {
                "device": "NVIDIA GeForce RTX 4090",
                "workloads": [
                    {
                        "id": "bert-large",
                        "name": "BERT-large (uncased)",
                        "predicted": {"samples_per_s": 100.0, "allocated_bytes": 2e10},
                        "measured": {
                            "samples_per_s": 92.5,
                            "peak_memory_bytes": 1.9e10,
                            "tiny": False,
                        },
                    }
                ],
            }
        )
    )
    assert compare_probe(window, results, keep=True)
    kept = window.document.build.extra["measured"]
    assert kept[0]["samples_per_s"] == 92.5 and kept[0]["device"] == "NVIDIA GeForce RTX 4090"
    assert window.document.undo_stack.undoText() == "Keep probe measurements"
    window.document.undo_stack.undo()
    assert "measured" not in window.document.build.extra
