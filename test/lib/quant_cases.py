"""Random w4a16 cases for execution tests: each case puts random packed
weights, scales, zeros and activations into one `mlir_exec.Program`, and
after the run is compared with the float64 reference of `w4a16.formats`
computed from the same packed words.

Many cases share one program because every mlir-runner call JIT-compiles.
Values are random, never zero, including the init (the matmul accumulates
into it)."""
import numpy as np

import mlir_exec
from w4a16 import formats

# Relative error bound (Frobenius norm) by result type: f32 results only see
# f32 accumulation error; f16/bf16 results are additionally rounded once.
TOLERANCE = {"f32": 1e-5, "f16": 2e-3, "bf16": 1e-2}


def rounded(values, element):
    """Rounds `values` to `element`; returns the array to store in a
    constant and its exact float64 value."""
    if element == "bf16":
        bits = formats.f32_to_bf16_bits(values)
        return bits, formats.bf16_bits_to_f32(bits).astype(np.float64)
    dtype = {"f16": np.float16, "f32": np.float32}[element]
    stored = np.asarray(values, dtype=dtype)
    return stored, stored.astype(np.float64)


def random_nonzero(rng, shape, low, high):
    """Uniform magnitudes in [low, high) with random signs."""
    signs = rng.choice([-1.0, 1.0], size=shape)
    return rng.uniform(low, high, size=shape) * signs


class QuantizedWeights:
    """Random quantized weights of one case: after `emit`, the names and
    types of the packed weights and scales, the text of the optional
    zeros/g_idx operands, and the arguments of the float64 reference."""

    def __init__(self, scheme, k, n, scales, zeros="f16", act_order=False,
                 packer=formats.pack_weights, repack=None,
                 run_time_weights=False, repack_from="gptq"):
        self.scheme, self.k, self.n = scheme, k, n
        # The packed weights, zeros and g_idx as run-time values (constants
        # hidden from folding), as loaders pass them.
        self.run_time_weights = run_time_weights
        self.scales, self.zeros, self.act_order = scales, zeros, act_order
        # Packs [K, N] values; tests of the test substitute a wrong order.
        self.packer = packer
        # "fold" / "lower": the weights enter in layout `repack_from` (gptq
        # or awq) and reach the op through `w4a16.repack ... to
        # <scheme.layout>`, folded on the constant or, behind a cast that
        # hides the constant, lowered; awq packed zeros likewise through
        # `w4a16.repack_zeros`.
        if repack not in (None, "fold", "lower"):
            raise ValueError(f"repack must be None, 'fold' or 'lower', got "
                             f"{repack!r}")
        self.repack, self.repack_from = repack, repack_from

    def emit(self, program, rng):
        scheme, k, n = self.scheme, self.k, self.n
        groups = scheme.num_groups(k)
        q = rng.integers(0, 16, size=(k, n), dtype=np.int32)
        s_stored, s_value = rounded(random_nonzero(rng, (groups, n), 0.02, 0.1),
                                    self.scales)
        if self.repack:
            w_name, w_type = self.emit_repack(program, q)
        else:
            w_name, w_type = self.packed_constant(
                program, self.packer(q, scheme.layout))
        s_name, s_type = program.constant(s_stored, self.scales)
        self.names, self.types = [w_name, s_name], [w_type, s_type]
        self.reference_args = dict(
            qweight=formats.pack_weights(q, scheme.layout), scales=s_value,
            scheme=scheme)
        self.optional = ""
        if scheme.zero_point == "packed":
            zeros = formats.pack_zeros(
                rng.integers(0, 16, size=(groups, n), dtype=np.int32),
                scheme.layout)
            z_name, z_type = self.emit_zeros(program, zeros)
            self.reference_args["zeros"] = zeros
            self.optional += f" zeros({z_name} : {z_type})"
        elif scheme.zero_point == "float":
            z_stored, z_value = rounded(
                rng.uniform(0.5, 15.0, size=(groups, n)), self.zeros)
            z_name, z_type = program.constant(z_stored, self.zeros)
            self.reference_args["zeros"] = z_value
            self.optional += f" zeros({z_name} : {z_type})"
        if self.act_order:
            # Act-order: each group still has G rows, scattered over K.
            rows = np.arange(k) // scheme.effective_group_size(k)
            g_idx = rng.permutation(rows)
            g_name, g_type = self.packed_constant(program,
                                                  g_idx.astype(np.int32))
            self.reference_args["g_idx"] = g_idx
            self.optional += f" g_idx({g_name} : {g_type})"

    def packed_constant(self, program, array):
        """An i32 weight operand: a constant, or a run-time value."""
        if self.run_time_weights:
            return program.opaque_constant(array, "i32")
        return program.constant(array, "i32")

    def repack_source(self, program, words):
        """The source of a repack: a constant to fold or a run-time value."""
        if self.repack == "fold":
            return program.constant(words, "i32")
        return program.opaque_constant(words, "i32")

    def emit_repack(self, program, q):
        """`w4a16.repack` of the `repack_from` packing of q to the scheme's
        layout."""
        source, source_type = self.repack_source(
            program, self.packer(q, self.repack_from))
        shape = np.shape(formats.pack_weights(q, self.scheme.layout))
        result, result_type = program.fresh("p"), mlir_exec.tensor_type(
            shape, "i32")
        program.add(f"{result} = w4a16.repack {source} from "
                    f"{self.repack_from} to {self.scheme.layout} : "
                    f"{source_type} -> {result_type}")
        return result, result_type

    def emit_zeros(self, program, zeros):
        """The packed zeros operand (`zeros` in the scheme's order); with a
        repack from awq, entered in awq order through `w4a16.repack_zeros`."""
        if not (self.repack and self.repack_from == "awq"):
            return self.packed_constant(program, zeros)
        awq = formats.pack_zeros(
            formats.unpack_zeros(zeros, self.scheme.layout), "awq")
        source, source_type = self.repack_source(program, awq)
        result = program.fresh("z")
        program.add(f"{result} = w4a16.repack_zeros {source} from awq to gptq "
                    f": {source_type}")
        return result, source_type

    def ins(self, *leading):
        """The `ins(...)` text with (name, type) operands `leading` first."""
        names = [name for name, _ in leading] + self.names
        types = [type_ for _, type_ in leading] + self.types
        return f"ins({', '.join(names)} : {', '.join(types)}){self.optional}"

    def describe(self):
        s = self.scheme
        text = (f"{s.layout} G={s.group_size} zp={s.zero_point}"
                f"{' v1' if s.gptq_v1 else ''} K={self.k} N={self.n} "
                f"scales={self.scales}")
        if s.zero_point == "float":
            text += f" zeros={self.zeros}"
        if self.act_order:
            text += " act-order"
        if self.packer is not formats.pack_weights:
            text += f" packed-by={self.packer.__name__}"
        if self.repack:
            text += f" repack-{self.repack}-from-{self.repack_from}"
        if self.run_time_weights:
            text += " run-time-weights"
        return text


