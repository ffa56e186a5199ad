#!/usr/bin/env python3
"""Static report rows (RESULTS.md) for the benchmark shapes: one GPTQ symmetric
fp16 decode matmul per shape and M, compiled for gfx1100 by w4a16-compile
(the MLIR kernels: the microkernels have their own report, bench/microkernels).

Usage: report_shapes.py BUILD_DIR  (prints markdown table rows)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# The emulation harness's matmul IR builder, not restated here.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "emulation"))
from prepare import matmul_ir  # noqa: E402

SHAPES = [("llama3-8b", 6144, 4096, 128), ("llama3-8b", 4096, 4096, 128),
          ("llama3-8b", 28672, 4096, 128), ("llama3-8b", 4096, 14336, 128),
          ("qwen3.6-27b", 16384, 5120, 32), ("qwen3.6-27b", 14336, 5120, 32),
          ("qwen3.6-27b", 5120, 6144, 32), ("qwen3.6-27b", 34816, 5120, 32),
          ("qwen3.6-27b", 5120, 17408, 32), ("qwen3.6-27b", 8192, 5120, 32),
          ("qwen3.6-27b", 7168, 5120, 32), ("qwen3.6-27b", 5120, 3072, 32),
          ("qwen3.6-27b", 17408, 5120, 32), ("qwen3.6-27b", 5120, 8704, 32)]
ROWS = (1, 2, 4, 8)


def row(compile_tool, tmp, model, n, k, g, m):
    src = os.path.join(tmp, "s.mlir")
    with open(src, "w") as f:
        f.write(matmul_ir("f16", "symmetric", m, k, n, g))
    report, manifest = os.path.join(tmp, "r.txt"), os.path.join(tmp, "m.json")
    subprocess.run([compile_tool, src, "--backend=mlir", "--chipset=gfx1100",
                    "-o", os.path.join(tmp, "s.hsaco"), "--report", report,
                    "--manifest", manifest], check=True)
    lines = open(report).read().splitlines()
    split = next(kernel["tiling"]["split_k"]
                 for kernel in json.load(open(manifest))["kernels"]
                 if kernel["symbol"].endswith("_decode"))
    res = re.search(r"VGPRs (\d+), SGPRs (\d+), LDS (\d+) B, scratch (\d+) B, "
                    r"waves/SIMD (\d+)", lines[1]).groups()
    mix = re.search(r"global loads (.*?), WMMA \d+, dot2 (\d+), other VALU "
                    r"(\d+), VALU issues (\d+), LDS ops \d+, s_waitcnt (\d+)",
                    lines[2]).groups()
    model_cols = re.search(r": ([\d.]+) MB / \d+ GB/s = ([\d.]+) us; .* = "
                           r"([\d.]+) us; modelled ([\d.]+) us \((\w+)-bound",
                           lines[3]).groups()
    cells = [model, f"{n}x{k}", g, m, split, *res, *mix, *model_cols]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main():
    compile_tool = os.path.join(sys.argv[1], "bin", "w4a16-compile")
    with tempfile.TemporaryDirectory() as tmp:
        for model, n, k, g in SHAPES:
            for m in ROWS:
                print(row(compile_tool, tmp, model, n, k, g, m))


if __name__ == "__main__":
    main()
