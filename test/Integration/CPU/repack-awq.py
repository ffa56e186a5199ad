# RUN: %python %s
"""AWQ checkpoints through the repack to GPTQ, on the CPU against the float64
reference on random data:
- `w4a16.repack` from awq (to gptq and to fragment) and `w4a16.repack_zeros`,
  folded on constants (the host repack of lib/Support) and lowered (the
  linalg.generic), then matmul / dequant in the target layout: repack then
  dequant equals dequant;
- AWQ matmuls (constant and run-time weights, act-order, every zero-point
  kind) through the front passes of the GPU pipeline (--w4a16-repack-awq,
  act-order permutation, tiling, fragment repack), then the CPU pipeline.
Relative error bounds: f32 1e-5, f16 2e-3, bf16 1e-2."""
import sys

from quant_cases import DequantCase, MatmulCase, count_failures
from w4a16 import Scheme

REPACKED = [
    MatmulCase(Scheme("gptq", 32, "packed"), [3], 64, 40, out="f32",
               repack="fold", repack_from="awq"),
    MatmulCase(Scheme("gptq", 32, "packed"), [3], 64, 40, out="f32",
               repack="lower", repack_from="awq"),
    MatmulCase(Scheme("fragment", 32, "packed"), [2], 128, 48, out="f32",
               repack="fold", repack_from="awq"),
    MatmulCase(Scheme("fragment", 64, "packed"), [2], 128, 48, out="f32",
               repack="lower", repack_from="awq"),
    DequantCase(Scheme("gptq", 16, "packed"), 96, 24, out="f32",
                repack="lower", repack_from="awq"),
    DequantCase(Scheme("fragment", -1, "float"), 64, 32, out="f32",
                repack="fold", repack_from="awq"),
]

FRONT_PASSES = ("--w4a16-repack-awq", "--w4a16-permute-act-order",
                "--w4a16-tile-matmul=chipset=gfx1100 m-range=1,64",
                "--w4a16-repack-weights")

AWQ = [
    MatmulCase(Scheme("awq", 32, "packed"), [3], 128, 48, out="f32"),
    MatmulCase(Scheme("awq", 32, "packed"), [5], 128, 48, out="f32",
               run_time_weights=True),
    MatmulCase(Scheme("awq", 64, "packed"), [2], 128, 40, out="f32",
               act_order=True),
    MatmulCase(Scheme("awq", -1, "float"), [4], 64, 16, out="f32",
               zeros="f32", run_time_weights=True),
    MatmulCase(Scheme("awq", 32, "symmetric"), [2], 64, 32, act="bf16",
               out="bf16"),
    MatmulCase(Scheme("awq", 128, "packed"), [17], 256, 64),
]


def main():
    failed = 0
    for cases, seed, passes in ((REPACKED, 21, ()), (AWQ, 22, FRONT_PASSES)):
        failed += count_failures(cases, seed, passes)
    print(f"{failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