class MatmulCase:
    """`w4a16.matmul` of x [*lead, K] (f16/bf16) into init [*lead, N]; the
    dims of `lead` listed in `dynamic_dims` are cast to `?`."""

    def __init__(self, scheme, lead, k, n, act="f16", out="f16", scales=None,
                 zeros="f16", act_order=False, dynamic_dims=(),
                 packer=formats.pack_weights, repack=None,
                 run_time_weights=False, repack_from="gptq"):
        self.weights = QuantizedWeights(scheme, k, n, scales or act, zeros,
                                        act_order, packer, repack,
                                        run_time_weights, repack_from)
        self.lead, self.act, self.out = tuple(lead), act, out
        self.dynamic_dims = tuple(dynamic_dims)
        self.tolerance = TOLERANCE[out]

    def describe(self):
        m = "x".join("?" + str(d) if i in self.dynamic_dims else str(d)
                     for i, d in enumerate(self.lead))
        return (f"matmul lead={m} {self.act}->{self.out} "
                f"{self.weights.describe()}")

    def emit(self, program, rng):
        """Adds the case to `program`; returns (description, float64
        reference) of its one printed result."""
        k, n = self.weights.k, self.weights.n
        x_stored, x_value = rounded(rng.standard_normal((*self.lead, k)),
                                    self.act)
        i_stored, i_value = rounded(rng.standard_normal((*self.lead, n)),
                                    self.out)
        x_name, x_type = program.constant(x_stored, self.act, self.dynamic_dims)
        self.weights.emit(program, rng)
        i_name, i_type = program.constant(i_stored, self.out, self.dynamic_dims)
        result = program.fresh("r")
        program.add(
            f"{result} = w4a16.matmul {self.weights.scheme} "
            f"{self.weights.ins((x_name, x_type))} "
            f"outs({i_name} : {i_type}) -> {i_type}")
        program.print_tensor(result, [*self.lead, n], self.out, i_type)
        return [(self.describe(), formats.matmul_reference(
            x_value, init=i_value, **self.weights.reference_args))]


