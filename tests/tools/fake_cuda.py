"""Dev-only helpers for tests/tools/measure_library_activations.py: run a library model as it
runs on a CUDA GPU, on a machine without one, and sum the bytes autograd saves.

The model and its inputs are FakeTensors on device "cuda" (torch._subclasses.FakeTensorMode):
no memory is allocated and no arithmetic is done, but every operator goes through the CUDA
dispatch path — CUDA autocast's cast lists, the CUDA branches of composite operators (dropout
keeps the bool mask of native_dropout) and the shapes and dtypes of the CUDA kernels — and
autograd records exactly the tensors it would save on a GPU. Three things cannot be asked of a
GPU that is not there, so they are set here (each is documented in the script's docstring):
autocast is switched on below torch.autocast (which refuses "cuda" without a device),
scaled_dot_product_attention picks its kernel by the rules of torch's CUDA dispatcher, and
checkpointing does not stash the CUDA RNG state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

SIXTEEN_BIT = (torch.bfloat16, torch.float16)
# Flash attention on sm80+ takes 16-bit q, k, v with a head size up to 256 and no mask.
FLASH_MAX_HEAD_DIM = 256


@contextlib.contextmanager
def cuda_autocast(dtype: torch.dtype | None) -> Iterator[None]:
    """torch.autocast("cuda", dtype) without the check for a CUDA device (None: off).

    The weight cache behaves as in torch.autocast: cast copies of leaf parameters are reused
    inside the region and dropped when the outermost region ends.
    """
    if dtype is None:
        yield
        return
    enabled = torch.is_autocast_enabled("cuda")
    previous = torch.get_autocast_dtype("cuda")
    torch.set_autocast_enabled("cuda", True)
    torch.set_autocast_dtype("cuda", dtype)
    torch.autocast_increment_nesting()
    try:
        yield
    finally:
        if torch.autocast_decrement_nesting() == 0:
            torch.clear_autocast_cache()
        torch.set_autocast_enabled("cuda", enabled)
        torch.set_autocast_dtype("cuda", previous)


def cuda_sdpa(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> torch.Tensor:
    """F.scaled_dot_product_attention as torch's CUDA dispatcher runs it on sm80 and newer.

    Autocast casts q, k, v (and a float mask) to 16-bit, as the op is on CUDA autocast's
    lower-precision list. Then flash attention for 16-bit inputs without a mask (grouped
    key/value heads are native to it), else the memory-efficient kernel (fp32 or a mask).
    Their autograd formulas keep q, k, v, the output (allocated as (b, s, heads, d), so a
    transpose back is free) and the fp32 log-sum-exp; dropout keeps only the RNG seed.
    cuDNN attention, which torch prefers on sm90/sm100 with a recent cuDNN, keeps the same.
    """
    del enable_gqa  # both kernels take fewer key/value heads than query heads as they are
    if torch.is_autocast_enabled("cuda"):
        low = torch.get_autocast_dtype("cuda")
        query, key, value = (tensor.to(low) for tensor in (query, key, value))
        if attn_mask is not None and attn_mask.is_floating_point():
            attn_mask = attn_mask.to(low)
    flash = (
        attn_mask is None and query.dtype in SIXTEEN_BIT and query.shape[-1] <= FLASH_MAX_HEAD_DIM
    )
    if flash:
        return torch.ops.aten._scaled_dot_product_flash_attention(
            query, key, value, dropout_p, is_causal, False, scale=scale
        )[0]
    return torch.ops.aten._scaled_dot_product_efficient_attention(
        query, key, value, attn_mask, True, dropout_p, is_causal, scale=scale
    )[0]


@contextlib.contextmanager
def cuda_kernels() -> Iterator[None]:
    """Route F.scaled_dot_product_attention (looked up at call time by the libraries) to
    cuda_sdpa while measuring."""
    original = F.scaled_dot_product_attention
    F.scaled_dot_product_attention = cuda_sdpa
    try:
        yield
    finally:
        F.scaled_dot_product_attention = original


@dataclass(frozen=True)
class Saved:
    """Bytes of the distinct storages autograd saved, parameters left out."""

    activation_bytes: int
    weight_copy_bytes: int  # autocast's 16-bit casts of parameters


# Nodes between a saved weight and its cast: views (linear saves weight.t()) and the cast.
_VIEWS = {
    "TBackward0",
    "ViewBackward0",
    "UnsafeViewBackward0",
    "TransposeBackward0",
    "PermuteBackward0",
    "ExpandBackward0",
    "AliasBackward0",
    "ToCopyBackward0",
}


def is_weight_copy(tensor: torch.Tensor) -> bool:
    """A 16-bit tensor made from a parameter by a cast and views only (autocast's cast)."""
    node = tensor.grad_fn
    cast = False
    while node is not None and node.name() in _VIEWS:
        cast = cast or node.name() == "ToCopyBackward0"
        inputs = [edge for edge, _ in node.next_functions if edge is not None]
        if len(inputs) != 1:
            return False
        node = inputs[0]
    return cast and node is not None and node.name() == "torch::autograd::AccumulateGrad"


def saved_bytes(model: nn.Module, run: Callable[[], object], dtype: torch.dtype | None) -> Saved:
    """Run `run` (a forward pass and loss) under autocast to `dtype` (None: off) and split
    what autograd saved into activations and autocast's 16-bit weight copies."""
    param_storages = {p.untyped_storage()._cdata for p in model.parameters()}
    storages: dict[int, tuple[int, bool]] = {}
    kept: list[torch.Tensor] = []  # alive until the end, so no storage address is reused

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage._cdata not in param_storages:
            copy = tensor.dtype in SIXTEEN_BIT and is_weight_copy(tensor)
            storages[storage._cdata] = (storage.nbytes(), copy)
            kept.append(tensor)
        return tensor

    with (
        cuda_kernels(),
        torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor),
        cuda_autocast(dtype),
    ):
        run()
    copies = sum(nbytes for nbytes, copy in storages.values() if copy)
    total = sum(nbytes for nbytes, _ in storages.values())
    return Saved(total - copies, copies)


def reentrant_checkpoint(function: Callable[..., object], *args: object) -> object:
    """torch.utils.checkpoint as the libraries call it, re-entrant so that the inputs it keeps
    pass through saved_tensors_hooks (non-re-entrant checkpointing keeps the same inputs, out
    of the hooks' sight), without stashing the CUDA RNG state (no CUDA device to ask)."""
    return torch.utils.checkpoint.checkpoint(
        function, *args, use_reentrant=True, preserve_rng_state=False
    )
