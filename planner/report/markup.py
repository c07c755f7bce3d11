"""Small HTML builders for the reports (QTextDocument's subset of HTML and CSS)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

# Around cell text, in the 96-per-inch pixels QTextDocument sizes tables in.
CELL_PADDING = 3
Cell = str | tuple[str, str]  # text, or (text, css class); text is already escaped


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cell(tag: str, cell: Cell) -> str:
    if isinstance(cell, tuple):
        text, css = cell
        return f'<{tag} class="{css}">{text}</{tag}>'
    return f"<{tag}>{cell}</{tag}>"


def table(
    header: Sequence[Cell] | None,
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[int] = (),
    row_classes: Sequence[str] = (),
) -> str:
    """A full-width table; its header row (if any) repeats on every page it spans."""
    columns = "".join(f'<col width="{width}%">' for width in widths)
    head = (
        "<thead><tr>" + "".join(_cell("th", cell) for cell in header) + "</tr></thead>"
        if header
        else ""
    )
    body = []
    for index, row in enumerate(rows):
        css = row_classes[index] if index < len(row_classes) else ""
        attribute = f' class="{css}"' if css else ""
        body.append(f"<tr{attribute}>" + "".join(_cell("td", cell) for cell in row) + "</tr>")
    return (
        f'<table width="100%" cellspacing="0" cellpadding="{CELL_PADDING}">{columns}{head}'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def image(name: str, width_px: int) -> str:
    return f'<p><img src="{esc(name)}" width="{width_px}"></p>'


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"
