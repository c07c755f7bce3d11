"""Dev-only: measure the bytes autograd saves for the backward pass of the real library models
(Hugging Face transformers, timm, diffusers) as they train on a CUDA GPU, for the planner's
activation model to be checked against (tests/test_activation_model.py). None of these
libraries is a runtime dependency of the planner.

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch "transformers<5" timm diffusers
    /tmp/torchenv/bin/python tests/tools/measure_library_activations.py \
        > tests/data/library_activations.json

It needs no GPU and downloads nothing: every model is built from a config in this file with
the published sizes of a catalog workload (catalog/workloads.toml), at full depth, with random
(fake) weights, in train mode with the dropout its config sets. Each case runs one forward
pass and the loss the library computes when it is given labels, under
torch.autograd.graph.saved_tensors_hooks, and sums the distinct storages autograd keeps,
leaving out the parameters. 16-bit storages shaped like a parameter are autocast's weight
casts: they are reported apart as weight_copy_bytes; the rest is activation_bytes. Settings:
fp32, and bf16 autocast with fp32 parameters (AMP); with and without gradient checkpointing as
the library enables it; eager and SDPA attention where the model has both. A run takes about
a minute on 2 cores.

How the run stands for a CUDA run (tests/tools/fake_cuda.py): the tensors are FakeTensors on
device "cuda", so each operator takes its CUDA path with no memory and no arithmetic. On a
real CPU run three things would differ from a GPU, and this way none does:
  * dropout: CUDA's native_dropout keeps a bool mask (1 byte per element); the CPU path
    multiplies by a noise tensor in the value dtype and keeps that (2 or 4 bytes);
  * autocast: CUDA autocast runs layer_norm, group_norm, softmax, log_softmax, pow, rsqrt,
    exp, sum and the losses in fp32 (their outputs, and what they save, are fp32); CPU
    autocast leaves them in bf16 (HF's Python tanh GELU and eager attention change most);
  * attention: the CPU SDPA kernel cannot do dropout and falls back to the math path (which
    keeps the score matrix); on CUDA flash or memory-efficient attention keeps q, k, v, the
    output and a log-sum-exp.
What a missing GPU still cannot answer is set by hand:
  * autocast is switched on with torch.set_autocast_enabled("cuda") (torch.autocast refuses
    "cuda" without a device); the weight cache works as in torch.autocast;
  * SDPA's kernel is chosen by the rules of torch's CUDA dispatcher on sm80 and newer: flash
    attention for 16-bit inputs without a mask, else memory-efficient (fp32, or a mask); the
    chosen aten kernel is called, so autograd keeps what that kernel's backward needs;
  * checkpointing does not stash the CUDA RNG state (a few bytes, not a saved tensor).
  * timm and diffusers checkpoint non-re-entrantly by default; they are run re-entrant here
    (the same inputs are kept; only re-entrant ones pass through saved_tensors_hooks). HF
    transformers 4.x checkpoints re-entrantly by default (use_reentrant=True).
  * Whisper draws LayerDrop (probability 0) from a tensor's value, and ViT's initialiser
    reads values too: LayerDrop is not drawn and weights are not initialised;
  * BERT's SDPA path drops an all-ones attention mask after reading its values, which a fake
    tensor cannot do; no padding is used, so the mask is dropped without the look.
The script ends with a cross-check: one small GPT-2 (fp32, no dropout, eager) measured on real
CPU tensors must give the same bytes as on fake CUDA ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import diffusers
import timm
import torch
import transformers
from torch import nn
from torch._subclasses.fake_tensor import FakeTensorMode
from transformers.models.bert import modeling_bert

sys.path.insert(0, str(Path(__file__).parent))
from fake_cuda import reentrant_checkpoint, saved_bytes
from library_models import Spec, lm_inputs, specs

DTYPES: dict[str, torch.dtype | None] = {"fp32": None, "bf16": torch.bfloat16}
HF_CHECKPOINTING = {"use_reentrant": True, "preserve_rng_state": False}


def set_checkpointing(model: nn.Module, on: bool) -> None:
    """Checkpointing as each library's users switch it on."""
    if isinstance(model, transformers.PreTrainedModel):
        if on:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=HF_CHECKPOINTING)
        else:
            model.gradient_checkpointing_disable()
    elif isinstance(model, diffusers.ModelMixin):
        if on:
            model.enable_gradient_checkpointing(gradient_checkpointing_func=reentrant_checkpoint)
        else:
            model.disable_gradient_checkpointing()
    else:
        timm.layers.set_reentrant_ckpt(True)
        model.set_grad_checkpointing(on)


