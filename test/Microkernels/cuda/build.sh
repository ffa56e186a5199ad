#!/bin/sh
# Builds, on the build machine, what check_microkernels.py needs on the GPU
# machine: the microkernels and their test kernels compiled from the same
# .hip sources in clang CUDA mode (PTX and an sm_90 cubin), and the host
# repack as a shared library.
# Usage: build.sh SOURCE_ROOT OUT_DIR
set -eu
root=$1
out=$2
llvm=/usr/lib/llvm-22/bin
uk=$root/lib/Microkernels
mkdir -p "$out"
flags="-x cuda --cuda-gpu-arch=sm_90 --cuda-device-only -nocudainc -nocudalib
  -fgpu-rdc -O3 -std=c++17 -I$root/include -I$uk -emit-llvm -c
  -Wno-unknown-cuda-version"
for src in "$uk/w4a16_uk_gemv_gfx11.hip" "$uk/w4a16_uk_wmma_gfx11.hip" \
    "$root/test/Microkernels/w4a16_uk_test_kernels.hip"; do
  $llvm/clang++ $flags "$src" -o "$out/$(basename "$src" .hip).bc"
done
$llvm/llvm-link "$out"/*.bc -o "$out/linked.bc"
$llvm/clang++ -target nvptx64-nvidia-cuda -march=sm_90 -O3 -S \
  "$out/linked.bc" -o "$out/w4a16_uk_sm90.ptx"
ptxas -arch=sm_90 "$out/w4a16_uk_sm90.ptx" -o "$out/w4a16_uk_sm90.cubin"
$llvm/clang++ -std=c++17 -O2 -shared -fPIC -I"$root/include" \
  "$root/lib/Support/Repack.cpp" "$root/test/Microkernels/cuda/repack_capi.cpp" \
  -o "$out/libw4a16_repack.so"
rm "$out"/*.bc
