"""Power, PCIe, fit, cooling and advice checks: each code fails on one build and passes on
another, with the boundaries exact."""

from __future__ import annotations

import dataclasses
import math

from planner.core.build import Build, PartChoice, Settings
from planner.core.catalog import Catalog, PartOrigin
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Finding, Severity
from planner.core.parts import (
    Case,
    Gpu,
    LaneSharing,
    Motherboard,
    PcieSlot,
    Psu,
    PsuConnectors,
)
from planner.core.power import REST_OF_SYSTEM, SIZING_MARGIN

BASE = {
    "gpu": ("rtx-4090", 1),
    "cpu": ("ryzen-9-7950x", 1),
    "motherboard": ("asus-proart-x670e-creator-wifi", 1),
    "memory": ("corsair-vengeance-64gb-2x32-ddr5-6000-c30", 1),
    "psu": ("corsair-rm1000x-2024", 1),
    "case": ("fractal-design-north", 1),
    "cooler": ("deepcool-ak620", 1),
    "storage": ("samsung-990-pro-2tb", 1),
}


def check(
    catalog: Catalog,
    change: dict[str, tuple[str, int] | None] | None = None,
    extra: tuple[object, ...] = (),
    settings: Settings | None = None,
    limit_w: int | None = None,
) -> CheckReport:
    parts = dict(BASE)
    for kind, value in (change or {}).items():
        if value is None:
            parts.pop(kind, None)
        else:
            parts[kind] = value
    catalog = catalog.overlay((part, PartOrigin("test")) for part in extra)  # type: ignore[misc]
    choices = tuple(
        PartChoice(id=part_id, count=count, power_limit_w=limit_w if kind == "gpu" else None)
        for kind, (part_id, count) in parts.items()
    )
    return run_checks(Build(parts=choices, settings=settings or Settings()), catalog)


def find(report: CheckReport, code: str) -> Finding:
    found = [finding for finding in report.findings if finding.code == code]
    assert found, f"{code} not in {sorted(report.codes())}"
    return found[0]


def psu_like(catalog: Catalog, watts: int, **changes: object) -> Psu:
    base = catalog.get("corsair-rm1000x-2024")
    assert isinstance(base, Psu)
    return dataclasses.replace(base, id=f"test-psu-{watts}", wattage_w=watts, **changes)  # type: ignore[arg-type]


def test_the_reference_build_is_clean(catalog: Catalog) -> None:
    # Nothing wrong with the build; only the note that its catalog prices are not current.
    assert check(catalog).codes() == {"cost.old_prices"}


# ---- power -----------------------------------------------------------------------------


def test_psu_too_small_is_an_error_with_a_power_limit_fix(catalog: Catalog) -> None:
    report = check(catalog, {"gpu": ("rtx-4090", 2), "psu": ("corsair-rm850x-2021", 1)})
    finding = find(report, "power.psu_capacity")
    assert finding.severity is Severity.ERROR
    assert "850 W" in finding.message and "1,177 W" in finding.message
    assert "at least 1,295 W" in finding.fix
    assert "nvidia-smi -pl" in finding.fix or "e.g." in finding.fix


def test_psu_boundaries(catalog: Catalog) -> None:
    gpu_w, cpu_w = 450, 170
    sustained = (gpu_w + cpu_w) * (1 + REST_OF_SYSTEM)
    recommended = sustained * (1 + SIZING_MARGIN)
    exactly_sustained = psu_like(catalog, math.ceil(sustained))
    report = check(catalog, {"psu": (exactly_sustained.id, 1)}, (exactly_sustained,))
    assert "power.psu_capacity" not in report.codes()
    assert find(report, "power.psu_headroom").severity is Severity.WARNING
    exactly_recommended = psu_like(catalog, math.ceil(recommended))
    report = check(catalog, {"psu": (exactly_recommended.id, 1)}, (exactly_recommended,))
    assert not {"power.psu_capacity", "power.psu_headroom"} & report.codes()
    below = psu_like(catalog, math.floor(sustained) - 1)
    report = check(catalog, {"psu": (below.id, 1)}, (below,))
    assert find(report, "power.psu_capacity").severity is Severity.ERROR


def test_power_limits_count_instead_of_board_power(catalog: Catalog) -> None:
    change = {"gpu": ("rtx-4090", 2), "psu": ("corsair-rm1000x-2024", 1)}
    assert "power.psu_capacity" in check(catalog, change).codes()
    limited = check(catalog, change, limit_w=300)
    assert not {"power.psu_capacity", "power.psu_headroom"} & limited.codes()
    assert limited.power is not None and limited.power.gpu_w == 600


