"""How long `planner suggest` takes for each sample profile's workloads (the target: under
5 s on the 2-core development machine). Prints the seconds, the builds on the front and the
(GPU, count) pairs completed and ruled out by bounds.

Run: .venv/bin/python tests/benchmarks/bench_suggest.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from planner.core.suggest import Constraints, suggest  # noqa: E402
from planner.io.catalog_files import load_builtin_catalog  # noqa: E402
from planner.io.profiles import load_profile  # noqa: E402
from planner.io.workload_files import load_workloads  # noqa: E402

SAMPLES = ROOT / "resources" / "samples"


def main() -> int:
    catalog, workloads = load_builtin_catalog(), load_workloads()
    print(f"{'sample':<26}{'seconds':>8}{'front':>7}{'completed':>11}{'ruled out':>11}")
    for path in sorted(SAMPLES.glob("*.rigplan.toml")):
        build = load_profile(path)
        constraints = Constraints(wall_circuit=build.settings.wall_circuit)
        started = time.perf_counter()
        found = suggest(build.workloads, catalog, workloads, constraints)
        seconds = time.perf_counter() - started
        name = path.name.removesuffix(".rigplan.toml")
        print(
            f"{name:<26}{seconds:>8.2f}{len(found.front):>7}{found.examined:>11}{found.pruned:>11}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
