"""Starting the app: QApplication, catalog and profile, the window, or a screenshot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from planner import APP_NAME, __version__
from planner.core.build import Build
from planner.core.errors import InputError
from planner.io import paths
from planner.io.catalog_files import load_catalog
from planner.io.profiles import load_profile

DEFAULT_SAMPLE = "single-rtx-4090.rigplan.toml"
SCREENSHOT_SIZE = (1280, 800)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_app(profile: Path | None = None, screenshot: Path | None = None) -> int:
    headless = not _has_display() and not os.environ.get("QT_QPA_PLATFORM")
    if screenshot is not None or headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from planner.ui.main_window import MainWindow

    qInstallMessageHandler(_quiet_offscreen_messages)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QApplication.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "rig-planner.svg")))

    loaded = load_catalog()
    build, problem = _initial_build(profile)
    window = MainWindow(loaded.catalog, build)
    window.resize(*SCREENSHOT_SIZE)
    problems = [str(item) for item in loaded.problems] + ([problem] if problem else [])

    if screenshot is not None or headless:
        target = screenshot or paths.user_data_dir() / "last-window.png"
        window.show()
        app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(target)):
            print(f"planner: error: cannot write {target}", file=sys.stderr)
            return 2
        if headless and screenshot is None:
            print(f"No display found: rendered the window offscreen to {target}")
        for text in problems:
            print(f"planner: warning: {text}", file=sys.stderr)
        return 0

    window.show()
    if problems:
        QMessageBox.warning(window, APP_NAME, "\n\n".join(problems))
    return app.exec()


_IGNORED_QT_MESSAGES = ("does not support propagateSizeHints",)


def _quiet_offscreen_messages(kind: object, context: object, message: str) -> None:
    """Forward Qt's messages to stderr, less the offscreen platform's notes on window
    hints it ignores, which are not problems."""
    if not any(text in message for text in _IGNORED_QT_MESSAGES):
        print(message, file=sys.stderr)


def _initial_build(profile: Path | None) -> tuple[Build, str | None]:
    """The profile to open, or the default sample; a broken profile is reported, not fatal."""
    path = profile or paths.samples_dir() / DEFAULT_SAMPLE
    try:
        return load_profile(path), None
    except InputError as error:
        return Build(), f"Could not open the profile: {error}"