def test_transients_on_an_older_psu(catalog: Catalog) -> None:
    report = check(catalog, {"psu": ("corsair-rm850x-2021", 1)})
    finding = find(report, "power.transients")
    assert "ATX 2.x" in finding.message and "ATX 3.0/3.1" in finding.fix
    assert "power.transients" not in check(catalog).codes()


def test_connectors_through_adapters(catalog: Catalog) -> None:
    few = psu_like(catalog, 1000, connectors=PsuConnectors(pcie_8pin=2, hpwr_12v=0, eps_8pin=2))
    report = check(catalog, {"psu": (few.id, 1)}, (few,))
    finding = find(report, "power.connectors")
    assert "3 PCIe 8-pin cables" in finding.message
    assert "through 8-pin adapters" in finding.message
    assert "power.connectors" not in check(catalog).codes()


def test_workstation_boards_want_two_eps_cables(catalog: Catalog) -> None:
    one = psu_like(catalog, 1600, connectors=PsuConnectors(pcie_8pin=8, hpwr_12v=1, eps_8pin=1))
    change = {
        "cpu": ("threadripper-pro-7975wx", 1),
        "motherboard": ("asus-pro-ws-wrx90e-sage-se", 1),
        "memory": ("samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk", 8),
        "case": ("silverstone-rm44", 1),
        "cooler": ("arctic-freezer-4u-m", 1),
        "psu": (one.id, 1),
    }
    assert "power.eps_connectors" in check(catalog, change, (one,)).codes()
    two = dataclasses.replace(one, connectors=PsuConnectors(pcie_8pin=8, hpwr_12v=1, eps_8pin=2))
    assert "power.eps_connectors" not in check(catalog, change, (two,)).codes()


def test_wall_circuit(catalog: Catalog) -> None:
    big = {
        "gpu": ("rtx-4090", 3),
        "cpu": ("threadripper-pro-7975wx", 1),
        "motherboard": ("asus-pro-ws-wrx90e-sage-se", 1),
        "memory": ("samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk", 8),
        "psu": ("super-flower-leadex-platinum-2000w", 1),
        "case": ("silverstone-rm52", 1),
        "cooler": ("arctic-freezer-4u-m", 1),
    }
    report = check(catalog, big, settings=Settings(wall_circuit="120v-15a"))
    finding = find(report, "power.wall_circuit")
    assert "1,440 W" in finding.message and "120 V / 15 A" in finding.message
    assert "power.psu_120v_rating" in report.codes()
    on_230 = check(catalog, big, settings=Settings(wall_circuit="230v-16a"))
    assert not {"power.wall_circuit", "power.psu_120v_rating"} & on_230.codes()


def test_a_supply_rated_only_for_240_v(catalog: Catalog) -> None:
    """A 2,400 W unit that takes only 200-240 V input does not start on a 120 V circuit; on a
    North American 240 V / 30 A circuit (5,760 W continuous) it runs and the rig fits."""
    only_240 = psu_like(catalog, 2400, min_input_v=200)
    change = {"gpu": ("rtx-4090", 3), "psu": (only_240.id, 1)}
    report = check(catalog, change, (only_240,), settings=Settings(wall_circuit="120v-20a"))
    finding = find(report, "power.psu_input_voltage")
    assert finding.severity is Severity.ERROR
    assert "200-240 V AC input only" in finding.message and "120 V circuit" in finding.message
    assert "power.psu_120v_rating" not in report.codes()
    on_240 = check(catalog, change, (only_240,), settings=Settings(wall_circuit="240v-30a"))
    assert not {"power.psu_input_voltage", "power.wall_circuit"} & on_240.codes()
    plain = check(catalog, settings=Settings(wall_circuit="120v-20a"))
    assert "power.psu_input_voltage" not in plain.codes()


# ---- PCIe and slots --------------------------------------------------------------------


def test_not_enough_slots_on_mini_itx(catalog: Catalog) -> None:
    change = {
        "gpu": ("rtx-a4000", 2),
        "motherboard": ("asus-rog-strix-x670e-i-gaming-wifi", 1),
    }
    finding = find(check(catalog, change), "pcie.not_enough_slots")
    assert "1 x16 slot" in finding.message and "2 GPUs" in finding.message
    assert finding.severity is Severity.ERROR


def test_slot_layout_in_the_report(catalog: Catalog) -> None:
    report = check(catalog, {"gpu": ("rtx-a6000", 2)})
    assert report.layout is not None
    links = [(p.slot, p.link_width, p.link_gen) for p in report.layout.gpus]
    assert links == [("PCIEX16(G5)_1", 8, 4), ("PCIEX16(G5)_2", 8, 4)]
    document = report.to_json()["slot_layout"]
    assert document["gpus"][0]["link"] == "PCIe 4.0 x8"  # type: ignore[index]
    assert document["gpus"][0]["bandwidth_gbs"] == 15.75  # type: ignore[index]


