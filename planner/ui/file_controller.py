"""File actions for the open document: new, open, save, save as, recent files, autosave,
and the question before unsaved changes are lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from planner.core.build import Build
from planner.core.errors import InputError
from planner.io.paths import PROFILE_SUFFIX
from planner.io.profiles import load_profile
from planner.ui.document import BuildDocument
from planner.ui.session import Autosave, Settings

# Returns "save", "discard" or "cancel".
UnsavedQuestion = Callable[[str], str]
# Shows a problem to the user.
Complaint = Callable[[str, str], None]
FILTER = f"Rig Planner profiles (*{PROFILE_SUFFIX} *.toml);;All files (*)"
AUTOSAVE_MS = 5_000


class FileController(QObject):
    recent_changed = Signal()

    def __init__(
        self,
        window: QWidget,
        document: BuildDocument,
        settings: Settings,
        autosave: Autosave,
        ask_unsaved: UnsavedQuestion | None = None,
        complain: Complaint | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._document = document
        self._settings = settings
        self._autosave = autosave
        self._autosave_failed = False
        self._ask_unsaved = ask_unsaved or self._ask_with_dialog
        self._complain = complain or self._complain_with_dialog
        self._timer = QTimer(self)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.autosave_now)
        self._timer.start()

    # ---- questions ----------------------------------------------------------------------

    def _ask_with_dialog(self, name: str) -> str:
        answer = QMessageBox.question(
            self._window,
            "Unsaved changes",
            f"Save the changes to “{name}” before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(answer, "cancel")

    def complain(self, title: str, text: str) -> None:
        """Show a problem to the user (a message box, or what the window was given)."""
        self._complain(title, text)

    def _complain_with_dialog(self, title: str, text: str) -> None:
        QMessageBox.warning(self._window, title, text)

    def confirm_discard(self) -> bool:
        """True when the current document may be replaced (saved, discarded or clean)."""
        if not self._document.modified:
            return True
        answer = self._ask_unsaved(self._document.build.name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ---- actions ----------------------------------------------------------------------

    def new(self) -> None:
        if self.confirm_discard():
            self._document.load(Build(), None)
            self._autosave.discard()

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        start = str(self._document.path.parent) if self._document.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self._window, "Open profile", start, FILTER)
        if path:
            self.open(Path(path), confirm=False)

    def open(self, path: Path, confirm: bool = True) -> bool:
        if confirm and not self.confirm_discard():
            return False
        try:
            build = load_profile(path)
            self._document.load(build, path)
        except InputError as error:
            self._complain("Could not open the profile", str(error))
            if not path.exists():
                self._settings.remove_recent(str(path.resolve()))
                self.recent_changed.emit()
            return False
        except (RecursionError, ValueError, ArithmeticError, TypeError) as error:
            # The file parses, but what it describes cannot be analysed: keep the window.
            self._complain(
                "Could not open the profile",
                f"{path}: the planner cannot analyse this build ({type(error).__name__}: "
                f"{str(error)[:200]})",
            )
            return False
        self._remember(path)
        self._autosave.discard()
        return True

    def save(self) -> bool:
        if self._document.path is None:
            return self.save_as()
        return self._save_to(self._document.path)

    def save_as(self) -> bool:
        suggested = (
            self._document.path
            or Path.home() / f"{_slug(self._document.build.name)}{PROFILE_SUFFIX}"
        )
        path, _ = QFileDialog.getSaveFileName(self._window, "Save profile", str(suggested), FILTER)
        if not path:
            return False
        if not path.endswith(".toml"):
            path += PROFILE_SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self._document.save(path)
        except OSError as error:
            self._complain("Could not save the profile", f"{path}: {error.strerror or error}")
            return False
        except (RecursionError, ValueError) as error:
            self._complain(
                "Could not save the profile",
                f"{path}: the build cannot be written as TOML ({type(error).__name__}); "
                "a value the app keeps from the file may be nested too deeply",
            )
            return False
        self._remember(path)
        self._autosave.discard()
        if isinstance(self._window, QMainWindow):
            self._window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _remember(self, path: Path) -> None:
        self._settings.add_recent(path)
        self._settings.set_last_profile(path)
        self.recent_changed.emit()

    def autosave_now(self) -> None:
        if not self._document.modified:
            return
        try:
            self._autosave.write(self._document.build, self._document.path)
        except (OSError, RecursionError, ValueError) as error:
            if not self._autosave_failed:  # say it once, not every few seconds
                self._complain(
                    "Autosave failed",
                    f"Unsaved changes could not be autosaved ({type(error).__name__}: "
                    f"{str(error)[:200]}). Save the profile to keep them.",
                )
            self._autosave_failed = True
            return
        self._autosave_failed = False

    def recent(self) -> list[str]:
        return self._settings.recent()


def _slug(name: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name).strip("-")
    return "-".join(part for part in cleaned.split("-") if part) or "build"
