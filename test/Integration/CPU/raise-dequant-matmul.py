# RUN: %python %s
"""--w4a16-raise-dequant-matmul preserves results: every recognised form of a
W4A16 linear in torch-mlir's linalg shapes runs on the CPU before and after
raising, on random data, and both are compared with a float64 numpy
evaluation of the original IR.

Bounds (relative Frobenius error against float64): the raised module
accumulates in f32 and rounds once, so it stays within 2e-3 for f16 results
and 8e-3 for bf16 results; the original module rounds the dequantized weights
(and in torch-mlir's custom-op form also every partial sum) to f16/bf16, so it
gets 1e-2 (f16) and 3e-2 (bf16)."""
import re
import subprocess

import numpy as np

import mlir_exec
from w4a16.formats import bf16_bits_to_f32, f32_to_bf16_bits
import quant_linalg_ir as qir

RNG = np.random.default_rng(4)
K, N, M, BATCH = 256, 64, 3, 2


def raised_ir(module, before):
    out = subprocess.run(["w4a16-opt", *before, "--w4a16-raise-dequant-matmul"], input=module,
                         capture_output=True, text=True, check=True).stdout
    return out


def float_values(shape, element, low, high):
    """Random values of `element` precision: (array for MLIR, float64 values)."""
    values = RNG.uniform(low, high, size=shape).astype(np.float32)
    if element == "bf16":
        bits = f32_to_bf16_bits(values)
        return bits, bf16_bits_to_f32(bits).astype(np.float64)
    rounded = values.astype(np.float16)
    return rounded, rounded.astype(np.float64)


def check(name, text, reference, args, out_shape, act, bounds, before=()):
    """`args`: (mlir array, element, float64 values or None, dynamic dims);
    `before`: passes run first on both modules (--inline exposes constants
    that @main passes to @linear)."""
    program = mlir_exec.Program()
    names, types = [], []
    for array, element, _, dynamic in args:
        value, value_type = program.constant(array, element, dynamic)
        names.append(value)
        types.append(value_type)
    out_type = re.search(r"-> \(?(tensor<[^>]*>)", text).group(1)
    result = program.fresh("r")
    program.add(f"{result} = func.call @linear({', '.join(names)}) : "
                f"({', '.join(types)}) -> {out_type}")
    program.print_tensor(result, out_shape, act, out_type)
    module = text + program.module()

    raised = raised_ir(module, before)
    assert raised.count("w4a16.matmul") == 1, f"{name}: not raised:\n{raised}"
    for contraction in ("linalg.matmul", "linalg.batch_matmul", "linalg.matvec", "reduction"):
        assert contraction not in raised, f"{name}: {contraction} left:\n{raised}"

    ref = reference(*[v for _, _, v, _ in args])
    (original,) = mlir_exec.run_main(module, extra_passes=before)
    (after,) = mlir_exec.run_main(module, extra_passes=[*before, "--w4a16-raise-dequant-matmul"])
    # The torch-facing pipeline is raise + the CPU pipeline: same result.
    (piped,) = mlir_exec.run_main(module, pipeline="--w4a16-torch-cpu-pipeline",
                                  extra_passes=before)
    assert np.array_equal(piped, after), f"{name}: w4a16-torch-cpu-pipeline differs"
    err_original = mlir_exec.relative_error(original, ref)
    err_raised = mlir_exec.relative_error(after, ref)
    print(f"{name}: original {err_original:.2e}, raised {err_raised:.2e}")
    assert err_raised < bounds[0], f"{name}: raised error {err_raised}"
    assert err_original < bounds[1], f"{name}: original error {err_original}"