def test_narrow_and_chipset_links(catalog: Catalog) -> None:
    change = {
        "gpu": ("rtx-a4000", 3),
        "cpu": ("core-i9-14900k", 1),
        "motherboard": ("asus-proart-z790-creator-wifi", 1),
        "cooler": ("bequiet-dark-rock-pro-5", 1),
        "case": ("corsair-7000d-airflow", 1),
    }
    report = check(catalog, change)
    assert "x4" in find(report, "pcie.narrow_link").message
    assert find(report, "pcie.chipset_lanes").severity is Severity.WARNING
    two = check(catalog, {**change, "gpu": ("rtx-a4000", 2)})
    assert not {"pcie.narrow_link", "pcie.chipset_lanes"} & two.codes()


def test_single_gpu_on_a_narrow_slot_is_a_note(catalog: Catalog) -> None:
    base = catalog.get("asus-proart-x670e-creator-wifi")
    assert isinstance(base, Motherboard)
    narrow = dataclasses.replace(
        base,
        id="test-x8-board",
        pcie_slots=(
            PcieSlot(name="S1", position=1, mechanical=16, electrical=8, gen=4, lanes_from="cpu"),
        ),
        lane_sharing=(),
    )
    report = check(catalog, {"motherboard": (narrow.id, 1)}, (narrow,))
    assert find(report, "pcie.single_gpu_link").severity is Severity.INFO


def test_cpu_with_fewer_lanes_than_the_board_wires(catalog: Catalog) -> None:
    change = {
        "gpu": ("rtx-a4000", 5),
        "cpu": ("xeon-w5-2455x", 1),
        "motherboard": ("asus-pro-ws-w790e-sage-se", 1),
        "memory": ("samsung-64gb-ddr5-4800-rdimm-m321r8ga0bb0-cqk", 4),
        "case": ("silverstone-rm44", 1),
        "cooler": ("arctic-freezer-4u-m", 1),
        "psu": ("corsair-hx1500i-2023", 1),
    }
    finding = find(check(catalog, change), "pcie.not_enough_cpu_lanes")
    assert "Only 4 of the 5 GPUs" in finding.message and "64 PCIe lanes" in finding.message
    four = check(catalog, {**change, "gpu": ("rtx-a4000", 4)})
    assert not {"pcie.not_enough_cpu_lanes", "pcie.cpu_lanes"} & four.codes()
    base = catalog.get("xeon-w5-2455x")
    assert base is not None
    small = dataclasses.replace(base, id="test-40-lane-cpu", pcie_lanes=40)
    narrowed = check(catalog, {**change, "gpu": ("rtx-a4000", 3), "cpu": (small.id, 1)}, (small,))
    assert "40 PCIe lanes" in find(narrowed, "pcie.cpu_lanes").message
    assert narrowed.layout is not None
    assert sorted(p.link_width for p in narrowed.layout.gpus) == [8, 16, 16]


def test_m2_sockets_run_out(catalog: Catalog) -> None:
    finding = find(check(catalog, {"storage": ("samsung-990-pro-2tb", 5)}), "storage.m2_sockets")
    assert "5 NVMe drives" in finding.message and "4 M.2 sockets" in finding.message
    assert (
        "storage.m2_sockets" not in check(catalog, {"storage": ("samsung-990-pro-2tb", 4)}).codes()
    )


def test_m2_drive_taking_gpu_lanes(catalog: Catalog) -> None:
    base = catalog.get("asus-proart-x670e-creator-wifi")
    assert isinstance(base, Motherboard)
    socket, slot = base.m2_slots[0], base.pcie_slots[0]
    shared = dataclasses.replace(
        base,
        id="test-shared-board",
        m2_slots=(socket,),
        lane_sharing=(LaneSharing(if_used=(socket.name,), slot=slot.name, width=8),),
    )
    report = check(catalog, {"motherboard": (shared.id, 1)}, (shared,))
    assert "runs at x8" in find(report, "pcie.m2_shares_gpu_lanes").message
    assert report.layout is not None and report.layout.gpus[0].link_width == 8


# ---- fit ------------------------------------------------------------------------------


