"""What outlives one window: settings, recent files, and autosave with crash recovery.

Settings live in an INI file in the user's config directory (platformdirs), so tests and
portable installs can point them elsewhere. While a document has unsaved changes it is
written to that window's own autosave folder every few seconds, beside a lock file with the
process id. A folder whose process is gone marks a crash: its autosave is offered back at
the next start, and no window ever deletes another's folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
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

    def used_prices(self) -> bool:
        """Whether GPUs are priced used where that is cheaper than the list price."""
        return str(self._qsettings.value("used_prices", "false")).lower() == "true"

    def set_used_prices(self, used: bool) -> None:
        self._qsettings.setValue("used_prices", "true" if used else "false")

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
    folder: Path  # the crashed session's autosave folder


# Autosave folders of the sessions alive in this process (one per window).
_LIVE: set[Path] = set()


class Autosave:
    """One window's autosave: its own folder under the autosave directory, holding the
    unsaved build, where it came from, and a lock with the process id. Windows never touch
    each other's folders; a folder whose process is gone is a crash to offer back."""

    def __init__(self, directory: Path | None = None) -> None:
        self.root = directory or paths.autosave_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = f"{os.getpid()}-{time.time_ns()}"
        self.directory = self.root / f"session-{stamp}"
        self._lock = self.directory / LOCK_NAME
        _LIVE.add(self.directory)

    def crashed_session(self) -> Recovery | None:
        """The newest unsaved work of a session that did not end cleanly, if any. Folders of
        dead sessions with nothing to recover are removed."""
        found: list[tuple[float, Recovery]] = []
        for folder in self._other_folders():
            if _alive(folder):
                continue
            recovery = _recovery(folder)
            if recovery is None:
                _remove(folder)
                continue
            found.append((_mtime(folder / AUTOSAVE_NAME), recovery))
        return max(found, key=lambda item: item[0])[1] if found else None

    def forget(self, recovery: Recovery) -> None:
        """The recovered work is taken into this session (or declined): drop its folder."""
        if recovery.folder != self.directory:
            _remove(recovery.folder)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self._lock, str(os.getpid()).encode())

    def write(self, build: Build, original: Path | None) -> None:
        if not self._lock.exists():
            self.start()
        write_atomic(self.directory / AUTOSAVE_NAME, dumps_profile(build).encode("utf-8"))
        meta = {"original": str(original) if original else None}
        write_atomic(self.directory / AUTOSAVE_META, json.dumps(meta).encode("utf-8"))

    def discard(self) -> None:
        for name in (AUTOSAVE_NAME, AUTOSAVE_META):
            (self.directory / name).unlink(missing_ok=True)

    def stop(self) -> None:
        """A clean exit: nothing to recover next time, and only this window's folder goes."""
        _remove(self.directory)
        _LIVE.discard(self.directory)

    def _other_folders(self) -> list[Path]:
        folders = [path for path in self.root.glob("session-*") if path.is_dir()]
        if (self.root / LOCK_NAME).exists() or (self.root / AUTOSAVE_NAME).exists():
            folders.append(self.root)  # the layout of earlier versions: one shared folder
        return [folder for folder in folders if folder != self.directory]


def _recovery(folder: Path) -> Recovery | None:
    autosave = folder / AUTOSAVE_NAME
    try:
        build = loads_profile(autosave.read_text(encoding="utf-8"), str(autosave))
    except (InputError, OSError, UnicodeDecodeError, RecursionError):
        return None
    original = None
    try:
        meta = json.loads((folder / AUTOSAVE_META).read_text(encoding="utf-8"))
        original = Path(meta["original"]) if meta.get("original") else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return Recovery(build, original, folder)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(folder: Path) -> None:
    for name in (AUTOSAVE_NAME, AUTOSAVE_META, LOCK_NAME):
        (folder / name).unlink(missing_ok=True)
    if folder.name.startswith("session-"):
        with contextlib.suppress(OSError):  # something else lives there: leave it
            folder.rmdir()


def _alive(folder: Path) -> bool:
    """Whether the session that owns `folder` is running: a window of this process, or a
    process with the lock's id."""
    if folder in _LIVE:
        return True
    try:
        pid = int((folder / LOCK_NAME).read_text().strip())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return False  # this process did not open it: an earlier process with the same id
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True
