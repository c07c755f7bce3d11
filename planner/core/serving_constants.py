"""The constants of the serving model, each a share of a hardware peak that llama.cpp
reaches, fitted on published llama-bench runs (tests/data/published_serving.csv) by
tests/benchmarks/evaluate_serving.py, which reports their error on GPUs left out of the fit.

- token generation reads the weights and the cache once per step: the share of the memory
  bandwidth it reaches, for GDDR and for HBM (HBM's higher latency shows at these sizes),
  plus a fixed time per layer and step (launching and synchronising its kernels);
- prompt processing: the share of the FP16 tensor peak its matrix products reach, for
  16-bit weights (cuBLAS) and for quantized ones (llama.cpp's own MMQ kernels), plus a
  time per layer and 512-token micro-batch (the work around the products — norms, rotary
  embedding, quantizing activations, softmax, launching — that a bigger card does not
  shorten in proportion to its tensor peak)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServingConstants:
    decode_gddr: float  # share of GDDR bandwidth token generation reaches
    decode_hbm: float  # share of HBM bandwidth token generation reaches
    prefill: float  # share of the FP16 tensor peak prompt processing reaches, 16-bit
    prefill_quantized: float  # the same with quantized weights
    decode_layer_us: float = 0.0  # fixed time per layer of a decoding step, µs
    prefill_layer_us: float = 0.0  # time per layer of a prompt's 512-token micro-batch, µs
    # Prompt speed of the late-2023 llama.cpp builds in the measured data, relative to the
    # 2024 ones these shares describe: fitted and printed, never applied to estimates.
    prefill_2023: float = 1.0

    def bandwidth(self, bandwidth_gbs: float, hbm: bool) -> float:
        return bandwidth_gbs * 1e9 * (self.decode_hbm if hbm else self.decode_gddr)


# Fitted by tests/benchmarks/evaluate_serving.py on every GPU's rows (README, "Serving").
SERVING = ServingConstants(
    decode_gddr=0.909,
    decode_hbm=0.569,
    prefill=0.654,
    prefill_quantized=0.444,
    decode_layer_us=97.2,
    prefill_layer_us=959.6,
    prefill_2023=0.732,
)

# The range each serving speed is shown with: the 5th and 95th percentiles of measured ÷
# predicted on GPUs left out of the fit (printed by the same script).
DECODE_RANGE = (0.850, 1.147)
PREFILL_RANGE = (0.596, 1.308)
