"""Why a catalog part would not work in the current build: the picker greys it out and
shows the reason. Only the rules that hold between two parts; the full check engine runs
on the build itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.core.assembly import Assembly
from planner.core.parts import Case, Cooler, Cpu, Gpu, MemoryKit, Motherboard, Part, Psu
from planner.core.power import circuit_volts, runs_on


def incompatibility(part: Part, assembly: Assembly) -> str | None:
    """The reason `part` would not fit the rest of the build, or None."""
    for kind, hint in _HINTS:
        if isinstance(part, kind):
            return hint(part, assembly)
    return None


def _cpu_hint(cpu: Cpu, assembly: Assembly) -> str | None:
    board, cooler = assembly.motherboard, assembly.cooler
    if board and cpu.socket != board.socket:
        return f"needs socket {cpu.socket}; the {board.display_name} has {board.socket}"
    if board and cpu.chipsets and board.chipset not in cpu.chipsets:
        return f"runs only on {' or '.join(cpu.chipsets)} boards"
    if cooler and cpu.socket not in cooler.sockets:
        return f"the {cooler.display_name} does not mount on {cpu.socket}"
    return None


def _board_hint(board: Motherboard, assembly: Assembly) -> str | None:
    cpu, case = assembly.cpu, assembly.case
    if cpu and board.socket != cpu.socket:
        return f"socket {board.socket}; the {cpu.display_name} needs {cpu.socket}"
    if cpu and cpu.chipsets and board.chipset not in cpu.chipsets:
        return f"the {cpu.display_name} needs a {' or '.join(cpu.chipsets)} board"
    if case and not case.takes_board(board.form_factor):
        return f"{board.form_factor} does not fit the {case.display_name}"
    for kit, _item in assembly.memory_kits:
        if kit.memory_type != board.memory_type or kit.module_type != board.memory_module:
            return f"takes {board.memory_type} {board.memory_module}, not the {kit.display_name}"
    return None


def _memory_hint(kit: MemoryKit, assembly: Assembly) -> str | None:
    board = assembly.motherboard
    wanted = (board.memory_type, board.memory_module) if board else None
    if wanted and (kit.memory_type, kit.module_type) != wanted:
        return f"{kit.memory_type} {kit.module_type}; the board takes {' '.join(wanted)}"
    if board and kit.modules > board.dimm_slots:
        return f"{kit.modules} modules; the board has {board.dimm_slots} slots"
    return None


def _case_hint(case: Case, assembly: Assembly) -> str | None:
    board, cooler, psu = assembly.motherboard, assembly.cooler, assembly.psu
    if board and not case.takes_board(board.form_factor):
        return f"takes {', '.join(case.form_factors)} boards, not {board.form_factor}"
    longest = max((gpu.length_mm or 0 for gpu, _item in assembly.gpus), default=0)
    if longest > case.max_gpu_length_mm:
        return f"takes GPUs up to {case.max_gpu_length_mm} mm; yours is {longest} mm"
    if cooler and cooler.height_mm and cooler.height_mm > case.max_cooler_height_mm:
        return f"takes coolers up to {case.max_cooler_height_mm} mm; yours is {cooler.height_mm} mm"
    if psu and psu.form_factor not in case.psu_form_factors and psu.form_factor == "ATX":
        return f"takes {', '.join(case.psu_form_factors)} power supplies"
    return None


def _cooler_hint(cooler: Cooler, assembly: Assembly) -> str | None:
    cpu, case = assembly.cpu, assembly.case
    if cpu and cpu.socket not in cooler.sockets:
        return f"mounts on {', '.join(cooler.sockets)}, not {cpu.socket}"
    if case and cooler.height_mm and cooler.height_mm > case.max_cooler_height_mm:
        return f"{cooler.height_mm} mm tall; the case takes {case.max_cooler_height_mm} mm"
    return None


def _gpu_hint(gpu: Gpu, assembly: Assembly) -> str | None:
    board, case = assembly.motherboard, assembly.case
    if gpu.is_sxm and board:
        return "an SXM module: it needs an HGX/DGX baseboard, not a PCIe slot"
    if case and gpu.length_mm and gpu.length_mm > case.max_gpu_length_mm:
        return f"{gpu.length_mm} mm long; the case takes {case.max_gpu_length_mm} mm"
    return None


def _psu_hint(psu: Psu, assembly: Assembly) -> str | None:
    circuit, case = assembly.build.settings.wall_circuit, assembly.case
    if not runs_on(psu, circuit):
        volts = circuit_volts(circuit)
        return f"takes {psu.min_input_v}-240 V only; the build's circuit is {volts} V"
    if case and psu.form_factor == "ATX" and "ATX" not in case.psu_form_factors:
        return f"ATX; the case takes {', '.join(case.psu_form_factors)}"
    return None


_HINTS: tuple[tuple[type[Part], Callable[[Any, Assembly], str | None]], ...] = (
    (Cpu, _cpu_hint),
    (Motherboard, _board_hint),
    (MemoryKit, _memory_hint),
    (Case, _case_hint),
    (Cooler, _cooler_hint),
    (Gpu, _gpu_hint),
    (Psu, _psu_hint),
)
