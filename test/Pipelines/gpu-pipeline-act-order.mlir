// RUN: w4a16-opt %s -split-input-file --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100 m-range=5,8" | FileCheck %s

// The GPU pipeline accepts act-order: --w4a16-permute-act-order runs before
// tiling, the activations are gathered by a kernel launched first.

// Run-time g_idx and weights: the permutation (with its group-size check)
// and the weight permutation stay on the host, lowered, as load-time steps.
// CHECK-LABEL: func.func @run_time
// CHECK: scf.for
// CHECK: cf.assert %{{.*}}, "w4a16.act_order_perm: g_idx must put exactly 128 rows in each group"
// CHECK: linalg.generic
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_permute_k
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100">, bin = "\7FELF
func.func @run_time(%x: tensor<?x512xf16>, %w: tensor<64x256xi32>, %s: tensor<4x256xf16>, %z: tensor<4x32xi32>, %g: tensor<512xi32>, %i: tensor<?x256xf16>) -> tensor<?x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x512xf16>, tensor<64x256xi32>, tensor<4x256xf16>) zeros(%z : tensor<4x32xi32>) g_idx(%g : tensor<512xi32>) outs(%i : tensor<?x256xf16>) -> tensor<?x256xf16>
  return %0 : tensor<?x256xf16>
}

// -----

// Constant g_idx and weights: permuted at compile time, only the gather runs.
// CHECK-LABEL: func.func @constant
// CHECK-NOT: scf.for
// CHECK-NOT: linalg.generic
// CHECK: %[[PERM:.*]] = memref.get_global @{{.*}} : memref<256xi32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_permute_k {{.*}} args(%{{.*}} : memref<?x256xf16>, %[[PERM]] : memref<256xi32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode
func.func @constant(%x: tensor<?x256xf16>, %s: tensor<2x128xf16>, %i: tensor<?x128xf16>) -> tensor<?x128xf16> {
  %w = arith.constant dense<1985229328> : tensor<32x128xi32>
  %g = arith.constant dense<[1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]> : tensor<256xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x256xf16>, tensor<32x128xi32>, tensor<2x128xf16>) g_idx(%g : tensor<256xi32>) outs(%i : tensor<?x128xf16>) -> tensor<?x128xf16>
  return %0 : tensor<?x128xf16>
}
