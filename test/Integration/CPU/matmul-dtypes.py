# RUN: %python %s
"""w4a16.matmul on the CPU against the float64 reference: f16 and bf16
activations, f16 / bf16 / f32 results and scales, M in {1, 3, 16, 33},
batch dims [2, M, K] and [2, 2, M, K], dynamic M and batch dims (tensor.cast
to `?`). Relative error bounds: f32 results 1e-5, f16 results 2e-3, bf16
results 1e-2."""
import sys

from quant_cases import MatmulCase, check_cases
from w4a16 import Scheme

GPTQ = Scheme("gptq", 32, "symmetric")
AWQ = Scheme("awq", 32, "packed")

CASES = [
    # Every activation x result type pair.
    *(MatmulCase(GPTQ, [3], 160, 40, act=act, out=out)
      for act in ("f16", "bf16") for out in ("f16", "bf16", "f32")),
    # Scales of another type than the activations.
    MatmulCase(AWQ, [3], 96, 72, act="bf16", out="f32", scales="f16"),
    MatmulCase(AWQ, [3], 96, 72, act="f16", out="f32", scales="f32"),
    MatmulCase(Scheme("gptq", 32, "float"), [3], 96, 24, act="bf16",
               out="bf16", zeros="bf16"),
    # M in {1, 3, 16, 33}, static and dynamic.
    *(MatmulCase(GPTQ, [m], 96, 24, act="bf16", out="f32",
                 dynamic_dims=dyn)
      for m in (1, 3, 16, 33) for dyn in ((), (0,))),
    # Batch dims, static and with a dynamic M.
    MatmulCase(AWQ, [2, 3], 160, 40, out="f32"),
    MatmulCase(GPTQ, [2, 16], 96, 24, act="bf16", out="bf16",
               dynamic_dims=(1,)),
    MatmulCase(Scheme("gptq", 64, "packed", gptq_v1=True), [2, 33], 192, 72,
               out="f16", dynamic_dims=(1,)),
    # Every dim dynamic, and two batch dims.
    MatmulCase(GPTQ, [2, 3], 96, 24, out="f32", dynamic_dims=(0, 1)),
    MatmulCase(AWQ, [2, 2, 3], 96, 40, act="bf16", out="f32",
               dynamic_dims=(1,)),
]

if __name__ == "__main__":
    sys.exit(check_cases(CASES, seed=2))
