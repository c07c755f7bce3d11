"""The `planner` command: the app and headless commands on top of core and io.

Exit codes: 0 fine; 1 the build has error findings (`check`); 2 bad input, reported as one
line on stderr naming the file, the line where known, and the field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from planner import __version__, cli_prices, cli_probe, cli_rent, cli_suggest, cli_workloads
from planner.cli_text import USED_HELP, terminal_safe
from planner.core.checks import run_checks
from planner.core.errors import InputError, Location
from planner.core.parts import PartKind
from planner.core.workloads import Workload
from planner.io.catalog_files import CatalogLoad, load_catalog, part_table
from planner.io.profiles import load_profile, require_known_parts, workload_error
from planner.io.workload_files import workload_table

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
    workloads = catalog_commands.add_parser("workloads", help="list the neural networks")
    workloads.add_argument("--json", action="store_true", help="print a JSON array")
    cli_prices.add_commands(catalog_commands)

    check = commands.add_parser("check", help="findings for a profile's build")
    check.add_argument("profile", type=Path)
    check.add_argument("--json", action="store_true", help="print a JSON document")

    estimate = commands.add_parser(
        "estimate", help="memory, throughput and time-to-train for a profile or cases"
    )
    estimate.add_argument("profile", type=Path, nargs="?")
    estimate.add_argument("--cases", type=Path, metavar="FILE.json", help="batch mode")
    estimate.add_argument("--json", action="store_true", help="print a JSON document")

    export = commands.add_parser(
        "export",
        help="the build report (PDF) and parts list (CSV)",
        description="Write the build report and the parts list. With neither --pdf nor --csv, "
        "both are written next to the profile.",
    )
    export.add_argument("profile", type=Path)
    export.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="the build report")
    export.add_argument("--csv", type=Path, metavar="OUT.csv", help="the parts list")
    export.add_argument(
        "--estimates-csv", type=Path, metavar="OUT.csv", help="the workload estimates as CSV"
    )
    export.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF page size")

    compare = commands.add_parser("compare", help="profiles side by side")
    compare.add_argument("profiles", type=Path, nargs="+", metavar="PROFILE")
    compare.add_argument("--json", action="store_true", help="print a JSON document")
    compare.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="also write a PDF report")
    compare.add_argument("--csv", type=Path, metavar="OUT.csv", help="also write a CSV table")
    compare.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF page size")
    for command in (listing, check, estimate, export, compare):
        command.add_argument("--used", action="store_true", help=USED_HELP)
    cli_workloads.add_commands(commands)
    cli_suggest.add_commands(commands)
    cli_rent.add_commands(commands)
    cli_probe.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "gui"):
            return _gui(args)
        if args.command == "catalog":
            if args.catalog_command == "workloads":
                return _catalog_workloads(args)
            if args.catalog_command == "prices":
                return cli_prices.run(args, parser)
            if args.catalog_command != "list":
                parser.parse_args(["catalog", "--help"])
            return _catalog_list(args)
        if args.command == "check":
            return _check(args)
        if args.command == "estimate":
            if (args.profile is None) == (args.cases is None):
                parser.error("estimate takes a PROFILE or --cases FILE.json")
            return _estimate_cases(args) if args.cases else _estimate_profile(args)
        if args.command == "export":
            return _export(args)
        if args.command == "workloads":
            return cli_workloads.run(args, parser)
        if args.command == "suggest":
            return cli_suggest.run(args)
        if args.command == "rent":
            return cli_rent.run(args)
        if args.command == "probe":
            return cli_probe.run(args)
        if args.command == "compare":
            if len(args.profiles) < 2:
                parser.error("compare takes two or more profiles")
            return _compare(args)
    except InputError as error:
        return _bad_input(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`planner catalog list | head`): not an error.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115
        return EXIT_OK
    parser.error(f"unknown command {args.command}")
    return EXIT_BAD_INPUT


def _say(text: str) -> None:
    print(terminal_safe(text))


def _bad_input(message: str) -> int:
    print(f"planner: error: {terminal_safe(message, one_line=True)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _workloads() -> dict[str, Workload]:
    """Built-in workloads and the user's imported ones; a broken import is a warning."""
    from planner.io.workload_files import load_all_workloads

    workloads, problems = load_all_workloads()
    for problem in problems:
        text = terminal_safe(str(problem), one_line=True)
        print(f"planner: warning: skipped an imported workload: {text}", file=sys.stderr)
    return workloads


