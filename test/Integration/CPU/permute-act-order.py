# RUN: %python %s
"""--w4a16-permute-act-order on the CPU against the float64 reference, on
random data with g_idx a random permutation of k // G (groups scattered over
K): the rewritten matmul (permuted activations and weights, no g_idx) must
give the act-order result (matmul-act-order.py runs its constant cases, whose
permutation folds, through the pass too).
- run-time weights and g_idx: w4a16.act_order_perm and w4a16.permute_k go
  through their reference lowering;
- a run-time g_idx whose groups do not all have G rows stops the program at
  the lowered permutation's check.
Relative error bounds: f32 results 1e-5, f16 2e-3, bf16 1e-2."""
import sys

import numpy as np

import mlir_exec
from quant_cases import MatmulCase, count_failures
from w4a16 import Scheme

RUN_TIME = [
    MatmulCase(Scheme("gptq", 32, "packed"), [3], 160, 40, out="f32",
               act_order=True, run_time_weights=True),
    MatmulCase(Scheme("gptq", 16, "symmetric"), [2, 4], 96, 24, act="bf16",
               out="bf16", act_order=True, run_time_weights=True,
               dynamic_dims=(0,)),
    MatmulCase(Scheme("gptq", 64, "float"), [1], 256, 16, out="f32",
               act_order=True, run_time_weights=True),
]


def permutation_runs(g_idx):
    """Whether the lowered w4a16.act_order_perm of a run-time g_idx (groups
    of 8) runs to the end; its check aborts the program otherwise."""
    program = mlir_exec.Program()
    name, type_ = program.opaque_constant(np.asarray(g_idx, np.int32), "i32")
    perm = program.fresh("p")
    program.add(f"{perm} = w4a16.act_order_perm {name} group_size 8 : {type_}")
    program.add(f"%c0 = arith.constant 0 : index")
    program.add(f"{program.fresh('e')} = tensor.extract {perm}[%c0] : {type_}")
    try:
        mlir_exec.run_main(program.module())
    except RuntimeError as error:
        if "abort" not in str(error):
            raise
        return False
    return True


def bad_group_sizes_stop():
    """Groups of 8 and 8 rows run; 9 and 7 rows stop at the check."""
    valid = permutation_runs([0, 1] * 8)
    stopped = not permutation_runs([0] * 9 + [1] * 7)
    ok = valid and stopped
    print(f"{'ok' if ok else 'FAIL':4} run-time g_idx check: valid ran "
          f"{valid}, 9/7 rows stopped {stopped}")
    return ok


def main():
    failed = count_failures(RUN_TIME, 22, ("--w4a16-permute-act-order",))
    failed += not bad_group_sizes_stop()
    print(f"{failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
