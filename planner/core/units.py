"""Units and their readable forms, shared by the command line and the window."""

from __future__ import annotations

GIB = 1024**3


def gib(value: float) -> str:
    return f"{value / GIB:,.1f} GiB"


def duration(seconds: float) -> str:
    """A run length in minutes, hours or days; "—" when there is none (no speed)."""
    if seconds != seconds or seconds == float("inf"):
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:,.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:,.1f} h"
    return f"{seconds / 86400:,.1f} days"


def time_scale(longest_s: float) -> tuple[float, str]:
    """The unit a time axis reads in, for data up to `longest_s`: (seconds per unit, name),
    minutes below two hours, hours below three days, days beyond."""
    if longest_s < 2 * 3600:
        return 60.0, "minutes"
    if longest_s < 3 * 86400:
        return 3600.0, "hours"
    return 86400.0, "days"


def counted(number: int, noun: str) -> str:
    """ "1 warning", "2 warnings"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
