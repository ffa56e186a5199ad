"""Runs the w4a16 microkernels (CUDA build of the gfx11 sources) on an NVIDIA
GPU and compares them with a float64 reference.

Usage: python3 BUILD_DIR/check_microkernels.py BUILD_DIR [RESULTS_FILE]
BUILD_DIR holds what build.sh produced (this script and w4a16/formats.py
included). Exits non-zero on any mismatch.
"""

import ctypes
import importlib.util
import os
import sys

import cupy
import numpy as np


def load_formats():
    """w4a16.formats (the numpy formats and float64 reference), which build.sh
    copies next to this script: the package itself imports the native
    compiler module, not built for the GPU machine."""
    spec = importlib.util.spec_from_file_location(
        "formats", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "formats.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


formats = load_formats()

K = 1024
N = 1024
ZERO_KINDS = {0: "none", 1: "sym", 2: "asym", 3: "asym+1"}
# The scheme's zero_point and gptq_v1 of each microkernel zero kind.
ZERO_POINTS = {0: ("none", False), 1: ("symmetric", False),
               2: ("packed", False), 3: ("packed", True)}
TOLERANCE = {"f16": 2e-3, "bf16": 1e-2}
# (kernel suffix, M values, threads, columns per block, rows per block)
GEMV = [("gemv_{t}_m1", [1], 1), ("gemv_{t}_m2", [2], 2),
        ("gemv_{t}_m4", [3, 4], 4), ("gemv_{t}_m8", [8], 8)]
WMMA = [("wmma_{t}_gptq_n16", 16), ("wmma_{t}_gptq_n64", 64),
        ("wmma_{t}_frag_n16", 16), ("wmma_{t}_frag_n64", 64)]


def to_bits(values, dtype):
    """Rounds float values to fp16/bf16 and returns (bits, exact float64)."""
    if dtype == "f16":
        half = values.astype(np.float16)
        return half.view(np.uint16), half.astype(np.float64)
    bits = formats.f32_to_bf16_bits(values)
    return bits, from_bits(bits, dtype)


def from_bits(bits, dtype):
    if dtype == "f16":
        return bits.view(np.float16).astype(np.float64)
    return formats.bf16_bits_to_f32(bits).astype(np.float64)


def reference_weights(qweight, scale, zero_words, group, kind):
    """float64 [K, N] weights of the microkernel zero kind `kind`."""
    zero_point, gptq_v1 = ZERO_POINTS[kind]
    scheme = formats.Scheme("gptq", group, zero_point, gptq_v1)
    return formats.dequantize(qweight.view(np.int32), scale, scheme,
                              zeros=zero_words.view(np.int32))


def run(module, name, m, threads, cols, rows_per_block, dtype, a_bits, weights,
        scale_bits, zero_words, group, zero_kind):
    """Launches test_w4a16_uk_<name> on a NaN-poisoned output; returns it."""
    c = cupy.full((m, N), 0x7E00 if dtype == "f16" else 0x7FC0,
                  dtype=cupy.uint16)
    layout = "frag" if "frag" in name else "gptq"
    module.get_function(f"test_w4a16_uk_{name}")(
        (N // cols, -(-m // rows_per_block)), (threads,),
        (cupy.asarray(a_bits), weights[layout], cupy.asarray(scale_bits),
         cupy.asarray(zero_words), c, np.int64(m), np.int64(N), np.int64(K),
         np.int64(group), np.int32(zero_kind)))
    return from_bits(cupy.asnumpy(c), dtype)


def relative_error(out, ref):
    """||out - ref|| / ||ref||; any unwritten (NaN) element is a failure."""
    if not np.isfinite(out).all():
        return float("inf")
    return np.linalg.norm(out - ref) / np.linalg.norm(ref)


def main():
    build = sys.argv[1]
    module = cupy.RawModule(path=f"{build}/w4a16_uk_sm90.cubin")
    repack = ctypes.CDLL(f"{build}/libw4a16_repack.so")
    rng = np.random.default_rng(20261124)
    rows, failures, controls_missed = [], 0, 0

    qweight = rng.integers(0, 2**32, size=(K // 8, N), dtype=np.uint32)
    fragment = np.empty_like(qweight)
    assert repack.w4a16_repack_gptq_to_fragment(
        qweight.ctypes.data_as(ctypes.c_void_p), ctypes.c_int64(K),
        ctypes.c_int64(N), fragment.ctypes.data_as(ctypes.c_void_p)) == 0
    weights = {"gptq": cupy.asarray(qweight), "frag": cupy.asarray(fragment)}

    for dtype in ("f16", "bf16"):
        # Groups of 8 and 16 K exist for gemv only (WMMA needs G % 32 == 0)
        # and take its single-word loop.
        for group in (8, 16, 32, 128, K):
            groups = K // group
            scale_bits, scale = to_bits(
                rng.uniform(0.002, 0.02, size=(groups, N)), dtype)
            zero_words = rng.integers(0, 2**32, size=(groups, N // 8),
                                      dtype=np.uint32)
            for kind in ZERO_KINDS:
                w = reference_weights(qweight, scale, zero_words, group, kind)
                cases = [(name.format(t=dtype), m, 256, 1024, r)
                         for name, ms, r in GEMV for m in ms]
                if group % 32 == 0:
                    cases += [(name.format(t=dtype), m, 128, 4 * cols, 16)
                              for name, cols in WMMA for m in (16, 32)]
                for name, m, threads, cols, rows_per_block in cases:
                    a_bits, a = to_bits(rng.standard_normal((m, K)), dtype)
                    launch = lambda launch_kind: run(
                        module, name, m, threads, cols, rows_per_block, dtype,
                        a_bits, weights, scale_bits, zero_words, group,
                        launch_kind)
                    err = relative_error(launch(kind), a @ w)
                    ok = err < TOLERANCE[dtype]
                    failures += not ok
                    rows.append((name, m, group, ZERO_KINDS[kind], err, ok))
                    if kind == 2 and name.startswith("gemv") and m == 1:
                        # The check must be able to fail: symmetric zeros
                        # against the asymmetric reference.
                        control = relative_error(launch(1), a @ w)
                        controls_missed += control < TOLERANCE[dtype]

    cupy.cuda.runtime.deviceSynchronize()
    lines = [f"{'kernel':24} {'M':>3} {'G':>5} {'zeros':7} {'rel err':>9}"]
    lines += [f"{n:24} {m:3} {g:5} {z:7} {e:9.2e} {'ok' if ok else 'FAIL'}"
              for n, m, g, z, e, ok in rows]
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write("\n".join(lines) + "\n")
    # Summary: worst error per kernel and M over group sizes and zero kinds.
    worst = {}
    for n, m, g, z, e, ok in rows:
        worst[(n, m)] = max(worst.get((n, m), 0.0), e)
    print(f"{'kernel':24} {'M':>3} {'worst rel err':>14} (G 8/16 gemv only, 32/128/K; 4 zero kinds)")
    for (n, m), e in worst.items():
        tol = TOLERANCE["bf16" if "bf16" in n else "f16"]
        print(f"{n:24} {m:3} {e:14.2e} {'ok' if e < tol else 'FAIL'}")
    print(f"{len(rows)} runs, {failures} failures, {controls_missed} wrong-zero "
          f"controls not detected, device "
          f"{cupy.cuda.runtime.getDeviceProperties(0)['name'].decode()}")
    return 1 if failures or controls_missed else 0


if __name__ == "__main__":
    sys.exit(main())
