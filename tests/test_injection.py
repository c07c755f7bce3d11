"""What a shared profile or part file can smuggle into exports and the window: formulas in
CSV cells, markup in rich text, forged links."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.catalog import PartOrigin
from planner.io.csv_export import neutralise, parts_csv
from planner.ui.workload_summary import summary_html

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "=1+1", "-2+3+cmd|x", "@SUM(1,2)"]


@pytest.mark.parametrize("text", [*FORMULAS, "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("number", ["-2.5", "+3", "12", "-1e5", "0.25"])
def test_plain_numbers_stay_numbers(number: str) -> None:
    assert neutralise(number) == number


def test_a_hostile_part_name_and_vendor_export_as_text(catalog) -> None:  # type: ignore[no-untyped-def]
    gpu = catalog.get("rtx-4090")
    hostile = dataclasses.replace(gpu, id="evil-gpu", name=FORMULAS[0], vendor=FORMULAS[1])
    overlaid = catalog.overlay([(hostile, PartOrigin("user.toml", 1, user=True))])
    build = Build(name="@SUM(1,2)", parts=(PartChoice(id="evil-gpu"),))
    rows = list(
        csv.DictReader(
            io.StringIO(parts_csv(Assembly.resolve(build, overlaid)).decode("utf-8-sig"))
        )
    )
    assert rows[0]["name"] == "'" + FORMULAS[0]
    assert rows[0]["vendor"] == "'" + FORMULAS[1]
    assert rows[0]["count"] == "1"


def test_summary_escapes_a_hostile_problem() -> None:
    html = summary_html(None, "unknown workload '<span style=color:green>Fits</span><img src=x>'")
    assert "<img" not in html and "<span style=color:green>" not in html
    assert "&lt;img src=x&gt;" in html


def test_a_forged_apply_link_is_ignored(qtbot, catalog) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import WorkloadChoice
    from planner.io.workload_files import load_workloads
    from planner.ui.document import BuildDocument
    from planner.ui.workload_panel import WorkloadPanel

    document = BuildDocument(catalog, load_workloads())
    document.add_part("rtx-4090")
    document.add_workload(WorkloadChoice(id="llama-2-7b", batch_size=8))
    panel = WorkloadPanel(document)
    qtbot.addWidget(panel)
    panel.list.setCurrentRow(0)
    estimate = document.report.estimates[0].estimate
    assert estimate is not None and estimate.suggestions  # real Apply links exist
    before = document.build
    for href in ("apply:x", "apply:-1", "apply:99", "javascript:alert(1)", "apply:", "apply:1e3"):
        panel.apply_link(href)  # no exception, nothing changes
    assert document.build == before
    panel.apply_link("apply:0")
    assert document.build != before
