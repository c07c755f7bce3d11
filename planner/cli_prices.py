"""`planner catalog prices export FILE.csv` and `planner catalog prices import FILE.csv`:
every part's price out to a spreadsheet, and a quote's prices in as your own."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK = 0


def add_commands(catalog_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prices = catalog_commands.add_parser("prices", help="your own part prices, by CSV")
    actions = prices.add_subparsers(dest="prices_command", metavar="ACTION")
    export = actions.add_parser("export", help="every part's price (yours where given) as CSV")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    importing = actions.add_parser(
        "import",
        help="a quote as your prices",
        description="Read a CSV with the columns id and price_usd (and optionally price_date "
        "and note) and keep its prices as yours; they replace the catalog's list prices "
        "everywhere. A bad row is an error naming its line and field.",
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from planner.io.catalog_files import load_catalog
    from planner.io.csv_export import write_csv
    from planner.io.user_prices import export_prices_csv, import_prices_csv, save_user_prices

    if args.prices_command not in ("export", "import"):
        parser.parse_args(["catalog", "prices", "--help"])
    catalog = load_catalog().catalog
    if args.prices_command == "export":
        write_csv(args.file, export_prices_csv(catalog))
        print(f"wrote {args.file}: {len(catalog.parts)} parts")
        return EXIT_OK
    prices = import_prices_csv(args.file, catalog)
    save_user_prices(prices)
    count = len(prices)
    print(f"your prices: {count} part{'' if count == 1 else 's'} (from {args.file} and earlier)")
    return EXIT_OK
