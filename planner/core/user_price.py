"""The user's own price for a part: what they were quoted, used everywhere the catalog's
list price is (totals, per-dollar figures, charts, report, compare, suggestions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from planner.core.catalog import Catalog
from planner.core.records import spec

YOUR_PRICE = "Your price"


@dataclass(frozen=True, kw_only=True)
class UserPrice:
    id: str = spec()
    price_usd: float = spec(low=0.01, high=1_000_000)
    price_date: dt.date = spec()
    note: str = spec(default="")  # where it was quoted


def with_user_prices(catalog: Catalog, prices: Mapping[str, UserPrice]) -> Catalog:
    """The catalog with the user's prices in place of the list prices they replace."""
    changed = {}
    for part_id, price in prices.items():
        part = catalog.parts.get(part_id)
        if part is None:
            continue
        source = f"{YOUR_PRICE}, entered {price.price_date.isoformat()}"
        if price.note:
            source += f" ({price.note})"
        changed[part_id] = dataclasses.replace(
            part, price_usd=price.price_usd, price_date=price.price_date, price_source=source
        )
    if not changed:
        return catalog
    return catalog.with_changed(changed)


def is_yours(source: str | None) -> bool:
    return bool(source) and str(source).startswith(YOUR_PRICE)
