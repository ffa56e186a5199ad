#!/bin/sh
# Builds, on the build machine, what run_bench.py loads on the GPU machine:
# the microkernels linked with the full-matmul wrapper kernels of
# bench/gpu/kernels in clang CUDA mode (w4a16_bench_sm90.{ptx,cubin}, ptxas -v).
# Usage: bench/gpu/build.sh SOURCE_ROOT OUT_DIR
set -eu
root=$(cd "$1" && pwd)
"$root/utils/build-ukernels-cuda.sh" "$root" "$2" w4a16_bench_sm90 \
  "$root/bench/gpu/kernels/w4a16_bench_kernels.hip"
