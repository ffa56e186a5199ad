"""Helpers for execution tests: numpy arrays in and out of MLIR programs run
on the host CPU with `w4a16-opt --w4a16-cpu-pipeline | mlir-runner`.

Arrays enter a program as hex `dense<"0x...">` constants and leave it
through `printMemrefF32`, whose output `run_main` parses back into numpy.
bf16 has no numpy dtype: it travels as uint16 bit patterns (converters in
`w4a16.formats`)."""
import os
import re
import subprocess

import numpy as np

RUNNER_LIBS = os.environ.get(
    "W4A16_RUNNER_LIBS",
    "/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,"
    "/usr/lib/llvm-22/lib/libmlir_runner_utils.so")

_NUMPY_DTYPES = {"f16": np.float16, "bf16": np.uint16, "f32": np.float32,
                 "i32": np.int32, "i64": np.int64, "i8": np.int8}


def tensor_type(shape, element):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def dense(array, element):
    """A `dense<"0x...">` literal of `array` (bf16: uint16 bit patterns);
    i4 values are written as a nested list literal."""
    if element == "i4":
        return f"dense<{np.asarray(array, dtype=np.int64).tolist()}>"
    data = np.ascontiguousarray(array, dtype=_NUMPY_DTYPES[element])
    return f'dense<"0x{data.tobytes().hex().upper()}">'


def from_dense(literal, shape, element):
    """Inverse of `dense`: the array of a `dense<"0x...">` literal's hex."""
    data = bytes.fromhex(re.search(r'"0x([0-9A-Fa-f]*)"', literal).group(1))
    return np.frombuffer(data, dtype=_NUMPY_DTYPES[element]).reshape(shape)


class Program:
    """Builds `func.func @main()` that materializes constants, runs some
    ops and prints chosen tensors as f32."""

    def __init__(self):
        self.lines = []
        self.functions = []
        self.printed = 0
        self._names = 0

    def fresh(self, prefix="v"):
        self._names += 1
        return f"%{prefix}{self._names}"

    def constant(self, array, element, dynamic_dims=()):
        """Adds a constant; dims listed in `dynamic_dims` are cast to `?`."""
        shape = list(np.shape(array))
        name = self.fresh("c")
        static = tensor_type(shape, element)
        self.lines.append(f"{name} = arith.constant {dense(array, element)} : {static}")
        if not dynamic_dims:
            return name, static
        dyn_shape = ["?" if i in dynamic_dims else d for i, d in enumerate(shape)]
        dynamic = tensor_type(dyn_shape, element)
        cast = self.fresh("d")
        self.lines.append(f"{cast} = tensor.cast {name} : {static} to {dynamic}")
        return cast, dynamic

    def opaque_constant(self, array, element):
        """A constant behind a cast through a dynamic first dimension, of the
        static type again: passes that fold constants see a run-time value."""
        hidden, hidden_type = self.constant(array, element, dynamic_dims=(0,))
        static = tensor_type(np.shape(array), element)
        name = self.fresh("h")
        self.lines.append(f"{name} = tensor.cast {hidden} : {hidden_type} to "
                          f"{static}")
        return name, static

    def add(self, line):
        self.lines.append(line)

    def add_function(self, args, body, result, result_type):
        """Adds a function of `args` ((name, type) pairs) whose body is the
        lines of Program `body`, returning `result`; returns its symbol.
        Values that reach it only as arguments stay run-time values."""
        symbol = "@" + self.fresh("f")[1:]
        signature = ", ".join(f"{name}: {type_}" for name, type_ in args)
        lines = "\n    ".join(body.lines)
        self.functions.append(
            f"func.func private {symbol}({signature}) -> {result_type} {{\n"
            f"    {lines}\n    return {result} : {result_type}\n}}\n")
        return symbol

    def print_tensor(self, name, shape, element, type_str=None):
        """Prints tensor `name` of static `shape` (given as `type_str` if it
        has dynamic dims) as f32."""
        static = tensor_type(shape, element)
        if type_str and type_str != static:
            cast = self.fresh("s")
            self.lines.append(f"{cast} = tensor.cast {name} : {type_str} to {static}")
            name = cast
        if element != "f32":
            f32_type = tensor_type(shape, "f32")
            empty, ext = self.fresh("e"), self.fresh("x")
            rank = len(shape)
            dims = ", ".join(f"d{i}" for i in range(rank))
            ident = f"affine_map<({dims}) -> ({dims})>"
            iterators = ", ".join(['"parallel"'] * rank)
            self.lines += [
                f"{empty} = tensor.empty() : {f32_type}",
                f"{ext} = linalg.generic {{indexing_maps = [{ident}, {ident}], "
                f"iterator_types = [{iterators}]}} "
                f"ins({name} : {static}) outs({empty} : {f32_type}) {{",
                f"^bb0(%in: {element}, %out: f32):",
                f"  %ext = arith.extf %in : {element} to f32",
                "  linalg.yield %ext : f32",
                f"}} -> {f32_type}"]
            name = ext
        memref_type = "memref<" + "".join(f"{d}x" for d in shape) + "f32>"
        buf, unranked = self.fresh("b"), self.fresh("u")
        self.lines += [
            f"{buf} = bufferization.to_buffer {name} : {tensor_type(shape, 'f32')} to {memref_type}",
            f"{unranked} = memref.cast {buf} : {memref_type} to memref<*xf32>",
            f"call @printMemrefF32({unranked}) : (memref<*xf32>) -> ()"]
        self.printed += 1

    def module(self):
        body = "\n    ".join(self.lines)
        return ("func.func private @printMemrefF32(memref<*xf32>) "
                "attributes {llvm.emit_c_interface}\n" +
                "".join(self.functions) +
                f"func.func @main() {{\n    {body}\n    return\n}}\n")


_MEMREF_HEADER = re.compile(r"sizes = \[([0-9, ]*)\].*?data =", re.S)


def parse_printed(stdout):
    """Parses every printMemrefF32 output in `stdout` into numpy arrays."""
    arrays = []
    headers = list(_MEMREF_HEADER.finditer(stdout))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(stdout)
        shape = [int(d) for d in header.group(1).split(",") if d.strip()]
        text = stdout[header.end():end]
        text = text[:text.rfind("]") + 1] if "]" in text else text
        values = re.findall(r"[-+]?(?:nan|inf|\d+\.?\d*(?:e[-+]?\d+)?)", text)
        arrays.append(np.array([float(v) for v in values],
                               dtype=np.float64).reshape(shape))
    return arrays


CPU_PIPELINE = "--w4a16-cpu-pipeline"


def run_main(module_text, pipeline=CPU_PIPELINE, extra_passes=()):
    """Lowers `module_text` with w4a16-opt and runs @main with mlir-runner;
    returns the printed tensors as float64 arrays."""
    lowered = subprocess.run(["w4a16-opt", *extra_passes, pipeline],
                             input=module_text, capture_output=True,
                             text=True)
    if lowered.returncode != 0:
        raise RuntimeError("w4a16-opt failed:\n" + lowered.stderr)
    ran = subprocess.run(["mlir-runner", "-e", "main",
                          "-entry-point-result=void",
                          "-shared-libs=" + RUNNER_LIBS],
                         input=lowered.stdout, capture_output=True, text=True)
    if ran.returncode != 0:
        raise RuntimeError("mlir-runner failed:\n" + ran.stderr)
    return parse_printed(ran.stdout)


def relative_error(out, ref):
    out = np.asarray(out, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if not np.all(np.isfinite(out)):
        return float("inf")
    return float(np.linalg.norm(out - ref) / np.linalg.norm(ref))
