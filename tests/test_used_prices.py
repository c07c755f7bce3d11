"""Used prices: each entry is the median of the used listings it cites, a build priced "used
where cheaper" takes them only where they are below the list price (your own price still
first), and the app, the command line and the report say which prices are used ones."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path

from cli_runner import planner

from planner.core.assembly import Assembly
from planner.core.parts import Gpu
from planner.core.used_price import is_used, with_used_prices
from planner.io.catalog_files import load_builtin_catalog, load_catalog
from planner.io.profiles import load_profile
from planner.io.used_prices import load_used_prices
from planner.io.user_prices import set_user_price

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


def test_each_used_price_is_the_median_of_the_listings_it_cites() -> None:
    catalog = load_builtin_catalog()
    prices = load_used_prices()
    assert len(prices) >= 20
    for price in prices:
        assert isinstance(catalog.get(price.part), Gpu), price.part
        listed = price.listing_prices()
        assert len(listed) == len(price.listings) >= 1, price.part
        assert price.price_usd == round(statistics.median(listed), 2), price.part
        assert all("https://www.ebay.com/itm/" in item for item in price.listings)
        assert "LH_ItemCondition=3000" in price.source  # eBay's used-condition filter
        assert price.date <= dt.date(2026, 12, 6)


def test_a_used_price_counts_only_where_it_is_lower() -> None:
    catalog = load_builtin_catalog()
    used = with_used_prices(catalog, load_used_prices())
    a100, cheaper = catalog.get("a100-40gb-pcie"), used.get("a100-40gb-pcie")
    assert a100 is not None and cheaper is not None
    assert cheaper.price_usd == 3899.99 < a100.price_usd
    assert is_used(cheaper.price_source) and "median of 3 used listings" in cheaper.price_source
    assert used.get("rtx-5080") == catalog.get("rtx-5080")  # used sells above the MSRP


def test_your_price_still_comes_first(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    build = load_profile(SAMPLES / "single-rtx-4090.rigplan.toml")
    new, used = load_catalog().catalog, load_catalog(used=True).catalog
    saved = new.get("rtx-4090").price_usd - used.get("rtx-4090").price_usd
    assert saved > 0
    total = Assembly.resolve(build, new).total_price_usd
    assert Assembly.resolve(build, used).total_price_usd == total - saved
    set_user_price("rtx-4090", 1800, note="a friend's card")
    assert load_catalog(used=True).catalog.get("rtx-4090").price_usd == 1800


def test_used_prices_on_the_command_line(tmp_path: Path) -> None:
    env = {"RIG_PLANNER_DATA_DIR": str(tmp_path)}
    listed = planner("catalog", "list", "--kind", "gpu", "--json", "--used", env_extra=env)
    assert listed.returncode == 0, listed.stderr
    a100 = next(p for p in json.loads(listed.stdout) if p["id"] == "a100-40gb-pcie")
    assert a100["price_usd"] == 3899.99
    csv = tmp_path / "parts.csv"
    profile = SAMPLES / "single-rtx-4090.rigplan.toml"
    exported = planner("export", str(profile), "--csv", str(csv), "--used", env_extra=env)
    assert exported.returncode == 0, exported.stderr
    row = next(
        line for line in csv.read_text(encoding="utf-8-sig").splitlines() if "rtx-4090" in line
    )
    assert "2950" in row and "USED" in row


def test_the_build_menu_prices_gpus_used(driver, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.build_table_model import BuildTableModel

    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    window = driver.window
    window._reload_catalog = lambda: load_catalog(used=window.settings.used_prices()).catalog
    assert window.files.open(SAMPLES / "single-rtx-4090.rigplan.toml")
    menus = {action.text(): action for action in window.menuBar().actions()}
    action = next(a for a in menus["&Build"].menu().actions() if a.objectName() == "usedPrices")
    assert action.isCheckable() and not action.isChecked()
    listed = window.document.assembly.total_price_usd
    action.trigger()
    assert window.settings.used_prices()
    model = window.build_panel.model
    index = model.index(model.row_of("rtx-4090"), BuildTableModel.UNIT_PRICE)
    assert model.data(index) == "$2,950 used"
    assert model.data(index, 3).startswith("<qt>Used price (2026-08-13)")
    assert window.document.assembly.total_price_usd < listed
    assert window._status.text().endswith("(used GPUs where cheaper)")
    action.trigger()  # back to list prices
    assert not window.settings.used_prices()
    assert window.document.assembly.total_price_usd == listed


def test_a_bad_entry_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    import pytest

    from planner.core.errors import CatalogError

    path = tmp_path / "used_prices.toml"
    path.write_text(
        '[[used]]\npart = "rtx-4090"\nprice_usd = -5\ndate = 2026-08-11\n'
        'source = "x"\nlistings = ["a | $1.00 | https://www.ebay.com/itm/1"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_used_prices(path)
    assert caught.value.location.line == 3
    assert caught.value.location.field == "used[0].price_usd"


def test_the_suggest_dialog_buys_used_where_cheaper(driver, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dialog's checkbox is the app's used-prices setting: ticking it prices the build and
    the suggestions used, and the Build menu shows it ticked."""
    from planner.ui.suggest_dialog import SuggestDialog

    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    window = driver.window
    window._reload_catalog = lambda: load_catalog(used=window.settings.used_prices()).catalog
    assert window.files.open(SAMPLES / "single-rtx-4090.rigplan.toml")
    dialog = SuggestDialog(
        window.document, window, (window.settings.used_prices(), window.set_used_prices)
    )
    assert not dialog.used.isChecked()
    dialog.used.setChecked(True)
    assert window.settings.used_prices()
    assert window.document.catalog.get("rtx-4090").price_usd == 2950
    menus = {action.text(): action for action in window.menuBar().actions()}
    action = next(a for a in menus["&Build"].menu().actions() if a.objectName() == "usedPrices")
    assert action.isChecked()
    dialog.used.setChecked(False)
    assert not action.isChecked() and not window.settings.used_prices()
