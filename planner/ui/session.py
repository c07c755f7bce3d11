"""What outlives one window: settings, recent files, and autosave with crash recovery.

Settings live in an INI file in the user's config directory (platformdirs), so tests and
portable installs can point them elsewhere. While a document has unsaved changes it is
written to the autosave folder every few seconds; a lock file holds the running app's PID.
A lock whose process is gone marks a crash: its autosave is offered back at the next start.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QLocale, QSettings

from planner.core.build import Build
from planner.core.errors import InputError
from planner.io import paths
from planner.io.atomic import write_atomic
from planner.io.profiles import dumps_profile, loads_profile

RECENT_LIMIT = 8
AUTOSAVE_NAME = "unsaved.rigplan.toml"
AUTOSAVE_META = "unsaved.json"
LOCK_NAME = "session.lock"


class Settings:
    def __init__(self) -> None:
        directory = paths.user_config_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self._qsettings = QSettings(str(directory / "settings.ini"), QSettings.Format.IniFormat)

    def recent(self) -> list[str]:
        value = self._qsettings.value("recent", [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list):
            return [str(item) for item in value if item]
        return []

    def add_recent(self, path: Path) -> None:
        text = str(path.resolve())
        items = [text, *[item for item in self.recent() if item != text]][:RECENT_LIMIT]
        self._qsettings.setValue("recent", items)

    def remove_recent(self, path: str) -> None:
        self._qsettings.setValue("recent", [item for item in self.recent() if item != path])

    def last_profile(self) -> str | None:
        value = self._qsettings.value("last_profile")
        return str(value) if value else None

    def set_last_profile(self, path: Path | None) -> None:
        self._qsettings.setValue("last_profile", str(path.resolve()) if path else "")

    def geometry(self) -> QByteArray | None:
        value = self._qsettings.value("geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._qsettings.value("window_state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qsettings.setValue("geometry", geometry)
        self._qsettings.setValue("window_state", state)

    def theme(self) -> str:
        return str(self._qsettings.value("theme", "system"))

    def set_theme(self, theme: str) -> None:
        self._qsettings.setValue("theme", theme)

    def paper(self) -> str:
        """The PDF page size: the user's choice, else Letter where the locale is US."""
        value = self._qsettings.value("paper")
        if value in ("a4", "letter"):
            return str(value)
        us = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
        return "letter" if us else "a4"

    def set_paper(self, paper: str) -> None:
        self._qsettings.setValue("paper", paper)

    def sync(self) -> None:
        self._qsettings.sync()


@dataclass(frozen=True)
class Recovery:
    build: Build
    original: Path | None


class Autosave:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or paths.autosave_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = self.directory / LOCK_NAME

    def crashed_session(self) -> Recovery | None:
        """The unsaved work of a session that did not end cleanly, if any."""
        if not self._lock.exists() or _alive(self._lock):
            return None
        autosave = self.directory / AUTOSAVE_NAME
        if not autosave.exists():
            return None
        try:
            build = loads_profile(autosave.read_text(encoding="utf-8"), str(autosave))
        except (InputError, OSError, UnicodeDecodeError):
            return None
        original = None
        try:
            meta = json.loads((self.directory / AUTOSAVE_META).read_text(encoding="utf-8"))
            original = Path(meta["original"]) if meta.get("original") else None
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return Recovery(build, original)

    def start(self) -> None:
        write_atomic(self._lock, str(os.getpid()).encode())

    def write(self, build: Build, original: Path | None) -> None:
        write_atomic(self.directory / AUTOSAVE_NAME, dumps_profile(build).encode("utf-8"))
        meta = {"original": str(original) if original else None}
        write_atomic(self.directory / AUTOSAVE_META, json.dumps(meta).encode("utf-8"))

    def discard(self) -> None:
        for name in (AUTOSAVE_NAME, AUTOSAVE_META):
            (self.directory / name).unlink(missing_ok=True)

    def stop(self) -> None:
        """A clean exit: nothing to recover next time."""
        self.discard()
        self._lock.unlink(missing_ok=True)


def _alive(lock: Path) -> bool:
    try:
        pid = int(lock.read_text().strip())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
