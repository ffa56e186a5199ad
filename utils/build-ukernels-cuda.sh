#!/bin/sh
# Compiles the microkernels (lib/Microkernels, the same .hip sources as for
# gfx11) together with wrapper kernels in clang CUDA mode, links them, and
# writes OUT_DIR/NAME.ptx, an sm_90 cubin (ptxas) and its `ptxas -v` report
# (OUT_DIR/ptxas-v.txt). Shared by test/Microkernels/cuda/build.sh and
# bench/gpu/build.sh; no CUDA toolkit needed except ptxas.
# Usage: utils/build-ukernels-cuda.sh SOURCE_ROOT OUT_DIR NAME WRAPPER.hip...
set -eu
root=$(cd "$1" && pwd)
out=$2
name=$3
shift 3
llvm=/usr/lib/llvm-22/bin
uk=$root/lib/Microkernels
mkdir -p "$out/bc"
flags="-x cuda --cuda-gpu-arch=sm_90 --cuda-device-only -nocudainc -nocudalib
  -fgpu-rdc -O3 -std=c++17 -I$root/include -I$uk -emit-llvm -c
  -Wno-unknown-cuda-version"
for src in "$uk/w4a16_uk_gemv_gfx11.hip" "$uk/w4a16_uk_wmma_gfx11.hip" "$@"; do
  $llvm/clang++ $flags "$src" -o "$out/bc/$(basename "$src" .hip).bc"
done
$llvm/llvm-link "$out"/bc/*.bc -o "$out/bc/linked.bc"
$llvm/clang++ -target nvptx64-nvidia-cuda -march=sm_90 -O3 -S \
  "$out/bc/linked.bc" -o "$out/$name.ptx"
ptxas -arch=sm_90 -v "$out/$name.ptx" -o "$out/$name.cubin" \
  2>"$out/ptxas-v.txt"
rm -r "$out/bc"
