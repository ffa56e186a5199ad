#!/usr/bin/python3
"""Static report of the w4a16 microkernels on gfx1100 (no AMD GPU needed).

Builds the test kernels of test/Microkernels (which call every microkernel)
with clang-22 for gfx1100, or reads an assembly file given with --asm, and
prints per kernel: registers, LDS, scratch, waves per SIMD, and the inner K
loop's instruction mix normalised to 32 weights per lane.

Usage: /usr/bin/python3 bench/microkernels/report.py [--asm FILE] [--chip gfx1100]
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LLVM = "/usr/lib/llvm-22/bin"
WMMA_CYCLES = 32  # f16/bf16 16x16x16 on one SIMD; VALU does not co-issue


def build_assembly(chip, workdir):
    """Same pipeline as test/Microkernels/gfx11-isa.test."""
    uk = os.path.join(ROOT, "lib", "Microkernels")
    flags = ["-x", "hip", f"--offload-arch={chip}", "--cuda-device-only",
             "-nogpulib", "-nogpuinc", "-fgpu-rdc", "-O3", "-std=c++17",
             f"-I{ROOT}/include", f"-I{uk}", "-emit-llvm", "-c"]
    sources = [os.path.join(uk, "w4a16_uk_gemv_gfx11.hip"),
               os.path.join(uk, "w4a16_uk_wmma_gfx11.hip"),
               os.path.join(ROOT, "test", "Microkernels",
                            "w4a16_uk_test_kernels.hip")]
    bitcode = []
    for src in sources:
        out = os.path.join(workdir, os.path.basename(src) + ".bc")
        subprocess.run([f"{LLVM}/clang++", *flags, src, "-o", out], check=True)
        bitcode.append(out)
    linked = os.path.join(workdir, "linked.bc")
    subprocess.run([f"{LLVM}/llvm-link", *bitcode, "-o", linked], check=True)
    asm = os.path.join(workdir, "linked.s")
    subprocess.run([f"{LLVM}/clang++", "-target", "amdgcn-amd-amdhsa",
                    f"-mcpu={chip}", "-O3", "-nogpulib", "-S", linked, "-o",
                    asm], check=True)
    return asm


def split_functions(text):
    """{kernel name: (body lines, trailing '; Name: value' comments)}."""
    functions = {}
    pattern = r"^(test_\w+):.*?$(.*?)^\.Lfunc_end\d+:(.*?)^; Occupancy: \d+"
    for match in re.finditer(pattern, text, re.S | re.M):
        functions[match.group(1)] = (match.group(2).split("\n"),
                                     match.group(3) + match.group(0)[-16:])
    return functions


def comment_value(info, key):
    match = re.search(rf"; {key}: (\d+)", info)
    return int(match.group(1)) if match else None


def waves_per_simd(vgprs):
    """1536-VGPR gfx11 parts, allocation granule 24, at most 16 waves."""
    granules = -(-max(vgprs, 1) // 24) * 24
    return min(16, 1536 // granules)


def inner_branches(lines, begin, end):
    """(line index, target label) of the branches in lines[begin:end]."""
    for j in range(begin, end):
        match = re.search(r"s_c?branch\w*\s+(\.LBB\w+)", lines[j])
        if match:
            yield j, match.group(1)


def inner_loops(lines):
    """Yields the instruction lines of each innermost loop (label ... back branch)."""
    labels = {}
    for i, line in enumerate(lines):
        match = re.match(r"^(\.LBB\w+):", line)
        if match:
            labels[match.group(1)] = i
    for i, line in enumerate(lines):
        match = re.search(r"s_cbranch_\w+\s+(\.LBB\w+)", line)
        if not match or labels.get(match.group(1), i) >= i:
            continue
        start = labels[match.group(1)]
        body = lines[start + 1:i + 1]
        if any(start < labels.get(target, -1) < j
               for j, target in inner_branches(lines, start + 1, i)):
            continue  # encloses another loop
        yield [l.split()[0] for l in body
               if l.strip() and not l.lstrip().startswith((";", "."))]


def classify(ops):
    mix = collections.Counter()
    for op in ops:
        if op.startswith("v_wmma"):
            mix["wmma"] += 1
        elif "dot2" in op:
            mix["dot2"] += 1  # a VOPD v_dual_dot2acc counts as one issue
            mix["dot2 ops"] += 2 if op.startswith("v_dual") else 1
        elif op.startswith("v_"):
            mix["other valu"] += 1
        elif op.startswith("global_load") or op.startswith("buffer_load"):
            mix["vmem " + op.split("_")[-1]] += 1
        elif op.startswith("s_load") or op.startswith("s_buffer_load"):
            mix["smem " + op.split("_")[-1]] += 1
        elif op.startswith("ds_"):
            mix["lds"] += 1
        elif op.startswith("s_waitcnt"):
            mix["waitcnt"] += 1
        elif op.startswith("s_") and op not in ("s_delay_alu", "s_clause", "s_nop"):
            mix["salu"] += 1
    return mix


def weights_per_lane(name, mix):
    """Weights each lane covers per loop iteration, from the loop itself: a
    gemv b128 load is 4 columns x 8 K; a WMMA is 256 weights for the wave."""
    if "_gemv_" in name:
        return 32 * mix["vmem b128"]
    return 8 * mix["wmma"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--asm")
    parser.add_argument("--chip", default="gfx1100")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        asm = args.asm or build_assembly(args.chip, workdir)
        text = open(asm).read()

    header = (f"{'microkernel':22} {'VGPR':>4} {'SGPR':>4} {'LDS':>3} {'scr':>3} "
              f"{'w/SIMD':>6} | {'w/it':>4} {'loads/iter':22} {'WMMA':>4} {'dot2':>4} "
              f"{'oVALU':>5} {'wait':>4} | per 32 w/lane: {'VALU':>5} {'dot2':>5} "
              f"{'WMMA':>4} {'cycles':>6}")
    print(f"chip {args.chip}; VALU = issued VALU instructions incl. dot2 "
          "(VOPD pair = 1), excluding WMMA; cycles = VALU + 32 x WMMA")
    print(header)
    print("-" * len(header))
    for name, (lines, info) in split_functions(text).items():
        loops = [classify(ops) for ops in inner_loops(lines)]
        mix = max(loops, key=lambda m: (m["wmma"], m["dot2"]))
        per_iter = weights_per_lane(name, mix)
        scale = 32 / per_iter
        valu = mix["dot2"] + mix["other valu"]
        loads = " ".join(f"{k.split()[1]}x{v}" if k.startswith("vmem") else
                         f"s.{k.split()[1]}x{v}" for k, v in sorted(mix.items())
                         if k.startswith(("vmem", "smem")))
        vgprs = comment_value(info, "NumVgprs")
        print(f"{name.replace('test_w4a16_uk_', ''):22} {vgprs:4} "
              f"{comment_value(info, 'TotalNumSgprs'):4} "
              f"{comment_value(info, 'LDSByteSize'):3} "
              f"{comment_value(info, 'ScratchSize'):3} {waves_per_simd(vgprs):6} | "
              f"{per_iter:4} {loads:22} {mix['wmma']:4} {mix['dot2']:4} "
              f"{mix['other valu']:5} {mix['waitcnt']:4} | {' ' * 15}"
              f"{valu * scale:5.1f} {mix['dot2'] * scale:5.1f} "
              f"{mix['wmma'] * scale:4.1f} "
              f"{(valu + WMMA_CYCLES * mix['wmma']) * scale:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
