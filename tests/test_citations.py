"""What users read about sources: citations, not research notes; unchecked values and
prices shown as estimated (the report, the parts CSV, tooltips)."""

from __future__ import annotations

from pathlib import Path

from planner.core.citations import citation, field_words, is_estimate, price_citation

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


def test_notes_that_name_no_source_are_estimates() -> None:
    assert is_estimate("Launch MSRP from memory (unverified); price_date is approximate")
    assert not is_estimate("https://www.corsair.com/us/en/p/… (MSRP $149.99)")
    assert price_citation("Launch MSRP from memory (unverified)").startswith("estimated")
    assert price_citation(None) == "no source given"
    assert field_words(("power_connectors", "pcie_p2p")) == "power connectors, peer-to-peer"
    # A page the line says nobody read cites nothing, URL or not.
    assert is_estimate("https://www.asus.com/…/techspec/ (vendor page, not reachable offline)")


def test_no_catalog_source_line_names_a_page_nobody_read() -> None:
    from planner.io.catalog_files import load_builtin_catalog

    asides = (
        "not reachable",
        "not re-read",
        "not fetched",
        "from memory",
        "from knowledge",
        # How a researcher found a page is not a citation a user can follow.
        "find_string",
        "read_file",
        "code index",
        "index file id",
        # A path on the machine the catalog was written on is nothing a user can open.
        "/work/",
        "/tmp/",
        "/home/",
    )
    unread = [
        (part.id, line)
        for part in load_builtin_catalog()
        for line in (*part.source, part.price_source or "")
        if any(word in line.casefold() for word in asides)
    ]
    assert unread == []


def test_part_notes_read_as_facts_for_a_buyer() -> None:
    """Notes are shown in the part's tooltip: what is uncertain is said as 'estimated' or
    'not confirmed', never how the research went."""
    from planner.io.catalog_files import load_builtin_catalog

    asides = (
        "knowledge",
        "gatherer",
        "recollect",
        "believed",
        "verify",
        "missing:",
        "docyx",
        "snapshot",
        "before shipping",
        "unverified",
        "from memory",
        "looked up",
        "brief",
        "could not be verified",
    )
    found = [
        (part.id, word)
        for part in load_builtin_catalog()
        for word in asides
        if word in part.notes.casefold()
    ]
    assert found == []


def test_part_notes_use_words_not_field_names() -> None:
    import dataclasses
    import re

    from planner.core.parts import PART_CLASSES
    from planner.io.catalog_files import load_builtin_catalog

    names = {f.name for kind in PART_CLASSES.values() for f in dataclasses.fields(kind)}
    pattern = re.compile(r"\b(" + "|".join(n for n in names if "_" in n) + r")\b")
    found = [(p.id, m.group(0)) for p in load_builtin_catalog() for m in pattern.finditer(p.notes)]
    assert found == []
    assert field_words(("voltage_v", "bays_35")) == "voltage, 3.5-inch bays"


def test_long_source_lines_keep_their_url() -> None:
    line = "Vendor datasheet, " + "table of values " * 20 + "(https://example.org/sheet.pdf)"
    cited = citation(line)
    assert len(cited) < len(line) and cited.endswith("https://example.org/sheet.pdf")
    assert citation("Short (https://x.org)") == "Short (https://x.org)"


def test_the_report_shows_no_research_notes(qapp) -> None:  # type: ignore[no-untyped-def]
    from planner.io.catalog_files import load_builtin_catalog
    from planner.io.profiles import load_profile
    from planner.io.workload_files import load_workloads
    from planner.report.build_report import collect, report_html

    for sample in SAMPLES.glob("*.rigplan.toml"):
        data = collect(load_profile(sample), load_builtin_catalog(), load_workloads())
        html, _images = report_html(data, "a4")
        sources = html[html.index("<h2>Sources</h2>") :].casefold()
        for words in ("from memory", "from knowledge", "not confirmed against"):
            assert words not in sources, (sample.name, words)
