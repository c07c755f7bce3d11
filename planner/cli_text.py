"""Plain-text rendering of CLI results: tables and findings for a terminal."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence

from planner.core.checks import CheckReport
from planner.core.citations import price_label
from planner.core.comparison import Comparison
from planner.core.estimate import Estimate
from planner.core.findings import Severity
from planner.core.part_specs import key_specs
from planner.core.parts import Part, PartKind
from planner.core.speed_ranges import range_note
from planner.core.units import GIB, counted, duration, gib
from planner.core.workloads import Workload

_SEVERITY_MARK = {Severity.ERROR: "ERROR", Severity.WARNING: "WARN ", Severity.INFO: "NOTE "}


USED_HELP = "price GPUs at their used price where it is below the list price"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(row) for row in rows]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def part_rows(parts: Sequence[Part]) -> str:
    sections = []
    for kind in PartKind:
        of_kind = [part for part in parts if part.KIND is kind]
        if not of_kind:
            continue
        body = table(
            ("id", "name", "price", "specs"),
            ((p.id, p.display_name, price_label(p), key_specs(p)) for p in of_kind),
        )
        sections.append(f"{kind.label} ({len(of_kind)})\n{body}")
    return "\n\n".join(sections)


def findings_text(name: str, report: CheckReport) -> str:
    counts = {severity: len(report.of_severity(severity)) for severity in Severity}
    head = (
        f"{name}: {counted(counts[Severity.ERROR], 'error')}, "
        f"{counted(counts[Severity.WARNING], 'warning')}, {counted(counts[Severity.INFO], 'note')}"
    )
    lines = [head]
    for finding in report.findings:
        lines.append(f"{_SEVERITY_MARK[finding.severity]} [{finding.code}] {finding.message}")
        if finding.fix:
            lines.append(f"       fix: {finding.fix}")
    if not report.findings:
        lines.append("No problems found.")
    if report.layout is not None and (report.layout.gpus or report.layout.drives):
        lines += ["", "Slot layout"]
        for gpu in report.layout.gpus:
            lines.append(
                f"  {gpu.slot:<16} {gpu.part_id:<28} PCIe {gpu.link_gen}.0 x{gpu.link_width:<2} "
                f"{gpu.bandwidth_gbs:5.1f} GB/s  "
                + (
                    f"on riser {gpu.riser}"
                    if gpu.riser
                    else f"covers slots {gpu.position}-{gpu.last_position}"
                )
                + f"  ({gpu.lanes_from} lanes)"
            )
        for drive in report.layout.drives:
            lines.append(
                f"  {drive.socket:<16} {drive.part_id:<28} PCIe {drive.link_gen}.0 "
                f"x{drive.link_width}  ({drive.lanes_from} lanes)"
            )
        for part_id in report.layout.unplaced_gpus:
            lines.append(f"  {'(no slot)':<16} {part_id}")
        for part_id in report.layout.sxm_gpus:
            lines.append(f"  {'(SXM module)':<16} {part_id}  needs an HGX/DGX baseboard")
    power = report.power
    if power is not None and power.gpu_w:
        lines += ["", "Power"]
        lines += [f"  {line.label:<58} {line.watts:7,.0f} W" for line in power.lines]
        lines.append(f"  {'Sustained draw under training load':<58} {power.sustained_w:7,.0f} W")
        lines.append(f"  {'Recommended PSU (+10% margin)':<58} {power.recommended_psu_w:7,.0f} W")
        if power.psu_w is not None:
            lines.append(f"  {'Power supply rating':<58} {power.psu_w:7,} W")
        lines.append(f"  {'Draw at the wall':<58} {power.wall_w:7,.0f} W")
    return "\n".join(lines)


def workload_rows(workloads: Sequence[Workload]) -> str:
    from planner.core.networks.common import total_params
    from planner.core.workloads import build_network

    return table(
        ("id", "name", "family", "params", "default run"),
        (
            (
                w.id,
                w.name,
                w.family,
                f"{total_params(build_network(w.architecture).parameters()) / 1e6:,.0f}M",
                f"{w.dataset[:48]}",
            )
            for w in workloads
        ),
    )


def estimates_text(name: str, estimates: Sequence[Estimate]) -> str:
    lines = [name]
    for item in estimates:
        memory = item.memory
        setup = item.setup
        lines += [
            "",
            f"{item.workload.name} — {setup.mode}, {setup.precision}, micro-batch "
            f"{setup.batch_size}, sequence {setup.seq_len}, {setup.optimizer}"
            + (", checkpointing" if setup.activation_checkpointing else "")
            + (f", {setup.sharding}" if setup.sharding != "none" else ""),
            f"  GPU: {setup.gpus} × {item.gpu.name}",
            f"  memory per GPU: {gib(memory.total)} of {item.gpu.vram_gb:g} GB — "
            + ("fits" if memory.fits else "does NOT fit")
            + f" (weights {memory.weights.bytes / GIB:.1f}, "
            f"gradients {memory.gradients.bytes / GIB:.1f}, "
            f"optimizer {memory.optimizer.bytes / GIB:.1f}, activations "
            f"{memory.activations.bytes / GIB:.1f}, overhead {memory.overhead.bytes / GIB:.1f})",
            f"  largest micro-batch that fits: {item.largest_batch}",
        ]
        if item.note:
            lines.append(f"  note: {item.note}")
        tokens = f", {item.tokens_per_s:,.0f} tokens/s" if item.tokens_per_s is not None else ""
        lines.append(
            f"  speed: {item.samples_per_s:,.2f} samples/s{tokens} "
            f"(range {item.low:,.2f}–{item.high:,.2f}{range_note(item.regime)}); bound by "
            f"{item.step.bound}"
        )
        lines.append(
            f"  run: {item.run.description} — {duration(item.time_to_train_s)} "
            f"({duration(item.run.samples / item.high)}–{duration(item.run.samples / item.low)}), "
            f"{item.energy_kwh:,.1f} kWh, ${item.cost_usd:,.2f} of electricity"
        )
        for suggestion in item.suggestions[:3]:
            verdict = "fits" if suggestion.fits else "still too big"
            lines.append(
                f"  try: {suggestion.change} — {gib(suggestion.memory_bytes)}, {verdict}, "
                f"{suggestion.speed_change:+.0%} speed"
            )
    return "\n".join(lines)


def comparison_text(comparison: Comparison, width: int | None = None) -> str:
    """The comparison as a terminal table: best values starred, differing rows marked ≠;
    long cells wrap so that the table fits the terminal."""
    names = comparison.names
    width = width or shutil.get_terminal_size((160, 40)).columns
    label_w = min(34, max(len(row.label) for row in comparison.rows) + 2)
    cell_w = max(18, (width - label_w - 2 * len(names)) // max(1, len(names)))
    lines = ["Builds: " + "; ".join(f"[{i + 1}] {name}" for i, name in enumerate(names))]
    wins = comparison.wins()
    lines.append("Best in: " + ", ".join(f"[{i + 1}] {n} rows" for i, n in enumerate(wins)))
    lines.append("")
    header = "".ljust(label_w) + "  ".join(f"[{i + 1}]".ljust(cell_w) for i in range(len(names)))
    lines += [header.rstrip(), "-" * min(width, label_w + (cell_w + 2) * len(names))]
    section = None
    for row in comparison.rows:
        if row.section != section:
            section = row.section
            lines.append(f"— {section}")
        texts = [
            textwrap.wrap(cell.text + (" *" if index in row.best else ""), cell_w) or [""]
            for index, cell in enumerate(row.cells)
        ]
        label = ("≠ " if row.differs else "  ") + row.label
        for depth in range(max(len(text) for text in texts)):
            head = label[: label_w - 1] if depth == 0 else ""
            cells = [text[depth] if depth < len(text) else "" for text in texts]
            lines.append((head.ljust(label_w) + "  ".join(c.ljust(cell_w) for c in cells)).rstrip())
    lines.append("")
    lines.append("* best in the row   ≠ the builds differ")
    if not comparison.differences:
        lines.append("No differences: the builds are the same.")
    return "\n".join(lines)


# C0 and C1 control characters other than newline and tab: a name in a shared profile or
# part file could otherwise recolour, retitle or clear the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str, one_line: bool = False) -> str:
    """`text` with control characters shown as escapes (and newlines too for `one_line`)."""
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    if one_line:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text


def training_line(result: dict[str, object]) -> str:
    """One training case's result (its JSON) in a line."""
    memory = result["memory"]
    assert isinstance(memory, dict)
    return (
        f"{result['workload']} on {result['gpu_count']}× {result['gpu']}: "
        f"{result['samples_per_s']:.2f} samples/s "
        f"({result['low']:.2f}–{result['high']:.2f}{range_note(str(result['speed_regime']))}), "
        f"{gib(memory['total'])}/GPU, {'fits' if memory['fits'] else 'does NOT fit'}"
    )


