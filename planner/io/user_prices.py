"""The user's own part prices: prices.toml in the data folder, edited in the app or brought
in as a CSV (`planner catalog prices import FILE.csv`); every bad row or entry is named by
file, line and field, and the rest still load."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

import tomli_w

from planner.core.catalog import Catalog
from planner.core.errors import InputError, Location, RecordError
from planner.core.records import parse_record, record_to_table
from planner.core.user_price import UserPrice, is_yours
from planner.io import paths
from planner.io.atomic import write_atomic
from planner.io.tomlfile import TomlLines, read_toml

FILE = "prices.toml"
CSV_COLUMNS = ("id", "kind", "name", "price_usd", "price_date", "source", "yours")


def prices_path() -> Path:
    return paths.user_data_dir() / FILE


def load_user_prices(path: Path | None = None) -> tuple[dict[str, UserPrice], list[InputError]]:
    path = path or prices_path()
    if not path.exists():
        return {}, []
    try:
        document, text = read_toml(path)
    except InputError as error:
        return {}, [error]
    lines = TomlLines(text)
    prices: dict[str, UserPrice] = {}
    problems: list[InputError] = []
    entries = document.get("price", [])
    for index, table in enumerate(entries if isinstance(entries, list) else []):
        try:
            price = parse_record(UserPrice, table)
        except RecordError as error:
            field = error.location.field
            line = (lines.key(field, "price", index) if field else None) or lines.array_entry(
                "price", index
            )
            problems.append(
                InputError(
                    error.message,
                    Location(file=str(path), line=line, field=f"price[{index}].{field}"),
                )
            )
            continue
        prices[price.id] = price
    return prices, problems


def save_user_prices(prices: Mapping[str, UserPrice], path: Path | None = None) -> None:
    path = path or prices_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Your own part prices (Rig Planner): they replace the catalog's list prices.\n"
    body = "".join(
        "\n[[price]]\n" + tomli_w.dumps(record_to_table(price))
        for price in sorted(prices.values(), key=lambda p: p.id)
    )
    write_atomic(path, (header + body).encode("utf-8"))


def set_user_price(part_id: str, usd: float | None, note: str = "") -> None:
    """Keep `usd` as the user's price for the part (None or 0: back to the list price)."""
    prices, _problems = load_user_prices()
    if usd:
        prices[part_id] = UserPrice(
            id=part_id, price_usd=float(usd), price_date=dt.date.today(), note=note
        )
    else:
        prices.pop(part_id, None)
    save_user_prices(prices)


def export_prices_csv(catalog: Catalog) -> bytes:
    """Every part's price (yours where you gave one), for a spreadsheet."""
    from planner.io.csv_export import _encode

    rows: list[list[str]] = [list(CSV_COLUMNS)]
    for part in catalog.parts.values():
        rows.append(
            [
                part.id,
                part.KIND.value,
                part.display_name,
                "" if part.price_usd is None else f"{part.price_usd:.2f}",
                part.price_date.isoformat() if part.price_date else "",
                part.price_source or "",
                "yes" if is_yours(part.price_source) else "",
            ]
        )
    return _encode(rows)


def import_prices_csv(path: Path, catalog: Catalog) -> dict[str, UserPrice]:
    """The rows of a quote (columns id, price_usd, optional price_date and note) as your
    prices, merged over the ones you have; a bad row is an error naming line and field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(error), Location(file=str(path))) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"id", "price_usd"} <= set(reader.fieldnames):
        raise InputError("needs the columns id and price_usd", Location(file=str(path), line=1))
    prices, _problems = load_user_prices()
    for row in reader:
        line = reader.line_num

        def fail(message: str, field: str, line: int = line) -> InputError:
            return InputError(message, Location(file=str(path), line=line, field=field))

        part_id = (row.get("id") or "").strip()
        if catalog.get(part_id) is None:
            raise fail(f"unknown part id '{part_id}'", "id")
        try:
            usd = float((row.get("price_usd") or "").replace(",", "").lstrip("$"))
        except ValueError:
            raise fail("expected a price in US dollars", "price_usd") from None
        if not 0.01 <= usd <= 1_000_000:
            raise fail("expected a price from 0.01 to 1,000,000", "price_usd")
        date_text = (row.get("price_date") or "").strip()
        try:
            date = dt.date.fromisoformat(date_text) if date_text else dt.date.today()
        except ValueError:
            raise fail("expected a date like 2026-12-05", "price_date") from None
        note = (row.get("note") or row.get("source") or "").strip()
        if note.startswith("Your price"):
            note = ""
        prices[part_id] = UserPrice(id=part_id, price_usd=usd, price_date=date, note=note)
    return prices
