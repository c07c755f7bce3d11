"""Desktop polish a first-time user ran into: shortcuts, plural words, exit codes, buttons
that do nothing, confirmations."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cli_runner import planner
from PySide6.QtGui import QAction, QKeySequence

from planner.core.units import counted
from planner.ui.menus import redo_shortcuts

SAMPLE = Path(__file__).resolve().parents[1] / "resources/samples/single-rtx-4090.rigplan.toml"
HEADER = 'format = "rig-planner-profile"\nschema_version = 1\n'


def test_redo_answers_ctrl_y_and_ctrl_shift_z_each_bound_once(driver) -> None:  # type: ignore[no-untyped-def]
    keys = [key.toString() for key in redo_shortcuts()]
    assert "Ctrl+Y" in keys and "Ctrl+Shift+Z" in keys
    assert len(keys) == len(set(keys))
    bound: dict[str, int] = {}
    for action in driver.window.findChildren(QAction):
        for key in action.shortcuts():
            bound[key.toString()] = bound.get(key.toString(), 0) + 1
    assert bound.get("Ctrl+Y") == 1 and bound.get("Ctrl+Shift+Z") == 1
    undo = QKeySequence(QKeySequence.StandardKey.Undo).toString()
    assert bound.get(undo) == 1


def test_counts_read_as_words() -> None:
    assert counted(1, "error") == "1 error"
    assert counted(0, "warning") == "0 warnings"
    assert counted(2, "note") == "2 notes"


def test_an_unknown_workload_is_bad_input_for_check(tmp_path: Path) -> None:
    path = tmp_path / "p.rigplan.toml"
    path.write_text(
        HEADER + '[[parts]]\nid = "rtx-4090"\n\n[[workloads]]\nid = "no-such-network"\n',
        encoding="utf-8",
    )
    result = planner("check", str(path))
    assert result.returncode == 2
    assert "p.rigplan.toml:6" in result.stderr  # the [[workloads]] entry
    assert "unknown workload 'no-such-network'" in result.stderr


def test_a_broken_profile_screenshot_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.rigplan.toml"
    path.write_text("this is [not toml", encoding="utf-8")
    result = planner(
        "gui",
        str(path),
        "--screenshot",
        str(tmp_path / "shot.png"),
        env_extra={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 2
    assert "Could not open the profile" in result.stderr


def test_explain_is_disabled_without_a_workload(driver) -> None:  # type: ignore[no-untyped-def]
    panel = driver.window.workload_panel
    assert not driver.window.document.build.workloads
    assert not panel.explain.isEnabled()
    driver.window.files.open(SAMPLE)
    assert panel.explain.isEnabled()


def test_saving_says_so_in_the_status_bar(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    target = tmp_path / "copy.rigplan.toml"
    target.write_bytes(SAMPLE.read_bytes())
    window.files.open(target)
    window.document.rename("Renamed")
    assert window.files.save()
    assert window.statusBar().currentMessage() == f"Saved {target}"


def test_summary_says_when_not_even_one_sample_fits(driver) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import WorkloadChoice

    window = driver.window
    window.files.open(SAMPLE)
    window.document.add_workload(WorkloadChoice(id="llama-3-1-70b", mode="full", batch_size=1))
    panel = window.workload_panel
    panel.list.setCurrentRow(len(window.document.build.workloads) - 1)
    assert "Not even a micro-batch of 1 fits" in panel.summary.text()


def test_the_title_follows_a_rename_and_its_undo(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    window.document.set_count("rtx-4090", 2)  # already modified
    window.document.rename("New name")
    assert window.windowTitle().startswith("New name[*]")
    window.document.undo_stack.undo()
    assert not window.windowTitle().startswith("New name")


def test_default_sequence_length_shows_its_number(driver) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import WorkloadChoice

    window = driver.window
    window.document.add_workload(WorkloadChoice(id="gpt2"))
    panel = window.workload_panel
    panel.list.setCurrentRow(0)
    assert panel.seq.value() == 0
    assert panel.seq.text() == "default (1,024)"


def test_the_psu_fix_quotes_the_power_bars_recommendation(catalog) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import Build, PartChoice
    from planner.core.checks import run_checks

    parts = ("rtx-4090", "ryzen-9-7950x", "corsair-rm1000x-2024")
    build = Build(parts=(PartChoice(id=parts[0], count=2), *(PartChoice(id=p) for p in parts[1:])))
    report = run_checks(build, catalog, {})
    finding = next(f for f in report.findings if f.code == "power.psu_capacity")
    assert f"{report.power.recommended_psu_w:,.0f} W" in finding.fix


def test_a_power_limit_does_not_change_the_plugs_a_card_needs(catalog) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import Build, PartChoice
    from planner.core.checks import run_checks

    def plugs(limit: int | None) -> str:
        build = Build(
            parts=(
                PartChoice(id="rtx-4090", count=4, power_limit_w=limit),
                PartChoice(id="corsair-rm1000x-2024"),
            )
        )
        found = [f for f in run_checks(build, catalog, {}).findings if f.code == "power.connectors"]
        return found[0].message if found else ""

    assert plugs(None) and plugs(200) == plugs(None)


def test_finding_tooltips_speak_words_not_codes(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    view = window.findings
    tips = [view.item(row).toolTip() for row in range(view.count())]
    assert tips and all("." not in tip.split(":")[0] for tip in tips)  # no "power.x" codes
    assert all(not any(f.code in tip for f in window.document.report.findings) for tip in tips)


def test_memory_is_compared_in_one_unit(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    text = window.workload_panel.summary.text()
    assert "per GPU of 24.0 GiB" in text and " GB on" not in text


def test_saved_files_follow_the_umask(tmp_path: Path) -> None:
    import os

    from planner.io.atomic import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.csv", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "report.csv").stat().st_mode & 0o777 == 0o644


def test_with_no_display_the_window_is_drawn_where_the_user_ran_the_command(
    tmp_path: Path,
) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    result = planner("gui", str(SAMPLE), env_extra=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    picture = tmp_path / "rig-planner-window.png"
    assert picture.stat().st_size > 10_000
    assert f"rendered the window offscreen to {picture}" in result.stdout


def test_run_sh_installs_only_what_the_app_needs() -> None:
    root = Path(__file__).resolve().parents[1]
    run = (root / "scripts/run.sh").read_text(encoding="utf-8")
    assert "scripts/setup.sh app" in run
    result = subprocess.run(
        ["bash", str(root / "scripts/setup.sh"), "nonsense"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "use app or test" in result.stdout


def test_every_workload_control_says_what_it_does(driver) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox

    panel = driver.window.workload_panel
    controls = [
        widget
        for kind in (QAbstractButton, QAbstractSpinBox, QComboBox)
        for widget in panel.findChildren(kind)
        if widget is not panel.catalog_combo and widget is not panel.explain
    ]
    assert len(controls) >= 20
    silent = [widget for widget in controls if not widget.toolTip()]
    assert silent == [], [type(widget).__name__ for widget in silent]
    sharding = panel.sharding
    tips = {
        sharding.itemData(index): sharding.itemData(index, Qt.ItemDataRole.ToolTipRole)
        for index in range(sharding.count())
    }
    assert "DeepSpeed ZeRO stage 3" in tips["zero3"] and "PyTorch FSDP" in tips["fsdp"]


def test_charts_load_when_their_tab_is_first_shown(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    qtbot.wait(50)  # a few turns of the event loop after the first frame
    assert not window.charts_on_screen() and not window.charts.built  # no pyqtgraph yet
    window.charts_dock.raise_()
    qtbot.waitUntil(lambda: window.charts.built, timeout=10_000)
    window.ranker.wait()
    qtbot.waitUntil(lambda: bool(window.charts.panel.time.caption.text()), timeout=10_000)


def test_editing_a_power_limit_in_the_table_leaves_qt_quiet(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Through the real spin box editor, Return then focus moving on: no "commitData called
    with an editor that does not belong to this view" (the suite fails on Qt warnings). The
    edit used to reset the table's model under the editor that was committing it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QSpinBox

    from planner.ui.build_table_model import BuildTableModel

    window = driver.window
    window.files.open(SAMPLE)
    table = window.build_panel.table
    model = window.build_panel.model
    for column, value in ((BuildTableModel.POWER_LIMIT, 350), (BuildTableModel.COUNT, 2)):
        index = model.index(model.row_of("rtx-4090"), column)
        table.setFocus()
        table.setCurrentIndex(index)
        table.edit(index)
        editor = QApplication.focusWidget()
        assert isinstance(editor, QSpinBox)
        editor.setValue(value)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        qtbot.wait(20)  # Qt commits a Return on the next turn of the event loop
        window.findings.setFocus()  # focus leaves the (already closed) editor
        qtbot.wait(20)
    build = window.document.build
    assert build.count_of("rtx-4090") == 2
    assert next(c for c in build.parts if c.id == "rtx-4090").power_limit_w == 350
