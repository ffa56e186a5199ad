// RUN: w4a16-opt %s -split-input-file --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100 m-range=5,8" | FileCheck %s --check-prefix=DECODE
// RUN: w4a16-opt %s -split-input-file --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100 m-range=33,64" | FileCheck %s --check-prefix=SMALL

// The GPU pipeline accepts AWQ: --w4a16-repack-awq moves weights and zeros
// to GPTQ before tiling. Run-time weights: as for every run-time repack
// (docs/ABI.md), the kernel reads the weight buffer in its own layout, gptq
// (decode) or fragment (small_batch, one awq-to-fragment repack), which the
// loader fills at load time; the packed zeros are repacked by the host code
// (lowered linalg).
// DECODE-LABEL: func.func @run_time
// DECODE-SAME: %[[W:[^:]*]]: memref<512x32xi32>
// DECODE: linalg.generic {{.*}} outs(%[[Z:.*]] : memref<4x32xi32>)
// DECODE-NOT: linalg.generic
// DECODE: %[[G:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [64, 256]
// DECODE: gpu.launch_func @w4a16_kernels::@matmul_0_decode {{.*}} args(%{{.*}} : memref<?x512xf16>, %[[G]] : memref<64x256xi32>, %{{.*}} : memref<4x256xf16>, %[[Z]] : memref<4x32xi32>
// DECODE-SAME: w4a16.weight_layout = "gptq"
// DECODE: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// DECODE: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100">, bin = "\7FELF
// SMALL-LABEL: func.func @run_time
// SMALL-SAME: %[[W:[^:]*]]: memref<512x32xi32>
// SMALL: linalg.generic {{.*}} outs(%[[Z:.*]] : memref<4x32xi32>)
// SMALL-NOT: linalg.generic
// SMALL: %[[F:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [16, 16, 64]
// SMALL: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch {{.*}} args(%{{.*}} : memref<?x512xf16>, %[[F]] : memref<16x16x64xi32>, %{{.*}} : memref<4x256xf16>, %[[Z]] : memref<4x32xi32>
// SMALL-SAME: w4a16.weight_layout = "fragment"
// K = 512 allows no split at M = 64 (K / (16 x 64) < 2): the kernel adds
// init and writes out itself, there is no reduce kernel.
// SMALL-NOT: @matmul_0_splitk_reduce
// SMALL: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100">, bin = "\7FELF
func.func @run_time(%x: tensor<?x512xf16>, %w: tensor<512x32xi32>, %s: tensor<4x256xf16>, %z: tensor<4x32xi32>, %i: tensor<?x256xf16>) -> tensor<?x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x512xf16>, tensor<512x32xi32>, tensor<4x256xf16>) zeros(%z : tensor<4x32xi32>) outs(%i : tensor<?x256xf16>) -> tensor<?x256xf16>
  return %0 : tensor<?x256xf16>
}

// -----

// Constant weights and zeros: repacked at compile time, no host step left.
// DECODE-LABEL: func.func @constant
// DECODE-NOT: linalg.generic
// DECODE-NOT: reinterpret_cast
// DECODE: gpu.launch_func @w4a16_kernels::@matmul_0_decode {{.*}} : memref<32x128xi32>
// SMALL-LABEL: func.func @constant
// SMALL-NOT: linalg.generic
// SMALL-NOT: reinterpret_cast
// SMALL: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch {{.*}} : memref<8x8x64xi32>
func.func @constant(%x: tensor<?x256xf16>, %s: tensor<2x128xf16>, %i: tensor<?x128xf16>) -> tensor<?x128xf16> {
  %w = arith.constant dense<1985229328> : tensor<256x16xi32>
  %z = arith.constant dense<305419896> : tensor<2x16xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x256xf16>, tensor<256x16xi32>, tensor<2x128xf16>) zeros(%z : tensor<2x16xi32>) outs(%i : tensor<?x128xf16>) -> tensor<?x128xf16>
  return %0 : tensor<?x128xf16>
}
