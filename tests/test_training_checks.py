"""Memory and dataset-storage findings for the workloads a build trains."""

from __future__ import annotations

from planner.core.build import Build, PartChoice, WorkloadChoice
from planner.core.catalog import Catalog
from planner.core.checks import run_checks
from planner.core.findings import Severity
from planner.io.workload_files import load_workloads

WORKLOADS = load_workloads()
PARTS = {
    "gpu": "rtx-4090",
    "cpu": "ryzen-9-7950x",
    "motherboard": "asus-proart-x670e-creator-wifi",
    "memory": "corsair-vengeance-64gb-2x32-ddr5-6000-c30",
    "psu": "corsair-rm1000x-2024",
    "case": "fractal-design-north",
    "cooler": "deepcool-ak620",
    "storage": "samsung-990-pro-2tb",
}


def build(*workloads: WorkloadChoice, **swap: str) -> Build:
    parts = {**PARTS, **swap}
    return Build(
        parts=tuple(PartChoice(id=part_id) for part_id in parts.values()), workloads=workloads
    )


def codes(catalog: Catalog, *workloads: WorkloadChoice, **swap: str) -> dict[str, object]:
    report = run_checks(build(*workloads, **swap), catalog, WORKLOADS)
    return {finding.code: finding for finding in report.findings}


def test_a_fitting_workload_gives_no_memory_finding(catalog: Catalog) -> None:
    found = codes(
        catalog,
        WorkloadChoice(
            id="llama-2-7b", mode="qlora", batch_size=4, seq_len=2048, activation_checkpointing=True
        ),
    )
    assert not any(code.startswith("memory.") for code in found)


def test_too_big_for_the_gpu_is_an_error_with_fixes(catalog: Catalog) -> None:
    found = codes(catalog, WorkloadChoice(id="llama-2-7b", mode="full", batch_size=4, seq_len=2048))
    finding = found["memory.gpu_fit"]
    assert finding.severity is Severity.ERROR  # type: ignore[attr-defined]
    assert "24 GB" in finding.message and "optimizer" in finding.message  # type: ignore[attr-defined]
    assert "QLoRA" in finding.fix or "LoRA" in finding.fix  # type: ignore[attr-defined]
    assert "a GPU with 183 GB or more" in finding.fix  # type: ignore[attr-defined]


def test_nearly_full_gpu_is_a_warning(catalog: Catalog) -> None:
    from planner.core.assembly import Assembly
    from planner.core.calibrated import CONSTANTS, SPEED_RANGES
    from planner.core.checks.context import CheckContext
    from planner.core.workload_estimates import estimate_build

    choice = WorkloadChoice(
        id="llama-2-7b", mode="qlora", batch_size=1, seq_len=2048, activation_checkpointing=True
    )
    context = CheckContext(Assembly.resolve(build(choice), catalog), catalog, WORKLOADS)
    largest = estimate_build(
        context.assembly, context.layout, context.power, WORKLOADS, CONSTANTS, SPEED_RANGES
    )[0]
    assert largest.estimate is not None
    edge = largest.estimate.largest_batch
    found = codes(
        catalog,
        WorkloadChoice(
            id="llama-2-7b",
            mode="qlora",
            batch_size=edge,
            seq_len=2048,
            activation_checkpointing=True,
        ),
    )
    assert "memory.gpu_fit" not in found
    assert "memory.gpu_tight" in found or edge > 1


def test_offload_needs_host_ram(catalog: Catalog) -> None:
    choice = WorkloadChoice(
        id="llama-2-13b",
        mode="full",
        batch_size=1,
        seq_len=1024,
        activation_checkpointing=True,
        offload_optimizer=True,
    )
    found = codes(catalog, choice)
    assert "memory.host_ram" in found
    assert "GiB of system RAM" in found["memory.host_ram"].message  # type: ignore[attr-defined]


def test_dataset_and_checkpoints_need_room(catalog: Catalog) -> None:
    small = "samsung-870-evo-2tb"
    found = codes(
        catalog,
        WorkloadChoice(
            id="llama-2-70b",
            mode="qlora",
            batch_size=1,
            seq_len=1024,
            activation_checkpointing=True,
        ),
        storage=small,
    )
    assert "storage.capacity" in found
    assert "checkpoints" in found["storage.capacity"].message  # type: ignore[attr-defined]


def test_imagenet_from_a_hard_disk_is_too_slow(catalog: Catalog) -> None:
    choice = WorkloadChoice(id="resnet-50", precision="bf16", batch_size=256, optimizer="sgd")
    found = codes(catalog, choice, storage="seagate-ironwolf-pro-20tb")
    assert "storage.read_speed" in found
    assert "random small-file reads" in found["storage.read_speed"].message  # type: ignore[attr-defined]
    assert "storage.read_speed" not in codes(catalog, choice)


def test_a_workload_that_cannot_be_estimated_is_an_error_in_check(catalog: Catalog) -> None:
    unknown = codes(catalog, WorkloadChoice(id="no-such-network"))
    finding = unknown["memory.workload_invalid"]
    assert finding.severity is Severity.ERROR  # type: ignore[attr-defined]
    assert "no-such-network" in finding.message  # type: ignore[attr-defined]
    impossible = codes(
        catalog,
        WorkloadChoice(
            inline={
                "family": "decoder",
                "layers": 1_000_000_000,
                "hidden": 64,
                "heads": 4,
                "ffn": 128,
                "vocab": 100,
                "seq_len": 64,
            }
        ),
    )
    assert "layers" in impossible["memory.workload_invalid"].message  # type: ignore[attr-defined]
    too_long = codes(catalog, WorkloadChoice(id="gpt2", seq_len=5000))
    assert "1024 positions" in too_long["memory.workload_invalid"].message  # type: ignore[attr-defined]
    fine = codes(catalog, WorkloadChoice(id="gpt2", batch_size=4))
    assert "memory.workload_invalid" not in fine
