# RUN: %python %s
"""w4a16.dequant on the CPU against the float64 reference: the dense [K, N]
weights in f16 / bf16 / f32 for both layouts, every zero-point kind and
act-order. Relative error bounds: f32 1e-5, f16 2e-3, bf16 1e-2."""
import sys

from quant_cases import DequantCase, check_cases
from w4a16 import Scheme

CASES = [
    DequantCase(Scheme("gptq", 32, "symmetric"), 96, 37, out="f32"),
    DequantCase(Scheme("gptq", 16, "packed", gptq_v1=True), 208, 24),
    DequantCase(Scheme("gptq", 32, "float"), 160, 40, out="bf16",
                scales="bf16", zeros="bf16"),
    DequantCase(Scheme("gptq", 64, "none"), 192, 40, out="f32",
                act_order=True),
    DequantCase(Scheme("awq", 32, "packed"), 160, 72, out="f32"),
    DequantCase(Scheme("awq", -1, "packed"), 200, 24, out="bf16",
                scales="bf16"),
    DequantCase(Scheme("awq", 128, "float"), 384, 40, zeros="f32"),
]

if __name__ == "__main__":
    sys.exit(check_cases(CASES, seed=4))