def test_gpu_length_boundary(catalog: Catalog) -> None:
    base = catalog.get("fractal-design-north")
    gpu = catalog.get("rtx-4090")
    assert isinstance(base, Case) and isinstance(gpu, Gpu)
    exact = dataclasses.replace(base, id="test-case-exact", max_gpu_length_mm=gpu.length_mm)
    short = dataclasses.replace(base, id="test-case-short", max_gpu_length_mm=gpu.length_mm - 1)
    assert "fit.gpu_length" not in check(catalog, {"case": (exact.id, 1)}, (exact,)).codes()
    finding = find(check(catalog, {"case": (short.id, 1)}, (short,)), "fit.gpu_length")
    assert f"{gpu.length_mm} mm long" in finding.message
    assert "e.g." in finding.fix


def test_cooler_radiator_and_psu_fit(catalog: Catalog) -> None:
    small = {
        "motherboard": ("asus-rog-strix-x670e-i-gaming-wifi", 1),
        "case": ("cooler-master-masterbox-nr200p", 1),
        "psu": ("corsair-sf1000-2024", 1),
        "cooler": ("thermalright-peerless-assassin-120-se", 1),
    }
    assert (
        not {"fit.cooler_height", "fit.radiator", "fit.psu_form_factor"}
        & check(catalog, small).codes()
    )
    assert "fit.cooler_height" in check(catalog, {**small, "cooler": ("deepcool-ak620", 1)}).codes()
    radiator = check(catalog, {**small, "cooler": ("arctic-liquid-freezer-iii-360", 1)})
    assert "360 mm radiator" in find(radiator, "fit.radiator").message
    atx_in_sfx = check(catalog, {**small, "psu": ("corsair-rm1000x-2024", 1)})
    assert find(atx_in_sfx, "fit.psu_form_factor").severity is Severity.ERROR
    sfx_in_atx = check(catalog, {"psu": ("corsair-sf1000-2024", 1)})
    assert find(sfx_in_atx, "fit.psu_form_factor").severity is Severity.INFO
    too_long = check(
        catalog,
        {"psu": ("super-flower-leadex-platinum-2000w", 1), "case": ("silverstone-rm52", 1)},
    )
    assert "220 mm" in find(too_long, "fit.psu_length").message


def test_drive_bays_and_sata_ports(catalog: Catalog) -> None:
    small = {
        "motherboard": ("asus-rog-strix-x670e-i-gaming-wifi", 1),
        "case": ("cooler-master-masterbox-nr200p", 1),
        "psu": ("corsair-sf1000-2024", 1),
        "cooler": ("thermalright-peerless-assassin-120-se", 1),
        "storage": ("seagate-ironwolf-pro-20tb", 3),
    }
    report = check(catalog, small)
    assert "3.5-inch" in find(report, "fit.drive_bays").message
    assert "2 SATA ports" in find(report, "storage.sata_ports").message
    assert (
        not {"fit.drive_bays", "storage.sata_ports"}
        & check(catalog, {**small, "storage": ("seagate-ironwolf-pro-20tb", 1)}).codes()
    )


# ---- cooling ----------------------------------------------------------------------------


def test_passive_cards(catalog: Catalog) -> None:
    desktop = check(catalog, {"gpu": ("a100-80gb-pcie", 1)})
    assert find(desktop, "cooling.passive_in_desktop").severity is Severity.ERROR
    rack = check(
        catalog,
        {
            "gpu": ("a100-80gb-pcie", 1),
            "case": ("silverstone-rm44", 1),
        },
    )
    assert "cooling.passive_in_desktop" not in rack.codes()
    assert find(rack, "cooling.passive_airflow").severity is Severity.INFO


def test_open_air_cards_with_a_free_slot_between_are_fine(catalog: Catalog) -> None:
    change = {
        "gpu": ("rtx-3090", 2),
        "cpu": ("threadripper-3960x", 1),
        "motherboard": ("gigabyte-trx40-aorus-xtreme", 1),
        "memory": ("corsair-vengeance-lpx-128gb-4x32-ddr4-3200-c16", 2),
        "psu": ("corsair-hx1500i-2023", 1),
        "case": ("corsair-7000d-airflow", 1),
        "cooler": ("noctua-nh-u14s-tr4-sp3", 1),
    }
    report = check(catalog, change)
    assert "cooling.adjacent_open_air" not in report.codes()
    assert report.layout is not None
    assert [p.position for p in report.layout.gpus] == [1, 5]


# ---- CPU, RAM, storage advice -------------------------------------------------------------


def test_cpu_cores_per_gpu(catalog: Catalog) -> None:
    report = check(catalog, {"cpu": ("ryzen-5-7600x", 1), "gpu": ("rtx-a4000", 4)})
    assert "6 cores for 4 GPUs" in find(report, "compatibility.cpu_cores_per_gpu").message
    assert "compatibility.cpu_cores_per_gpu" not in check(catalog).codes()


