"""How long exports take. Target: a build report (collect + PDF + parts CSV) under 1 s.

Measures, for every sample profile, in one process after the catalog is loaded: collecting
the report data (checks, estimates, the ranking of every catalog GPU per workload), the
PDF (charts, layout, pagination, writing), the CSVs; then the comparison of all samples;
then `planner export` end to end as a user runs it (a fresh process, catalog load and Qt
start included). Prints medians and worst cases.

Run: .venv/bin/python tests/benchmarks/bench_export.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from planner.core.comparison import compare
from planner.io.catalog_files import load_builtin_catalog
from planner.io.csv_export import estimates_csv, parts_csv, write_csv
from planner.io.profiles import load_profile
from planner.io.workload_files import load_workloads
from planner.report.build_report import collect, make_build_report
from planner.report.compare_report import make_comparison_report
from planner.report.pdf import ensure_gui_application, write_pdf

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.rigplan.toml"))
RUNS = 5


def main() -> int:
    ensure_gui_application()
    catalog = load_builtin_catalog()
    workloads = load_workloads()
    out = Path(tempfile.mkdtemp(prefix="bench-export-"))
    worst = 0.0
    print(f"{'profile':<34} {'collect':>8} {'pdf':>8} {'csv':>8} {'total':>8}  pages")
    for sample in SAMPLES:
        build = load_profile(sample)
        times: dict[str, list[float]] = {"collect": [], "pdf": [], "csv": [], "total": []}
        pages = 0
        for _ in range(RUNS):
            start = time.perf_counter()
            data = collect(build, catalog, workloads, str(sample))
            collected = time.perf_counter()
            pdf, pages = make_build_report(data, "a4")
            write_pdf(out / "report.pdf", pdf)
            printed = time.perf_counter()
            write_csv(out / "parts.csv", parts_csv(data.assembly))
            write_csv(out / "estimates.csv", estimates_csv(data.report.estimates))
            done = time.perf_counter()
            times["collect"].append(collected - start)
            times["pdf"].append(printed - collected)
            times["csv"].append(done - printed)
            times["total"].append(done - start)
        worst = max(worst, max(times["total"]))
        medians = {key: statistics.median(values) * 1000 for key, values in times.items()}
        print(
            f"{sample.stem:<34} {medians['collect']:7.0f}ms {medians['pdf']:7.0f}ms "
            f"{medians['csv']:7.1f}ms {medians['total']:7.0f}ms  {pages}"
        )
    print(f"worst build report export: {worst * 1000:.0f} ms (target < 1000 ms)")

    builds = [(str(path), load_profile(path)) for path in SAMPLES]
    compare_times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        comparison = compare(builds, catalog, workloads)
        pdf, pages = make_comparison_report(comparison)
        compare_times.append(time.perf_counter() - start)
    print(
        f"compare {len(builds)} samples + PDF ({pages} pages): median "
        f"{statistics.median(compare_times) * 1000:.0f} ms, "
        f"worst {max(compare_times) * 1000:.0f} ms"
    )

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    walls = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "export",
                str(SAMPLES[0]),
                "--pdf",
                str(out / "cli.pdf"),
                "--csv",
                str(out / "cli.csv"),
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        walls.append(time.perf_counter() - start)
    print(
        f"`planner export` end to end ({SAMPLES[0].stem}): median "
        f"{statistics.median(walls) * 1000:.0f} ms, worst {max(walls) * 1000:.0f} ms "
        "(process start, imports, catalog, Qt, report)"
    )
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
