"""Multi-GPU rig hardware: risers, bifurcation adapters, open frames and two power supplies
change where cards stand, the links they get, and how power and circuits are split."""

from __future__ import annotations

import dataclasses

from planner.core.build import Build, PartChoice, Settings
from planner.core.catalog import Catalog, PartOrigin
from planner.core.checks import CheckReport, run_checks
from planner.core.findings import Finding, Severity
from planner.core.parts import Case, Motherboard, PartKind, Psu, Riser
from planner.core.riser_mount import link_share, split_board

WRX90 = "asus-pro-ws-wrx90e-sage-se"


def riser(part_id: str, gen: int = 4, length: int = 300, outputs: tuple[int, ...] = (16,)) -> Riser:
    return Riser(
        id=part_id,
        name=part_id,
        vendor="Test",
        pcie_gen=gen,
        length_mm=length,
        outputs=outputs,
        source=("test",),
    )


def frame(catalog: Catalog, positions: int = 8) -> Case:
    base = catalog.get("silverstone-rm52")
    assert isinstance(base, Case)
    return dataclasses.replace(
        base,
        id=f"test-frame-{positions}",
        name=f"Test frame {positions}",
        case_type="open-frame",
        expansion_slots=positions,
        max_gpu_length_mm=400,
        max_psu_length_mm=250,
        form_factors=("E-ATX", "SSI-EEB"),
    )


def rig(
    catalog: Catalog,
    gpus: tuple[str, int],
    extra: tuple[object, ...] = (),
    parts: tuple[tuple[str, int], ...] = (),
    board: str = WRX90,
    psu: tuple[str, int] = ("corsair-ax1600i", 2),
    case: str = "test-frame-8",
    settings: Settings | None = None,
) -> CheckReport:
    extras = (frame(catalog), frame(catalog, 6), *extra)
    merged = catalog.overlay((part, PartOrigin("test")) for part in extras)  # type: ignore[misc]
    choices = [
        PartChoice(id=gpus[0], count=gpus[1]),
        PartChoice(id="threadripper-pro-7975wx"),
        PartChoice(id=board),
        PartChoice(id="kingston-fury-renegade-pro-128gb-4x32-ddr5-6000-rdimm"),
        PartChoice(id=psu[0], count=psu[1]),
        PartChoice(id=case),
        PartChoice(id="noctua-nh-u14s-tr5-sp6"),
        PartChoice(id="samsung-990-pro-2tb"),
        *(PartChoice(id=part_id, count=count) for part_id, count in parts),
    ]
    build = Build(parts=tuple(choices), settings=settings or Settings(wall_circuit="230v-16a"))
    return run_checks(build, merged)


def find(report: CheckReport, code: str) -> Finding:
    found = [finding for finding in report.findings if finding.code == code]
    assert found, f"{code} not in {sorted(report.codes())}"
    return found[0]


def test_eight_cards_on_an_open_frame_with_risers_an_adapter_and_two_psus(
    catalog: Catalog,
) -> None:
    cable, split = riser("test-riser"), riser("test-x8x8", length=0, outputs=(8, 8))
    report = rig(
        catalog,
        ("rtx-3090", 8),
        (cable, split),
        (("test-riser", 6), ("test-x8x8", 1)),
        psu=("corsair-ax1600i", 3),
        settings=Settings(wall_circuit="230v-16a", psu_circuits=2),
    )
    layout = report.layout
    assert layout is not None and len(layout.gpus) == 8 and not layout.unplaced_gpus
    assert all(placement.riser for placement in layout.gpus)
    split_links = [p for p in layout.gpus if p.riser == "test-x8x8"]
    assert len(split_links) == 2 and {p.link_width for p in split_links} == {8}
    assert {p.slot.split("/")[0] for p in split_links} == {split_links[0].slot.split("/")[0]}
    assert all(p.link_gen == 4 for p in layout.gpus)  # the 3090 is a PCIe 4.0 card
    codes = report.codes()
    assert "fit.gpu_spacing" not in codes and "cooling.adjacent_open_air" not in codes
    assert "pcie.not_enough_slots" not in codes
    second = find(report, "power.second_psu")
    assert "PSU 2" in second.message and "Add2PSU" in second.fix
    unknown = find(report, "pcie.bifurcation_unknown")
    assert unknown.severity is Severity.WARNING and "manual" in unknown.fix
    # 8 × 350 W and a 350 W CPU over 3 × 1,600 W on two 230 V circuits
    assert not {"power.psu_capacity", "power.psu_headroom", "power.wall_circuit"} & codes
    assert "completeness.missing_memory" not in codes and "fit.psu_length" not in codes


