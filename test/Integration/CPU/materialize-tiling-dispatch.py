# RUN: %python %s
"""Run-time dispatch on M through the tile loops: one function per matmul
on x [?, K], tiled for every M (the 10 ranges of --w4a16-tile-matmul:
decode 1, 2, 3-4, 5-8, small_batch 9-16, 17-32, 33-64, prefill 65-128 (split
2 at K = 512), 129-256, 257+), called with
M values in several ranges, so each call takes its range's branch of the
scf.if chain at run time. Bounds as in materialize-tiling.py: f16 results
2e-3, bf16 results 1e-2, f32 results 1e-4 (f16 decode, whose biased sums
cost ~10 bits)."""
import sys

from quant_cases import DispatchCase, check_cases
from w4a16 import Scheme

CASES = [
    DispatchCase(Scheme("gptq", 64, "packed"), (1, 2, 4, 7, 16, 33, 70),
                 512, 208, out="f32"),
    DispatchCase(Scheme("gptq", 128, "symmetric"), (3, 8, 9, 64, 130), 256,
                 144, act="bf16", out="bf16"),
    DispatchCase(Scheme("gptq", -1, "none"), (5, 20), 128, 80, out="f16"),
]
CASES[0].tolerance = 1e-4

if __name__ == "__main__":
    sys.exit(check_cases(
        CASES, seed=31,
        pipeline="--w4a16-cpu-pipeline=tiling-chipset=gfx1100"))
