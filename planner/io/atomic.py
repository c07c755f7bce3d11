"""Atomic file writes: a crash mid-save never leaves a half-written file behind.

The data goes to a short-named temporary file beside the target, is flushed to disk, and is
renamed over the target. A file with other hard links is rewritten in place instead, once
the temporary copy is safe on disk, so that every name keeps pointing at it. Saving through
a symbolic link writes the file the link points to (the link stays a link); anything that
is not a regular file (a device, a pipe, a folder) is never replaced; temporary files a
killed save left behind are removed at the next save to the same folder once they are an
hour old.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from pathlib import Path

TEMP_PREFIX = ".rp-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 3600


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` (or the file a link at `path` points to) atomically."""
    target = _target(Path(path))
    directory = target.parent if str(target.parent) else Path()
    directory.mkdir(parents=True, exist_ok=True)
    _refuse_non_regular(target)
    _remove_stale_temporaries(directory)
    temporary = directory / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if _hard_linked(target):
            _write_in_place(target, data)  # the other names keep seeing the new content
            temporary.unlink()
        else:
            if target.exists():
                # Keep the user's permission bits on the replaced file.
                temporary.chmod(target.stat().st_mode & 0o777)
            temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(directory)


def _target(path: Path) -> Path:
    """The file a chain of links at `path` ends at (the path itself when it is no link)."""
    try:
        return path.resolve(strict=False) if path.is_symlink() else path
    except (OSError, RuntimeError):  # a link loop
        return path


def _hard_linked(target: Path) -> bool:
    try:
        return target.stat().st_nlink > 1
    except OSError:
        return False


def _write_in_place(target: Path, data: bytes) -> None:
    """Rewrite a file that has other hard links in place (a rename would split them); the
    complete new content already sits in the temporary file should this be interrupted."""
    with target.open("r+b") as stream:
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())


def _refuse_non_regular(target: Path) -> None:
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise IsADirectoryError(
            f"{target} is not a regular file (a folder, device or pipe): not replaced"
        )


def _remove_stale_temporaries(directory: Path) -> None:
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in directory.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > STALE_TEMP_SECONDS:
                    leftover.unlink()


def _sync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
