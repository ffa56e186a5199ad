"""Builds, on the build machine, everything run_device.py needs on an NVIDIA
GPU machine, into one directory (default /work/main/.device-carry/nv):

- matmuls compiled exactly as for gfx1100 and run through the AMD-op
  emulation (`w4a16-compile --chipset=gfx1100 --emulate=sm_90`), for f16/bf16
  activations, symmetric/packed zeros, the decode (M = 1, 3, 8), small_batch
  (M = 16, 24, 33) and prefill (M = 100, 130) kernels, N, K that are not
  multiples of the tile, and decode in row tiles where N is off the
  fragment layout (M = 40, 130); plus some compiled natively for sm_90, and the
  native mma.sync small_batch / prefill kernels (MMA_SYNC_CASES, M = 9 to
  512, a few also for sm_80);
- hand-written gfx11 WMMA kernels (amdgpu.wmma, f16 and bf16, written from
  the documented lane table, not from our layout code) through the same
  emulation, and two deliberately broken ones: lanes 16-31 fed other A rows
  (the duplication check must raise the error flag) and the accumulator
  mapped with gfx12's row order m = 8 * (lane / 16) + v (the result must
  mismatch);
- the runtime library, w4a16/runtime.py, w4a16/formats.py and the device
  script; `ptxas -v` registers/spills of every PTX into ptxas.txt.

With --backend=ukernel (default OUT_DIR /work/main/.device-carry/uk): the
same matmul cases, emulated and native, compiled with the microkernel
backend (the NVIDIA build of lib/Microkernels linked into the kernels);
every main kernel must be a microkernel one (no fallback to the MLIR
lowering), and the hand-written WMMA kernels are left out.

Usage: prepare.py BUILD_DIR [OUT_DIR] [--backend=mlir|ukernel]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# (name, activation, zero point, M, K, N, group size)
MATMUL_CASES = [
    ("f16_sym_m1", "f16", "symmetric", 1, 4096, 4096, 128),
    ("f16_sym_m3_odd", "f16", "symmetric", 3, 352, 200, 32),
    ("f16_packed_m8_odd", "f16", "packed", 8, 1056, 328, 32),
    ("bf16_sym_m1_odd", "bf16", "symmetric", 1, 352, 200, 32),
    ("bf16_packed_m3", "bf16", "packed", 3, 2048, 1024, 128),
    ("bf16_packed_m8_odd", "bf16", "packed", 8, 1056, 328, 32),
    ("f16_packed_m1_pc", "f16", "packed", 1, 512, 136, -1),
    # WMMA kernels (fragment weights, repacked by the runtime at load time).
    ("f16_sym_m16_wmma", "f16", "symmetric", 16, 1024, 512, 128),
    ("f16_packed_m33_wmma_odd", "f16", "packed", 33, 1024, 208, 64),
    ("bf16_packed_m24_wmma", "bf16", "packed", 24, 512, 256, 32),
    ("f16_sym_m100_prefill", "f16", "symmetric", 100, 512, 384, 128),
    ("bf16_packed_m130_prefill_odd", "bf16", "packed", 130, 1024, 272, 32),
    # N off the fragment layout's 16-column blocks: decoded in 8-row tiles.
    ("f16_packed_m40_decode_rows", "f16", "packed", 40, 1024, 200, 64),
    ("bf16_sym_m130_decode_rows", "bf16", "symmetric", 130, 352, 200, 32),
]
NATIVE_CASES = ["f16_sym_m1", "bf16_packed_m8_odd", "f16_packed_m33_wmma_odd",
                "f16_packed_m40_decode_rows", "bf16_sym_m130_decode_rows"]
# Native only (--chipset=sm_90): the small_batch / prefill kernels on
# mma.sync m16n8k16 (MmaSyncLowering.cpp), M not multiples of the tile, N
# not of the 128-column tile, K not of the 128-row step, groups of 32 / 64 /
# 128 / per channel (1, 2 and 4 words per lane and step).
MMA_SYNC_CASES = [
    ("f16_sym_m9_mma", "f16", "symmetric", 9, 1024, 528, 128),
    ("bf16_packed_m16_mma", "bf16", "packed", 16, 2048, 1024, 128),
    ("f16_packed_m24_mma_odd", "f16", "packed", 24, 1056, 208, 32),
    ("bf16_sym_m32_mma_odd", "bf16", "symmetric", 32, 1088, 272, 64),
    ("f16_packed_m64_mma", "f16", "packed", 64, 4096, 4096, 128),
    ("bf16_packed_m64_mma_pc", "bf16", "packed", 64, 512, 144, -1),
    ("f16_packed_m100_mma_prefill", "f16", "packed", 100, 1024, 400, 128),
    ("bf16_sym_m100_mma_prefill_odd", "bf16", "symmetric", 100, 1056, 208,
     32),
    ("f16_sym_m512_mma_prefill", "f16", "symmetric", 512, 2048, 1024, 128),
    ("bf16_packed_m512_mma_prefill", "bf16", "packed", 512, 4096, 2048, 128),
    ("f16_packed_m130_mma_prefill_odd", "f16", "packed", 130, 1024, 272, 64),
]
# Also compiled for sm_80 (the PTX is JIT-compiled for the device).
SM80_CASES = ["bf16_packed_m16_mma", "f16_packed_m100_mma_prefill"]


def matmul_ir(activation, zero_point, m, k, n, group):
    groups = 1 if group == -1 else k // group
    scheme = (f"#w4a16.scheme<layout = gptq, group_size = {group}, "
              f"zero_point = {zero_point}>")
    x = f"tensor<{m}x{k}x{activation}>"
    w = f"tensor<{k // 8}x{n}xi32>"
    s = f"tensor<{groups}x{n}x{activation}>"
    y = f"tensor<{m}x{n}x{activation}>"
    zeros_arg = f", %z: tensor<{groups}x{n // 8}xi32>" \
        if zero_point == "packed" else ""
    zeros_use = f" zeros(%z : tensor<{groups}x{n // 8}xi32>)" \
        if zero_point == "packed" else ""
    return (f"func.func @matmul(%x: {x}, %w: {w}, %s: {s}{zeros_arg}, "
            f"%i: {y}) -> {y} {{\n"
            f"  %0 = w4a16.matmul {scheme} ins(%x, %w, %s : {x}, {w}, {s})"
            f"{zeros_use} outs(%i : {y}) -> {y}\n"
            f"  return %0 : {y}\n}}\n")


def wmma_ir(name, element, a_rows, a_row, acc_row):
    """One wave computes D = A x B + C (16x16x16) with amdgpu.wmma. Lane l
    loads A row `a_row` (text in %lane, %r = l % 16), B column l % 16 (from
    B transposed) and accumulator value v from row `acc_row(v)` (text in
    %half = l / 16), column l % 16; D goes back to the same places."""
    t = element
    lines = [
        "module attributes {gpu.container_module} {",
        "gpu.module @wmma_kernels {",
        f"  gpu.func @{name}(%a: memref<{a_rows}x16x{t}>, "
        f"%bt: memref<16x16x{t}>, %c: memref<16x16xf32>, "
        f"%d: memref<16x16xf32>) kernel attributes "
        "{known_block_size = array<i32: 32, 1, 1>} {",
        "    %c0 = arith.constant 0 : index",
        "    %c16 = arith.constant 16 : index",
        "    %lane = gpu.thread_id x",
        "    %r = arith.remui %lane, %c16 : index",
        "    %half = arith.divui %lane, %c16 : index",
        f"    %arow = {a_row}",
        f"    %av = vector.load %a[%arow, %c0] : memref<{a_rows}x16x{t}>, "
        f"vector<16x{t}>",
        f"    %bv = vector.load %bt[%r, %c0] : memref<16x16x{t}>, "
        f"vector<16x{t}>",
        "    %acc0 = arith.constant dense<0.0> : vector<8xf32>",
    ]
    for v in range(8):
        lines += [
            f"    %row{v} = {acc_row(v)}",
            f"    %cv{v} = memref.load %c[%row{v}, %r] : memref<16x16xf32>",
            f"    %acc{v + 1} = vector.insert %cv{v}, %acc{v} [{v}] : f32 "
            "into vector<8xf32>",
        ]
    lines.append(f"    %dv = amdgpu.wmma 16x16x16 %av * %bv + %acc8 : "
                 f"vector<16x{t}>, vector<16x{t}>, vector<8xf32>")
    for v in range(8):
        lines += [
            f"    %dv{v} = vector.extract %dv[{v}] : f32 from vector<8xf32>",
            f"    memref.store %dv{v}, %d[%row{v}, %r] : memref<16x16xf32>",
        ]
    lines += ["    gpu.return", "  }", "}", "}"]
    return "\n".join(lines) + "\n"


def documented_row(v):
    # rdna3.md: value v of lane l is D[2v + l/16][l % 16].
    return (f"affine.apply affine_map<(h) -> ({2 * v} + h)>(%half)")


def gfx12_row(v):
    # The RDNA4 accumulator order m = 8 * (l / 16) + v: wrong on gfx11.
    return (f"affine.apply affine_map<(h) -> ({v} + h * 8)>(%half)")


WMMA_CASES = [
    # name, element, rows of A, A row of a lane, accumulator row, expectation
    ("wmma_f16", "f16", 16, "arith.addi %r, %c0 : index", documented_row,
     "pass"),
    ("wmma_bf16", "bf16", 16, "arith.addi %r, %c0 : index", documented_row,
     "pass"),
    ("broken_dup_f16", "f16", 32, "arith.addi %lane, %c0 : index",
     documented_row, "flag"),
    ("broken_accrows_bf16", "bf16", 16, "arith.addi %r, %c0 : index",
     gfx12_row, "mismatch"),
]

EMULATION_PIPELINE = (
    "builtin.module(gpu.module(w4a16-emulate-amdgpu,lower-affine,"
    "canonicalize,cse),nvvm-attach-target{chip=sm_90 O=3},"
    "gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm),"
    "reconcile-unrealized-casts,gpu-module-to-binary{format=isa})")


# Test of the test on the real lowering: the small_batch kernel as
# --convert-w4a16-to-gpu emits it, with its accumulator rows rewritten from
# gfx11's 2v + lane/16 to gfx12's 8 (lane/16) + v; it must mismatch.
BROKEN_LOWERING = ("broken_lowering_accrows_m16", "f16", "symmetric", 16, 1024,
                   512, 128)


def gfx12_accumulator_rows(ir):
    """Rewrites the accumulator row maps (lane floordiv 16 + 2v) of
    converted IR into gfx12's row order (8 (lane floordiv 16) + v)."""
    def gfx12(match):
        v = int(match.group(1) or 0) // 2
        return (f"affine_map<()[s0] -> (s0 floordiv 16 * 8"
                f"{f' + {v}' if v else ''})>")
    broken = re.sub(r"affine_map<\(\)\[s0\] -> \(s0 floordiv 16"
                    r"(?: \+ (\d+))?\)>", gfx12, ir)
    assert broken != ir, "no accumulator row map to break"
    return broken