def _load_catalog(used: bool = False) -> CatalogLoad:
    loaded = load_catalog(used=used)
    for problem in loaded.problems:
        skipped = terminal_safe(str(problem), one_line=True)
        print(f"planner: warning: user part skipped: {skipped}", file=sys.stderr)
    return loaded


def _print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _catalog_list(args: argparse.Namespace) -> int:
    from planner.cli_text import part_rows

    catalog = _load_catalog(args.used).catalog
    parts = list(catalog.of_kind(PartKind(args.kind))) if args.kind else list(catalog)
    if args.json:
        _print_json([part_table(part) for part in parts])
    else:
        _say(part_rows(parts))
    return EXIT_OK


def _catalog_workloads(args: argparse.Namespace) -> int:
    from planner.cli_text import workload_rows

    workloads = _workloads()
    if args.json:
        _print_json([workload_table(workload) for workload in workloads.values()])
    else:
        _say(workload_rows(list(workloads.values())))
    return EXIT_OK


def _estimate_profile(args: argparse.Namespace) -> int:
    from planner.cli_text import estimates_text, serving_line
    from planner.core.assembly import Assembly
    from planner.core.calibrated import CONSTANTS, SPEED_RANGES
    from planner.core.checks.context import CheckContext
    from planner.core.workload_estimates import estimate_build

    build = load_profile(args.profile)
    catalog = _load_catalog(args.used).catalog
    require_known_parts(args.profile, build, catalog)
    workloads = _workloads()
    context = CheckContext(Assembly.resolve(build, catalog), catalog)
    results = estimate_build(
        context.assembly, context.layout, context.power, workloads, CONSTANTS, SPEED_RANGES
    )
    problems = [result for result in results if result.problem]
    if problems:
        index = build.workloads.index(problems[0].choice)
        raise workload_error(args.profile, index, problems[0].problem)
    served = [
        result.serving.to_json(result.workload.id)
        for result in results
        if result.serving is not None and result.workload is not None
    ]
    if args.json:
        _print_json(
            {
                "profile": str(args.profile),
                "name": build.name,
                "estimates": [result.estimate.to_json() for result in results if result.estimate],
                "serving": served,
            }
        )
    else:
        trained = [result.estimate for result in results if result.estimate]
        _say(estimates_text(build.name, trained))
        for line in map(serving_line, served):
            _say(f"\nserve {line}")
    return EXIT_OK


def _estimate_cases(args: argparse.Namespace) -> int:
    from planner.cli_text import case_line, serving_line, training_line
    from planner.core.calibrated import CONSTANTS, SPEED_RANGES
    from planner.core.cases import estimate_case
    from planner.core.errors import Location, RecordError
    from planner.core.inference_cases import estimate_inference_case, is_inference
    from planner.core.parts import Gpu

    path: Path = args.cases
    text, cases = _read_cases(path)
    catalog = _load_catalog(args.used).catalog
    gpus = {part.id: part for part in catalog if isinstance(part, Gpu)}
    workloads = _workloads()
    results = []
    for index, case in enumerate(cases):
        try:
            if is_inference(case):
                results.append(estimate_inference_case(case, gpus, workloads))
            else:
                results.append(
                    estimate_case(case, gpus, workloads, CONSTANTS, SPEED_RANGES).to_json()
                )
        except RecordError as error:
            raise InputError(
                error.message,
                Location(
                    file=str(path),
                    line=case_line(text, index),
                    record=f"case {index}",
                    field=error.location.field,
                ),
            ) from None
    if args.json:
        _print_json(results)
    else:
        for result in results:
            inference = result.get("task") == "inference"
            _say(serving_line(result) if inference else training_line(result))
    return EXIT_OK


