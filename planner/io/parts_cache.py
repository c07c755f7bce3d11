"""Parsed part files kept between runs, so a large catalog is parsed once, not at every
start. An entry is used only while its file has the same size and modification time and
the planner the same version; anything unreadable in the cache is ignored and rebuilt.
The TOML files stay the truth: the cache only skips re-parsing them."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from planner import __version__
from planner.io import paths
from planner.io.atomic import write_atomic

CACHE_FORMAT = 2  # 2: GPUs gained form_factor; SXM modules lack slot, length, plugs


def _entry(path: Path) -> Path:
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
    return paths.cache_dir() / f"parts-{digest}.pickle"


def _stamp(path: Path) -> tuple[object, ...] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (CACHE_FORMAT, __version__, str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def load(path: Path) -> Any | None:
    """What `store` kept for `path`, or None when the file changed or nothing was kept."""
    stamp = _stamp(path)
    if stamp is None:
        return None
    try:
        with _entry(path).open("rb") as handle:
            kept_stamp, value = pickle.load(handle)
    except Exception:  # missing, truncated, or from another version: parse the file again
        return None
    return value if kept_stamp == stamp else None


def store(path: Path, value: Any) -> None:
    stamp = _stamp(path)
    if stamp is None:
        return
    try:
        entry = _entry(path)
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, pickle.dumps((stamp, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a cache that cannot be written only costs time
