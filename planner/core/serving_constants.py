"""The constants of the serving model, each a share of a hardware peak that llama.cpp
reaches, fitted on published llama-bench runs (tests/data/published_serving.csv) by
tests/benchmarks/evaluate_serving.py, which reports their error on GPUs left out of the fit.

- token generation reads the weights and the cache once per step: the share of the memory
  bandwidth it reaches, for GDDR and for HBM (HBM's higher latency shows at these sizes);
- prompt processing: the share of the FP16 tensor peak its matrix products reach, for
  16-bit weights (cuBLAS) and for quantized ones (llama.cpp's own MMQ kernels)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServingConstants:
    decode_gddr: float  # share of GDDR bandwidth token generation reaches
    decode_hbm: float  # share of HBM bandwidth token generation reaches
    prefill: float  # share of the FP16 tensor peak prompt processing reaches, 16-bit
    prefill_quantized: float  # the same with quantized weights

    def bandwidth(self, bandwidth_gbs: float, hbm: bool) -> float:
        return bandwidth_gbs * 1e9 * (self.decode_hbm if hbm else self.decode_gddr)


# Fitted by tests/benchmarks/evaluate_serving.py on every GPU's rows (README, "Serving").
SERVING = ServingConstants(
    decode_gddr=0.775, decode_hbm=0.448, prefill=0.460, prefill_quantized=0.367
)

# The range each serving speed is shown with: the 5th and 95th percentiles of measured ÷
# predicted on GPUs left out of the fit (printed by the same script).
DECODE_RANGE = (0.719, 1.224)
PREFILL_RANGE = (0.456, 1.350)