def mlir_string(text):
    """Decodes an MLIR string literal body (\\XX hex escapes)."""
    return re.sub(r"\\([0-9A-Fa-f]{2}|\\|\")",
                  lambda m: m.group(1) if m.group(1) in ("\\", '"')
                  else chr(int(m.group(1), 16)), text)


def memref_arg(name, element, shape, offset):
    return {"name": name, "kind": "memref", "element": element,
            "shape": shape, "type": f"memref<{'x'.join(map(str, shape))}x"
            f"{element}>", "offset": offset, "size": 16 + 8 * (1 + 2 *
                                                              len(shape))}


def check_ukernel_manifest(path):
    """Fails unless every main kernel of the manifest calls a microkernel
    (the conversion falls back to the MLIR lowering, with a remark, for what
    the microkernels do not cover)."""
    kernels = [kernel["symbol"] for kernel in json.load(open(path))["kernels"]]
    main_kernels = [symbol for symbol in kernels
                    if not symbol.endswith(("_splitk_reduce", "_permute"))]
    fallback = [symbol for symbol in main_kernels
                if not symbol.endswith("_ukernel")]
    if not main_kernels or fallback:
        sys.exit(f"{path}: not microkernel kernels: {fallback or kernels}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--backend", choices=("mlir", "ukernel"),
                        default="mlir")
    options = parser.parse_args()
    build = os.path.abspath(options.build)
    ukernel = options.backend == "ukernel"
    out = options.out or ("/work/main/.device-carry/uk" if ukernel
                          else "/work/main/.device-carry/nv")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    compile_tool = os.path.join(build, "bin", "w4a16-compile")
    opt_tool = os.path.join(build, "bin", "w4a16-opt")
    cases = []
    for name, act, zp, m, k, n, g in MATMUL_CASES + ([] if ukernel else
                                                      MMA_SYNC_CASES):
        src = os.path.join(out, name + ".mlir")
        with open(src, "w") as f:
            f.write(matmul_ir(act, zp, m, k, n, g))
        emulated = (name, act, zp, m, k, n, g) in MATMUL_CASES
        variants = []
        if emulated:
            variants.append(("emulated",
                             ["--chipset=gfx1100", "--emulate=sm_90"]))
        if name in NATIVE_CASES or not emulated:
            variants.append(("native", ["--chipset=sm_90"]))
        if name in SM80_CASES:
            variants.append(("native_sm80", ["--chipset=sm_80"]))
        for mode, flags in variants:
            stem = f"{name}.{mode}"
            manifest = os.path.join(out, stem + ".json")
            subprocess.run([compile_tool, src, *flags,
                            f"--backend={options.backend}", "-o",
                            os.path.join(out, stem + ".ptx"), "--manifest",
                            manifest], check=True)
            if ukernel:
                check_ukernel_manifest(manifest)
            cases.append({"kind": "matmul", "name": name, "mode": mode,
                          "stem": stem, "activation": act, "zero_point": zp,
                          "m": m, "k": k, "n": n, "group_size": g})
        os.remove(src)
    if ukernel:
        finish(build, out, cases)
        return
    name, act, zp, m, k, n, g = BROKEN_LOWERING
    converted = subprocess.run(
        [opt_tool, "--w4a16-tile-matmul=chipset=gfx1100",
         "--w4a16-repack-weights", "--convert-w4a16-to-gpu"],
        input=matmul_ir(act, zp, m, k, n, g), capture_output=True, text=True,
        check=True).stdout
    src = os.path.join(out, name + ".mlir")
    with open(src, "w") as f:
        f.write(gfx12_accumulator_rows(converted))
    subprocess.run([compile_tool, src, "--backend=mlir", "--chipset=gfx1100",
                    "--emulate=sm_90",
                    "-o", os.path.join(out, name + ".ptx"), "--manifest",
                    os.path.join(out, name + ".json")], check=True)
    os.remove(src)
    cases.append({"kind": "matmul", "name": name, "stem": name,
                  "activation": act, "zero_point": zp, "m": m, "k": k, "n": n,
                  "group_size": g, "expect": "mismatch"})
    for name, element, a_rows, a_row, acc_row, expect in WMMA_CASES:
        ir = wmma_ir(name, element, a_rows, a_row, acc_row)
        lowered = subprocess.run(
            [opt_tool, f"--pass-pipeline={EMULATION_PIPELINE}"], input=ir,
            capture_output=True, text=True, check=True).stdout
        ptx = mlir_string(re.search(r'assembly = "(.*?)(?<!\\)"', lowered,
                                    re.S).group(1))
        with open(os.path.join(out, name + ".ptx"), "w") as f:
            f.write(ptx)
        manifest = {"code_object": "ptx", "chip": "sm_90",
                    "kernel_chip": "gfx1100",
                    "error_flag": "w4a16_emulation_error",
                    "kernels": [{"symbol": name, "function": name,
                                 "grid": [1, 1, 1],
                                 "workgroup_size": [32, 1, 1], "args": [
                                     memref_arg("a", element, [a_rows, 16],
                                                0),
                                     memref_arg("bt", element, [16, 16], 56),
                                     memref_arg("c", "f32", [16, 16], 112),
                                     memref_arg("d", "f32", [16, 16], 168)]}]}
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(manifest, f, indent=1)
        cases.append({"kind": "wmma", "name": name, "stem": name,
                      "element": element, "a_rows": a_rows,
                      "expect": expect})
    finish(build, out, cases)


def finish(build, out, cases):
    """Writes cases.json and ptxas.txt, copies the runtime and scripts."""
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    with open(os.path.join(out, "ptxas.txt"), "w") as log:
        for case in cases:
            result = subprocess.run(
                ["ptxas", "-arch=sm_90", "-v",
                 os.path.join(out, case["stem"] + ".ptx"), "-o", "/dev/null"],
                capture_output=True, text=True, check=True)
            log.write(f"== {case['stem']}\n{result.stderr}")
    shutil.copy(os.path.join(build, "lib", "libw4a16_runtime.so"), out)
    for source in ("python/w4a16/runtime.py", "python/w4a16/formats.py",
                   "bench/emulation/run_device.py"):
        shutil.copy(os.path.join(ROOT, source), out)
    print(f"{len(cases)} cases in {out}")


if __name__ == "__main__":
    main()
