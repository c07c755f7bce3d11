"""How long slot planning takes for multi-GPU rigs on risers and bifurcation adapters (the
window re-plans on every edit that changes a board, CPU, card, drive, riser or case).
Prints the seconds and the cards placed for each rig.

Run: .venv/bin/python tests/benchmarks/bench_slots.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from planner.core.parts import Cpu, Gpu, Motherboard, Riser  # noqa: E402
from planner.core.pcie import plan_slots  # noqa: E402
from planner.io.catalog_files import load_builtin_catalog  # noqa: E402


def main() -> int:
    catalog = load_builtin_catalog()
    board, cpu = catalog.get("asus-pro-ws-wrx90e-sage-se"), catalog.get("threadripper-pro-7975wx")
    gpu, cable = catalog.get("rtx-3090"), catalog.get("linkup-ultra-pcie4-x16-riser-300mm")
    pair = catalog.get("jmt-pcie4-x16-to-x8x8-bifurcation-card")
    assert isinstance(board, Motherboard) and isinstance(cpu, Cpu) and isinstance(gpu, Gpu)
    assert isinstance(cable, Riser) and isinstance(pair, Riser)
    quad = Riser(
        id="quad",
        name="x4/x4/x4/x4 adapter",
        vendor="-",
        pcie_gen=4,
        length_mm=0,
        outputs=(4, 4, 4, 4),
        source=("benchmark",),
    )
    rigs = (
        ("7 x RTX 3090 on risers", 7, (cable,) * 7),
        ("8 x RTX 3090, one x8/x8 card", 8, (pair,) + (cable,) * 6),
        ("8 x RTX 3090, four x8/x8 cards", 8, (pair,) * 4),
        ("12 x RTX 3090, two x4 quads + risers", 12, (quad,) * 2 + (cable,) * 6),
        ("12 x RTX 3090, four x4 quads", 12, (quad,) * 4),
    )
    print(f"{'rig':<40}{'seconds':>9}{'placed':>8}")
    for name, count, risers in rigs:
        started = time.perf_counter()
        layout = plan_slots(board, cpu, [gpu] * count, [], 8, list(risers), True)
        print(f"{name:<40}{time.perf_counter() - started:>9.2f}{len(layout.gpus):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
