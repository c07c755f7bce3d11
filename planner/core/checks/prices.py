"""Prices: cards that cannot be bought, and how old the prices behind the build's total
are. A total that rests on prices seen long ago is not a quote: the note names them and how
much of the total they carry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from planner.core.checks.context import CheckContext, plural
from planner.core.findings import Category, Finding, Severity
from planner.core.parts import Gpu, PartKind

# Older than half a year: street prices move within months (in the catalog, a 64 GB DDR5
# RDIMM was $380 in July 2025 and $1,826 in June 2026).
STALE_AFTER_DAYS = 183


def check_price_age(context: CheckContext, today: date | None = None) -> Iterator[Finding]:
    today = today or date.today()
    assembly = context.assembly
    old = [
        item
        for item in assembly.items
        if item.part.price_usd is not None
        and item.part.price_date is not None
        and (today - item.part.price_date).days > STALE_AFTER_DAYS
    ]
    total = assembly.total_price_usd
    if not old or not total:
        return
    carried = sum(item.part.price_or_zero * item.count for item in old)
    oldest = min(old, key=lambda item: item.part.price_date or today)
    seen = oldest.part.price_date or today  # every old price has a date
    which = (
        f"All {len(old)} prices behind the ${total:,.0f} total were"
        if len(old) == len(assembly.items) - len(assembly.unpriced)
        else f"{plural(len(old), 'price')} in this build, ${carried:,.0f} of the ${total:,.0f} "
        f"total, {'was' if len(old) == 1 else 'were'}"
    )
    yield Finding(
        Severity.INFO,
        Category.COST,
        "cost.old_prices",
        f"{which} seen over six months ago; the oldest, the {oldest.part.display_name}'s, on "
        f"{seen.isoformat()}.",
        tuple(item.part.id for item in old),
        "Check current prices before ordering: double-click a price to enter your quote, or "
        "import a quote with 'planner catalog prices import FILE.csv'.",
    )


def check_cloud_only_gpus(context: CheckContext) -> Iterator[Finding]:
    """A card sold only as cloud instances (AWS's A10G) has no purchase price: the build
    cannot be ordered as it stands, and its total leaves the card out."""
    for gpu, item in context.assembly.gpus:
        if not gpu.cloud_only:
            continue

        def buyable(part: object, like: Gpu = gpu) -> bool:
            return (
                isinstance(part, Gpu)
                and not part.cloud_only
                and not part.is_sxm
                and part.price_usd is not None
                and part.chip_maker == like.chip_maker
                and part.vram_gb >= like.vram_gb
                and part.memory_bandwidth_gbs >= like.memory_bandwidth_gbs
            )

        alternatives = context.examples(PartKind.GPU, buyable)
        yield Finding(
            Severity.WARNING,
            Category.COST,
            "cost.cloud_only_gpu",
            f"The {gpu.display_name} is sold only as cloud instances, so it has no purchase "
            f"price: this build cannot be ordered as it stands, and its total leaves out "
            f"{plural(item.count, 'card')}.",
            (gpu.id,),
            f"Rent it by the hour (Build → Buy or Rent compares the offers), or choose a card "
            f"you can buy with at least {gpu.vram_gb:g} GB and "
            f"{gpu.memory_bandwidth_gbs:,.0f} GB/s{alternatives}.",
        )
