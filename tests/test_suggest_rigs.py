"""Suggestions for rigs no tower holds: cards on riser cables standing on an open frame (with
x8/x8 adapters only in slots whose split the catalog knows), and two power supplies when one
cannot carry the cards - the second on a circuit of its own where the user has one."""

from __future__ import annotations

from planner.core.assembly import Assembly
from planner.core.build import Build, WorkloadChoice
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.parts import PartKind
from planner.core.suggest import Constraints, suggest
from planner.io.catalog_files import load_builtin_catalog
from planner.io.workload_files import load_workloads

WORKLOADS = load_workloads()
TRAIN = (WorkloadChoice(id="bert-large", batch_size=32),)
RESNET = (WorkloadChoice(id="resnet-50", batch_size=256),)  # scales over four cards


def count_of(build: Build, catalog: Catalog, kind: PartKind) -> int:
    return sum(c.count for c in build.parts if (p := catalog.get(c.id)) and p.KIND is kind)


def with_cards(found, gpu: str, count: int):  # type: ignore[no-untyped-def]
    return [
        c.build for c in found.front if any(p.id == gpu and p.count == count for p in c.build.parts)
    ]


def test_four_cards_no_tower_holds_stand_on_a_frame_with_risers() -> None:
    """Four 3-slot RTX 3090 Founders Editions fit no catalog tower: the suggestion stands
    them on an open frame, each on a riser cable, and passes every check."""
    catalog = load_builtin_catalog()
    constraints = Constraints(wall_circuit="240v-30a", keep=("rtx-3090",))
    [build] = with_cards(suggest(TRAIN, catalog, WORKLOADS, constraints), "rtx-3090", 4)
    rig = Assembly.resolve(build, catalog)
    assert rig.case is not None and rig.case.case_type == "open-frame"
    assert sum(1 for riser in rig.risers if riser.outputs == (16,)) == 4  # one per card
    if any(len(riser.outputs) > 1 for riser in rig.risers):
        board = rig.motherboard  # an adapter only in a slot whose BIOS split is known
        assert board is not None and any("8x8" in (s.bifurcation or ()) for s in board.pcie_slots)
    report = run_checks(build, catalog, WORKLOADS)
    assert not report.has_errors
    assert "pcie.bifurcation_unknown" not in report.codes()


def test_a_second_supply_on_a_circuit_of_its_own_or_a_power_limit() -> None:
    """Four RTX 4090s at 450 W draw more than one 120 V / 20 A circuit carries: with one
    circuit the suggestion limits them to 315 W (70% of board power, where speed falls
    little); with a second circuit for a second supply, two supplies share the cards at full
    power and each circuit carries its own."""
    catalog = load_builtin_catalog()
    one = Constraints(wall_circuit="120v-20a", keep=("rtx-4090",))
    [limited] = with_cards(suggest(RESNET, catalog, WORKLOADS, one), "rtx-4090", 4)
    [cards] = [c for c in limited.parts if c.id == "rtx-4090"]
    assert cards.power_limit_w == 315 and limited.name.endswith("limited to 315 W")
    assert not run_checks(limited, catalog, WORKLOADS).has_errors
    two = Constraints(wall_circuit="120v-20a", keep=("rtx-4090",), psu_circuits=2)
    [build] = with_cards(suggest(RESNET, catalog, WORKLOADS, two), "rtx-4090", 4)
    [cards] = [c for c in build.parts if c.id == "rtx-4090"]
    assert cards.power_limit_w is None
    assert count_of(build, catalog, PartKind.PSU) == 2
    assert build.settings.psu_circuits == 2
    report = run_checks(build, catalog, WORKLOADS)
    assert not report.has_errors
    assert "power.second_psu" in report.codes()  # how the two supplies start together


def test_the_dialog_asks_for_a_second_circuit(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The suggest dialog starts from the build's own setting and passes the choice on."""
    from pathlib import Path

    from planner.ui.suggest_dialog import SuggestDialog

    samples = Path(__file__).resolve().parents[1] / "resources" / "samples"
    window = driver.window
    assert window.files.open(samples / "eight-gpu-open-frame.rigplan.toml")
    dialog = SuggestDialog(window.document, window)
    qtbot.addWidget(dialog)
    assert dialog.second_circuit.isChecked()  # the sample plugs its second PSU in elsewhere
    assert dialog.constraints().psu_circuits == 2
    dialog.second_circuit.setChecked(False)
    assert dialog.constraints().psu_circuits == 1


def test_tower_means_a_mid_or_full_tower_on_the_command_line() -> None:
    import json

    from cli_runner import planner

    found = planner(
        "suggest", "--workload", "bert-base", "--case-type", "tower", "--max-gpus", "2", "--json"
    )
    assert found.returncode == 0, found.stderr
    catalog = load_builtin_catalog()
    front = json.loads(found.stdout)["front"]
    assert front
    for entry in front:
        cases = [catalog.get(p["id"]) for p in entry["parts"] if p["id"] in catalog.parts]
        kinds = {c.case_type for c in cases if c is not None and c.KIND is PartKind.CASE}
        assert kinds and kinds <= {"mid-tower", "full-tower"}
    wrong = planner("suggest", "--workload", "bert-base", "--case-type", "tall")
    assert wrong.returncode == 2 and "invalid choice: 'tall'" in wrong.stderr
