"""A probe's results file (written by the script `planner probe` makes): read and checked,
with errors naming the file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

from planner.core.errors import InputError, Location
from planner.core.probe import ProbeRow, read_results
from planner.core.probe_links import LinkProbe, read_links

MAX_BYTES = 10_000_000  # a probe of many workloads is a few kilobytes


def read_results_file(path: Path) -> tuple[str, list[ProbeRow]]:
    device, rows, _links = read_probe_file(path)
    return device, rows


def read_probe_file(path: Path) -> tuple[str, list[ProbeRow], LinkProbe | None]:
    """The device, one row per workload, and the GPU links measured (None with one GPU)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError("too large for a probe's results", Location(file=str(path)))
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(error.strerror or str(error), Location(file=str(path))) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(error.msg, Location(file=str(path), line=error.lineno)) from None
    except RecursionError:
        raise InputError("nested too deeply", Location(file=str(path))) from None
    device, rows = read_results(document, str(path))
    return device, rows, read_links(document, str(path))