def test_without_the_adapter_seven_slots_hold_seven_cards(catalog: Catalog) -> None:
    report = rig(catalog, ("rtx-3090", 8), (riser("test-riser"),), (("test-riser", 8),))
    assert report.layout is not None and len(report.layout.gpus) == 7
    assert "pcie.not_enough_slots" in report.codes()


def test_thick_cards_need_risers_only_where_they_cover_the_next_slot(catalog: Catalog) -> None:
    tower = rig(
        catalog,
        ("rtx-4090", 4),
        (riser("test-riser"),),
        (("test-riser", 4),),
        case="corsair-7000d-airflow",
    )
    layout = tower.layout
    assert layout is not None and len(layout.gpus) == 4
    on_risers = [p for p in layout.gpus if p.riser]
    assert 0 < len(on_risers) < 4  # some seated, the blocked ones lifted
    assert find(tower, "fit.riser_in_case").severity is Severity.INFO
    bare = rig(catalog, ("rtx-4090", 4), case="corsair-7000d-airflow")
    assert bare.layout is not None and len(bare.layout.gpus) < 4


def test_a_riser_caps_the_link_at_its_generation(catalog: Catalog) -> None:
    report = rig(catalog, ("rtx-5090", 2), (riser("test-gen4", gen=4),), (("test-gen4", 2),))
    layout = report.layout
    assert layout is not None and {p.link_gen for p in layout.gpus} == {4}
    finding = find(report, "pcie.riser_generation")
    assert "Gen4" in finding.fix and "PCIe 5.0" in finding.message


def test_long_risers_at_gen4_warn(catalog: Catalog) -> None:
    report = rig(catalog, ("rtx-3090", 2), (riser("test-long", length=600),), (("test-long", 2),))
    assert "600 mm" in find(report, "pcie.riser_length").message
    short = rig(catalog, ("rtx-3090", 2), (riser("test-short", length=300),), (("test-short", 2),))
    assert "pcie.riser_length" not in short.codes()


def test_a_split_the_bios_does_not_offer_is_an_error(catalog: Catalog) -> None:
    board = catalog.get(WRX90)
    assert isinstance(board, Motherboard)
    slots = tuple(dataclasses.replace(slot, bifurcation=("8x8",)) for slot in board.pcie_slots)
    strict = dataclasses.replace(board, id="test-x8x8-only", pcie_slots=slots)
    quad = riser("test-quad", length=0, outputs=(4, 4, 4, 4))
    report = rig(catalog, ("rtx-3090", 2), (strict, quad), (("test-quad", 1),), "test-x8x8-only")
    assert find(report, "pcie.bifurcation_unsupported").severity is Severity.ERROR
    pair = riser("test-pair", length=0, outputs=(8, 8))
    fine = rig(catalog, ("rtx-3090", 2), (strict, pair), (("test-pair", 1),), "test-x8x8-only")
    assert not {"pcie.bifurcation_unsupported", "pcie.bifurcation_unknown"} & fine.codes()


def test_a_frame_holds_only_its_positions(catalog: Catalog) -> None:
    report = rig(
        catalog, ("rtx-3090", 7), (riser("test-riser"),), (("test-riser", 7),), case="test-frame-6"
    )
    assert "holds 6 GPUs" in find(report, "fit.frame_positions").message


