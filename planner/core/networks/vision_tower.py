"""The image encoder a multimodal language model carries: SigLIP (Gemma 3) or Pixtral
(Mistral Small 3.1), with the projector into the language model's width. Fine-tuning the
language model on text leaves it frozen and unused: it counts in the parameters and the
weights' memory, and runs no operation."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.networks.common import Params

KINDS = ("siglip", "pixtral")


@dataclass(frozen=True)
class VisionTower:
    kind: str  # siglip: LayerNorm, biases, learned positions; pixtral: RMSNorm, SwiGLU
    layers: int
    hidden: int
    ffn: int
    patch: int
    image: int
    text_hidden: int  # the language model's width the projector maps to
    merge: int = 2  # Pixtral's projector merges merge × merge patches

    def parameters(self) -> list[Params]:
        h, f, p = self.hidden, self.ffn, self.patch
        if self.kind == "siglip":
            patches = (self.image // p) ** 2
            layer = 2 * 2 * h + 4 * (h * h + h) + (f * h + f) + (h * f + h)
            items = [
                Params("vision.patch_embed", (h, 3, p, p), "frozen"),
                Params("vision.patch_embed.bias", (h,), "frozen"),
                Params("vision.positions", (patches, h), "frozen"),
                Params("vision.layers", (layer,), "frozen", self.layers),
                Params("vision.post_norm", (2 * h,), "frozen"),
                # Gemma 3's projector: a matrix into the text width and an RMS norm.
                Params("vision.projector", (h, self.text_hidden), "frozen"),
                Params("vision.projector_norm", (h,), "frozen"),
            ]
            return items
        layer = 2 * h + 4 * h * h + 3 * f * h
        return [
            Params("vision.patch_embed", (h, 3, p, p), "frozen"),
            Params("vision.pre_norm", (h,), "frozen"),
            Params("vision.layers", (layer,), "frozen", self.layers),
            # Mistral 3's projector: norm, patch merger, two linear layers.
            Params("vision.projector_norm", (h,), "frozen"),
            Params("vision.patch_merger", (h, h * self.merge**2), "frozen"),
            Params("vision.projector_1", (self.text_hidden, h), "frozen"),
            Params("vision.projector_2", (self.text_hidden, self.text_hidden), "frozen"),
        ]