class DispatchCase:
    """One `w4a16.matmul` on x [?, K] in a function of its own, called from
    @main once per M of `ms`: M is a run-time value there (nothing folds
    it), so every call takes the run-time dispatch on M."""

    def __init__(self, scheme, ms, k, n, act="f16", out="f16", zeros="f16"):
        self.weights = QuantizedWeights(scheme, k, n, act, zeros)
        self.ms, self.act, self.out = tuple(ms), act, out
        self.tolerance = TOLERANCE[out]

    def describe(self):
        return (f"dispatch M={','.join(map(str, self.ms))} {self.act}->"
                f"{self.out} {self.weights.describe()}")

    def emit(self, program, rng):
        """Adds the function and its calls; returns (description, float64
        reference) of each call's printed result."""
        k, n = self.weights.k, self.weights.n
        x_type = mlir_exec.tensor_type(["?", k], self.act)
        i_type = mlir_exec.tensor_type(["?", n], self.out)
        body = mlir_exec.Program()
        self.weights.emit(body, rng)
        body.add(f"%r = w4a16.matmul {self.weights.scheme} "
                 f"{self.weights.ins(('%x', x_type))} "
                 f"outs(%init : {i_type}) -> {i_type}")
        symbol = program.add_function([("%x", x_type), ("%init", i_type)],
                                      body, "%r", i_type)
        references = []
        for m in self.ms:
            x_stored, x_value = rounded(rng.standard_normal((m, k)), self.act)
            i_stored, i_value = rounded(rng.standard_normal((m, n)), self.out)
            x_name, _ = program.constant(x_stored, self.act, (0,))
            i_name, _ = program.constant(i_stored, self.out, (0,))
            result = program.fresh("r")
            program.add(f"{result} = func.call {symbol}({x_name}, {i_name}) : "
                        f"({x_type}, {i_type}) -> {i_type}")
            program.print_tensor(result, [m, n], self.out, i_type)
            references.append((f"{self.describe()}: M={m}",
                               formats.matmul_reference(
                                   x_value, init=i_value,
                                   **self.weights.reference_args)))
        return references


class DequantCase:
    """`w4a16.dequant` to a [K, N] tensor of `out` (f16/bf16/f32)."""

    def __init__(self, scheme, k, n, out="f16", scales="f16", zeros="f16",
                 act_order=False, repack=None, repack_from="gptq"):
        self.weights = QuantizedWeights(scheme, k, n, scales, zeros, act_order,
                                        repack=repack, repack_from=repack_from)
        self.out = out
        self.tolerance = TOLERANCE[out]

    def describe(self):
        return f"dequant ->{self.out} {self.weights.describe()}"

    def emit(self, program, rng):
        k, n = self.weights.k, self.weights.n
        self.weights.emit(program, rng)
        result = program.fresh("r")
        result_type = mlir_exec.tensor_type([k, n], self.out)
        program.add(f"{result} = w4a16.dequant {self.weights.scheme} "
                    f"{self.weights.ins()} -> {result_type}")
        program.print_tensor(result, [k, n], self.out)
        return [(self.describe(),
                 formats.dequantize(**self.weights.reference_args))]


def _run_outputs(cases, seed, extra_passes, pipeline):
    """Runs all cases in one program; returns (case, relative error) per
    printed result (a DispatchCase prints one per M), printing a line each."""
    rng = np.random.default_rng(seed)
    program = mlir_exec.Program()
    checks = [(case, description, reference) for case in cases
              for description, reference in case.emit(program, rng)]
    outputs = mlir_exec.run_main(program.module(), pipeline=pipeline,
                                 extra_passes=extra_passes)
    if len(outputs) != len(checks):
        raise RuntimeError(f"expected {len(checks)} printed tensors, got "
                           f"{len(outputs)}")
    results = []
    for (case, description, ref), out in zip(checks, outputs):
        error = mlir_exec.relative_error(out, ref)
        verdict = "ok" if error <= case.tolerance else "FAIL"
        print(f"{verdict:4} rel err {error:.2e} (bound {case.tolerance:.0e}) "
              f"{description}")
        results.append((case, error))
    return results


def run_cases(cases, seed=0, extra_passes=(),
              pipeline=mlir_exec.CPU_PIPELINE):
    """Runs all cases in one program (through `extra_passes`, then
    `pipeline`); returns the relative error of each printed result against
    the float64 reference, printing one line each."""
    return [error for _, error in
            _run_outputs(cases, seed, extra_passes, pipeline)]


def count_failures(cases, seed=0, extra_passes=(),
                   pipeline=mlir_exec.CPU_PIPELINE):
    """Runs the cases; returns how many results exceed their bound."""
    return sum(error > case.tolerance for case, error in
               _run_outputs(cases, seed, extra_passes, pipeline))


def check_cases(cases, seed=0, extra_passes=(),
                pipeline=mlir_exec.CPU_PIPELINE):
    """Runs the cases; returns a process exit status (1 if any result
    exceeds its bound)."""
    failed = count_failures(cases, seed, extra_passes, pipeline)
    print(f"{failed} results out of bounds" if failed else
          f"all {len(cases)} cases within bounds")
    return 1 if failed else 0
