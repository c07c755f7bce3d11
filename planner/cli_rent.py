"""`planner rent PROFILE`: the build against renting its GPUs in the cloud — per working
hour, per run, and the utilisation and months at which owning pays off."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from planner.core.checks.context import plural
from planner.core.errors import InputError, Location

EXIT_OK = 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rent = commands.add_parser(
        "rent",
        help="buy or rent: the build against renting its GPUs",
        description="Compare owning the profile's build (its price over its working life, "
        "less resale, plus electricity) with renting the same GPUs for the same hours.",
    )
    rent.add_argument("profile", type=Path)
    rent.add_argument("--life", type=float, default=3.0, metavar="YEARS", help="default 3")
    rent.add_argument(
        "--use", type=float, default=50.0, metavar="PERCENT", help="of all hours, default 50"
    )
    rent.add_argument(
        "--resale", type=float, default=0.0, metavar="PERCENT", help="of the price, default 0"
    )
    rent.add_argument("--spot", action="store_true", help="compare with spot offers")
    rent.add_argument("--csv", type=Path, metavar="OUT.csv", help="also write a CSV table")
    rent.add_argument("--json", action="store_true", help="print a JSON document")


def run(args: argparse.Namespace) -> int:
    from planner.core.assembly import Assembly
    from planner.core.checks import run_checks
    from planner.core.rent import Ownership, rent_plan
    from planner.io.catalog_files import load_catalog
    from planner.io.cloud_prices import load_all_cloud_prices
    from planner.io.csv_export import rent_csv, write_csv
    from planner.io.profiles import load_profile, require_known_parts
    from planner.io.workload_files import load_all_workloads

    for name, value, low, high in (
        ("--life", args.life, 0.5, 15),
        ("--use", args.use, 1, 100),
        ("--resale", args.resale, 0, 90),
    ):
        if not low <= value <= high:
            raise InputError(f"expected {low:g} to {high:g}", Location(field=name))
    build = load_profile(args.profile)
    catalog = load_catalog().catalog
    require_known_parts(args.profile, build, catalog)
    workloads, _problems = load_all_workloads()
    prices, problems = load_all_cloud_prices()
    for problem in problems:
        print(f"planner: warning: your cloud prices were not used: {problem}", file=sys.stderr)
    ownership = Ownership(args.life, args.use / 100, args.resale / 100)
    report = run_checks(build, catalog, workloads)
    kind = "spot" if args.spot else "on-demand"
    plan = rent_plan(Assembly.resolve(build, catalog), report, prices, ownership, kind)
    if plan is None:
        raise InputError("the build has no GPU to compare", Location(file=str(args.profile)))
    if args.csv:
        write_csv(args.csv, rent_csv(plan))
    if args.json:
        print(json.dumps(_document(plan), indent=2))
    else:
        print(_text(plan))
    return EXIT_OK


def _document(plan) -> dict[str, object]:  # type: ignore[no-untyped-def]
    c = plan.comparison
    offer = c.offer
    return {
        "gpu": plan.gpu_name,
        "gpus": c.gpus,
        "build_usd": round(c.price_usd, 2),
        "unpriced_parts": plan.unpriced,
        "gpu_priced": plan.gpu_priced,
        "own_usd_per_hour": round(c.own_usd_per_hour, 4),
        "rent_usd_per_hour": None if c.rent_usd_per_hour is None else round(c.rent_usd_per_hour, 4),
        "break_even_utilisation": c.break_even_utilisation,
        "break_even_months": c.break_even_months,
        "offer": None
        if offer is None
        else {
            "provider": offer.provider,
            "offer": offer.offer,
            "kind": offer.kind,
            "usd_per_gpu_hour": offer.usd_per_gpu_hour,
            "date": offer.date,
            "source": offer.source,
        },
        "runs": [
            {"name": w.name, "hours": w.hours, "own_usd": w.own_usd, "rent_usd": w.rent_usd}
            for w in plan.costs
        ],
    }


def _text(plan) -> str:  # type: ignore[no-untyped-def]
    c = plan.comparison
    unpriced = f" + {plural(plan.unpriced, 'part')} without a price" if plan.unpriced else ""
    lines = [
        f"Owning: ${c.own_usd_per_hour:,.2f} per working hour (${c.price_usd:,.0f} build{unpriced})"
        if plan.gpu_priced
        else f"Owning: the {plan.gpu_name} has no price; the build's electricity alone is "
        f"${c.power_usd_per_hour:,.2f} per working hour ({plural(plan.unpriced, 'part')} "
        "without a price)"
    ]
    if c.offer is None:
        lines.append(f"No cloud offer in the table rents the {plan.gpu_name}.")
        return "\n".join(lines)
    lines.append(
        f"Renting {c.gpus} × {plan.gpu_name}: ${c.rent_usd_per_hour:,.2f} per hour "
        f"({c.offer.provider}, {c.offer.offer}, ${c.offer.usd_per_gpu_hour:,.2f}/GPU-h, "
        f"{c.offer.date})"
    )
    words = plan.verdict()
    lines.append(words[0].upper() + words[1:] + ".")
    for w in plan.costs:
        rent = "—" if w.rent_usd is None else f"${w.rent_usd:,.2f}"
        lines.append(f"  {w.name}: {w.hours:,.1f} h — owned ${w.own_usd:,.2f}, rented {rent}")
    return "\n".join(lines)
