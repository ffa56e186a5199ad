"""w4a16: 4-bit-weight, 16-bit-activation matmuls. The numpy side: the GPTQ /
AWQ packed formats and a float64 reference (`w4a16.formats`); the compiler
side: pipelines, raising and compilation through the native module
(`w4a16.compiler`)."""
from .compiler import (CompileError, CompileResult, CompilerDiagnostic,
                       Diagnostic, compile, has_pass, raise_quantized_matmuls,
                       run_pipeline)
from .formats import (AWQ_NIBBLE_TO_COLUMN, Scheme, bf16_bits_to_f32,
                      dequantize, f32_to_bf16_bits, matmul_reference,
                      pack_weights, pack_zeros, unpack_weights, unpack_zeros)

__all__ = ["CompileError", "CompileResult", "CompilerDiagnostic",
           "Diagnostic", "compile",
           "has_pass", "raise_quantized_matmuls", "run_pipeline",
           "AWQ_NIBBLE_TO_COLUMN", "Scheme", "bf16_bits_to_f32", "dequantize",
           "f32_to_bf16_bits", "matmul_reference", "pack_weights",
           "pack_zeros", "unpack_weights", "unpack_zeros"]
