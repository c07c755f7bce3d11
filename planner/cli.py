"""The `planner` command: the app and headless commands on top of core and io.

Exit codes: 0 fine; 1 the build has error findings (`check`); 2 bad input, reported as one
line on stderr naming the file, the line where known, and the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner import __version__
from planner.core.checks import run_checks
from planner.core.errors import InputError
from planner.core.parts import PartKind
from planner.io.catalog_files import CatalogLoad, load_catalog, part_table
from planner.io.profiles import load_profile, unknown_part_error

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Plan a deep-learning workstation: parts, checks, training estimates.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the app (the default command)")
    gui.add_argument("profile", nargs="?", type=Path, help="a profile to open")
    gui.add_argument(
        "--screenshot", type=Path, metavar="OUT.png", help="render the window to a PNG and exit"
    )

    catalog = commands.add_parser("catalog", help="the built-in and user parts")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    listing = catalog_commands.add_parser("list", help="list parts")
    listing.add_argument("--kind", choices=[kind.value for kind in PartKind])
    listing.add_argument("--json", action="store_true", help="print a JSON array")

    check = commands.add_parser("check", help="findings for a profile's build")
    check.add_argument("profile", type=Path)
    check.add_argument("--json", action="store_true", help="print a JSON document")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "gui"):
            return _gui(args)
        if args.command == "catalog":
            if args.catalog_command != "list":
                parser.parse_args(["catalog", "--help"])
            return _catalog_list(args)
        if args.command == "check":
            return _check(args)
    except InputError as error:
        return _bad_input(str(error))
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_BAD_INPUT


def _bad_input(message: str) -> int:
    print(f"planner: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _load_catalog() -> CatalogLoad:
    loaded = load_catalog()
    for problem in loaded.problems:
        print(f"planner: warning: user part skipped: {problem}", file=sys.stderr)
    return loaded


def _print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _catalog_list(args: argparse.Namespace) -> int:
    from planner.cli_text import part_rows

    catalog = _load_catalog().catalog
    parts = list(catalog.of_kind(PartKind(args.kind))) if args.kind else list(catalog)
    if args.json:
        _print_json([part_table(part) for part in parts])
    else:
        print(part_rows(parts))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from planner.cli_text import findings_text

    build = load_profile(args.profile)
    catalog = _load_catalog().catalog
    unknown = unknown_part_error(args.profile, build, catalog.__contains__)
    if unknown is not None:
        raise unknown
    report = run_checks(build, catalog)
    if args.json:
        _print_json({"profile": str(args.profile), "name": build.name, **report.to_json()})
    else:
        print(findings_text(build.name, report))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def _gui(args: argparse.Namespace) -> int:
    from planner.ui.app import run_app

    return run_app(getattr(args, "profile", None), getattr(args, "screenshot", None))
