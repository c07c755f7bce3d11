"""Serving workloads in a build: saved in profiles beside training ones, planned on the
build's own GPUs and link, and shown by the commands."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import tomllib
from cli_runner import planner

from planner.core.assembly import Assembly
from planner.core.build import WorkloadChoice
from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.checks.context import CheckContext
from planner.core.workload_estimates import estimate_build
from planner.io.catalog_files import load_builtin_catalog
from planner.io.profiles import dumps_profile, load_profile
from planner.io.workload_files import load_workloads

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
DUAL = SAMPLES / "dual-rtx-3090-nvlink.rigplan.toml"
SERVE_70B = WorkloadChoice(
    id="llama-3-3-70b", task="inference", quant="Q4_K_M", context=32768, mode="qlora"
)


def estimates(build):  # type: ignore[no-untyped-def]
    catalog = load_builtin_catalog()
    context = CheckContext(Assembly.resolve(build, catalog), catalog)
    return estimate_build(
        context.assembly, context.layout, context.power, load_workloads(), CONSTANTS, SPEED_RANGES
    )


def test_a_served_workload_is_saved_with_its_serving_keys_only(tmp_path: Path) -> None:
    build = dataclasses.replace(load_profile(DUAL), workloads=(SERVE_70B,))
    text = dumps_profile(build)
    entry = tomllib.loads(text)["workloads"][0]
    assert entry == {
        "id": "llama-3-3-70b",
        "task": "inference",
        "quant": "Q4_K_M",
        "context": 32768,
    }
    path = tmp_path / "serve.rigplan.toml"
    path.write_text(text)
    assert load_profile(path).workloads[0].serves


def test_a_trained_workload_keeps_no_serving_keys() -> None:
    trained = dataclasses.replace(SERVE_70B, task=None)
    build = dataclasses.replace(load_profile(DUAL), workloads=(trained,))
    entry = tomllib.loads(dumps_profile(build))["workloads"][0]
    assert "quant" not in entry and "context" not in entry and entry["mode"] == "qlora"


def test_the_70b_at_32k_on_the_dual_3090s_does_not_fit_and_says_how_far() -> None:
    build = dataclasses.replace(load_profile(DUAL), workloads=(SERVE_70B,))
    [result] = estimates(build)
    assert result.estimate is None and result.problem == ""
    plan = result.serving
    assert plan is not None and plan.gpus == 2 and plan.link_name == "NVLink bridge"
    memory = plan.result.memory
    assert not memory.fits and 25 * 2**30 < memory.total < 26 * 2**30
    assert 20_000 < plan.result.longest_context < 22_000
    assert plan.result.most_sequences == 0
    low, high = plan.result.speed.decode_range
    assert low < plan.result.speed.decode_tokens_per_s < high
    assert any(words == "a q8_0 KV cache" and other.memory.fits for words, other in plan.changes)


def test_more_sequences_fit_at_a_shorter_context() -> None:
    short = dataclasses.replace(SERVE_70B, context=4096, kv_dtype="q8_0")
    build = dataclasses.replace(load_profile(DUAL), workloads=(short,))
    [result] = estimates(build)
    assert result.serving is not None and result.serving.result.most_sequences >= 4


def test_impossible_serving_settings_are_problems_naming_the_field() -> None:
    for choice, words in (
        (dataclasses.replace(SERVE_70B, context=1_000_000), "context 1,000,000 exceeds"),
        (dataclasses.replace(SERVE_70B, prompt_tokens=40_000), "exceed the context"),
        (dataclasses.replace(SERVE_70B, offload_layers=500), "offload_layers 500 exceeds"),
        (WorkloadChoice(id="resnet-50", task="inference"), "not a language model"),
    ):
        build = dataclasses.replace(load_profile(DUAL), workloads=(choice,))
        [result] = estimates(build)
        assert result.serving is None and words in result.problem, result.problem


def test_estimate_prints_serving_workloads(tmp_path: Path) -> None:
    build = dataclasses.replace(
        load_profile(DUAL), workloads=(SERVE_70B, *load_profile(DUAL).workloads)
    )
    path = tmp_path / "serve.rigplan.toml"
    path.write_text(dumps_profile(build))
    shown = json.loads(planner("estimate", str(path), "--json").stdout)
    [served] = shown["serving"]
    assert served["workload"] == "llama-3-3-70b" and served["gpu_count"] == 2
    assert served["memory"]["fits"] is False and served["max_context"] > 16_000
    assert served["decode_low"] < served["decode_tokens_per_s"] < served["decode_high"]
    assert len(shown["estimates"]) == 2
    text = planner("estimate", str(path)).stdout
    assert "serve llama-3-3-70b Q4_K_M on 2× NVIDIA GeForce RTX 3090" in text
    assert "does NOT fit" in text


def chipset_pair(*workloads: WorkloadChoice):  # type: ignore[no-untyped-def]
    """Two RTX A4000s on a B550 board: the second card runs at PCIe 3.0 x4 from the chipset."""
    from planner.core.build import Build, PartChoice

    parts = (
        PartChoice(id="rtx-a4000", count=2),
        PartChoice(id="ryzen-7-5800x3d"),
        PartChoice(id="msi-mag-b550-tomahawk"),
        PartChoice(id="corsair-vengeance-lpx-128gb-4x32-ddr4-3200-c16"),
        PartChoice(id="corsair-hx1500i-2023"),
        PartChoice(id="corsair-7000d-airflow"),
        PartChoice(id="noctua-nh-u14s-tr4-sp3"),
        PartChoice(id="samsung-990-pro-2tb"),
    )
    return Build(parts=parts, workloads=workloads)


def findings(build):  # type: ignore[no-untyped-def]
    from planner.core.checks import run_checks

    report = run_checks(build, load_builtin_catalog(), load_workloads())
    return {finding.code: finding for finding in report.findings}


def test_the_serving_findings_name_memory_and_the_fix() -> None:
    found = findings(dataclasses.replace(load_profile(DUAL), workloads=(SERVE_70B,)))
    finding = found["memory.serving_fit"]
    assert "Llama 3.3 70B Q4_K_M at 32,768 tokens" in finding.message
    assert "fits up to 20,862 tokens" in finding.message
    assert finding.fix.startswith("Use a q8_0 KV cache")


def test_a_tensor_split_over_a_chipset_x4_link_is_a_warning() -> None:
    served = WorkloadChoice(
        id="llama-3-1-8b", task="inference", quant="Q4_K_M", split="tensor", concurrency=16
    )
    finding = findings(chipset_pair(served))["pcie.serving_tensor_link"]
    assert "PCIe 3.0 x4" in finding.message and "all-reduces" in finding.message
    assert "split by layers (a layer split:" in finding.fix
    layered = dataclasses.replace(served, split="layer")
    found = findings(chipset_pair(layered))
    assert "pcie.serving_tensor_link" not in found
    assert "costs little" in found["pcie.serving_layer_link"].message


def test_offloaded_layers_need_system_ram() -> None:
    served = dataclasses.replace(SERVE_70B, context=4096, offload_layers=60)
    build = chipset_pair(served)
    small = dataclasses.replace(
        build,
        parts=tuple(
            dataclasses.replace(part, id="corsair-vengeance-lpx-32gb-2x16-ddr4-3200-c16")
            if part.id.startswith("corsair-vengeance")
            else part
            for part in build.parts
        ),
    )
    found = findings(small)
    assert "memory.serving_host_ram" in found, found.keys()
    assert "60 layers in system RAM" in found["memory.serving_host_ram"].message
    assert "memory.serving_host_ram" not in findings(build)


def test_serve_a_model_from_the_workloads_panel(driver, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The dual-3090 sample: add Llama 3.3 70B, choose Serve, Q4_K_M at 32k — the panel says
    it does not fit and how far it goes, a q8_0 cache is one click away, the charts show it,
    and the profile saves the serving workload."""
    window = driver.window
    assert window.files.open(DUAL)
    panel = window.workload_panel
    panel.catalog_combo.setCurrentIndex(panel.catalog_combo.findData("llama-3-3-70b"))
    panel.add_selected()
    row = panel.list.currentRow()
    assert row == 2 and panel.serving.isHidden()
    panel.purpose.setCurrentIndex(panel.purpose.findData(True))
    assert window.document.build.workloads[row].serves
    assert not panel.serving.isHidden() and panel.editor.isHidden()
    assert panel.explain.isEnabled()  # the serving terms explain themselves too
    panel.serving.quant.setCurrentIndex(panel.serving.quant.findData("Q4_K_M"))
    panel.serving.context.setValue(32768)
    assert "serve Q4_K_M, 32,768 tokens  ✗ does not fit" in panel.list.item(row).text()
    summary = panel.summary.text()
    assert "Does not fit" in summary and "20,862 tokens" in summary and "Apply</a>" in summary
    panel.summary.linkActivated.emit("apply:0")  # a q8_0 KV cache
    choice = window.document.build.workloads[row]
    assert choice.kv_dtype == "q8_0" and "✓ fits" in panel.list.item(row).text()
    assert window.document.undo_stack.undoText() == "Serve Llama 3.3 70B with a q8_0 KV cache"
    assert panel.serving.kv.currentData() == "q8_0"
    window.charts.build()
    charts = window.charts.panel
    assert "Llama 3.3 70B" in charts.context.caption.text()
    assert "sequences at once" in charts.users.caption.text()
    panel.purpose.setCurrentIndex(panel.purpose.findData(False))  # train it: settings kept
    assert not window.document.build.workloads[row].serves
    panel.purpose.setCurrentIndex(panel.purpose.findData(True))
    assert window.document.build.workloads[row].kv_dtype == "q8_0"
    path = tmp_path / "served.rigplan.toml"
    window.document.save(path)
    saved = load_profile(path).workloads[row]
    assert saved.serves and saved.quant == "Q4_K_M" and saved.context == 32768
    assert saved.kv_dtype == "q8_0"


