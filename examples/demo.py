#!/usr/bin/env python3
"""Runs the shipped example, the Qwen3.6-27B MLP down projection, on the CPU
through the reference pipeline and checks it against the float64 numpy
reference.

Usage: demo.py BUILD_DIR [M]

Random GPTQ weights and scales of the real shape (K = 17408, N = 5120,
G = 32) and random activations and residual (M = 4 tokens by default) become
constants of a `@main` that calls the example function;
`w4a16-opt --w4a16-cpu-pipeline | mlir-runner` runs it. Exits non-zero if
the relative error exceeds the f16 bound."""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The package (with its native module) is imported from the build tree.
BUILD_ARG = sys.argv[1] if len(sys.argv) > 1 else "build"
sys.path[:0] = [os.path.join(os.path.abspath(BUILD_ARG), "python_packages"),
                os.path.join(ROOT, "test", "lib")]

import numpy as np  # noqa: E402

import mlir_exec  # noqa: E402
from w4a16 import Scheme, compile, dequantize  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "qwen36-27b-mlp-down.mlir")
FUNCTION = "qwen36_27b_mlp_down"
K, N = 17408, 5120
SCHEME = Scheme("gptq", 32, "symmetric")
# f16 result: one rounding of each output (relative 2^-11) dominates.
BOUND = 2e-3


def reference(x, qweight, scales, residual):
    """float64 residual + x @ W, dequantizing K in slices to bound memory."""
    y = residual.astype(np.float64)
    rows_per_slice = 2048  # K rows; a multiple of the group size
    for k0 in range(0, K, rows_per_slice):
        w = dequantize(qweight[k0 // 8:(k0 + rows_per_slice) // 8],
                       scales[k0 // SCHEME.group_size:
                              (k0 + rows_per_slice) // SCHEME.group_size],
                       SCHEME)
        y += x[:, k0:k0 + rows_per_slice].astype(np.float64) @ w
    return y


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    build_dir = os.path.abspath(sys.argv[1])
    m = int(sys.argv[2]) if len(sys.argv) == 3 else 4
    os.environ["PATH"] = os.pathsep.join(
        [os.path.join(build_dir, "bin"), "/usr/lib/llvm-22/bin",
         os.environ["PATH"]])

    rng = np.random.default_rng(2026)
    # Uniform random words are uniform random 4-bit weights.
    qweight = rng.integers(0, 2**32, size=(K // 8, N), dtype=np.uint32).view(
        np.int32)
    scales = (rng.uniform(0.002, 0.02, size=(K // SCHEME.group_size, N)) *
              rng.choice([-1, 1], size=(K // SCHEME.group_size, N))).astype(
                  np.float16)
    x = rng.standard_normal((m, K)).astype(np.float16)
    residual = rng.standard_normal((m, N)).astype(np.float16)

    program = mlir_exec.Program()
    x_name, x_type = program.constant(x, "f16", dynamic_dims=(0,))
    w_name, w_type = program.constant(qweight, "i32")
    s_name, s_type = program.constant(scales, "f16")
    r_name, r_type = program.constant(residual, "f16", dynamic_dims=(0,))
    y = program.fresh("y")
    program.add(f"{y} = call @{FUNCTION}({x_name}, {w_name}, {s_name}, "
                f"{r_name}) : ({x_type}, {w_type}, {s_type}, {r_type}) -> "
                f"{r_type}")
    program.print_tensor(y, [m, N], "f16", r_type)
    with open(EXAMPLE) as f:
        module = f.read() + program.module()

    print(f"{FUNCTION}: M = {m}, K = {K}, N = {N}, {SCHEME}")
    start = time.perf_counter()
    (out,) = mlir_exec.run_main(module)
    elapsed = time.perf_counter() - start
    print(f"CPU reference pipeline: lowered, JIT-compiled and ran in "
          f"{elapsed:.1f} s ({len(module) / 1e6:.0f} MB of MLIR)")

    expected = reference(x, qweight, scales.astype(np.float64), residual)
    error = mlir_exec.relative_error(out, expected)
    verdict = "PASS" if error <= BOUND else "FAIL"
    print(f"check against the float64 numpy reference: relative error "
          f"{error:.2e} (bound {BOUND:.0e}) {verdict}")

    # The same layer compiled for a 7900 XTX at a decode step of M rows, a
    # small batch and a prefill: one strategy each (decode on v_dot2,
    # small_batch and prefill on WMMA).
    with open(EXAMPLE) as f:
        layer = f.read()
    for rows in (m, 16, 2048):
        gpu = compile(layer.replace("tensor<?x", f"tensor<{rows}x"),
                      chipset="gfx1100")
        # The default kernels (auto) on gfx11 are the microkernels; pass
        # kernels="mlir" for the generated loops' report.
        kernels = ("ukernel" if any(k["symbol"].endswith("_ukernel")
                                    for k in gpu.manifest["kernels"])
                   else "mlir")
        print(f"\ngfx1100 code object for M = {rows} ({kernels} kernels): "
              f"{len(gpu.binary)} bytes, {len(gpu.manifest['kernels'])} "
              f"kernels; static report:")
        print(gpu.report)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
