"""Your price for a part, typed in the build table's Each column: kept in your data folder
(prices.toml) and used everywhere the list price was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.io.user_prices import set_user_price

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow


def set_your_price(window: MainWindow, part_id: str, usd: int) -> None:
    """Keep the price (0: back to the list price) and show the catalog at your prices."""
    try:
        set_user_price(part_id, usd or None)
    except OSError as error:
        window.files.complain("Could not keep your price", str(error))
        return
    window.refresh_catalog()
