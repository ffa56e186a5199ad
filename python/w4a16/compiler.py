"""Compiling MLIR with w4a16: pass pipelines on IR text, raising the
dequant+matmul patterns of torch-mlir's output into w4a16 ops, and whole
compilations. The work happens in C++ (w4a16/Driver); this module normalizes
inputs and shapes results."""
import json
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Tuple

BACKENDS = ("gpu", "cpu")
KERNEL_BACKENDS = (None, "auto", "ukernel", "mlir")
RAISE_PASS = "w4a16-raise-dequant-matmul"
DEFAULT_SOURCE_NAME = "<input>"


class Diagnostic(NamedTuple):
    """One MLIR diagnostic. `location` is "file:line:col", or "" when the
    diagnostic has no source location (e.g. a malformed pass pipeline)."""
    severity: str
    location: str
    message: str

    def __str__(self):
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.severity}: {self.message}"


class CompileError(Exception):
    """MLIR rejected the input or a pass failed. `diagnostics` holds every
    diagnostic emitted (notes follow the error they belong to)."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class CompilerDiagnostic(UserWarning):
    """A warning or remark MLIR emitted while the compilation succeeded (an
    error raises CompileError instead)."""


def _surface(diagnostics):
    """Issues each diagnostic of a successful run, with the notes that follow
    it, as one CompilerDiagnostic warning; returns them all as a tuple."""
    diagnostics = tuple(diagnostics)
    messages = []
    for diagnostic in diagnostics:
        if diagnostic.severity == "note" and messages:
            messages[-1] += "\n" + str(diagnostic)
        else:
            messages.append(str(diagnostic))
    for message in messages:
        warnings.warn(message, CompilerDiagnostic, stacklevel=3)
    return diagnostics


# Imported after CompileError: the native module raises it.
from . import _w4a16  # noqa: E402


@dataclass(frozen=True)
class CompileResult:
    """What `compile` produced. Artifacts a backend does not produce are None:
    the CPU backend gives only `ir` (LLVM dialect for the host); for NVIDIA
    chips `binary` and `isa` are the PTX and there is no `report`. `warnings`:
    the warnings and remarks emitted on the way (each also issued as a
    CompilerDiagnostic Python warning)."""
    backend: str
    chipset: Optional[str]
    ir: str
    binary: Optional[bytes]
    isa: Optional[str]
    manifest: Optional[dict]
    report: Optional[str]
    warnings: Tuple[Diagnostic, ...] = field(default=())


def module_text(module):
    """The IR text of `module`: a string as is, otherwise
    `module.operation.get_asm()` (MLIR Python bindings, as torch-mlir returns)
    or else `str(module)`."""
    if isinstance(module, str):
        return module
    get_asm = getattr(getattr(module, "operation", None), "get_asm", None)
    text = get_asm() if callable(get_asm) else str(module)
    if not isinstance(text, str):
        raise TypeError(f"IR of {type(module).__name__} is a "
                        f"{type(text).__name__}, not a str")
    return text


def run_pipeline(module, pipeline, source_name=DEFAULT_SOURCE_NAME):
    """Runs a textual pass pipeline (`"canonicalize,cse"` or
    `"builtin.module(canonicalize,cse)"`) on `module` and returns the printed
    result. Raises CompileError; warnings and remarks become
    CompilerDiagnostic Python warnings."""
    text, diagnostics = _w4a16.run_pipeline(module_text(module), pipeline,
                                            source_name)
    _surface(diagnostics)
    return text


def has_pass(name):
    """Whether `name` is a registered pass or pass pipeline."""
    return _w4a16.has_pass(name)


def raise_quantized_matmuls(module, source_name=DEFAULT_SOURCE_NAME):
    """Replaces W4A16 dequant+matmul patterns written in upstream dialects
    (as torch-mlir emits them) by `w4a16.matmul`; returns the printed IR."""
    return run_pipeline(module, RAISE_PASS, source_name)


def compile(module, chipset="gfx1100", backend="gpu",
            source_name=DEFAULT_SOURCE_NAME, emulate=None, kernels=None):
    """Compiles `module` (IR text or an object holding IR, see module_text)
    for `chipset` (gfx11, or sm_80/sm_90) with `backend` ("gpu" or "cpu").
    `emulate` (e.g. "sm_90") runs the kernels built for the gfx11 `chipset`
    on that NVIDIA chip through the AMD-op emulation; load the result with
    `w4a16.runtime.Runtime.load(result.binary, result.manifest)`. `kernels`
    ("auto", "ukernel" or "mlir", GPU only; None: "auto", the faster for the
    chip: gfx11 the microkernels, NVIDIA MLIR) chooses who writes the
    kernels' inner loop. Raises CompileError."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: expected one of "
                         f"{', '.join(BACKENDS)}")
    if kernels not in KERNEL_BACKENDS:
        raise ValueError(f"unknown kernels {kernels!r}: expected 'auto', "
                         f"'ukernel', 'mlir' or None")
    artifacts = _w4a16.compile(module_text(module), chipset, backend,
                               source_name, emulate or "", kernels or "auto")
    return CompileResult(
        backend=backend,
        chipset=chipset if backend == "gpu" else None,
        ir=artifacts["ir"],
        binary=artifacts["binary"] or None,
        isa=artifacts["isa"] or None,
        manifest=json.loads(artifacts["manifest"]) if artifacts["manifest"]
        else None,
        report=artifacts["report"] or None,
        warnings=_surface(artifacts["diagnostics"]))
