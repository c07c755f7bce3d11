"""The workload catalog: every network's architecture gives its published parameter count."""

from __future__ import annotations

import pytest

from planner.core.errors import RecordError
from planner.core.networks.common import total_params
from planner.core.workloads import build_network, inline_workload, parse_architecture
from planner.io.workload_files import load_workloads

WORKLOADS = load_workloads()
REQUIRED = [
    "resnet-50",
    "vit-b-16",
    "vit-l-16",
    "bert-base",
    "bert-large",
    "gpt2",
    "gpt2-medium",
    "gpt2-large",
    "gpt2-xl",
    "llama-2-7b",
    "llama-2-13b",
    "llama-2-70b",
    "llama-3-2-1b",
    "llama-3-2-3b",
    "llama-3-1-8b",
    "llama-3-1-70b",
    "mistral-7b",
    "qwen2-5-0-5b",
    "qwen2-5-1-5b",
    "qwen2-5-3b",
    "qwen2-5-7b",
    "qwen2-5-14b",
    "stable-diffusion-1-5-unet",
    "whisper-small",
    "whisper-large-v3",
]


def test_catalog_has_the_promised_networks() -> None:
    assert [workload_id for workload_id in REQUIRED if workload_id not in WORKLOADS] == []


@pytest.mark.parametrize("workload_id", sorted(WORKLOADS))
def test_parameter_count_matches_the_published_one(workload_id: str) -> None:
    workload = WORKLOADS[workload_id]
    count = total_params(build_network(workload.architecture).parameters())
    # BERT adds its 1.5K-parameter SQuAD head to the published BertModel count.
    assert count == pytest.approx(workload.params_published, rel=2e-5)
    assert workload.dataset_samples > 0 and workload.source


def test_inline_transformer_from_design_example() -> None:
    architecture = parse_architecture(
        {
            "family": "decoder",
            "layers": 24,
            "hidden": 2048,
            "heads": 16,
            "kv_heads": 16,
            "ffn": 8192,
            "gated_ffn": False,
            "vocab": 50368,
            "seq_len": 2048,
        }
    )
    workload = inline_workload(architecture)
    # 24 layers × 12·h² (4h² attention + 8h² MLP) + 2 norms, plus untied embedding and head.
    expected = 24 * (12 * 2048 * 2048 + 2 * 2048) + 2048 + 2 * 50368 * 2048
    assert workload.params_published == expected


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"family": "decoder", "layers": 2}, "hidden"),
        (
            {
                "family": "decoder",
                "layers": 2,
                "hidden": 100,
                "heads": 3,
                "ffn": 4,
                "vocab": 9,
                "seq_len": 8,
            },
            "heads",
        ),
        (
            {
                "family": "decoder",
                "layers": 2,
                "hidden": 64,
                "heads": 8,
                "kv_heads": 3,
                "ffn": 4,
                "vocab": 9,
                "seq_len": 8,
            },
            "kv_heads",
        ),
        ({"family": "transformer"}, "family"),
        ({"family": "resnet", "blocks": [3, 4], "colour": "red"}, "colour"),
    ],
)
def test_bad_inline_architectures_name_the_field(table: dict[str, object], field: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_architecture(table)
    assert caught.value.location.field == field


@pytest.mark.parametrize("workload_id", sorted(WORKLOADS))
def test_every_workload_estimates_on_a_workstation_gpu(workload_id: str) -> None:
    from planner.core.calibrated import CONSTANTS, SPEED_RANGES
    from planner.core.cases import estimate_case
    from planner.core.parts import Gpu
    from planner.io.catalog_files import load_builtin_catalog

    gpus = {part.id: part for part in load_builtin_catalog() if isinstance(part, Gpu)}
    case: dict[str, object] = {
        "gpu": "rtx-pro-6000-blackwell-workstation",
        "workload": workload_id,
        "batch_size": 1,
    }
    workload = WORKLOADS[workload_id]
    if workload.family == "decoder" and workload.params_published > 3e9:
        # How one trains 7B-70B models on one GPU: 4-bit base, recomputed activations.
        case.update(mode="qlora", activation_checkpointing=True)
    if workload.family == "flux":
        # FLUX.1 is fine-tuned with LoRA on a 16-bit base, as diffusers' examples do.
        case.update(mode="lora", activation_checkpointing=True)
    if workload.params_published > 150e9:
        # 235B-671B mixtures of experts: a 4-bit base sharded over eight 141 GB GPUs.
        case.update(gpu="h200-sxm-141gb", gpu_count=8, sharding="fsdp")
    result = estimate_case(case, gpus, WORKLOADS, CONSTANTS, SPEED_RANGES)
    assert result.samples_per_s > 0 and result.time_to_train_s > 0
    assert result.memory.fits, result.memory.to_json()
    assert result.largest_batch >= 1