def test_system_ram_below_the_largest_gpu(catalog: Catalog) -> None:
    report = check(catalog, {"gpu": ("rtx-pro-6000-blackwell-workstation", 1)})
    finding = find(report, "memory.system_ram")
    assert "64 GB of RAM" in finding.message and "96 GB" in finding.message


def test_wall_circuit_headroom(catalog: Catalog) -> None:
    near_limit = {
        "gpu": ("rtx-5090", 2),
        "cpu": ("ryzen-5-7600x", 1),
        "psu": ("corsair-hx1500i-2023", 1),
        "case": ("corsair-7000d-airflow", 1),
    }
    report = check(catalog, near_limit, limit_w=540)
    finding = find(report, "power.wall_circuit_headroom")
    assert "of what a 120 V / 15 A circuit carries" in finding.message
    assert "power.wall_circuit" not in report.codes()
    assert "power.wall_circuit_headroom" not in check(catalog, near_limit, limit_w=450).codes()


def test_nvlink_pairs_are_explained(catalog: Catalog) -> None:
    change = {
        "gpu": ("rtx-3090", 2),
        "cpu": ("threadripper-3960x", 1),
        "motherboard": ("gigabyte-trx40-aorus-xtreme", 1),
        "memory": ("corsair-vengeance-lpx-128gb-4x32-ddr4-3200-c16", 2),
        "psu": ("corsair-hx1500i-2023", 1),
        "case": ("corsair-7000d-airflow", 1),
        "cooler": ("noctua-nh-u14s-tr4-sp3", 1),
    }
    finding = find(check(catalog, change), "pcie.nvlink")
    assert "56.25 GB/s" in finding.message and "4 slot(s) apart" in finding.message
    assert "pcie.nvlink" not in check(catalog, {"gpu": ("rtx-4090", 1)}).codes()


def test_ecc_kit_on_a_board_without_ecc(catalog: Catalog) -> None:
    change = {
        "motherboard": ("msi-mag-b650-tomahawk-wifi", 1),
        "memory": ("kingston-server-premier-32gb-ddr5-5600-ecc-udimm", 2),
    }
    finding = find(check(catalog, change), "compatibility.memory_ecc")
    assert finding.severity is Severity.INFO
    assert "without error correction" in finding.message


def test_mixed_memory_kits(catalog: Catalog) -> None:
    base = catalog.get("corsair-vengeance-64gb-2x32-ddr5-6000-c30")
    assert base is not None
    other = dataclasses.replace(base, id="test-other-kit", name="Other 64GB kit")
    report = check(catalog, {"storage": ("samsung-990-pro-2tb", 1)}, (other,))
    assert "compatibility.memory_mixed_kits" not in report.codes()
    build = Build(
        parts=(
            *(PartChoice(id=part_id, count=count) for part_id, count in BASE.values()),
            PartChoice(id=other.id),
        )
    )
    mixed = run_checks(build, catalog.overlay([(other, PartOrigin("test"))]))
    assert find(mixed, "compatibility.memory_mixed_kits").severity is Severity.WARNING


def test_the_picker_greys_out_a_240_v_supply_on_a_120_v_circuit(catalog: Catalog) -> None:
    from planner.core.assembly import Assembly
    from planner.core.build import Build
    from planner.core.hints import incompatibility

    only_240 = psu_like(catalog, 2400, min_input_v=200)
    for circuit, reason in (
        ("120v-15a", "takes 200-240 V only; the build's circuit is 120 V"),
        ("240v-20a", None),
    ):
        build = Build(settings=Settings(wall_circuit=circuit))
        assert incompatibility(only_240, Assembly.resolve(build, catalog)) == reason


def test_no_peer_to_peer_past_a_pair_and_the_measured_scaling_past_three(catalog: Catalog) -> None:
    pair = check(catalog, {"gpu": ("rtx-3090", 2)})
    assert "pcie.no_peer_to_peer" not in pair.codes()  # the NVLink bridge joins the pair
    three = find(check(catalog, {"gpu": ("rtx-3090", 3)}), "pcie.no_peer_to_peer")
    assert "(NVLink bridges join pairs only)" in three.message
    assert "Measured servers" not in three.message
    four = find(check(catalog, {"gpu": ("rtx-4090", 4)}), "pcie.no_peer_to_peer")
    assert "47, 76, 116, 67 and 68 sequences/s on 1, 2, 3, 4 and 8 cards" in four.message
    assert "slower than three" in four.message and "own CPU x16 or x8 link" in four.fix
