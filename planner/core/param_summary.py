"""Sums over a network's parameter tensors that the memory and speed models need: totals,
the matrices LoRA adapts and QLoRA quantizes, layer sizes, adapter sizes and optimizer
state bytes. Computed once per network and cached."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.networks.common import Network, Params

# bitsandbytes 8-bit optimizers: uint8 states with an fp32 absmax per 2048 values.
ADAM8BIT_STATE_BYTES = 2 + 2 * 4 / 2048
OPTIMIZERS = ("adamw", "sgd", "adamw8bit", "paged_adamw", "paged_adamw8bit", "adafactor")
# Which linear layers get LoRA adapters: PEFT's "all-linear", or the attention projections.
LORA_TARGETS = ("all", "attention")


def adapted(item: Params) -> bool:
    """Matrices LoRA adapts and QLoRA quantizes: every linear layer inside the repeated
    blocks (PEFT's "all-linear"), experts included, not the output head or the router."""
    if item.role == "expert":
        return True
    return item.role == "linear" and (item.repeat > 1 or ".attn" in item.name or "ff." in item.name)


def targeted(item: Params, targets: str) -> bool:
    """Matrices that carry a LoRA adapter for `targets`."""
    return adapted(item) and (targets == "all" or "attn" in item.name)


def optimizer_state_bytes(optimizer: str, params: tuple[Params, ...], value: int = 4) -> float:
    """Optimizer state bytes for the trainable tensors `params`, with states kept in
    `value`-byte floats (4 for an fp32 master copy, 2 for pure 16-bit training) unless the
    optimizer quantizes them (8-bit AdamW)."""
    total = 0.0
    for item in params:
        count = item.numel
        if optimizer in ("adamw", "paged_adamw"):
            total += 2 * value * count
        elif optimizer == "sgd":
            total += value * count
        elif optimizer in ("adamw8bit", "paged_adamw8bit"):
            total += ADAM8BIT_STATE_BYTES * count
        else:  # Adafactor: factored second moment of matrices, full for vectors, no momentum
            if len(item.shape) >= 2:
                rows, cols = item.shape[0], int(count / item.repeat / item.shape[0])
                total += value * (rows + cols) * item.repeat
            else:
                total += value * count
    return total


def lora_params(params: tuple[Params, ...], rank: int, targets: str) -> tuple[Params, ...]:
    """The adapter matrices A (rank × in) and B (out × rank) of every targeted matrix."""
    adapters = []
    for item in params:
        if targeted(item, targets) and len(item.shape) in (2, 3):
            # An expert tensor (experts, out, in) gets one adapter pair per expert.
            *experts, out_features, in_features = item.shape
            count = experts[0] if experts else 1
            size = count * rank * (in_features + out_features)
            adapters.append(Params(f"{item.name}.lora", (size,), "lora", item.repeat))
    return tuple(adapters)


@dataclass(frozen=True)
class Adapters:
    params: int
    tensors: int  # adapted matrices, counting repeats (each keeps a rank-wide activation)
    states: dict[tuple[str, int], float]  # optimizer state bytes by (optimizer, value bytes)


@dataclass(frozen=True)
class ParamSummary:
    """Sums over the parameters one GPU holds (with expert parallelism, its experts only)."""

    total: int
    frozen: int
    matrices: int  # linear and convolution weights (autocast casts these)
    adapted: int  # the matrices LoRA adapts and QLoRA quantizes
    largest_adapted: float
    largest_layer: float
    largest_tensor: float
    per_layer: float
    layers: int  # repeated blocks (the units FSDP wraps and gathers)
    trainable: tuple[Params, ...]
    params: tuple[Params, ...]
    experts: int = 0  # parameters in expert tensors (local to a GPU under expert parallelism)
    _states: dict[tuple[str, int], float] = field(default_factory=dict)
    _adapters: dict[tuple[int, str], Adapters] = field(default_factory=dict)

    def states(self, optimizer: str, value: int = 4) -> float:
        """Optimizer state bytes of all trainable tensors (full training)."""
        key = (optimizer, value)
        if key not in self._states:
            self._states[key] = optimizer_state_bytes(optimizer, self.trainable, value)
        return self._states[key]

    def adapters(self, rank: int, targets: str) -> Adapters:
        key = (rank, targets)
        if key not in self._adapters:
            items = lora_params(self.params, rank, targets)
            self._adapters[key] = Adapters(
                params=sum(item.numel for item in items),
                tensors=sum(item.repeat for item in items),
                states={},
            )
        return self._adapters[key]

    def adapter_states(self, rank: int, targets: str, optimizer: str, value: int) -> float:
        found = self.adapters(rank, targets)
        key = (optimizer, value)
        if key not in found.states:
            items = lora_params(self.params, rank, targets)
            found.states[key] = optimizer_state_bytes(optimizer, items, value)
        return found.states[key]


_summaries: dict[tuple[Network, int], ParamSummary] = {}


def summarize(network: Network, experts_split: int = 1) -> ParamSummary:
    """The network's parameters as one GPU holds them: with `experts_split` GPUs sharing
    the experts (expert parallelism), each keeps ⌈experts / split⌉ of every expert tensor."""
    cached = _summaries.get((network, experts_split))
    if cached is not None:
        return cached
    params = tuple(_split_experts(item, experts_split) for item in network.parameters())
    repeated = [item.numel / item.repeat for item in params if item.repeat > 1]
    summary = ParamSummary(
        total=sum(item.numel for item in params),
        frozen=sum(item.numel for item in params if item.role == "frozen"),
        matrices=sum(item.numel for item in params if item.role in ("linear", "conv")),
        adapted=sum(item.numel for item in params if adapted(item)),
        largest_adapted=max(
            (item.numel / item.repeat for item in params if adapted(item)), default=0.0
        ),
        largest_layer=max(repeated, default=0.0),
        largest_tensor=max((item.numel / item.repeat for item in params), default=0.0),
        per_layer=sum(repeated),
        layers=max((item.repeat for item in params), default=1),
        trainable=tuple(item for item in params if item.role != "frozen"),
        params=params,
        experts=sum(item.numel for item in params if item.role == "expert"),
    )
    _summaries[(network, experts_split)] = summary
    return summary


def _split_experts(item: Params, split: int) -> Params:
    if split <= 1 or item.role != "expert":
        return item
    count, *rest = item.shape
    return Params(item.name, (-(-count // split), *rest), item.role, item.repeat)


def expert_adapter_params(summary: ParamSummary, rank: int, targets: str) -> int:
    """LoRA parameters on expert tensors (they stay on their GPU under expert parallelism)."""
    experts = tuple(item for item in summary.params if item.role == "expert")
    return sum(item.numel for item in lora_params(experts, rank, targets))
