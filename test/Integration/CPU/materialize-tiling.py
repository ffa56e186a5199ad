# RUN: %python %s
"""The tile loops of --w4a16-materialize-tiling (the GPU tiling for gfx1100
run on the CPU through `--w4a16-cpu-pipeline=tiling-chipset=gfx1100`)
against the float64 reference on random data: every strategy, M not a
multiple of tile_m (rows clamped on read, dropped on write), N not a
multiple of tile_n (masked), decode past M = 8 where N is off the fragment
layout, K not a multiple of tile_k, split-K > 1, f16
and bf16, zero points none / symmetric / packed (+ gptq_v1) / float
(decode), per-channel and G = 32 / 64 / 128, AWQ and act-order (through the
GPU pipeline's repack and permutation), batch dims.

Bounds (relative Frobenius error): f32 results 1e-5 (f32 accumulation
only), f16 results 2e-3, bf16 results 1e-2 (one rounding of the result);
f16 decode into f32 results 1e-4: the decode kernel's
s (sum (1024 + q) x - (1024 + z) sum x) spends about 10 of f32's 24 bits on
the bias (measured up to 2.1e-5; bf16's bias 128 stays below 1e-5)."""
import sys

from quant_cases import MatmulCase, check_cases
from w4a16 import Scheme

SYM128 = Scheme("gptq", 128, "symmetric")
PACKED64 = Scheme("gptq", 64, "packed")
V1_32 = Scheme("gptq", 32, "packed", gptq_v1=True)
NONE32 = Scheme("gptq", 32, "none")
CHANNEL = Scheme("gptq", -1, "symmetric")
FLOAT128 = Scheme("gptq", 128, "float")
AWQ64 = Scheme("awq", 64, "packed")

CASES = [
    # decode (M <= 8): N = 200 is one full and one masked 128-column tile;
    # K = 1024, G = 128 splits K in 4.
    *(MatmulCase(SYM128, [m], 1024, 200, act=act, out="f32")
      for m in (1, 3) for act in ("f16", "bf16")),
    MatmulCase(PACKED64, [3], 1024, 200, out="f16"),
    MatmulCase(FLOAT128, [2], 1024, 200, act="bf16", out="bf16",
               zeros="bf16"),
    MatmulCase(FLOAT128, [1], 512, 136, out="f32", zeros="f32"),
    # K = 352: 11 groups of 32, segments of 32 rows, tile_k 64 cut to 32.
    MatmulCase(V1_32, [5], 352, 200, act="bf16", out="f32"),
    MatmulCase(CHANNEL, [2], 512, 72, out="f32"),
    # small_batch (8 < M <= 64): tile_m 16 / 32 with M = 24 clamped;
    # N = 208 (13 WMMA columns, the last 128-column tile masked).
    *(MatmulCase(SYM128, [m], 1024, 208, act=act, out="f32")
      for m in (16, 24) for act in ("f16", "bf16")),
    MatmulCase(PACKED64, [24], 512, 208, act="bf16", out="bf16"),
    MatmulCase(NONE32, [40], 352, 208, out="f16"),
    MatmulCase(CHANNEL, [16], 512, 80, act="bf16", out="f32"),
    # prefill (M > 64): 128 x 128 tiles, M = 100 (split 2: two column tiles
    # leave the CUs idle) and 130 (a second row tile of 2 rows).
    MatmulCase(SYM128, [100], 512, 208, out="f32"),
    MatmulCase(PACKED64, [130], 256, 144, act="bf16", out="f32"),
    # N = 200 is off the fragment layout: decode at every M, 8-row tiles.
    MatmulCase(PACKED64, [40], 1024, 200, act="bf16", out="f32"),
    MatmulCase(SYM128, [130], 512, 200, out="f16"),
    # AWQ (repacked to GPTQ first), act-order (permuted first), batch dims.
    MatmulCase(AWQ64, [3], 512, 128, out="f32"),
    MatmulCase(AWQ64, [20], 512, 128, act="bf16", out="f32"),
    MatmulCase(Scheme("gptq", 64, "packed"), [3], 512, 96, out="f32",
               act_order=True),
    MatmulCase(Scheme("gptq", 32, "symmetric"), [17], 256, 96, act="bf16",
               out="f32", act_order=True),
    MatmulCase(SYM128, [2, 5], 512, 128, out="f32"),
    MatmulCase(PACKED64, [2, 12], 512, 64, act="bf16", out="f16",
               dynamic_dims=(1,)),
]

# f16 decode: the biased sums of the dot2 formula (see the bounds above).
DECODE_F16_F32 = 1e-4
for case in CASES:
    if (case.act == "f16" and case.out == "f32" and
            len(case.lead) == 1 and case.lead[0] <= 8):
        case.tolerance = DECODE_F16_F32

if __name__ == "__main__":
    sys.exit(check_cases(
        CASES, seed=30,
        pipeline="--w4a16-cpu-pipeline=tiling-chipset=gfx1100"))
