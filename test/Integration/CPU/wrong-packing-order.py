# RUN: %python %s
"""A test of the tests: weights packed in a wrong nibble order must make the
comparison with the reference fail by far. Otherwise the execution tests
could pass with a lowering that reads the wrong nibbles."""
import sys

import numpy as np

from quant_cases import MatmulCase, run_cases
from w4a16 import Scheme, formats


def plain_order(q, layout):
    """AWQ data packed along N without the AWQ interleave."""
    return formats.pack_last_axis(q, "gptq")


def reversed_nibbles(q, layout):
    """GPTQ data with row 8r + i in nibble 7 - i instead of nibble i."""
    return formats.pack_weights(q[np.arange(len(q)) ^ 7], layout)


def awq_order(q, layout):
    """GPTQ data packed along K with the AWQ interleave."""
    return np.ascontiguousarray(formats.pack_last_axis(q.T, "awq").T)


# The smallest error a misordered packing may give: a fraction of the signal.
MIN_ERROR = 0.3

CASES = [
    MatmulCase(Scheme("awq", 32, "symmetric"), [3], 96, 40, out="f32",
               packer=plain_order),
    MatmulCase(Scheme("gptq", 32, "symmetric"), [3], 96, 40, out="f32",
               packer=reversed_nibbles),
    MatmulCase(Scheme("gptq", 32, "none"), [3], 96, 40, out="f32",
               packer=awq_order),
    # Control: the same program with correct packing passes.
    MatmulCase(Scheme("awq", 32, "symmetric"), [3], 96, 40, out="f32"),
]

if __name__ == "__main__":
    errors = run_cases(CASES, seed=5)
    *wrong, control = errors
    print(f"misordered errors {['%.2f' % e for e in wrong]} must exceed "
          f"{MIN_ERROR}; control {control:.2e} must be within "
          f"{CASES[-1].tolerance:.0e}")
    sys.exit(0 if min(wrong) > MIN_ERROR and control <= CASES[-1].tolerance
             else 1)
