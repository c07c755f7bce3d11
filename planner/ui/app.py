"""Starting the app: QApplication, catalog, workloads, the window and its first document,
crash recovery, or a screenshot for `planner gui PROFILE --screenshot OUT.png`."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner import APP_ID, APP_NAME, __version__
from planner.core.catalog import Catalog
from planner.io import paths
from planner.io.catalog_files import load_catalog
from planner.io.workload_files import load_all_workloads

if TYPE_CHECKING:  # Qt is imported after the core at run time (see _import_core_first)
    from PySide6.QtWidgets import QApplication

    from planner.ui.main_window import MainWindow
    from planner.ui.session import Autosave

DEFAULT_SAMPLE = "four-gpu-threadripper.rigplan.toml"
SCREENSHOT_SIZE = (1280, 800)
_IGNORED_QT_MESSAGES = ("does not support propagateSizeHints",)


# The rules and models the window uses. Imported before PySide6, whose import hook
# otherwise reads the source of every module imported after it (measurably slower start).
_CORE_MODULES = (
    "planner.core.build_edits",
    "planner.core.checks",
    "planner.core.estimate",
    "planner.core.hints",
    "planner.core.workload_estimates",
    "planner.io.profiles",
)


def _import_core_first() -> None:
    for name in _CORE_MODULES:
        importlib.import_module(name)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _quiet_offscreen_messages(kind: object, context: object, message: str) -> None:
    """Forward Qt's messages to stderr, less the offscreen platform's notes on window
    hints it ignores, which are not problems."""
    if not any(text in message for text in _IGNORED_QT_MESSAGES):
        print(message, file=sys.stderr)


def run_app(profile: Path | None = None, screenshot: Path | None = None) -> int:
    headless = not _has_display() and not os.environ.get("QT_QPA_PLATFORM")
    if (screenshot is not None or headless) and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    _import_core_first()
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QMessageBox

    from planner.ui.main_window import MainWindow
    from planner.ui.session import Autosave, Settings
    from planner.ui.theme import apply_theme

    qInstallMessageHandler(_quiet_offscreen_messages)
    app = _application()
    settings = Settings()
    apply_theme(app, settings.theme() if screenshot is None else "light")

    loaded = load_catalog(used=settings.used_prices())

    def reload_catalog() -> Catalog:
        return load_catalog(used=settings.used_prices()).catalog

    offscreen = screenshot is not None or headless
    autosave = Autosave()
    workloads, workload_problems = load_all_workloads()
    problems = [str(problem) for problem in (*loaded.problems, *workload_problems)]
    refused: list[str] = []  # what the window would have shown in a message box
    window = MainWindow(
        loaded.catalog,
        workloads,
        settings,
        autosave,
        complain=(lambda title, text: refused.append(f"{title}: {text}")) if offscreen else None,
        reload_catalog=reload_catalog,
    )
    if not offscreen:
        window.restore_layout()
    last = None if offscreen else settings.last_profile()
    _open_or_recover(window, autosave, profile, last, ask=not offscreen)

    try:
        if offscreen:
            return _screenshot(app, window, screenshot, headless, problems, refused)
        window.show()
        if problems:
            QMessageBox.warning(window, APP_NAME, "\n\n".join(problems))
        return app.exec()
    finally:
        _tear_down(window)


def _application() -> QApplication:
    """The Qt application, named, with the window icon: the PNGs rendered from
    rig-planner.svg, 16-512 px, exact at each size, all offered to the window manager with no
    image plugin needed; the SVG where they are missing."""
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("RigPlanner")
    QGuiApplication.setDesktopFileName(APP_ID)
    icons = paths.resources_dir() / "icons"
    icon = QIcon()
    for png in sorted(icons.glob(f"hicolor/*/apps/{APP_ID}.png")):
        icon.addFile(str(png))
    QApplication.setWindowIcon(icon if not icon.isNull() else QIcon(str(icons / "rig-planner.svg")))
    return app


def _open_or_recover(
    window: MainWindow, autosave: Autosave, profile: Path | None, last: str | None, ask: bool
) -> None:
    """With `ask` (a window on screen), offer to recover a session that crashed; otherwise
    open the profile asked for, or `last`."""
    recovery = autosave.crashed_session() if ask else None
    autosave.start()
    if recovery is not None and _ask_recover(window, recovery.original):
        window.open_build(recovery.build, recovery.original, modified=True)
        window.files.autosave_now()  # kept in this session's folder before the old one goes
        autosave.forget(recovery)
        return
    if recovery is not None:
        autosave.forget(recovery)
    _open_first(window, profile, last)


def _tear_down(window: object) -> None:
    """Destroy the window while Python is still fully alive: finishing background work and
    deleting Qt objects here, not during interpreter shutdown, avoids crashes at exit."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    from planner.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.ranker.wait()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _open_first(window: object, profile: Path | None, last: str | None) -> None:
    from planner.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if profile is not None:
        window.files.open(profile, confirm=False)
        return
    if last and Path(last).is_file() and window.files.open(Path(last), confirm=False):
        return
    window.files.open(paths.samples_dir() / DEFAULT_SAMPLE, confirm=False)


def _ask_recover(window: object, original: Path | None) -> bool:
    from PySide6.QtWidgets import QMessageBox, QWidget

    assert isinstance(window, QWidget)
    where = f" to “{original.name}”" if original else ""
    answer = QMessageBox.question(
        window,
        "Recover unsaved changes?",
        f"{APP_NAME} did not close properly last time. Recover the unsaved changes{where}?",
    )
    return answer == QMessageBox.StandardButton.Yes


def _headless_picture() -> Path:
    """Where a window with no display is drawn: the working folder, where the user who ran
    the command looks first, or the data folder when that cannot be written."""
    folder = Path.cwd()
    if not os.access(folder, os.W_OK):
        folder = paths.user_data_dir()
    return (folder / "rig-planner-window.png").resolve()


def _screenshot(
    app: object,
    window: object,
    target: Path | None,
    headless: bool,
    problems: list[str],
    refused: list[str],
) -> int:
    """Render the window to `target`; exit 2 when the profile was refused (bad input)."""
    from PySide6.QtWidgets import QApplication

    from planner.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(app, QApplication)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    app.processEvents()
    if window.charts_on_screen():
        window.charts.build()
    window.ranker.wait()  # let the GPU speeds (and a shown ranking chart) in before the picture
    app.processEvents()
    window.repaint()
    app.processEvents()
    destination = target or _headless_picture()
    destination.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(destination))
    window.autosave.stop()
    for text in problems:
        print(f"planner: warning: {text}", file=sys.stderr)
    for text in refused:
        print(f"planner: error: {text}", file=sys.stderr)
    if not ok:
        print(f"planner: error: cannot write {destination}", file=sys.stderr)
        return 2
    if headless and target is None:
        print(f"No display found: rendered the window offscreen to {destination}")
    return 2 if refused else 0
