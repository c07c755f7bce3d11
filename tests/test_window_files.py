"""Files in the real window: open, save, save as, reopen byte for byte, the unsaved-changes
question, recent files, drag and drop, broken profiles, and recovery after a crash."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from planner.io.profiles import load_profile, loads_profile
from planner.ui import session
from planner.ui.build_table_model import BuildTableModel
from planner.ui.session import Autosave

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
SAMPLE = SAMPLES / "four-gpu-threadripper.rigplan.toml"


def set_count(window, part_id: str, count: int) -> None:  # type: ignore[no-untyped-def]
    model = window.build_panel.model
    assert model.setData(model.index(model.row_of(part_id), BuildTableModel.COUNT), count)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.rigplan.toml")), ids=lambda p: p.name)
def test_open_and_save_keeps_every_byte(driver, tmp_path: Path, sample: Path) -> None:
    window = driver.window
    assert window.files.open(sample)
    assert window.windowTitle().startswith(load_profile(sample).name)
    assert not window.isWindowModified()
    target = tmp_path / "copy.rigplan.toml"
    assert window.files._save_to(target)
    assert target.read_bytes() == sample.read_bytes()


def test_edit_save_and_reopen_gives_the_same_file(driver, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    set_count(window, "rtx-a6000", 2)
    assert window.isWindowModified()
    target = tmp_path / "two-gpus"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.files.save_as()
    saved = target.with_name("two-gpus.rigplan.toml")
    assert window.document.path == saved and not window.isWindowModified()
    assert window.windowFilePath() == str(saved)
    first = saved.read_bytes()
    assert window.files.open(saved)
    assert window.document.build.count_of("rtx-a6000") == 2
    again = tmp_path / "again.rigplan.toml"
    window.files._save_to(again)
    assert again.read_bytes() == first
    assert str(again.resolve()) == window.files.recent()[0]
    assert [a.text() for a in window.recent_menu.actions()][:2] == [again.name, saved.name]


def test_unknown_fields_survive_an_edit_in_the_window(driver, tmp_path: Path) -> None:
    source = tmp_path / "future.rigplan.toml"
    source.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            'name = "Four-GPU', 'rack_units = 4\nname = "Four-GPU', 1
        )
        + '\n[future_section]\nowner = "lab 3"\n',
        encoding="utf-8",
    )
    window = driver.window
    assert window.files.open(source)
    set_count(window, "seagate-exos-x24-24tb", 4)
    window.files.save()
    text = source.read_text(encoding="utf-8")
    assert "rack_units = 4" in text and 'owner = "lab 3"' in text
    assert 'id = "seagate-exos-x24-24tb"\ncount = 4' in text


def test_unsaved_changes_are_asked_about_before_they_are_lost(make_driver) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(answer="cancel")
    window = driver.window
    window.files.open(SAMPLE)
    set_count(window, "rtx-a6000", 3)
    window.files.new()
    assert driver.questions == ["Four-GPU Threadripper PRO server"]
    assert window.document.build.count_of("rtx-a6000") == 3  # cancelled: nothing lost
    assert not window.close()
    driver.answer = "discard"
    window.files.new()
    assert window.document.build.parts == () and window.document.path is None
    assert window.windowTitle().startswith("Untitled build")


def test_a_broken_profile_is_rejected_with_a_message_box(
    qtbot, catalog, workloads, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.main_window import MainWindow

    broken = tmp_path / "broken.rigplan.toml"
    broken.write_text(SAMPLE.read_text(encoding="utf-8").replace("count = 4", "count = -4"))
    window = MainWindow(catalog, workloads, ask_unsaved=lambda name: "discard")
    qtbot.addWidget(window)
    window.files.open(SAMPLE)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.close()

    QTimer.singleShot(0, close_box)
    assert not window.files.open(broken)
    assert seen == [f"{broken}:12: field 'parts[0].count': must be at least 1 (got -4)"]
    assert window.document.path == SAMPLE  # the open build is untouched
    assert window.document.build.count_of("rtx-a6000") == 4
    window.ranker.wait()


def test_dropping_a_profile_on_the_window_opens_it(driver) -> None:
    window = driver.window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLES / "single-rtx-4090.rigplan.toml"))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.document.path == SAMPLES / "single-rtx-4090.rigplan.toml"
    assert window.document.build.count_of("rtx-4090") == 1


def test_dropping_two_profiles_compares_them(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    dropped = [
        SAMPLES / "single-rtx-4090.rigplan.toml",
        SAMPLES / "budget-rtx-4060-ti.rigplan.toml",
    ]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in dropped])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.document.path == SAMPLE  # the open build stays
    (compare,) = window.compare_windows
    qtbot.waitExposed(compare)
    assert [source for source, _build in compare.entries] == [str(path) for path in dropped]
    compare.close()


def test_geometry_and_last_profile_are_remembered(make_driver) -> None:  # type: ignore[no-untyped-def]
    first = make_driver()
    first.window.files.open(SAMPLE)
    first.window.resize(1000, 640)
    first.window.parts_dock.hide()
    geometry = first.window.saveGeometry()
    assert first.window.close()
    second = make_driver()
    assert second.window.settings.geometry() == geometry
    # The offscreen screen is 800 px wide, so only the height comes back as it was.
    assert second.window.height() == 640
    assert not second.window.parts_dock.isVisible()  # the dock layout is restored too
    assert second.window.settings.last_profile() == str(SAMPLE.resolve())
    assert second.window.files.recent() == [str(SAMPLE.resolve())]


CRASHING_SESSION = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from planner.io.catalog_files import load_builtin_catalog
    from planner.io.workload_files import load_workloads
    from planner.ui.main_window import MainWindow
    from planner.ui.session import Autosave

    app = QApplication([])
    autosave = Autosave()
    autosave.start()
    window = MainWindow(load_builtin_catalog(), load_workloads(), autosave=autosave)
    window.files.open(Path(sys.argv[1]))
    window.document.set_count("rtx-a6000", 2)
    window.document.rename("Half the GPUs")
    window.files.autosave_now()
    sys.stdout.flush()
    os._exit(3)  # dies without closing: no clean shutdown, the lock stays
    """
)


