# RUN: %python %s
"""The C++ host repack (through the folder of w4a16.repack) against the
numpy fragment layout of w4a16.formats, written from the format
description: random GPTQ words of several shapes, folded by w4a16-opt, must
give exactly formats.pack_weights(q, "fragment")."""
import subprocess
import sys

import numpy as np

import mlir_exec
from w4a16 import formats

SHAPES = [(32, 16), (64, 48), (256, 128)]


def folded_fragment(gptq, fragment_shape):
    """The constant that w4a16-opt --canonicalize folds the repack of
    `gptq` into."""
    source_type = mlir_exec.tensor_type(gptq.shape, "i32")
    result_type = mlir_exec.tensor_type(fragment_shape, "i32")
    module = (f"func.func @f() -> {result_type} {{\n"
              f"  %w = arith.constant {mlir_exec.dense(gptq, 'i32')} : "
              f"{source_type}\n"
              f"  %f = w4a16.repack %w from gptq to fragment : {source_type} "
              f"-> {result_type}\n"
              f"  return %f : {result_type}\n}}\n")
    folded = subprocess.run(
        ["w4a16-opt", "--canonicalize",
         "--mlir-print-elementsattrs-with-hex-if-larger=0"],
        input=module, capture_output=True, text=True, check=True).stdout
    if "w4a16.repack" in folded:
        raise RuntimeError("the repack of a constant did not fold:\n" + folded)
    return mlir_exec.from_dense(folded, fragment_shape, "i32")


def main():
    rng = np.random.default_rng(5)
    failed = 0
    for k, n in SHAPES:
        q = rng.integers(0, 16, size=(k, n), dtype=np.int32)
        expected = formats.pack_weights(q, "fragment")
        got = folded_fragment(formats.pack_weights(q, "gptq"), expected.shape)
        mismatches = int(np.count_nonzero(got != expected))
        print(f"{'ok' if mismatches == 0 else 'FAIL'} K={k} N={n}: "
              f"{mismatches} of {expected.size} words differ")
        failed += mismatches != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