def measure(
    spec: Spec,
    layers: int,
    attention: str,
    batch: int,
    seq_len: int,
    dtype: str,
    checkpointing: bool,
):  # type: ignore[no-untyped-def]
    model = spec.build(layers, attention)
    model.train()
    set_checkpointing(model, checkpointing)
    return saved_bytes(model, spec.inputs(model, batch, seq_len), DTYPES[dtype])


def cases(spec: Spec) -> list[dict[str, Any]]:
    rows = []
    for attention in spec.attention:
        for batch, seq_len in spec.shapes:
            for dtype in DTYPES:
                for checkpointing in (False, True):
                    args = (attention, batch, seq_len, dtype, checkpointing)
                    saved = measure(spec, spec.layers, *args)
                    row: dict[str, Any] = {
                        "workload": spec.workload,
                        "library": spec.library,
                        "model": spec.model,
                        "config": spec.config,
                        "architecture": spec.architecture,
                        "layers": spec.layers,
                        "layers_measured": spec.layers,
                        "batch": batch,
                        "seq_len": seq_len,
                        "dtype": dtype,
                        "checkpointing": checkpointing,
                        "use_reentrant": True if checkpointing else None,
                        "attention": attention,
                        "activation_bytes": saved.activation_bytes,
                        "weight_copy_bytes": saved.weight_copy_bytes,
                    }
                    if spec.layers:
                        one, two = (measure(spec, depth, *args) for depth in (1, 2))
                        row["per_layer_activation_bytes"] = (
                            two.activation_bytes - one.activation_bytes
                        )
                        row["per_layer_weight_copy_bytes"] = (
                            two.weight_copy_bytes - one.weight_copy_bytes
                        )
                    rows.append(row)
                    print(spec.workload, *args, saved, file=sys.stderr)
    return rows


def cross_check() -> dict[str, int]:
    """Real CPU tensors against fake CUDA ones on a case where the devices agree."""
    config = transformers.GPT2Config(
        n_layer=2,
        n_embd=128,
        n_head=4,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        attn_implementation="eager",
    )
    spec_inputs = (2, 64)
    with torch.device("cpu"):
        torch.manual_seed(0)
        model = transformers.GPT2LMHeadModel(config).train()
        real = saved_bytes(model, lm_inputs(model, *spec_inputs), None).activation_bytes
    with FakeTensorMode(), torch.device("cuda"):
        model = transformers.GPT2LMHeadModel(config).train()
        fake = saved_bytes(model, lm_inputs(model, *spec_inputs), None).activation_bytes
    assert real == fake, (real, fake)
    return {"cpu_bytes": real, "fake_cuda_bytes": fake}


def main() -> None:
    # An all-ones mask is what BERT's SDPA path drops after looking at it (no padding here).
    modeling_bert._prepare_4d_attention_mask_for_sdpa = lambda mask, dtype, tgt_len=None: None
    # A warning that reads the token ids (a fake tensor has no values to read).
    transformers.PreTrainedModel.warn_if_padding_and_no_attention_mask = lambda *args: None
    # Initial values never matter, and truncated-normal init reads them (ViT).
    torch.nn.init.trunc_normal_ = lambda tensor, *args, **kwargs: tensor
    rows: list[dict[str, Any]] = []
    with FakeTensorMode(), torch.device("cuda"):
        for spec in specs():
            rows += cases(spec)
    result = {
        "generated_by": "tests/tools/measure_library_activations.py",
        "device": "CUDA (fake tensors: CUDA dispatch paths, no GPU needed)",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "timm": timm.__version__,
            "diffusers": diffusers.__version__,
        },
        "cross_check": cross_check(),
        "cases": rows,
    }
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
