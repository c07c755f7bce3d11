"""Your own prices: typed in the build table or brought in by CSV, kept in your data folder,
and used everywhere the list price was; bad rows are named by line and field."""

from __future__ import annotations

from pathlib import Path

from cli_runner import planner

from planner.core.assembly import Assembly
from planner.io.catalog_files import load_catalog
from planner.io.profiles import load_profile
from planner.io.user_prices import load_user_prices, prices_path, set_user_price

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
SINGLE = SAMPLES / "single-rtx-4090.rigplan.toml"


def test_your_price_replaces_the_list_price_everywhere(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    before = load_catalog().catalog
    build = load_profile(SINGLE)
    listed = Assembly.resolve(build, before).total_price_usd
    set_user_price("rtx-4090", 2150, note="shop quote")
    catalog = load_catalog().catalog
    part = catalog.get("rtx-4090")
    assert part is not None and part.price_usd == 2150
    assert part.price_source.startswith("Your price, entered") and "shop quote" in part.price_source
    total = Assembly.resolve(build, catalog).total_price_usd
    assert total == listed - before.get("rtx-4090").price_usd + 2150
    set_user_price("rtx-4090", None)  # back to the list price
    assert load_catalog().catalog.get("rtx-4090").price_usd == before.get("rtx-4090").price_usd


def test_a_broken_prices_file_is_named_and_the_rest_load(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    prices_path().write_text(
        '[[price]]\nid = "rtx-4090"\nprice_usd = 2100\nprice_date = 2026-12-01\n\n'
        '[[price]]\nid = "rtx-3090"\nprice_usd = -5\nprice_date = 2026-12-01\n'
    )
    prices, problems = load_user_prices()
    assert list(prices) == ["rtx-4090"] and len(problems) == 1
    assert "prices.toml:8" in str(problems[0]) and "price[1].price_usd" in str(problems[0])
    loaded = load_catalog()
    assert loaded.catalog.get("rtx-4090").price_usd == 2100 and loaded.problems


def test_a_quote_comes_in_and_goes_out_by_csv(tmp_path: Path) -> None:
    quote = tmp_path / "quote.csv"
    quote.write_text('id,price_usd,note\nrtx-4090,"$2,150",shop\nsamsung-990-pro-2tb,149.99,\n')
    env = {"RIG_PLANNER_DATA_DIR": str(tmp_path / "data")}
    result = planner("catalog", "prices", "import", str(quote), env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "2 parts" in result.stdout
    out = tmp_path / "prices.csv"
    assert planner("catalog", "prices", "export", str(out), env_extra=env).returncode == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "id,kind,name,price_usd,price_date,source,yours"
    mine = [row for row in rows if row.startswith("rtx-4090,")]
    assert mine and "2150.00" in mine[0] and mine[0].endswith(",yes")
    estimate = planner("estimate", str(SINGLE), "--json", env_extra=env)
    assert estimate.returncode == 0
    for bad, words in (
        ("id,price_usd\nrtx-4090,12\nno-such-part,5\n", ":3: field 'id'"),
        ("id,price_usd\nrtx-4090,cheap\n", ":2: field 'price_usd'"),
        ("id,price_usd,price_date\nrtx-4090,12,yesterday\n", ":2: field 'price_date'"),
        ("part,cost\nrtx-4090,12\n", "needs the columns id and price_usd"),
    ):
        quote.write_text(bad)
        shown = planner("catalog", "prices", "import", str(quote), env_extra=env)
        assert shown.returncode == 2 and words in shown.stderr, shown.stderr


def test_type_your_price_in_the_build_table(driver, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.build_table_model import BuildTableModel

    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    window = driver.window
    window._reload_catalog = lambda: load_catalog().catalog
    assert window.files.open(SINGLE)
    model = window.build_panel.model
    row = model.row_of("rtx-4090")
    index = model.index(row, BuildTableModel.UNIT_PRICE)
    assert model.flags(index) & model.flags(index).ItemIsEditable
    before = window.document.assembly.total_price_usd
    listed = window.document.catalog.get("rtx-4090").price_usd
    assert model.setData(index, 1999)
    assert window.document.catalog.get("rtx-4090").price_usd == 1999
    assert window.document.assembly.total_price_usd == before - listed + 1999
    index = model.index(model.row_of("rtx-4090"), BuildTableModel.UNIT_PRICE)
    assert model.data(index).endswith("*") and "Your price" in model.data(index, 3)
    assert model.setData(index, 0)  # back to the list price
    assert window.document.catalog.get("rtx-4090").price_usd == listed
