"""`planner suggest`: builds from the catalog for the given workloads, a budget and/or a
deadline, the wall circuit and constraints — the price–time front and the picks, as text or
JSON, and optionally the best one saved as a profile."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from planner.cli_text import USED_HELP
from planner.core.build import SHARDING, TRAINING_MODES, WALL_CIRCUITS, WorkloadChoice
from planner.core.errors import InputError, Location
from planner.core.parts import CASE_TYPES as PART_CASE_TYPES

EXIT_OK = 0


TOWERS = {"tower": ("mid-tower", "full-tower")}
CASE_TYPES = ("tower", *PART_CASE_TYPES)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    suggest = commands.add_parser(
        "suggest",
        help="builds for your workloads within a budget or a deadline",
        description="Search the catalog for complete builds that pass every check for the "
        "workloads: the price–time front, the cheapest that meets the deadline, the fastest "
        "within the budget and the best value.",
    )
    suggest.add_argument(
        "--workload", action="append", default=[], metavar="ID", help="a workload id (repeat)"
    )
    suggest.add_argument(
        "--mode", choices=TRAINING_MODES, default="full", help="how each --workload trains"
    )
    suggest.add_argument(
        "--sharding", choices=SHARDING, default="none", help="for each --workload (fsdp, zero3…)"
    )
    suggest.add_argument(
        "--checkpointing",
        action="store_true",
        help="activation checkpointing for each --workload",
    )
    suggest.add_argument("--profile", type=Path, help="take the workloads and outlet of a profile")
    suggest.add_argument("--budget", type=float, metavar="USD", help="the most the build may cost")
    suggest.add_argument("--deadline", type=float, metavar="HOURS", help="the longest run time")
    suggest.add_argument("--outlet", choices=tuple(WALL_CIRCUITS), help="the wall circuit")
    suggest.add_argument("--max-gpus", type=int, default=4, metavar="N", help="default 4")
    suggest.add_argument(
        "--psu-circuits",
        type=int,
        choices=(1, 2),
        help="2: a second power supply may go on a circuit of its own (default: the "
        "profile's setting, else 1)",
    )
    suggest.add_argument(
        "--case-type",
        action="append",
        default=[],
        choices=CASE_TYPES,
        metavar="TYPE",
        help=f"{', '.join(CASE_TYPES)} (tower: mid- or full-tower; repeat)",
    )
    suggest.add_argument(
        "--keep", action="append", default=[], metavar="PART", help="a part id to use (repeat)"
    )
    suggest.add_argument("--save-best", type=Path, metavar="OUT.toml", help="save the best value")
    suggest.add_argument(
        "--upgrade",
        action="store_true",
        help="with --profile: the cheapest change that clears each error, and the GPU "
        "changes that cut the time most per dollar",
    )
    suggest.add_argument("--used", action="store_true", help=USED_HELP)
    suggest.add_argument("--json", action="store_true", help="print a JSON document")


def run(args: argparse.Namespace) -> int:
    from planner.core.suggest import Constraints, suggest
    from planner.io.catalog_files import load_catalog
    from planner.io.profiles import load_profile, save_profile
    from planner.io.workload_files import load_all_workloads

    workloads, _problems = load_all_workloads()
    if args.upgrade:
        return _upgrade(args, workloads)
    choices: list[WorkloadChoice] = []
    outlet, circuits = args.outlet, args.psu_circuits
    if args.profile is not None:
        build = load_profile(args.profile)
        choices += build.workloads
        outlet = outlet or build.settings.wall_circuit
        circuits = circuits or build.settings.psu_circuits
    for workload_id in args.workload:
        if workload_id not in workloads:
            raise InputError(
                f"unknown workload '{workload_id}' (see 'planner catalog workloads')",
                Location(field="--workload"),
            )
        choices.append(
            WorkloadChoice(
                id=workload_id,
                batch_size=workloads[workload_id].default_batch,
                mode=args.mode,
                sharding=args.sharding,
                activation_checkpointing=args.checkpointing,
            )
        )
    if not choices:
        raise InputError(
            "give one or more --workload IDs or a --profile", Location(field="--workload")
        )
    if not 1 <= args.max_gpus <= 8:
        raise InputError("expected 1 to 8", Location(field="--max-gpus"))
    constraints = Constraints(
        budget_usd=args.budget,
        deadline_hours=args.deadline,
        wall_circuit=outlet or "120v-15a",
        max_gpus=args.max_gpus,
        case_types=tuple(t for kind in args.case_type for t in TOWERS.get(kind, (kind,))),
        keep=tuple(args.keep),
        psu_circuits=circuits or 1,
    )
    catalog = load_catalog(used=args.used).catalog
    found = suggest(choices, catalog, workloads, constraints)
    if args.save_best and found.picks:
        best = found.picks[-1].candidate.build
        save_profile(replace(best, name=f"Suggested: {best.name}"), args.save_best)
    if args.json:
        print(json.dumps(_document(found), indent=2))
    else:
        print(_text(found))
    return EXIT_OK


def _entry(candidate) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "name": candidate.build.name,
        "price_usd": round(candidate.price_usd, 2),
        "hours": round(candidate.hours, 3),
        "train_hours": round(candidate.train_hours, 3),
        "serve_tokens_per_s": round(candidate.serve_tokens_per_s, 2),
        "warnings": candidate.warnings,
        "parts": [{"id": p.id, "count": p.count} for p in candidate.build.parts],
    }


def _document(found) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "picks": [
            {"title": p.title, "why": p.why, "gives_up": p.gives_up, **_entry(p.candidate)}
            for p in found.picks
        ],
        "front": [_entry(c) for c in found.front],
        "examined": found.examined,
        "pruned": found.pruned,
        "seconds": round(found.seconds, 3),
        "notes": list(found.notes),
    }


def _text(found) -> str:  # type: ignore[no-untyped-def]
    if not found.front:
        return "\n".join(
            ["No catalog build passes every check for these workloads within the limits."]
            + [f"note: {note}" for note in found.notes]
        )
    lines = []
    for pick in found.picks:
        c = pick.candidate
        lines += [
            f"{pick.title}: {c.build.name} — ${c.price_usd:,.0f}, {c.hours:,.1f} h",
            f"  why: {pick.why}; gives up: {pick.gives_up}",
            "  parts: "
            + ", ".join(f"{p.count} × {p.id}" if p.count > 1 else p.id for p in c.build.parts),
        ]
    lines.append("")
    lines.append("Price–time front (cheapest first):")
    for c in found.front:
        lines.append(f"  ${c.price_usd:>9,.0f}  {c.hours:>9,.1f} h  {c.build.name}")
    lines.append(
        f"\n{found.examined} GPU choices completed, {found.pruned} ruled out by bounds, "
        f"in {found.seconds:.1f} s"
    )
    lines += [f"note: {note}" for note in found.notes]
    return "\n".join(lines)


def _upgrade(args: argparse.Namespace, workloads) -> int:  # type: ignore[no-untyped-def]
    from planner.core.upgrade import upgrade_path
    from planner.io.catalog_files import load_catalog
    from planner.io.profiles import load_profile, require_known_parts

    if args.profile is None:
        raise InputError("--upgrade needs the --profile to upgrade", Location(field="--profile"))
    build = load_profile(args.profile)
    catalog = load_catalog(used=args.used).catalog
    require_known_parts(args.profile, build, catalog)
    path = upgrade_path(build, catalog, workloads)
    if args.json:
        print(
            json.dumps(
                {
                    "fixes": [
                        {"change": c.words, "usd": c.price_change_usd, "clears": list(c.clears)}
                        for c in path.fixes
                    ],
                    "unfixed": list(path.unfixed),
                    "faster": [
                        {"change": c.words, "usd": c.price_change_usd, "hours_saved": c.hours_saved}
                        for c in path.speedups
                    ],
                },
                indent=2,
            )
        )
        return EXIT_OK
    lines = [
        f"{c.words} ({c.price_change_usd:+,.0f} $): clears {', '.join(c.clears)}"
        for c in path.fixes
    ]
    lines += [f"No single change clears {code}" for code in path.unfixed]
    lines += [
        f"{c.words} ({c.price_change_usd:+,.0f} $): {c.hours_saved:,.1f} h less"
        for c in path.speedups
    ]
    print("\n".join(lines) or "The build passes every check; no GPU change makes it faster.")
    return EXIT_OK
