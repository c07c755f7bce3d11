"""Small formatting helpers shared by the views."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """ "1 warning", "2 warnings"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
