"""A part's card as a tooltip: rich-text paragraphs, which Qt word-wraps, so a long note
reads as a block instead of one line across the screen."""

from __future__ import annotations

from html import escape

from planner.core.part_specs import part_card
from planner.core.parts import Part


def part_tooltip(part: Part, lead: str = "") -> str:
    """The part's card; `lead` (e.g. why it does not fit this build) comes first, in bold."""
    name, maker, *rest = part_card(part)
    paragraphs = [f"<p><b>{escape(lead)}</b></p>"] if lead else []
    paragraphs.append(f"<p><b>{escape(name)}</b><br>{escape(maker)}</p>")
    paragraphs += [f"<p>{escape(line)}</p>" for line in rest]
    return "<qt>" + "".join(paragraphs) + "</qt>"


def plain_tip(text: str) -> str:
    """Text from files (a quote's note, a profile's part id) as a tooltip: escaped, so Qt,
    which renders anything that looks like markup as markup, shows it as written."""
    return "<qt>" + escape(text).replace("\n", "<br>") + "</qt>"