def _read_cases(path: Path) -> tuple[str, list[Any]]:
    """The cases file's text and its list of cases; any problem names the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", Location(file=str(path))) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", Location(file=str(path))) from None
    try:
        cases = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not valid JSON: {error.msg}", Location(file=str(path), line=error.lineno)
        ) from None
    except RecursionError:
        raise InputError("is nested too deeply to read", Location(file=str(path))) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InputError(
            "cannot be read: it holds an integer too long to convert", Location(file=str(path))
        ) from None
    if not isinstance(cases, list):
        raise InputError("must be a JSON list of cases", Location(file=str(path), line=1))
    return text, cases


def _check(args: argparse.Namespace) -> int:
    from planner.cli_text import findings_text

    build = load_profile(args.profile)
    catalog = _load_catalog(args.used).catalog
    require_known_parts(args.profile, build, catalog)

    workloads = _workloads()
    _require_known_workloads(args.profile, build, workloads)
    report = run_checks(build, catalog, workloads)
    if args.json:
        _print_json({"profile": str(args.profile), "name": build.name, **report.to_json()})
    else:
        _say(findings_text(build.name, report))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def _require_known_workloads(path: Path, build: Any, workloads: Any) -> None:
    """An unknown workload id or an inline network that cannot be built is bad input (exit
    2, with its line), as an unknown part id is."""
    from planner.core.errors import RecordError
    from planner.core.workload_estimates import resolve_workload

    for index, choice in enumerate(build.workloads):
        try:
            resolve_workload(choice, workloads)
        except RecordError as error:
            field = error.location.field
            message = f"{field} {error.message}" if field not in ("", "id") else error.message
            raise workload_error(path, index, message) from None


def _write(path: Path, write: Callable[[Path], object]) -> None:
    try:
        write(path)
    except OSError as error:
        raise InputError(
            f"cannot write: {error.strerror or error}", Location(file=str(path))
        ) from None


def _export(args: argparse.Namespace) -> int:
    from planner.io.csv_export import estimates_csv, parts_csv, write_csv
    from planner.report.build_report import collect, export_build_report

    catalog = _load_catalog(args.used).catalog
    build = require_known_parts(args.profile, load_profile(args.profile), catalog)
    pdf_path, csv_path = args.pdf, args.csv
    if pdf_path is None and csv_path is None and args.estimates_csv is None:
        stem = args.profile.name.removesuffix(".toml").removesuffix(".rigplan")
        pdf_path = args.profile.with_name(f"{stem}.pdf")
        csv_path = args.profile.with_name(f"{stem}.csv")
    data = collect(build, catalog, _workloads(), str(args.profile))
    if csv_path is not None:
        _write(csv_path, lambda path: write_csv(path, parts_csv(data.assembly)))
        _say(f"wrote {csv_path}: {len(data.assembly.items)} parts")
    if args.estimates_csv is not None:
        _write(
            args.estimates_csv, lambda path: write_csv(path, estimates_csv(data.report.estimates))
        )
        _say(f"wrote {args.estimates_csv}: {len(data.report.estimates)} workloads")
    if pdf_path is not None:
        pages: list[int] = []
        _write(pdf_path, lambda path: pages.append(export_build_report(path, data, args.paper)))
        _say(f"wrote {pdf_path}: {pages[0]} pages, {args.paper.upper()}")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from planner.cli_text import comparison_text
    from planner.core.comparison import compare
    from planner.io.csv_export import comparison_csv, write_csv

    catalog = _load_catalog(args.used).catalog
    builds = [
        (str(path), require_known_parts(path, load_profile(path), catalog))
        for path in args.profiles
    ]
    comparison = compare(builds, catalog, _workloads())
    if args.csv is not None:
        _write(args.csv, lambda path: write_csv(path, comparison_csv(comparison)))
    if args.pdf is not None:
        from planner.report.compare_report import export_comparison_report

        _write(args.pdf, lambda path: export_comparison_report(path, comparison, args.paper))
    if args.json:
        _print_json(comparison.to_json())
    else:
        _say(comparison_text(comparison))
    return EXIT_OK


def _gui(args: argparse.Namespace) -> int:
    from planner.ui.app import run_app

    return run_app(getattr(args, "profile", None), getattr(args, "screenshot", None))