def test_unsaved_work_is_recovered_after_a_crash(make_driver) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, str(SAMPLE)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    recovery = Autosave().crashed_session()
    assert recovery is not None
    assert recovery.original == SAMPLE
    assert recovery.build.name == "Half the GPUs"
    assert recovery.build.count_of("rtx-a6000") == 2

    driver = make_driver()
    window = driver.window
    window.open_build(recovery.build, recovery.original, modified=True)
    driver.autosave.forget(recovery)  # as the app does once the work is taken in
    assert window.isWindowModified()  # recovered work is not on disk yet
    assert window.windowTitle().startswith("Half the GPUs[*]")
    assert window.document.path == SAMPLE
    window.close()
    assert Autosave().crashed_session() is None  # a clean exit leaves nothing to recover


def test_a_session_still_running_is_not_mistaken_for_a_crash(driver) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    window.files.open(SAMPLE)
    window.document.set_count("rtx-a6000", 1)
    window.files.autosave_now()
    assert Autosave().crashed_session() is None  # this window is open: nothing to offer
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    elsewhere = Autosave()
    try:
        elsewhere.write(window.document.build, SAMPLE)
        (elsewhere.directory / "session.lock").write_text(str(other.pid))
        session.__dict__["_LIVE"].discard(elsewhere.directory)  # it belongs to `other` now
        assert Autosave().crashed_session() is None  # another process's window is still open
    finally:
        other.kill()
        other.wait()
    recovered = Autosave().crashed_session()
    assert recovered is not None and recovered.build.count_of("rtx-a6000") == 1
    assert recovered.folder == elsewhere.directory


def test_two_windows_never_lose_each_others_autosave(tmp_path: Path) -> None:
    first, second = Autosave(tmp_path), Autosave(tmp_path)
    first.start()
    second.start()
    build = loads_profile(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    first.write(dataclasses.replace(build, name="Window A's work"), SAMPLE)
    second.stop()  # window B opens and closes cleanly
    assert (first.directory / "unsaved.rigplan.toml").exists()
    # Window A's process dies: its folder is no longer live and its process id is gone.
    session.__dict__["_LIVE"].discard(first.directory)
    (first.directory / "session.lock").write_text("999999999")
    recovery = Autosave(tmp_path).crashed_session()
    assert recovery is not None and recovery.build.name == "Window A's work"
    later = Autosave(tmp_path)
    later.forget(recovery)
    assert Autosave(tmp_path).crashed_session() is None


HAND_EDITED = """# Our lab's box: keep these notes
format = "rig-planner-profile"
schema_version = 1
name = 'Lab box'   # single quotes on purpose

[settings]
electricity_usd_per_kwh = 0.3  # our tariff
wall_circuit = "230v-16a"

# GPUs first
[[parts]]
id = "rtx-4090"
count = 0x2   # hex on purpose
power_limit_w = 4_00

[[parts]]
id = "ryzen-9-7950x"
"""


def test_a_hand_edited_profile_keeps_its_comments_and_layout(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lab.rigplan.toml"
    path.write_bytes(HAND_EDITED.replace("\n", "\r\n").encode("utf-8"))
    window = driver.window
    assert window.files.open(path)
    window.document.set_count("rtx-4090", 2)  # an edit, then undone: nothing changed
    window.document.undo_stack.undo()
    window.document.undo_stack.redo()
    assert window.files.save()
    assert path.read_bytes() == HAND_EDITED.replace("\n", "\r\n").encode("utf-8")
    window.document.rename("Lab box 2")
    window.document.set_count("ryzen-9-7950x", 1)
    assert window.files.save()
    text = path.read_bytes().decode("utf-8")
    for kept in ("# Our lab's box", "# our tariff", "# GPUs first", "count = 0x2", "4_00"):
        assert kept in text
    assert "name = 'Lab box 2'" in text and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert load_profile(path).name == "Lab box 2"
