# RUN: %python %s
"""w4a16.matmul with act-order: g_idx is a shuffled permutation of k // G, so
the groups are scattered over K. GPTQ with each zero-point kind and AWQ, f16
and bf16, through the reference lowering; the GPTQ cases also through
--w4a16-permute-act-order (constant weights and g_idx: the permutation and
the permuted weights fold, through the host functions of
lib/Support/ActOrder.cpp; permute-act-order.py has the run-time cases, and
repack-awq.py AWQ through the pass after --w4a16-repack-awq). Relative error
bounds: f32 results 1e-5, f16 results 2e-3."""
import sys

from quant_cases import MatmulCase, count_failures
from w4a16 import Scheme

GPTQ = [
    MatmulCase(Scheme("gptq", 32, "symmetric"), [3], 160, 40, out="f32",
               act_order=True),
    MatmulCase(Scheme("gptq", 16, "packed", gptq_v1=True), [16], 208, 24,
               act="bf16", out="f32", act_order=True),
    MatmulCase(Scheme("gptq", 64, "packed"), [33], 192, 72, act_order=True),
    MatmulCase(Scheme("gptq", 128, "float"), [1], 384, 40, out="f32",
               act_order=True),
    MatmulCase(Scheme("gptq", 32, "none"), [2, 3], 96, 37, out="f32",
               act_order=True, dynamic_dims=(1,)),
]
AWQ = [
    MatmulCase(Scheme("awq", 32, "packed"), [3], 96, 24, out="f32",
               act_order=True),
]


def main():
    failed = count_failures(GPTQ + AWQ, 3)
    failed += count_failures(GPTQ, 21, ("--w4a16-permute-act-order",))
    print(f"{failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