def test_plan_serving_adds_its_plan_to_the_build(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.serving_dialog import ServingDialog

    window = driver.window
    assert window.files.open(DUAL)
    dialog = ServingDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.choose("llama-3-1-8b")
    dialog.context.setValue(16384)
    dialog.add.click()
    added = window.document.build.workloads[-1]
    assert added.id == "llama-3-1-8b" and added.serves and added.context == 16384
    assert "serve Q4_K_M" in window.workload_panel.list.item(2).text()


def served_dual():  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        load_profile(DUAL), workloads=(SERVE_70B, *load_profile(DUAL).workloads)
    )


def test_the_estimates_csv_has_a_row_per_served_model() -> None:
    import csv
    import io

    from planner.io.csv_export import estimates_csv

    text = estimates_csv(estimates(served_dual())).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    served, trained = rows[0], rows[1]
    assert served["task"] == "serve" and served["quant"] == "Q4_K_M"
    assert served["context"] == "32768" and served["fits"] == "no"
    assert 20_000 < int(served["max_context"]) < 22_000
    low, value, high = (float(served[f"decode_tokens_per_s{end}"]) for end in ("_low", "", "_high"))
    assert low < value < high
    assert served["mode"] == "" and served["samples_per_s"] == ""
    assert trained["task"] == "train" and trained["decode_tokens_per_s"] == ""


