"""The report's "Buy or rent" section: the build against renting its GPUs in the cloud, at
the default assumptions (three years, half the hours, no resale, the median on-demand
offer), with the cost of each over the build's life charted."""

from __future__ import annotations

from PySide6.QtGui import QImage

from planner.core.rent import RentPlan
from planner.report import chart_images as charts
from planner.report.markup import esc, image, money, table


def rent_section(plan: RentPlan | None, images: dict[str, QImage], width: int) -> str:
    if plan is None:
        return ""
    comparison = plan.comparison
    ownership = comparison.ownership
    offer = comparison.offer
    parts = [
        "<h2>Buy or rent</h2>",
        f"<p>Assumed: {ownership.life_years:g} years of use, working "
        f"{ownership.utilisation:.0%} of the hours, sold for {ownership.resale_share:.0%} of "
        "its price at the end (change them in Build → Buy or Rent… or with planner rent).</p>",
    ]
    rows = [
        ("Owning, per working hour", money(comparison.own_usd_per_hour)),
        (
            "Renting, per hour",
            "no offer for this GPU in the table"
            if offer is None
            else f"{money(comparison.rent_usd_per_hour)} — {comparison.gpus} × "
            f"{money(offer.usd_per_gpu_hour)} per GPU-hour, {esc(offer.provider)} "
            f"({esc(offer.offer)}, {esc(offer.kind)}, seen {esc(offer.date)})<br>"
            f'<span class="small muted">{esc(offer.source)}</span>',
        ),
    ]
    if offer is not None:
        words = plan.verdict()
        rows.append(("Break-even", esc(words[0].upper() + words[1:])))
    parts.append(table(None, rows, widths=(30, 70)))
    runs = [
        (
            esc(cost.name),
            (f"{cost.hours:,.1f} h", "num"),
            (money(cost.own_usd), "num"),
            (money(cost.rent_usd), "num"),
        )
        for cost in plan.costs
    ]
    if runs:
        parts.append(
            table(
                ("Run", ("Time", "num"), ("Owned", "num"), ("Rented", "num")),
                runs,
                widths=(55, 15, 15, 15),
            )
        )
    if offer is not None and plan.gpu_priced:
        images["chart-rent.png"] = _spending_chart(plan)
        parts.append(image("chart-rent.png", width))
    return "".join(parts)


def _spending_chart(plan: RentPlan) -> QImage:
    """Dollars spent month by month: owning the build against renting its GPUs."""
    ownership = plan.comparison.ownership
    months_axis = list(range(int(ownership.life_years * 12) + 1))
    own, rent = plan.comparison.cumulative(months_axis)
    xs = tuple(float(m) for m in months_axis)
    return charts.line_chart(
        "Dollars spent: owning the build against renting its GPUs",
        [
            charts.Line("own the build", xs, tuple(own), charts.BLUE),
            charts.Line("rent the GPUs", xs, tuple(rent), charts.ORANGE),
        ],
        "months",
        "dollars",
        x_labels={float(m): str(m) for m in months_axis if m % 6 == 0},
    )