def serving_line(result: dict[str, object]) -> str:
    """One inference case in words: speed, first token, memory and the longest context."""
    memory = result["memory"]
    assert isinstance(memory, dict)
    fits = "fits" if memory["fits"] else "does NOT fit"
    return (
        f"{result['workload']} {result['quant']} on {result['gpu_count']}× {result['gpu']}: "
        f"{result['decode_tokens_per_s']:,.1f} tokens/s per sequence "
        f"({result['aggregate_tokens_per_s']:,.1f} in all), prompt "
        f"{result['prefill_tokens_per_s']:,.0f} tokens/s, first token {result['ttft_s']:.2f} s; "
        f"{memory['total'] / 2**30:,.1f} GiB/GPU, {fits}; longest context "
        f"{result['max_context']:,} (bound by {result['bound']})"
    )


def case_line(text: str, index: int) -> int | None:
    """The line where the index-th top-level object of a JSON list starts."""
    depth = 0
    seen = -1
    in_string = escape = False
    line = 1
    for character in text:
        if character == "\n":
            line += 1
        if in_string:
            if escape:
                escape = False
            elif character == "\\":
                escape = True
            elif character == '"':
                in_string = False
            continue
        if character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth == 2 and character == "{":
                seen += 1
                if seen == index:
                    return line
        elif character in "]}":
            depth -= 1
    return None
