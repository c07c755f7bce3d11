"""Mixture-of-experts feed-forward layers (Mixtral, Qwen2/3-MoE, DeepSeek-V2/V3, gpt-oss):
a router picks `per_token` of `experts` MLPs for each token; some models add shared experts
every token goes through, and keep their first layers dense.

Memory holds every expert; compute follows the chosen ones. Each expert's matrix products
see only the tokens routed to it (tokens × per_token / experts rows on average), which is
what makes small batches bandwidth-bound: every expert's weights are read for few rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Op, Params, elementwise, matmul
from planner.core.networks.saved_tensors import FP32, Precision

INDEX = 8  # int64 token indices of each expert's rows, kept for the backward scatter


@dataclass(frozen=True)
class MoE:
    experts: int
    per_token: int
    expert_ffn: int
    shared_ffn: int = 0  # width of the shared expert(s) together; 0: none
    shared_gate: bool = False  # Qwen2-MoE: a sigmoid gate on the shared expert's output
    dense_layers: int = 0  # the first layers keep a dense MLP (DeepSeek's first_k_dense)
    bias: bool = False  # biases on the experts' and the router's linear layers (gpt-oss)
    router_bias: bool = False  # a router bias alone (DeepSeek-V3's score correction)
    gated: bool = True  # SwiGLU experts: gate, up and down
    # Tensors the experts' activation keeps per hidden unit and row: SwiGLU as Hugging
    # Face writes it 4 (gate and up outputs, SiLU's output, the product); gpt-oss's clamped
    # SwiGLU 7 (both halves' slices and clamps, the sigmoid, two products and up + 1).
    act_tensors: int = 4

    @property
    def matrices(self) -> int:
        return 3 if self.gated else 2

    def moe_layers(self, layers: int) -> int:
        return max(0, layers - self.dense_layers)

    def parameters(self, hidden: int, layers: int) -> list[Params]:
        """Router, routed experts (one (experts, out, in) tensor per matrix) and shared
        experts of every MoE layer."""
        repeat = self.moe_layers(layers)
        e, f, h = self.experts, self.expert_ffn, hidden
        items = [Params("layers.moe.router", (e, h), "router", repeat)]
        if self.bias or self.router_bias:
            items.append(Params("layers.moe.router.bias", (e,), "bias", repeat))
        names = ("gate", "up", "down") if self.gated else ("up", "down")
        for name in names:
            shape: tuple[int, ...] = (e, h, f) if name == "down" else (e, f, h)
            items.append(Params(f"layers.moe.experts.{name}", shape, "expert", repeat))
            if self.bias:
                width = h if name == "down" else f
                items.append(Params(f"layers.moe.experts.{name}.bias", (e, width), "bias", repeat))
        if self.shared_ffn:
            s = self.shared_ffn
            for name in names:
                shape = (h, s) if name == "down" else (s, h)
                items.append(Params(f"layers.moe.shared.{name}", shape, "linear", repeat))
            if self.shared_gate:
                items.append(Params("layers.moe.shared_gate", (1, h), "linear", repeat))
        return items

    def idle_params(self, hidden: int, layers: int) -> int:
        """Parameters a token does not use: the experts the router did not pick."""
        per_expert = self.matrices * self.expert_ffn * hidden
        if self.bias:
            per_expert += (self.matrices - 1) * self.expert_ffn + hidden
        return (self.experts - self.per_token) * per_expert * self.moe_layers(layers)

    def forward_ops(self, tokens: int, hidden: int, layers: int) -> list[Op]:
        repeat = self.moe_layers(layers)
        if not repeat:
            return []
        e, k, f, h = self.experts, self.per_token, self.expert_ffn, hidden
        routed = tokens * k
        rows = max(1, routed // e)  # rows each expert's products see, on average
        touched = min(e, routed)  # experts whose weights are read at all
        ops = [
            matmul("router", tokens, e, h, repeat),
            Op("router_softmax_topk", "softmax", 6.0 * tokens * e, 2.0 * tokens * e, repeat),
        ]
        up = (2 if self.gated else 1) * f
        for name, out, inner in (("experts_up", up, h), ("experts_down", h, f)):
            flops = 2.0 * routed * out * inner
            moved = touched * out * inner + routed * (out + inner)
            ops.append(Op(name, "matmul", flops, moved, repeat, rows, out, inner))
        reads = 2 if self.gated else 1
        ops.append(elementwise("experts_act", routed * f, reads, 5.0, repeat))
        ops.append(elementwise("combine", routed * h, 2, 2.0, repeat))
        if self.shared_ffn:
            s = self.shared_ffn
            ops += [
                matmul("shared_up", tokens, (2 if self.gated else 1) * s, h, repeat),
                elementwise("shared_act", tokens * s, 2 if self.gated else 1, 5.0, repeat),
                matmul("shared_down", tokens, h, s, repeat),
            ]
        return ops

    def saved_bytes(self, tokens: int, hidden: int, prec: Precision, trained: bool) -> float:
        """One MoE layer's saved tensors (HF's loop over experts): the router's input and
        fp32 probabilities, each expert's gathered rows and their token indices, the expert
        MLPs' tensors for the routed rows, the routing weights and the weighted outputs; the
        shared expert like a dense MLP. `trained`: the expert weights get gradients (not
        frozen under LoRA/QLoRA without expert adapters)."""
        routed = tokens * self.per_token
        h, f, p = hidden, self.expert_ffn, prec.value
        saved = prec.linear_inputs(tokens * h, 1)  # the router reads the normalized input
        saved += tokens * self.experts * FP32 + routed * (INDEX + FP32)  # probs, ids, weights
        # Each expert's gathered input rows, its down projection's output (the routing
        # weight multiplies it) and the weighted product the scatter adds back.
        saved += 3 * routed * h * p
        # Gate and up outputs, the activation's output and the product down reads (gated);
        # the up output and the activation's (not gated).
        saved += routed * f * p * (self.act_tensors if self.gated else 2)
        if self.shared_ffn:
            s = self.shared_ffn
            saved += tokens * s * p * (3 if self.gated else 1)
            saved += prec.linear_inputs(tokens * h, 2 if self.gated else 1)
        return float(saved)
