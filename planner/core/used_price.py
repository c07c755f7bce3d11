"""Used prices: what a card sells for on the used market. A build priced "used where
cheaper" takes a part's used price wherever it is below the list price, everywhere the list
price is used (totals, per-dollar figures, charts, report, compare, suggestions); the user's
own price still comes first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from planner.core.catalog import Catalog
from planner.core.records import spec

USED = "USED"


@dataclass(frozen=True, kw_only=True)
class UsedPrice:
    part: str = spec()
    price_usd: float = spec(low=0.01, high=1_000_000)  # the median of the listings
    date: dt.date = spec()
    source: str = spec()  # the search that found the listings
    listings: tuple[str, ...] = spec()  # "title | $price | listing URL"

    def listing_prices(self) -> list[float]:
        """The prices the listings state."""
        found = (re.search(r"\|\s*\$([\d,]+(?:\.\d+)?)\s*\|", item) for item in self.listings)
        return [float(m.group(1).replace(",", "")) for m in found if m]

    def citation(self) -> str:
        count = len(self.listings)
        what = "the one used listing" if count == 1 else f"the median of {count} used listings"
        seen = "; ".join(self.listings)
        return f"{USED}: {what} seen {self.date.isoformat()} ({seen}); search: {self.source}"


def with_used_prices(catalog: Catalog, prices: Iterable[UsedPrice]) -> Catalog:
    """The catalog with each part's used price where it is below its list price."""
    changed = {}
    for price in prices:
        part = catalog.parts.get(price.part)
        if part is None or (part.price_usd is not None and part.price_usd <= price.price_usd):
            continue
        changed[part.id] = dataclasses.replace(
            part, price_usd=price.price_usd, price_date=price.date, price_source=price.citation()
        )
    if not changed:
        return catalog
    return catalog.with_changed(changed)


def is_used(source: str | None) -> bool:
    """Whether a price is a used one (the catalog's own used prices say so too)."""
    return bool(source) and str(source).upper().startswith(USED)
