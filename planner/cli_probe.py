"""`planner probe PROFILE --out probe.py` writes the probe script for a profile's workloads;
`planner probe --compare RESULTS.json PROFILE [--keep]` shows what it measured next to the
prediction and, with --keep, stores the measured figures on the profile."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from planner.core.errors import InputError, Location

EXIT_OK = 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    probe = commands.add_parser(
        "probe",
        help="a PyTorch script that measures the finished rig, and its results",
        description="Write a self-contained PyTorch script that trains the profile's "
        "workloads on synthetic data and measures samples/s and peak memory; or compare "
        "its results with the prediction.",
    )
    probe.add_argument("profile", type=Path)
    probe.add_argument("--out", type=Path, metavar="probe.py", help="where to write the script")
    probe.add_argument(
        "--compare", type=Path, metavar="RESULTS.json", help="a probe's results to compare"
    )
    probe.add_argument(
        "--keep", action="store_true", help="with --compare: save the measurements on the profile"
    )


def run(args: argparse.Namespace) -> int:
    from planner.core.probe import keep_measured, probe_plan
    from planner.core.probe_links import link_lines
    from planner.io.catalog_files import load_catalog
    from planner.io.probe_results import read_probe_file
    from planner.io.profiles import load_profile, require_known_parts, save_profile
    from planner.io.workload_files import load_all_workloads

    build = load_profile(args.profile)
    catalog = load_catalog().catalog
    require_known_parts(args.profile, build, catalog)
    if args.compare is not None:
        device, rows, links = read_probe_file(args.compare)
        print(compare_text(device, rows))
        if links is not None:
            print("\n".join(link_lines(links)))
        if args.keep:
            kept = keep_measured(build, device, rows, dt.date.today().isoformat())
            if kept == build:
                print("nothing to keep: no workload was measured on its real network")
                return EXIT_OK
            save_profile(kept, args.profile, keep_style=True)
            print(
                f"kept {sum(r.measured_samples_per_s is not None for r in rows)} "
                f"measurements on {args.profile}"
            )
        return EXIT_OK
    if args.out is None:
        raise InputError("give --out probe.py, or --compare RESULTS.json", Location(field="--out"))
    workloads, _problems = load_all_workloads()
    plan = probe_plan(build, catalog, workloads)
    args.out.write_text(plan.script, encoding="utf-8")
    print(f"wrote {args.out}: probes {', '.join(plan.probed) or 'nothing'}")
    for line in plan.skipped:
        print(f"  not probed: {line}")
    print(f"run it on the rig: python {args.out.name}  (needs PyTorch)")
    return EXIT_OK


def compare_text(device: str, rows) -> str:  # type: ignore[no-untyped-def]
    lines = [
        f"Probe on {device}",
        f"{'workload':<34}{'measured':>12}{'predicted':>12}{'ratio':>8}{'peak GiB':>10}"
        f"{'predicted GiB':>15}",
    ]
    for row in rows:
        measured = row.measured_samples_per_s
        peak = row.measured_peak_bytes
        lines.append(
            f"{row.name[:33]:<34}"
            f"{(f'{measured:,.2f}' if measured else 'OOM'):>12}"
            f"{row.predicted_samples_per_s:>12,.2f}"
            f"{(f'{row.ratio:.2f}' if row.ratio else '-'):>8}"
            f"{(f'{peak / 2**30:,.2f}' if peak else '-'):>10}"
            f"{row.predicted_allocated_bytes / 2**30:>15,.2f}"
        )
        lines += [f"  note: {note}" for note in row.notes]
        if row.tiny:
            lines.append(
                "  note: a --tiny run: it tried the script, it did not measure the network"
            )
    return "\n".join(lines)
