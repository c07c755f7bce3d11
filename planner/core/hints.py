"""Why a catalog part would not work in the current build: the picker greys it out and
shows the reason. Only the rules that hold between two parts; the full check engine runs
on the build itself."""

from __future__ import annotations

from planner.core.assembly import Assembly
from planner.core.parts import Case, Cooler, Cpu, Gpu, MemoryKit, Motherboard, Part, Psu
from planner.core.power import circuit_volts, runs_on


def incompatibility(part: Part, assembly: Assembly) -> str | None:
    """The reason `part` would not fit the rest of the build, or None."""
    board, cpu, case, cooler = assembly.motherboard, assembly.cpu, assembly.case, assembly.cooler
    if isinstance(part, Cpu):
        if board and part.socket != board.socket:
            return f"needs socket {part.socket}; the {board.display_name} has {board.socket}"
        if board and part.chipsets and board.chipset not in part.chipsets:
            return f"runs only on {' or '.join(part.chipsets)} boards"
        if cooler and part.socket not in cooler.sockets:
            return f"the {cooler.display_name} does not mount on {part.socket}"
    elif isinstance(part, Motherboard):
        if cpu and part.socket != cpu.socket:
            return f"socket {part.socket}; the {cpu.display_name} needs {cpu.socket}"
        if cpu and cpu.chipsets and part.chipset not in cpu.chipsets:
            return f"the {cpu.display_name} needs a {' or '.join(cpu.chipsets)} board"
        if case and not case.takes_board(part.form_factor):
            return f"{part.form_factor} does not fit the {case.display_name}"
        for kit, _item in assembly.memory_kits:
            if kit.memory_type != part.memory_type or kit.module_type != part.memory_module:
                return f"takes {part.memory_type} {part.memory_module}, not the {kit.display_name}"
    elif isinstance(part, MemoryKit):
        wanted = (board.memory_type, board.memory_module) if board else None
        if wanted and (part.memory_type, part.module_type) != wanted:
            return f"{part.memory_type} {part.module_type}; the board takes {' '.join(wanted)}"
        if board and part.modules > board.dimm_slots:
            return f"{part.modules} modules; the board has {board.dimm_slots} slots"
    elif isinstance(part, Case):
        if board and not part.takes_board(board.form_factor):
            return f"takes {', '.join(part.form_factors)} boards, not {board.form_factor}"
        longest = max((gpu.length_mm or 0 for gpu, _item in assembly.gpus), default=0)
        if longest > part.max_gpu_length_mm:
            return f"takes GPUs up to {part.max_gpu_length_mm} mm; yours is {longest} mm"
        if cooler and cooler.height_mm and cooler.height_mm > part.max_cooler_height_mm:
            return (
                f"takes coolers up to {part.max_cooler_height_mm} mm; "
                f"yours is {cooler.height_mm} mm"
            )
        psu = assembly.psu
        if psu and psu.form_factor not in part.psu_form_factors and psu.form_factor == "ATX":
            return f"takes {', '.join(part.psu_form_factors)} power supplies"
    elif isinstance(part, Cooler):
        if cpu and cpu.socket not in part.sockets:
            return f"mounts on {', '.join(part.sockets)}, not {cpu.socket}"
        if case and part.height_mm and part.height_mm > case.max_cooler_height_mm:
            return f"{part.height_mm} mm tall; the case takes {case.max_cooler_height_mm} mm"
    elif isinstance(part, Gpu):
        if part.is_sxm and board:
            return "an SXM module: it needs an HGX/DGX baseboard, not a PCIe slot"
        if case and part.length_mm and part.length_mm > case.max_gpu_length_mm:
            return f"{part.length_mm} mm long; the case takes {case.max_gpu_length_mm} mm"
    elif isinstance(part, Psu):
        return _psu_hint(part, assembly)
    return None


def _psu_hint(psu: Psu, assembly: Assembly) -> str | None:
    circuit, case = assembly.build.settings.wall_circuit, assembly.case
    if not runs_on(psu, circuit):
        volts = circuit_volts(circuit)
        return f"takes {psu.min_input_v}-240 V only; the build's circuit is {volts} V"
    if case and psu.form_factor == "ATX" and "ATX" not in case.psu_form_factors:
        return f"ATX; the case takes {', '.join(case.psu_form_factors)}"
    return None
