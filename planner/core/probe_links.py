"""The probe's check of the links between the rig's GPUs: what the planner assumes for the
build (its slowest GPU link, whether the cards reach each other's memory directly, and the
bandwidth the estimate gives gradients), and what a probe measured copying and reducing
between the GPUs — the measurement that says whether a riser, a bifurcation adapter or a
missing peer-to-peer path costs what the plan says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.calibrated import CONSTANTS
from planner.core.catalog import Catalog
from planner.core.checks.context import CheckContext
from planner.core.communication import collective_gbs
from planner.core.errors import InputError, Location
from planner.core.gpu_link import build_link, placed_gpu_count


def planned_links(build: Build, catalog: Catalog) -> dict[str, Any] | None:
    """What the plan assumes between the build's GPUs (None with fewer than two placed)."""
    context = CheckContext(Assembly.resolve(build, catalog), catalog)
    link = build_link(context.assembly, context.layout)
    if link is None:
        return None
    return {
        "gpus": placed_gpu_count(context.assembly, context.layout),
        "link": link.name,
        "wire_gbs": round(link.gbs, 2),
        "peer_to_peer": link.p2p,
        "gradient_gbs": round(collective_gbs(link.gbs, link.p2p, CONSTANTS.link_efficiency), 2),
    }


@dataclass(frozen=True)
class LinkProbe:
    planned: dict[str, Any] | None
    devices: int
    peer_to_peer: bool | None  # None: the devices were not CUDA GPUs (a try of the script)
    copy_gbs: float
    reduce_gbs: float


def read_links(document: dict[str, Any], source: str) -> LinkProbe | None:
    """The "links" object of a probe's results, checked (None when the probe had one GPU);
    errors name the file and field."""

    def fail(message: str, field: str) -> InputError:
        return InputError(message, Location(file=source, field=field))

    links = document.get("links")
    if links is None:
        return None
    if not isinstance(links, dict) or not isinstance(links.get("measured"), dict):
        raise fail("expected an object with a 'measured' object", "links")
    measured = links["measured"]
    numbers = []
    for key in ("devices", "copy_gbs", "reduce_gbs"):
        value = measured.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail("expected a number", f"links.measured.{key}")
        numbers.append(float(value))
    peer = measured.get("peer_to_peer")
    planned = links.get("predicted")
    return LinkProbe(
        planned if isinstance(planned, dict) else None,
        int(numbers[0]),
        peer if isinstance(peer, bool) else None,
        numbers[1],
        numbers[2],
    )


def link_lines(probe: LinkProbe) -> list[str]:
    """The measured links beside the plan, in words."""
    peer = {True: "yes", False: "no", None: "not a GPU pair"}[probe.peer_to_peer]
    lines = [
        f"GPU links, {probe.devices} devices: copy {probe.copy_gbs:,.1f} GB/s, reduce onto "
        f"the first {probe.reduce_gbs:,.1f} GB/s, peer-to-peer {peer}"
    ]
    planned = probe.planned
    if planned:
        lines.append(
            f"  planned: {planned.get('link')} ({planned.get('wire_gbs')} GB/s "
            f"on the wire), peer-to-peer {'yes' if planned.get('peer_to_peer') else 'no'}; "
            f"the estimate gives gradients {planned.get('gradient_gbs')} GB/s"
        )
        wire = planned.get("wire_gbs")
        if isinstance(wire, (int, float)) and wire and probe.copy_gbs < 0.5 * wire:
            lines.append(
                "  note: copies run at under half the planned link: check each card's link "
                "(nvidia-smi -q: PCIe generation and width) and its riser or adapter"
            )
        if probe.peer_to_peer is False and planned.get("peer_to_peer"):
            lines.append("  note: the plan expected peer-to-peer; the driver does not offer it")
    return lines
