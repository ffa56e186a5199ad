#!/bin/sh
# Builds, on the build machine, what check_microkernels.py needs on the GPU
# machine: the microkernels and their test kernels compiled from the same
# .hip sources in clang CUDA mode (PTX and an sm_90 cubin), the host repack
# as a shared library, check_microkernels.py and the w4a16/formats.py it
# takes the float64 reference from.
# Usage: build.sh SOURCE_ROOT OUT_DIR
set -eu
root=$1
out=$2
"$root/utils/build-ukernels-cuda.sh" "$root" "$out" w4a16_uk_sm90 \
  "$root/test/Microkernels/w4a16_uk_test_kernels.hip"
llvm=/usr/lib/llvm-22/bin
$llvm/clang++ -std=c++17 -O2 -shared -fPIC -I"$root/include" \
  "$root/lib/Support/Repack.cpp" "$root/test/Microkernels/cuda/repack_capi.cpp" \
  -o "$out/libw4a16_repack.so"
cp "$root/test/Microkernels/cuda/check_microkernels.py" \
  "$root/python/w4a16/formats.py" "$out/"
