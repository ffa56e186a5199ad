# RUN: %python %s
"""w4a16.matmul with act-order: g_idx is a shuffled permutation of k // G, so
the groups are scattered over K. GPTQ with each zero-point kind, f16 and
bf16. Relative error bounds: f32 results 1e-5, f16 results 2e-3."""
import sys

from quant_cases import MatmulCase, check_cases
from w4a16 import Scheme

CASES = [
    MatmulCase(Scheme("gptq", 32, "symmetric"), [3], 160, 40, out="f32",
               act_order=True),
    MatmulCase(Scheme("gptq", 16, "packed", gptq_v1=True), [16], 208, 24,
               act="bf16", out="f32", act_order=True),
    MatmulCase(Scheme("gptq", 64, "packed"), [33], 192, 72, act_order=True),
    MatmulCase(Scheme("gptq", 128, "float"), [1], 384, 40, out="f32",
               act_order=True),
    MatmulCase(Scheme("awq", 32, "packed"), [3], 96, 24, out="f32",
               act_order=True),
    MatmulCase(Scheme("gptq", 32, "none"), [2, 3], 96, 37, out="f32",
               act_order=True, dynamic_dims=(1,)),
]

if __name__ == "__main__":
    sys.exit(check_cases(CASES, seed=3))
