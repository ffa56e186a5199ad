# RUN: %python %s
"""w4a16.matmul on the CPU against the float64 reference: GPTQ and AWQ
layouts, every zero-point kind, G = 16, 32, 64, 128 and per-channel, with K
and N that are not multiples of 64. f16 activations; f32 results (relative
error bound 1e-5: f32 accumulation only, sensitive to any single wrong
weight) and f16 results (bound 2e-3: one f16 rounding of the result)."""
import sys

from quant_cases import MatmulCase, check_cases
from w4a16 import Scheme

CASES = [
    # GPTQ: symmetric with odd N, then each zero-point kind and group size.
    MatmulCase(Scheme("gptq", 32, "symmetric"), [3], 160, 37, out="f32"),
    MatmulCase(Scheme("gptq", 16, "symmetric"), [16], 208, 40),
    MatmulCase(Scheme("gptq", 64, "none"), [3], 192, 72, out="f32"),
    MatmulCase(Scheme("gptq", 128, "packed"), [1], 384, 40),
    MatmulCase(Scheme("gptq", 32, "packed", gptq_v1=True), [33], 96, 24,
               out="f32"),
    MatmulCase(Scheme("gptq", -1, "packed", gptq_v1=True), [3], 200, 40),
    MatmulCase(Scheme("gptq", 32, "float"), [3], 96, 72, out="f32"),
    MatmulCase(Scheme("gptq", -1, "symmetric"), [1], 88, 24),
    # AWQ: always packed along N, N a multiple of 8.
    MatmulCase(Scheme("awq", 32, "packed"), [3], 160, 72, out="f32"),
    MatmulCase(Scheme("awq", 16, "packed"), [33], 208, 24),
    MatmulCase(Scheme("awq", 64, "symmetric"), [16], 192, 40, out="f32"),
    MatmulCase(Scheme("awq", 128, "packed"), [1], 384, 24),
    MatmulCase(Scheme("awq", -1, "float"), [3], 200, 40, zeros="f32"),
    MatmulCase(Scheme("awq", 32, "none"), [3], 96, 72, out="f32"),
]

if __name__ == "__main__":
    sys.exit(check_cases(CASES, seed=1))