def test_the_build_report_has_a_serving_section(qapp) -> None:  # type: ignore[no-untyped-def]
    from planner.report.build_report import collect, report_html

    data = collect(served_dual(), load_builtin_catalog(), load_workloads())
    html, images = report_html(data, "a4")
    assert "Llama 3.3 70B: serving" in html and "What would change it" in html
    assert "327,680 bytes per token (f16) × 32,768 tokens" in html
    assert "serve Q4_K_M at 32,768 tokens × 1: does not fit" in html
    assert "<b>Serving.</b>" in html
    assert {"chart-serving-context-0.png", "chart-serving-users-0.png"} <= set(images)


def test_compare_serves_the_model_on_each_build(qapp) -> None:  # type: ignore[no-untyped-def]
    from planner.core.comparison import compare
    from planner.report.compare_report import comparison_html

    single = load_profile(SAMPLES / "single-rtx-4090.rigplan.toml")
    short = dataclasses.replace(SERVE_70B, context=8192)
    builds = [
        ("dual", dataclasses.replace(load_profile(DUAL), workloads=(short,))),
        ("single", dataclasses.replace(single, workloads=(short,))),
    ]
    comparison = compare(builds, load_builtin_catalog(), load_workloads())
    rows = {row.label: row for row in comparison.rows if row.section.endswith("8,192 tokens × 1")}
    assert rows["Fits in GPU memory"].best == frozenset({0})
    assert rows["Longest context"].best == frozenset({0})
    assert rows["Tokens/s per sequence"].cells[1].text == "— (does not fit)"
    html, images, _landscape = comparison_html(comparison, "a4")
    assert "serve Q4_K_M, 8,192 tokens × 1" in html and "compare-serving-0.png" in images


def test_the_compare_charts_draw_tokens_per_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    from planner.core.comparison import compare
    from planner.ui.compare_charts import CompareCharts

    single = load_profile(SAMPLES / "single-rtx-4090.rigplan.toml")
    short = dataclasses.replace(SERVE_70B, context=8192)
    builds = [
        ("dual", dataclasses.replace(load_profile(DUAL), workloads=(short,))),
        ("single", dataclasses.replace(single, workloads=(short,))),
    ]
    charts = CompareCharts()
    qtbot.addWidget(charts)
    charts.set_comparison(compare(builds, load_builtin_catalog(), load_workloads()))
    assert charts.bars[0] > 10 and charts.bars[1] == 0.0
    assert "against the context" in charts.caption.text()
    assert len(charts.scaling.listDataItems()) == 2


def test_a_served_model_explains_its_numbers() -> None:
    from planner.report.serving_explain import serving_explain_html

    [result] = estimates(dataclasses.replace(load_profile(DUAL), workloads=(SERVE_70B,)))
    assert result.serving is not None
    text = serving_explain_html(result.serving, "Llama 3.3 70B")
    speed = result.serving.result.speed
    assert speed.decode is not None
    assert abs(1 / speed.decode.total - speed.decode_tokens_per_s) < 1e-9
    assert "Weights read" in text and "Per-layer time" in text and "Memory time" in text
    assert f"{speed.decode_tokens_per_s:,.1f} tokens/s per sequence" in text