def unpack_case(name, **options):
    act = options.get("act", "f16")
    layout = options.get("layout", "gptq")
    zero = options.get("zero", "symmetric")
    group = options.get("group", 64)
    consumer = options.get("consumer", "matmul")
    groups = 1 if group == -1 else K // group
    text, reference = qir.unpack_linear(k=K, n=N, batch=BATCH, **options)

    x_shape = {"matvec": [K], "batch_matmul": [BATCH, M, K]}.get(consumer, [M, K])
    x_dynamic = {"matvec": (), "batch_matmul": (1,)}.get(consumer, (0,))
    x, xf = float_values(x_shape, act, -1, 1)
    q_shape = [K // 8, N] if layout == "gptq" else [K, N // 8]
    qweight = RNG.integers(-2**31, 2**31, size=q_shape, dtype=np.int64).astype(np.int32)
    scales, sf = float_values([groups, N], act, 0.002, 0.02)
    args = [(x, act, xf, x_dynamic), (qweight, "i32", qweight, ()), (scales, act, sf, ())]
    zeros = None
    if zero in ("packed", "packed_v1"):
        zeros = RNG.integers(-2**31, 2**31, size=[groups, N // 8], dtype=np.int64).astype(np.int32)
        args.append((zeros, "i32", zeros, ()))
    elif zero == "float":
        z, zeros = float_values([groups, N], act, 0, 15)
        args.append((z, act, zeros, ()))
    bias = None
    if options.get("bias"):
        b, bias = float_values([N], act, -0.5, 0.5)
        args.append((b, act, bias, ()))
    g_idx = None
    if options.get("act_order"):
        # Act-order: each group keeps its size, its rows scattered over K.
        g_idx = RNG.permutation(np.arange(K) // (K // groups)).astype(np.int64)
        args.append((g_idx, "i64", g_idx, ()))

    def ref(*values):
        return reference(values[0], qweight, values[2], zeros, bias, g_idx)

    out_shape = {"matvec": [N], "batch_matmul": [BATCH, M, N]}.get(consumer, [M, N])
    bounds = (2e-3, 1e-2) if act == "f16" else (8e-3, 3e-2)
    check(name, text, ref, args, out_shape, act, bounds)


unpack_case("gptq symmetric, f32 accumulator")
unpack_case("gptq packed zeros, shrui, f16 accumulator", zero="packed", shift_op="shrui", acc="f16")
unpack_case("gptq v1 zeros, f32 arithmetic, bias", zero="packed_v1", arith="f32", bias=True)
unpack_case("gptq per-channel, no zero", zero="none", group=-1)
unpack_case("awq packed zeros, transposed matmul", layout="awq", zero="packed",
            consumer="transposed_maps")
unpack_case("awq float zeros, batch_matmul", layout="awq", zero="float", consumer="batch_matmul")
unpack_case("gptq symmetric, matvec", consumer="matvec", group=128)
unpack_case("bf16 gptq packed zeros, f32 arithmetic", act="bf16", zero="packed", arith="f32")
unpack_case("bf16 awq symmetric, bf16 arithmetic, bf16 accumulator, bias", act="bf16",
            layout="awq", arith="bf16", acc="bf16", bias=True)

# AutoGPTQ: (q - (z + 1)) in i8, sitofp, * scale; with act-order gathers.
unpack_case("gptq v1 zeros in integers", zero="packed_v1", int_zero=True)
unpack_case("gptq zeros in integers, f32 arithmetic", zero="packed", int_zero=True, arith="f32")
unpack_case("gptq symmetric in integers, matvec", int_zero=True, consumer="matvec")
unpack_case("gptq v1 zeros in integers, act-order", zero="packed_v1", int_zero=True,
            act_order=True)
unpack_case("gptq float zeros, act-order", zero="float", act_order=True)
unpack_case("awq packed zeros, act-order, bf16", layout="awq", zero="packed", act_order=True,
            act="bf16", arith="f32")


def custom_quant_case(name, narrow="i4", unpack="extui", constant=False):
    """torch-mlir's quant.matmul_rhs_group_quant lowering: f16 zeros, f16
    accumulation. Unpacked i8 weights are raised only when provably 4-bit:
    masked, truncated, or constant values below 16 (random i8 otherwise, so
    that a missing mask would show)."""
    group = 64
    high = 16 if narrow == "i4" or constant else 256
    weights = RNG.integers(0, high, size=[N, K // group, group])
    stored = weights if narrow == "i4" else weights.astype(np.uint8).view(np.int8)
    text, reference = qir.custom_quant_linear(
        k=K, n=N, group=group, batch=1, m=M, narrow=narrow, unpack=unpack,
        constant_weights=stored if constant else None)
    x, xf = float_values([1, M, K], "f16", -1, 1)
    scales, sf = float_values([N, K // group, 1], "f16", 0.002, 0.02)
    zeros, zf = float_values([N, K // group, 1], "f16", 0, 15)
    weight_args = [] if constant else [(stored, narrow, weights, ())]

    def ref(x_values, *rest):
        return reference(x_values, weights, rest[-2], rest[-1])

    check(name, text, ref,
          [(x, "f16", xf, ()), *weight_args, (scales, "f16", sf, ()), (zeros, "f16", zf, ())],
          [1, M, N], "f16", (2e-3, 1e-2), before=["--inline"] if constant else [])


custom_quant_case("custom quant op, i4")
custom_quant_case("custom quant op, ui8 masked", narrow="i8", unpack="mask")
custom_quant_case("custom quant op, ui8 truncated to i4", narrow="i8", unpack="trunc")
custom_quant_case("custom quant op, constant ui8 below 16", narrow="i8", constant=True)
print("all raised forms match")
