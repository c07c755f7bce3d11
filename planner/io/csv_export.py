"""CSV exports: the parts list, the estimates and a comparison, for spreadsheet programs.

Files are UTF-8 with a byte-order mark (so spreadsheet programs pick the encoding without
asking), RFC 4180 quoting and CRLF line ends; money and numbers are plain numbers with a
dot, never formatted text, so that columns sum."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from planner.core.assembly import Assembly
from planner.core.citations import citation, is_estimate, price_citation
from planner.core.comparison import Comparison
from planner.core.part_specs import key_specs
from planner.core.rent import RentPlan
from planner.core.units import GIB
from planner.core.workload_estimates import BuildEstimate
from planner.io.atomic import write_atomic

PARTS_COLUMNS = (
    "kind",
    "id",
    "name",
    "vendor",
    "count",
    "unit_price_usd",
    "line_total_usd",
    "price_date",
    "specs",
    "source",
    "price_source",
)
TOTAL_KIND = "total"

ESTIMATE_COLUMNS = (
    "workload",
    "mode",
    "precision",
    "micro_batch",
    "seq_len",
    "gpu",
    "gpu_count",
    "fits",
    "memory_per_gpu_gib",
    "vram_gib",
    "weights_gib",
    "gradients_gib",
    "optimizer_gib",
    "activations_gib",
    "overhead_gib",
    "largest_micro_batch",
    "samples_per_s",
    "samples_per_s_low",
    "samples_per_s_high",
    "tokens_per_s",
    "bound",
    "run",
    "time_to_train_h",
    "time_to_train_h_low",
    "time_to_train_h_high",
    "wall_w",
    "energy_kwh",
    "electricity_usd_per_kwh",
    "electricity_usd",
    # Served models (task "serve"): fits, memory, weights, activations (the workspace),
    # overhead and bound above hold theirs too.
    "task",
    "quant",
    "context",
    "concurrency",
    "kv_dtype",
    "split",
    "engine",
    "kv_cache_gib",
    "system_ram_gib",
    "max_context",
    "max_concurrency",
    "decode_tokens_per_s",
    "decode_tokens_per_s_low",
    "decode_tokens_per_s_high",
    "aggregate_tokens_per_s",
    "prefill_tokens_per_s",
    "prefill_tokens_per_s_low",
    "prefill_tokens_per_s_high",
    "ttft_s",
)


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


# A cell a spreadsheet would read as a formula (OWASP "CSV Injection"): text starting with
# = + - @, a tab or a carriage return. Plain numbers (-2.5, +3) stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell: object) -> object:
    """`cell`, with a leading apostrophe if a spreadsheet program would run it as a formula."""
    formula = isinstance(cell, str) and cell.startswith(_FORMULA_START)
    if formula and not _PLAIN_NUMBER.fullmatch(str(cell)):
        return "'" + str(cell)
    return cell


def _encode(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def parts_rows(assembly: Assembly) -> list[list[str]]:
    """The header, one row per line of the build, then the total."""
    rows = [list(PARTS_COLUMNS)]
    for item in assembly.items:
        part = item.part
        price = part.price_usd
        rows.append(
            [
                part.KIND.value,
                part.id,
                part.name,
                part.vendor,
                str(item.count),
                _number(price),
                _number(None if price is None else price * item.count),
                part.price_date.isoformat() if part.price_date else "",
                key_specs(part),
                " | ".join(citation(s) for s in part.source if not is_estimate(s)) or "estimated",
                price_citation(part.price_source) if price is not None else "",
            ]
        )
    unpriced = len(assembly.unpriced)
    name = f"Total ({unpriced} parts without a price)" if unpriced else "Total"
    count = sum(item.count for item in assembly.items)
    rows.append(
        [TOTAL_KIND, "", name, "", str(count), "", _number(assembly.total_price_usd)]
        + [""] * (len(PARTS_COLUMNS) - 7)
    )
    return rows


def parts_csv(assembly: Assembly) -> bytes:
    return _encode(parts_rows(assembly))


def estimate_rows(results: Sequence[BuildEstimate]) -> list[list[str]]:
    rows = [list(ESTIMATE_COLUMNS)]
    for result in results:
        item = result.estimate
        if result.serving is not None:
            rows.append(_serving_row(result))
            continue
        if item is None:
            name = result.workload.name if result.workload else (result.choice.id or "custom")
            known = {
                "workload": name,
                "task": "serve" if result.choice.serves else "train",
                "mode": "" if result.choice.serves else result.choice.mode,
                "precision": "" if result.choice.serves else result.choice.precision,
                "run": result.problem,
            }
            rows.append([known.get(column, "") for column in ESTIMATE_COLUMNS])
            continue
        memory, setup = item.memory, item.setup
        low_h = item.run.samples / item.high / 3600
        high_h = item.run.samples / item.low / 3600
        rows.append(
            [
                item.workload.name,
                setup.mode,
                setup.precision,
                str(setup.batch_size),
                str(setup.seq_len),
                item.gpu.name,
                str(setup.gpus),
                "yes" if memory.fits else "no",
                _number(memory.total / GIB),
                _number(item.gpu.vram_gb),
                _number(memory.weights.bytes / GIB),
                _number(memory.gradients.bytes / GIB),
                _number(memory.optimizer.bytes / GIB),
                _number(memory.activations.bytes / GIB),
                _number(memory.overhead.bytes / GIB),
                str(item.largest_batch),
                _number(item.samples_per_s, 4),
                _number(item.low, 4),
                _number(item.high, 4),
                _number(item.tokens_per_s, 1),
                item.step.bound,
                item.run.description,
                _number(item.time_to_train_s / 3600, 3),
                _number(low_h, 3),
                _number(high_h, 3),
                _number(item.wall_w, 0),
                _number(item.energy_kwh, 3),
                _number(item.electricity_usd_per_kwh, 4),
                _number(item.cost_usd),
                "train",
            ]
            + [""] * (len(ESTIMATE_COLUMNS) - len(TRAINING_COLUMNS))
        )
    return rows


TRAINING_COLUMNS = ESTIMATE_COLUMNS[: ESTIMATE_COLUMNS.index("task") + 1]


def _serving_row(result: BuildEstimate) -> list[str]:
    plan = result.serving
    assert plan is not None
    serving, memory, speed = plan.result.serving, plan.result.memory, plan.result.speed
    cells = {
        "workload": result.workload.name if result.workload else (result.choice.id or ""),
        "gpu": plan.gpu_name,
        "gpu_count": str(plan.gpus),
        "fits": "yes" if memory.fits else "no",
        "memory_per_gpu_gib": _number(memory.total / GIB),
        "vram_gib": _number(memory.capacity / GIB),
        "weights_gib": _number(memory.weights / GIB),
        "activations_gib": _number(memory.activations / GIB),
        "overhead_gib": _number(memory.overhead / GIB),
        "bound": speed.bound,
        "task": "serve",
        "quant": serving.quant,
        "context": str(serving.context),
        "concurrency": str(serving.concurrency),
        "kv_dtype": serving.kv_dtype,
        "split": serving.split,
        "engine": serving.engine,
        "kv_cache_gib": _number(memory.kv_cache / GIB),
        "system_ram_gib": _number(memory.system_ram / GIB),
        "max_context": str(plan.result.longest_context),
        "max_concurrency": str(plan.result.most_sequences),
        "decode_tokens_per_s": _number(speed.decode_tokens_per_s, 2),
        "decode_tokens_per_s_low": _number(speed.decode_range[0], 2),
        "decode_tokens_per_s_high": _number(speed.decode_range[1], 2),
        "aggregate_tokens_per_s": _number(speed.aggregate_tokens_per_s, 2),
        "prefill_tokens_per_s": _number(speed.prefill_tokens_per_s, 1),
        "prefill_tokens_per_s_low": _number(speed.prefill_range[0], 1),
        "prefill_tokens_per_s_high": _number(speed.prefill_range[1], 1),
        "ttft_s": _number(speed.ttft_s, 3),
    }
    return [cells.get(column, "") for column in ESTIMATE_COLUMNS]


def estimates_csv(results: Sequence[BuildEstimate]) -> bytes:
    return _encode(estimate_rows(results))


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """Section, row, one text column per build, and which build is best."""
    names = comparison.names
    rows = [["section", "row", *names, "best", "differs"]]
    for row in comparison.rows:
        best = "; ".join(names[index] for index in sorted(row.best))
        rows.append(
            [
                row.section,
                row.label,
                *(cell.text for cell in row.cells),
                best,
                "yes" if row.differs else "no",
            ]
        )
    return rows


def comparison_csv(comparison: Comparison) -> bytes:
    return _encode(comparison_rows(comparison))


def write_csv(path: Path, data: bytes) -> None:
    """Save atomically: an export never leaves a half-written file over an older one."""
    write_atomic(Path(path), data)


RENT_COLUMNS = (
    "run",
    "hours",
    "own_usd",
    "rent_usd",
    "own_usd_per_hour",
    "rent_usd_per_hour",
    "break_even_utilisation",
    "break_even_months",
    "gpus",
    "gpu",
    "provider",
    "offer",
    "offer_kind",
    "offer_usd_per_gpu_hour",
    "offer_date",
    "offer_source",
    "build_usd",
    "life_years",
    "utilisation",
    "resale_share",
)


def rent_rows(plan: RentPlan) -> list[list[str]]:
    """One row per run (training run, or a served model's million tokens), the plan's
    figures repeated on each so every row stands alone in a spreadsheet."""
    comparison, ownership = plan.comparison, plan.comparison.ownership
    offer = comparison.offer
    rent_hour = comparison.rent_usd_per_hour
    common = [
        _number(comparison.own_usd_per_hour, 4),
        _number(rent_hour, 4),
        _number(comparison.break_even_utilisation, 4),
        _number(comparison.break_even_months, 2),
        str(comparison.gpus),
        plan.gpu_name,
        offer.provider if offer else "",
        offer.offer if offer else "",
        offer.kind if offer else "",
        _number(offer.usd_per_gpu_hour, 4) if offer else "",
        offer.date if offer else "",
        offer.source if offer else "",
        _number(comparison.price_usd),
        _number(ownership.life_years, 2),
        _number(ownership.utilisation, 4),
        _number(ownership.resale_share, 4),
    ]
    rows = [list(RENT_COLUMNS)]
    for cost in plan.costs:
        rent = _number(cost.rent_usd) if cost.rent_usd is not None else ""
        rows.append([cost.name, _number(cost.hours, 3), _number(cost.own_usd), rent, *common])
    if not plan.costs:
        rows.append(["(no workload fits)", "", "", "", *common])
    return rows


def rent_csv(plan: RentPlan) -> bytes:
    return _encode(rent_rows(plan))
