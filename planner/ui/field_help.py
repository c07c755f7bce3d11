"""What each workload control means, in the words a tooltip shows: one home for the text
so the panel, the advanced group and their tests agree."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

# The training settings: each row's label and attribute (also its help key, see describe).
TRAINING_ROWS = (
    ("Training", "mode"),
    ("Precision", "precision"),
    ("Micro-batch per GPU", "batch"),
    ("Sequence length", "seq"),
    ("Optimizer", "optimizer"),
    ("", "checkpointing"),
    ("Sharding", "sharding"),
    ("Run", "task"),
    ("Epochs", "epochs"),
)

FIELD_HELP = {
    "add": "Add the chosen network to this build's workloads",
    "define": "Describe your own transformer: layers, width, heads, vocabulary, sequence",
    "remove": "Remove the selected workload from this build",
    "mode": "Full training updates every weight; LoRA trains small adapters on a frozen "
    "16-bit model; QLoRA does the same on a 4-bit model",
    "precision": "The number format of the matrix multiplications; bf16 and fp16 use the "
    "tensor cores, fp32 does not, tf32 does for fp32 models on Ampere and newer",
    "batch": "Examples each GPU processes per step; the global batch is this × GPUs × "
    "gradient accumulation. Memory for activations grows with it",
    "seq": "Tokens per example for language models; 'default' is the workload's own length",
    "optimizer": "Optimizer states per parameter: AdamW keeps two fp32 values (8 bytes), "
    "8-bit AdamW two bytes, SGD momentum one value, Adafactor factored rows and columns",
    "checkpointing": "Keep only each layer's input and recompute the rest in backward: far "
    "less activation memory for about a third more compute",
    "sharding": "How the model states are split over the build's GPUs",
    "task": "What a run means: the workload's own (dataset × epochs or pre-training), a "
    "fine-tune, or pre-training on 20 tokens per parameter (Chinchilla)",
    "epochs": "Passes over the dataset in a fine-tune; 'default' is the workload's own",
    "attention": "Fused attention (PyTorch SDPA, FlashAttention) keeps no score matrix; "
    "eager attention stores it per head, which is what old scripts do",
    "compile": "torch.compile fuses pointwise kernels: fewer memory round trips",
    "master": "Which copies of the weights training keeps: fp32 with autocast, pure 16-bit, "
    "or 16-bit weights beside an fp32 master copy",
    "in_backward": "Step the optimizer per parameter during backward, so full gradients "
    "are never held at once",
    "accum": "Micro-batches summed before each optimizer step: a larger global batch for "
    "the same memory",
    "packing": "Concatenate short examples into full sequences instead of padding each one",
    "tokens": "Mean tokens per example of your dataset; 'dataset's' uses the workload's",
    "rank": "Rank of the LoRA adapters: their parameters grow linearly with it",
    "targets": "Which linear layers get adapters",
    "offload": "Keep optimizer states (or parameters too) in system RAM and stream them "
    "over PCIe: less GPU memory, more time per step",
    "p2p": "Whether the GPUs can copy to each other directly; off sends traffic through "
    "system memory",
    "expert_parallel": "Mixture of experts: each GPU keeps its share of the experts and "
    "tokens travel to them and back over the link (all-to-all) in every expert layer",
}

SHARDING_HELP = {
    "none": "Every GPU holds the whole model and its optimizer (plain data parallel, DDP)",
    "zero1": "DeepSpeed ZeRO stage 1: optimizer states split over the GPUs",
    "zero2": "DeepSpeed ZeRO stage 2: optimizer states and gradients split",
    "zero3": "DeepSpeed ZeRO stage 3: optimizer states, gradients and weights split; the "
    "weights are gathered layer by layer in forward and backward",
    "fsdp": "PyTorch FSDP (full shard): splits the same states as ZeRO-3 and gathers each "
    "wrapped block's weights when it runs",
}


def describe(widget: QWidget, field: str) -> None:
    widget.setToolTip(FIELD_HELP[field])


def describe_items(combo: QComboBox, help_by_value: dict[str, str]) -> None:
    """A tooltip on each choice of a combo box, from its data value."""
    from PySide6.QtCore import Qt

    for index in range(combo.count()):
        text = help_by_value.get(str(combo.itemData(index)))
        if text:
            combo.setItemData(index, text, Qt.ItemDataRole.ToolTipRole)
