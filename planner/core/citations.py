"""What users read about where a value comes from: the catalog's source lines as citations,
its research notes kept out, and values nobody checked against a source shown as
"estimated" — the catalog's own text is left as it is for whoever maintains it."""

from __future__ import annotations

import re

from planner.core.parts import Gpu, Part

# Words by which a catalog note says a value was not looked up in a source.
ESTIMATE_MARKERS = (
    "from memory",
    "from knowledge",
    "unverified",
    "not verified",
    "low confidence",
    "recalled",
)
# Words by which a source line says the page it names was never read: it cites nothing.
UNREAD_MARKERS = ("not reachable", "not read", "not re-read", "not fetched")
URL = re.compile(r"https?://[^\s)\]>,;\"']+")
MAX_CITATION = 160


def is_estimate(text: str | None) -> bool:
    """A note that says its value was not checked against a source (and names no URL)."""
    if not text:
        return False
    lowered = text.casefold()
    if any(marker in lowered for marker in UNREAD_MARKERS):
        return True
    return any(marker in lowered for marker in ESTIMATE_MARKERS) and not URL.search(text)


def unpriced_label(part: Part) -> str:
    """What a price cell shows for a part without a price."""
    return "cloud only" if isinstance(part, Gpu) and part.cloud_only else "—"


def price_label(part: Part) -> str:
    """A part's price as a list shows it: "$1,599", or why there is none."""
    return unpriced_label(part) if part.price_usd is None else f"${part.price_usd:,.0f}"


def citation(text: str) -> str:
    """A source line as a citation: its own words up to a readable length, its URL kept."""
    text = " ".join(text.split())
    if len(text) <= MAX_CITATION:
        return text
    urls = URL.findall(text)
    head = text[:MAX_CITATION].rsplit(" ", 1)[0].rstrip(",;:(")
    missing = [url for url in urls if url not in head]
    return head + " …" + "".join(f" {url}" for url in missing[:1])


def price_citation(source: str | None) -> str:
    """The price's source as users see it: 'estimated' where no source was checked."""
    if not source:
        return "no source given"
    if is_estimate(source):
        return "estimated (launch price; not checked against a listing)"
    return citation(source)


# How a field's name reads to a builder, word by word (units dropped: the value has them).
_WORDS = {
    "pcie": "PCIe",
    "m2": "M.2",
    "ecc": "ECC",
    "tdp": "TDP",
    "atx": "ATX",
    "psu": "PSU",
    "gpu": "GPU",
    "sata": "SATA",
    "l2": "L2",
    "nvlink": "NVLink",
    "bf16": "BF16",
    "fp8": "FP8",
    "fp16": "FP16",
    "fp32": "FP32",
    "tf32": "TF32",
    "tflops": "TFLOPS",
    "115v": "115 V",
    "max": "largest",
    "usd": "",
    "mm": "",
    "gb": "",
    "gbs": "",
    "mb": "",
    "mbs": "",
    "w": "",
    "ghz": "",
    "seq": "sequential",
}
_FIELDS = {
    "wattage_115v_w": "wattage at 115 V",
    "pcie_p2p": "peer-to-peer",
    "voltage_v": "voltage",
    "bays_35": "3.5-inch bays",
    "bays_25": "2.5-inch bays",
}


def field_words(fields: tuple[str, ...] | list[str]) -> str:
    """Unverified fields as words: 'power connectors, PCIe peer-to-peer, board width'."""
    words = []
    for field in fields:
        parts = [_WORDS.get(word, word) for word in field.split("_")]
        words.append(_FIELDS.get(field) or " ".join(part for part in parts if part))
    return ", ".join(words)
