"""The report's Sources table: where each part's values and price come from, as citations;
values nobody checked against a source marked estimated."""

from __future__ import annotations

from planner.core.assembly import Assembly
from planner.core.citations import citation, field_words, is_estimate, price_citation
from planner.report.markup import esc, money, table


def sources_section(assembly: Assembly) -> str:
    rows = []
    for item in assembly.items:
        part = item.part
        cited = [s for s in part.source if not is_estimate(s)]
        sources = "<br>".join(esc(citation(source)) for source in cited) or "estimated"
        price = money(part.price_usd)
        if part.price_date:
            price += f" ({part.price_date:%Y-%m-%d})"
        if part.price_usd is not None:
            cite = esc(price_citation(part.price_source))
            price += f'<br><span class="small muted">{cite}</span>'
        unverified = (
            f'<br><span class="small muted">estimated: {esc(field_words(part.unverified))}</span>'
            if part.unverified
            else ""
        )
        rows.append(
            (esc(part.display_name), f'<span class="small">{sources}</span>{unverified}', price)
        )
    return "<h2>Sources</h2>" + table(
        ("Part", "Specifications from", "List price"), rows, widths=(24, 52, 24)
    )
