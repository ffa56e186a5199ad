#!/bin/sh
# Builds, on the build machine (clang 22, no CUDA toolkit needed except ptxas
# for the cubin and the register report), what run_bench.py loads on the GPU
# machine: the microkernels (lib/Microkernels, the same .hip sources as for
# gfx11) linked with the full-matmul wrapper kernels of bench/gpu/kernels in
# clang CUDA mode, as PTX and an sm_90 cubin, plus `ptxas -v` output.
# Usage: bench/gpu/build.sh SOURCE_ROOT OUT_DIR
set -eu
root=$(cd "$1" && pwd)
out=$2
llvm=/usr/lib/llvm-22/bin
uk=$root/lib/Microkernels
mkdir -p "$out"
flags="-x cuda --cuda-gpu-arch=sm_90 --cuda-device-only -nocudainc -nocudalib
  -fgpu-rdc -O3 -std=c++17 -I$root/include -I$uk -emit-llvm -c
  -Wno-unknown-cuda-version"
for src in "$uk/w4a16_uk_gemv_gfx11.hip" "$uk/w4a16_uk_wmma_gfx11.hip" \
    "$root/bench/gpu/kernels/w4a16_bench_kernels.hip"; do
  $llvm/clang++ $flags "$src" -o "$out/$(basename "$src" .hip).bc"
done
$llvm/llvm-link "$out"/*.bc -o "$out/linked.bc"
$llvm/clang++ -target nvptx64-nvidia-cuda -march=sm_90 -O3 -S \
  "$out/linked.bc" -o "$out/w4a16_bench_sm90.ptx"
ptxas -arch=sm_90 -v "$out/w4a16_bench_sm90.ptx" \
  -o "$out/w4a16_bench_sm90.cubin" 2>"$out/ptxas-v.txt"
rm "$out"/*.bc
