"""`planner workloads import FILE [--name NAME]`: a model's config.json or .gguf file
becomes a workload in the user's workloads folder, usable in profiles, estimate cases and
the app by its id."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli_text import terminal_safe

EXIT_OK = 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    workloads = commands.add_parser("workloads", help="import a model as a workload")
    actions = workloads.add_subparsers(dest="workloads_command", metavar="SUBCOMMAND")
    importing = actions.add_parser(
        "import",
        help="import a Hugging Face config.json or a .gguf file",
        description="Read a model's config.json (Hugging Face) or the header of a .gguf "
        "file and save it as a workload in your workloads folder.",
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument("--name", help="the workload's name (default: the model's)")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.workloads_command != "import":
        parser.parse_args(["workloads", "--help"])
    from planner.io.user_workloads import import_model
    from planner.io.workload_files import load_all_workloads

    known, _problems = load_all_workloads()
    imported = import_model(args.file, args.name, set(known))
    workload = imported.workload
    lines = [
        f"Imported {workload.name} as workload '{workload.id}': "
        f"{imported.params:,} parameters ({imported.params / 1e9:,.2f}B)",
    ]
    if imported.active != imported.params:
        lines.append(
            f"  a mixture of experts: {imported.active:,} ({imported.active / 1e9:,.2f}B) "
            "active per token"
        )
    model = imported.model
    if model.quantization:
        gib = (model.weights_bytes or 0) / 2**30
        lines.append(f"  weights in the file: {model.quantization}, {gib:,.2f} GiB")
        if imported.file_params and imported.file_params != imported.params:
            lines.append(
                f"  the file's tensors hold {imported.file_params:,} values (the planner's "
                f"count differs by {imported.file_params - imported.params:+,})"
            )
    lines.append(f"  saved to {imported.path}")
    print(terminal_safe("\n".join(lines)))
    return EXIT_OK