def test_each_psu_carries_whole_cards(catalog: Catalog) -> None:
    ax = catalog.get("corsair-ax1600i")
    assert isinstance(ax, Psu)
    small = dataclasses.replace(ax, id="test-psu-700", wattage_w=700)

    def with_cards(count: int) -> CheckReport:
        return rig(
            catalog,
            ("rtx-3090", count),
            (riser("test-riser"), small),
            (("test-riser", count), ("test-psu-700", 1)),
            psu=("corsair-ax1600i", 1),
        )

    # PSU 2 takes one 350 W card (424 W with margins); PSU 1 the CPU and two cards.
    three = with_cards(3)
    assert not {"power.psu_capacity", "power.psu_headroom"} & three.codes()
    four = with_cards(4)
    finding = find(four, "power.psu_headroom")
    assert finding.message.startswith("PSU 1 (") and "GPUs 1, 2, 4" in finding.message


def test_two_circuits_split_the_wall_draw(catalog: Catalog) -> None:
    one = rig(
        catalog,
        ("rtx-3090", 6),
        (riser("test-riser"),),
        (("test-riser", 6),),
        settings=Settings(wall_circuit="120v-20a"),
    )
    assert "power.wall_circuit" in one.codes()
    two = rig(
        catalog,
        ("rtx-3090", 6),
        (riser("test-riser"),),
        (("test-riser", 6),),
        settings=Settings(wall_circuit="120v-20a", psu_circuits=2),
    )
    assert "power.wall_circuit" not in two.codes()
    eight = rig(
        catalog,
        ("rtx-3090", 8),
        (riser("test-riser"),),
        (("test-riser", 8),),
        psu=("corsair-ax1600i", 3),
        settings=Settings(wall_circuit="120v-20a", psu_circuits=2),
    )
    tripped = find(eight, "power.wall_circuit")
    assert tripped.message.startswith("On the other supplies' circuit")


def test_split_board_shares_the_slot_lanes(catalog: Catalog) -> None:
    board = catalog.get("asus-proart-x670e-creator-wifi")
    assert isinstance(board, Motherboard)
    quad = riser("test-quad", length=0, outputs=(4, 4, 4, 4))
    split, hosted = split_board(board, {"PCIEX16(G5)_1": quad})
    names = [slot.name for slot in split.pcie_slots]
    assert names[:4] == [f"PCIEX16(G5)_1/{n}" for n in range(1, 5)]
    assert set(hosted) == set(names[:4])
    # the board narrows slot 1 to x8 when slot 2 is used: each x4 link gets x2
    narrowed = [rule for rule in split.lane_sharing if rule.slot == "PCIEX16(G5)_1/1"]
    assert narrowed and narrowed[0].width == link_share(4, 8) == 2


def test_riser_records_are_checked(catalog: Catalog) -> None:
    from planner.core.catalog import parse_part
    from planner.core.errors import RecordError

    good = {"id": "r", "name": "R", "vendor": "V", "source": ["s"], "pcie_gen": 4}
    parsed = parse_part(PartKind.RISER, {**good, "length_mm": 200, "outputs": [16]})
    assert isinstance(parsed, Riser) and parsed.bifurcation_mode is None
    for outputs in ([16, 16], [8, 4], []):
        try:
            parse_part(PartKind.RISER, {**good, "length_mm": 0, "outputs": outputs})
        except RecordError as error:
            assert "outputs" in str(error)
        else:
            raise AssertionError(f"{outputs} accepted")


def test_four_split_slots_hold_eight_cards_with_no_other_risers(catalog: Catalog) -> None:
    pair = riser("test-x8x8", length=0, outputs=(8, 8))
    report = rig(catalog, ("rtx-3090", 8), (pair,), (("test-x8x8", 4),))
    layout = report.layout
    assert layout is not None and len(layout.gpus) == 8
    # as few splits as place them all: the cards left whole keep x16
    split = [p for p in layout.gpus if "/" in p.slot]
    assert split and {p.link_width for p in split} == {8}
    assert min(p.link_width for p in layout.gpus) == 8
