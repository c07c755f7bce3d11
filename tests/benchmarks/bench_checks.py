"""How long a whole check of a build takes: the app re-runs it on every edit (target: well
under 5 ms). Prints the median and 95th percentile over repeated runs for the samples, the
known builds and a worst case of mixed GPUs on a seven-slot board.

Run: .venv/bin/python tests/benchmarks/bench_checks.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from planner.core.build import Build, PartChoice, Settings
from planner.core.checks import run_checks
from planner.core.records import parse_record
from planner.io.catalog_files import load_builtin_catalog
from planner.io.profiles import load_profile
from planner.io.tomlfile import parse_toml_text

ROOT = Path(__file__).resolve().parents[2]
RUNS = 300


def builds() -> list[tuple[str, Build]]:
    found = [
        (path.name, load_profile(path))
        for path in sorted((ROOT / "resources" / "samples").glob("*.toml"))
    ]
    known = parse_toml_text(
        (ROOT / "tests" / "data" / "known_builds.toml").read_text("utf-8"), "known_builds.toml"
    )
    for entry in known["build"]:
        build = Build(
            name=entry["name"],
            parts=tuple(parse_record(PartChoice, part) for part in entry["parts"]),
            settings=parse_record(Settings, entry.get("settings", {})),
        )
        found.append((entry["name"], build))
    mixed = Build(
        name="worst case: four different GPUs on a seven-slot board",
        parts=(
            PartChoice(id="rtx-a6000"),
            PartChoice(id="rtx-4090"),
            PartChoice(id="rtx-a4000"),
            PartChoice(id="rtx-5090"),
            PartChoice(id="threadripper-pro-7975wx"),
            PartChoice(id="asus-pro-ws-wrx90e-sage-se"),
            PartChoice(id="samsung-990-pro-4tb", count=4),
            PartChoice(id="silverstone-rm52"),
        ),
    )
    found.append((mixed.name, mixed))
    return found


def main() -> int:
    catalog = load_builtin_catalog()
    print(f"{'build':<62} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}")
    worst = worst_first = 0.0
    for name, build in builds():
        start = time.perf_counter()
        run_checks(build, catalog)
        first = (time.perf_counter() - start) * 1000
        worst_first = max(worst_first, first)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            run_checks(build, catalog)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        median, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
        worst = max(worst, p95)
        print(f"{name[:62]:<62} {first:9.3f} {median:10.3f} {p95:8.3f}")
    print(
        f"\nslowest first check (no cached layout): {worst_first:.3f} ms; slowest 95th "
        f"percentile of repeated checks: {worst:.3f} ms (target: well under 5 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
