# RUN: %python %s
"""A test of the tests: split-K slice boundaries moved by one packed word
(--w4a16-materialize-tiling=test-split-skew=8: slice s starts at
s * (K / split_k - 8), so neighbouring slices overlap by 8 rows and the
last 8 (split_k - 1) rows of K are never read) must make the comparison
with the reference fail by far, for decode and small_batch (split_k 4 on
these shapes); the same cases with the true boundaries pass. Otherwise the
execution tests of the tile loops could miss a wrong geometry."""
import sys

from quant_cases import MatmulCase, run_cases
from w4a16 import Scheme

TILED = "--w4a16-cpu-pipeline=tiling-chipset=gfx1100"
SKEWED = ("--w4a16-tile-matmul=chipset=gfx1100",
          "--w4a16-materialize-tiling=test-split-skew=8")
# The smallest error the wrong boundaries may give: a fraction of the
# signal (3 x 8 of 1024 rows read twice, 24 never).
MIN_ERROR = 0.05


def cases():
    scheme = Scheme("gptq", 128, "packed")
    decode = MatmulCase(scheme, [3], 1024, 200, out="f32")
    decode.tolerance = 1e-4  # f16 decode's biased sums (materialize-tiling.py)
    return [decode, MatmulCase(scheme, [16], 1024, 208, act="bf16", out="f32")]


if __name__ == "__main__":
    wrong = run_cases(cases(), seed=32, extra_passes=SKEWED, pipeline=TILED)
    control = run_cases(cases(), seed=32, pipeline=TILED)
    print(f"skewed errors {['%.3f' % e for e in wrong]} must exceed "
          f"{MIN_ERROR}; control {['%.1e' % e for e in control]} within "
          f"1e-4")
    sys.exit(0 if min(wrong) > MIN_ERROR and max(control) <= 1e-4 else 1)
