"""Builds side by side: one column per build, rows for parts, price, power, findings and,
for every workload any of them trains, fit, speed, time and cost — best values marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from planner.core.assembly import Assembly
from planner.core.build import Build, WorkloadChoice
from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Severity
from planner.core.gpu_link import build_link
from planner.core.parts import PartKind
from planner.core.performance import Link
from planner.core.units import GIB, duration
from planner.core.workload_estimates import BuildEstimate, estimate_build
from planner.core.workloads import Workload

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Cell:
    value: float | None  # what "best" is judged on; None: not comparable (missing, no fit)
    text: str


@dataclass(frozen=True)
class Row:
    section: str
    label: str
    cells: tuple[Cell, ...]
    better: Better | None = None
    best: frozenset[int] = frozenset()

    @property
    def differs(self) -> bool:
        return len({cell.text for cell in self.cells}) > 1

    def to_json(self) -> dict[str, object]:
        return {
            "section": self.section,
            "label": self.label,
            "values": [cell.value for cell in self.cells],
            "texts": [cell.text for cell in self.cells],
            "better": self.better,
            "best": sorted(self.best),
            "differs": self.differs,
        }


@dataclass(frozen=True)
class Candidate:
    """One build of a comparison: checked as saved, estimated on every compared workload."""

    name: str
    source: str  # the profile it came from, or a description
    assembly: Assembly
    report: CheckReport
    estimates: tuple[BuildEstimate, ...]  # one per Comparison.workloads, same order
    link: Link | None  # what gradients cross between its GPUs; None with one GPU

    @property
    def link_name(self) -> str:
        return self.link.name if self.link else "one GPU"


@dataclass(frozen=True)
class Comparison:
    candidates: tuple[Candidate, ...]
    workloads: tuple[WorkloadChoice, ...]
    rows: tuple[Row, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(candidate.name for candidate in self.candidates)

    @property
    def differences(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.differs)

    def wins(self) -> list[int]:
        """How many rows each build is best in."""
        counts = [0] * len(self.candidates)
        for row in self.rows:
            for index in row.best:
                counts[index] += 1
        return counts

    def to_json(self) -> dict[str, object]:
        return {
            "builds": [
                {"name": candidate.name, "profile": candidate.source}
                for candidate in self.candidates
            ],
            "rows": [row.to_json() for row in self.rows],
            "wins": self.wins(),
        }


def compared_workloads(builds: Sequence[Build]) -> tuple[WorkloadChoice, ...]:
    """Every workload any of the builds trains, each once, in the order first seen."""
    seen: list[WorkloadChoice] = []
    for build in builds:
        for choice in build.workloads:
            if choice not in seen:
                seen.append(choice)
    return tuple(seen)


def candidate(
    name: str,
    source: str,
    build: Build,
    catalog: Catalog,
    workloads: Mapping[str, Workload],
    choices: tuple[WorkloadChoice, ...],
) -> Candidate:
    report = run_checks(build, catalog, workloads)
    assembly = Assembly.resolve(build, catalog)
    power = report.power
    estimates: tuple[BuildEstimate, ...] = ()
    if power is not None:
        trained = Assembly.resolve(replace(build, workloads=choices), catalog)
        estimates = estimate_build(
            trained, report.layout, power, workloads, CONSTANTS, SPEED_RANGES
        )
    else:
        estimates = tuple(
            BuildEstimate(choice, None, None, "no power budget") for choice in choices
        )
    link = build_link(assembly, report.layout)
    return Candidate(name, source, assembly, report, estimates, link)


def compare(
    builds: Sequence[tuple[str, Build]],
    catalog: Catalog,
    workloads: Mapping[str, Workload],
) -> Comparison:
    """Compare builds given as (source, build) pairs; every build is estimated on the
    union of their workloads so that each workload row compares like with like."""
    choices = compared_workloads([build for _source, build in builds])
    candidates = tuple(
        candidate(build.name, source, build, catalog, workloads, choices)
        for source, build in builds
    )
    rows = [*_part_rows(candidates), *_build_rows(candidates), *_finding_rows(candidates)]
    for index, choice in enumerate(choices):
        rows.extend(_workload_rows(candidates, index, choice))
    return Comparison(candidates, choices, tuple(rows))


# ---- rows -------------------------------------------------------------------------------


def _row(section: str, label: str, cells: Sequence[Cell], better: Better | None = None) -> Row:
    values = [cell.value for cell in cells]
    known = [value for value in values if value is not None]
    best: frozenset[int] = frozenset()
    if better is not None and known and (len(set(known)) > 1 or len(known) < len(values)):
        target = max(known) if better == "higher" else min(known)
        best = frozenset(i for i, value in enumerate(values) if value == target)
    return Row(section, label, tuple(cells), better, best)


def _part_rows(candidates: Sequence[Candidate]) -> list[Row]:
    rows = []
    for kind in PartKind:
        cells = []
        for item in candidates:
            lines = [
                f"{line.count} × {line.part.display_name}"
                if line.count > 1
                else line.part.display_name
                for line in item.assembly.items_of(kind)
            ]
            cells.append(Cell(None, "; ".join(lines) or "—"))
        rows.append(_row("Parts", kind.label, cells))
    return rows


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _build_rows(candidates: Sequence[Candidate]) -> list[Row]:
    price: list[Cell] = []
    gpus: list[Cell] = []
    vram: list[Cell] = []
    sustained: list[Cell] = []
    psu: list[Cell] = []
    headroom: list[Cell] = []
    wall: list[Cell] = []
    for item in candidates:
        assembly, power = item.assembly, item.report.power
        total = assembly.total_price_usd
        unpriced = len(assembly.unpriced)
        price.append(
            Cell(None, f"{_money(total)} + {unpriced} unpriced")
            if unpriced
            else Cell(total, _money(total))
        )
        count = assembly.count(PartKind.GPU)
        memory = sum(gpu.vram_gb * line.count for gpu, line in assembly.gpus)
        gpus.append(Cell(count, str(count)))
        vram.append(Cell(memory, f"{memory:g} GB"))
        if power is None:
            for cells in (sustained, psu, headroom, wall):
                cells.append(Cell(None, "—"))
            continue
        sustained.append(Cell(power.sustained_w, f"{power.sustained_w:,.0f} W"))
        wall.append(Cell(power.wall_w, f"{power.wall_w:,.0f} W"))
        if power.psu_w:
            spare = (power.psu_w - power.sustained_w) / power.psu_w
            psu.append(Cell(power.psu_w, f"{power.psu_w:,} W"))
            headroom.append(Cell(spare, f"{spare:+.0%}"))
        else:
            psu.append(Cell(None, "no PSU"))
            headroom.append(Cell(None, "—"))
    section = "Price and power"
    return [
        _row(section, "Total price", price, "lower"),
        _row(section, "GPUs", gpus),
        _row(section, "GPU memory in all", vram, "higher"),
        _row(section, "Sustained draw (training)", sustained, "lower"),
        _row(section, "Power supply", psu),
        _row(section, "PSU headroom", headroom, "higher"),
        _row(section, "Draw at the wall", wall, "lower"),
    ]


def _finding_rows(candidates: Sequence[Candidate]) -> list[Row]:
    rows = []
    for severity, label in (
        (Severity.ERROR, "Errors"),
        (Severity.WARNING, "Warnings"),
        (Severity.INFO, "Notes"),
    ):
        cells = []
        for item in candidates:
            found = item.report.of_severity(severity)
            cells.append(Cell(len(found), str(len(found))))
        rows.append(_row("Findings", label, cells, None if severity is Severity.INFO else "lower"))
    return rows


def workload_title(choice: WorkloadChoice, workload: Workload | None) -> str:
    name = workload.name if workload is not None else (choice.id or "custom network")
    if choice.serves:
        context = f"{choice.context:,} tokens" if choice.context else "default context"
        return f"{name} — serve {choice.quant}, {context} × {choice.concurrency}"
    return f"{name} — {choice.mode}, {choice.precision}, micro-batch {choice.batch_size}"


# The rows a training workload adds to a comparison, and which way is better.
TRAINING_ROWS: tuple[tuple[str, Better | None], ...] = (
    ("Fits in GPU memory", "higher"),
    ("Memory per GPU", None),
    ("Memory headroom", "higher"),
    ("Throughput", "higher"),
    ("Time to train", "lower"),
    ("Energy per run", "lower"),
    ("Electricity per run", "lower"),
    ("Speed per dollar", "higher"),
)


def _workload_rows(
    candidates: Sequence[Candidate], index: int, choice: WorkloadChoice
) -> list[Row]:
    results = [item.estimates[index] for item in candidates]
    workload = next((result.workload for result in results if result.workload), None)
    section = workload_title(choice, workload)
    if choice.serves:
        return _serving_rows(candidates, results, section)
    columns = [
        _training_cells(item, result) for item, result in zip(candidates, results, strict=True)
    ]
    return [
        _row(section, label, [column[index] for column in columns], better)
        for index, (label, better) in enumerate(TRAINING_ROWS)
    ]


def _training_cells(item: Candidate, result: BuildEstimate) -> tuple[Cell, ...]:
    """One build's cells for a training workload: fits, memory, headroom, throughput, time,
    energy, electricity and speed per dollar."""
    estimate = result.estimate
    if estimate is None:
        return (Cell(None, result.problem or "no estimate"), *[Cell(None, "—")] * 7)
    ok = estimate.memory.fits
    total = estimate.memory.total / GIB
    vram = estimate.gpu.vram_gb  # the model counts VRAM in GiB (memory.py)
    memory_cells = (
        Cell(1.0 if ok else 0.0, "fits" if ok else "does not fit"),
        Cell(None, f"{total:,.1f} of {vram:,.1f} GiB per GPU"),
        Cell(vram - total, f"{vram - total:+,.1f} GiB"),
    )
    if not ok:
        return (*memory_cells, *[Cell(None, "— (does not fit)")] * 5)
    rate = estimate.samples_per_s
    price = item.assembly.total_price_usd
    priced = price > 0 and not item.assembly.unpriced
    per_k = rate / price * 1000 if priced else 0.0
    return (
        *memory_cells,
        Cell(rate, f"{rate:,.1f} samples/s ({estimate.low:,.1f}–{estimate.high:,.1f})"),
        Cell(estimate.time_to_train_s, duration(estimate.time_to_train_s)),
        Cell(estimate.energy_kwh, f"{estimate.energy_kwh:,.1f} kWh"),
        Cell(estimate.cost_usd, f"${estimate.cost_usd:,.2f}"),
        Cell(per_k, f"{per_k:,.2f} samples/s per $1k")
        if priced
        else Cell(None, "— (unpriced parts)"),
    )


def _serving_rows(
    candidates: Sequence[Candidate], results: Sequence[BuildEstimate], section: str
) -> list[Row]:
    """A served model on each build: fit, memory, the longest context and most sequences,
    tokens/s each and in all, first token, and tokens/s per dollar of the build."""
    columns: dict[str, list[Cell]] = {name: [] for name in SERVING_ROWS}
    for item, result in zip(candidates, results, strict=True):
        plan = result.serving
        if plan is None:
            columns["Fits in GPU memory"].append(Cell(None, result.problem or "no estimate"))
            for name in list(SERVING_ROWS)[1:]:
                columns[name].append(Cell(None, "—"))
            continue
        found = plan.result
        memory, speed = found.memory, found.speed
        ok = memory.fits
        low, high = speed.decode_range
        price = item.assembly.total_price_usd
        priced = price > 0 and not item.assembly.unpriced
        per_k = speed.aggregate_tokens_per_s / price * 1000 if priced else 0.0
        cells = {
            "Fits in GPU memory": Cell(1.0 if ok else 0.0, "fits" if ok else "does not fit"),
            "Memory per GPU": Cell(
                None, f"{memory.total / GIB:,.1f} of {memory.capacity / GIB:,.1f} GiB per GPU"
            ),
            "Longest context": Cell(found.longest_context, f"{found.longest_context:,} tokens"),
            "Most sequences": Cell(found.most_sequences, f"{found.most_sequences:,}"),
            "Tokens/s per sequence": Cell(
                speed.decode_tokens_per_s,
                f"{speed.decode_tokens_per_s:,.1f} ({low:,.1f}–{high:,.1f})",
            ),
            "Tokens/s in all": Cell(
                speed.aggregate_tokens_per_s, f"{speed.aggregate_tokens_per_s:,.1f}"
            ),
            "First token": Cell(speed.ttft_s, f"{speed.ttft_s:,.2f} s"),
            "Tokens/s per dollar": Cell(
                per_k if priced else None,
                f"{per_k:,.2f} per $1k" if priced else "— (unpriced parts)",
            ),
        }
        if not ok:
            for name in SPEED_ROWS:
                cells[name] = Cell(None, "— (does not fit)")
        for name, cell in cells.items():
            columns[name].append(cell)
    return [_row(section, name, columns[name], better) for name, better in SERVING_ROWS.items()]


SPEED_ROWS = ("Tokens/s per sequence", "Tokens/s in all", "First token", "Tokens/s per dollar")
SERVING_ROWS: dict[str, Better | None] = {
    "Fits in GPU memory": "higher",
    "Memory per GPU": None,
    "Longest context": "higher",
    "Most sequences": "higher",
    "Tokens/s per sequence": "higher",
    "Tokens/s in all": "higher",
    "First token": "lower",
    "Tokens/s per dollar": "higher",
}
