# RUN: %python %s
"""The fragment weight layout and `w4a16.repack` on the CPU against the
float64 reference, on random data:
- matmul and dequant reading fragment weights packed by numpy (the reference
  lowering's fragment unpack against formats.py, written from the format
  description);
- `w4a16.repack` from GPTQ, folded on a constant (the host repack of
  lib/Support) and lowered (the linalg.generic), then matmul / dequant with
  layout = fragment;
- GPTQ matmuls rewritten by --w4a16-repack-weights, and ones it leaves alone.
Relative error bounds: f32 1e-5 (one misplaced weight of a case is above
1e-3), f16 2e-3, bf16 1e-2."""
import sys

from quant_cases import DequantCase, MatmulCase, count_failures
from w4a16 import Scheme

FRAGMENT = [
    MatmulCase(Scheme("fragment", 32, "symmetric"), [3], 64, 48, out="f32"),
    MatmulCase(Scheme("fragment", 128, "packed", gptq_v1=True), [5], 256, 32),
    MatmulCase(Scheme("fragment", -1, "float"), [2], 96, 16, out="f32",
               zeros="f32"),
    MatmulCase(Scheme("fragment", 64, "none"), [2, 3], 128, 32, act="bf16",
               out="bf16"),
    MatmulCase(Scheme("fragment", 32, "packed"), [1], 64, 32, out="f32",
               act_order=True),
    DequantCase(Scheme("fragment", 32, "packed"), 96, 48, out="f32"),
]

REPACKED = [
    MatmulCase(Scheme("fragment", 32, "packed"), [3], 128, 48, out="f32",
               repack="fold"),
    MatmulCase(Scheme("fragment", 32, "packed"), [3], 128, 48, out="f32",
               repack="lower"),
    MatmulCase(Scheme("fragment", 64, "symmetric"), [4], 192, 32,
               repack="lower"),
    DequantCase(Scheme("fragment", 32, "packed", gptq_v1=True), 96, 64,
                out="f32", repack="fold"),
    DequantCase(Scheme("fragment", 16, "symmetric"), 64, 32, out="f32",
                repack="lower"),
    DequantCase(Scheme("fragment", -1, "float"), 160, 16, out="bf16",
                scales="bf16", zeros="bf16", repack="lower"),
]

# Through --w4a16-repack-weights: the GPTQ cases that fit are rewritten to
# repack + fragment matmul, the others (odd shapes, act-order, AWQ) kept.
PASS = [
    MatmulCase(Scheme("gptq", 32, "packed", gptq_v1=True), [3], 128, 48,
               out="f32"),
    MatmulCase(Scheme("gptq", -1, "symmetric"), [2], 64, 16),
    MatmulCase(Scheme("gptq", 32, "symmetric"), [3], 96, 40, out="f32"),
    MatmulCase(Scheme("gptq", 32, "none"), [3], 64, 32, out="f32",
               act_order=True),
    MatmulCase(Scheme("awq", 32, "packed"), [3], 64, 32, out="f32"),
]


def main():
    failed = 0
    for cases, seed, passes in ((FRAGMENT, 11, ()), (REPACKED, 12, ()),
                                (PASS, 13, ("--w4a16-repack-weights",))):
        failed += count_failures(cases, seed, passes)
    print(f"{failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
