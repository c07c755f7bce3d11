"""The report's Assumptions section: how power, memory, speed, time and cost are worked out,
and the calibrated constants."""

from __future__ import annotations

from planner.core import calibrated
from planner.core.build import Settings
from planner.core.performance import described_constants
from planner.core.power import REST_OF_SYSTEM, SIZING_MARGIN
from planner.core.speed_ranges import describe_ranges
from planner.report.markup import esc, table
from planner.report.serving_section import serving_assumptions


def assumptions_section(settings: Settings, served: bool) -> str:
    """The formulas and constants behind the report's numbers (and serving's, if any)."""
    constants = [
        (esc(name), (value, "num"), esc(meaning))
        for name, value, meaning in described_constants(
            calibrated.CONSTANTS, calibrated.SOFTWARE_GAIN
        )
    ]
    text = [
        "<h2>Assumptions</h2>",
        "<p><b>Power.</b> Sustained draw = GPU board power (or the set power limit) + CPU "
        f"package power + {REST_OF_SYSTEM:.0%} for board, memory, drives and fans; the "
        f"recommended PSU adds another {SIZING_MARGIN:.0%}. GPUs of the Ampere generation and "
        "later spike to about twice their board power for ~100 µs: ATX 3.x units are specified "
        "for such excursions, older units trip near 130% of their rating. Wall draw = sustained "
        f"÷ the PSU's 80 PLUS efficiency at half load. Outlet: {esc(settings.wall_circuit)} "
        f"({settings.wall_continuous_w:,} W continuous).</p>",
        "<p><b>Memory.</b> Per GPU: weights + gradients + optimizer state + activations + "
        "framework overhead, each with the formula shown in its workload's table; sharding "
        "divides the sharded states by the GPU count.</p>",
        "<p><b>Speed.</b> A roofline model: each kernel of a training step takes max(FLOPs ÷ "
        "(peak × efficiency), bytes ÷ (memory bandwidth × efficiency)) plus launch time; "
        "efficiency = ceiling × size ÷ (size + half-size); gradients cross the GPU link with "
        "the part that does not overlap the backward pass added to the step. Constants were "
        f"fitted on {calibrated.FITTED_ROWS} measured training runs. On GPUs held out of the "
        f"fit the median error is {calibrated.ERROR_MEDIAN:.0%} and the 90th percentile "
        f"{calibrated.ERROR_P90:.0%}. The ranges in this report are the 5th–95th percentile "
        "of measured ÷ predicted throughput on those held-out GPUs, by how the GPUs work "
        f"together: {describe_ranges(calibrated.SPEED_RANGES)}.</p>",
        "<p><b>Time and cost.</b> Time to train = the run's samples ÷ throughput. Energy = "
        "wall draw × time; electricity at "
        f"${settings.electricity_usd_per_kwh:.3f}/kWh (the build's setting).</p>",
        table(("Calibrated constant", ("Value", "num"), "Meaning"), constants, widths=(28, 12, 60)),
    ]
    if served:
        text.insert(-1, serving_assumptions())
    return "".join(text)
