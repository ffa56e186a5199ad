// RUN: w4a16-opt %s --w4a16-repack-awq --split-input-file | FileCheck %s

// Run-time AWQ weights and packed zeros: both repacked to GPTQ, the matmul
// reads them with layout = gptq; g_idx and the rest of the scheme are kept.
// CHECK-LABEL: func.func @awq_argument
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf16>, %[[W:.*]]: tensor<64x4xi32>, %[[S:.*]]: tensor<2x32xf16>, %[[Z:.*]]: tensor<2x4xi32>, %[[G:.*]]: tensor<64xi32>, %[[I:.*]]: tensor<?x32xf16>)
// CHECK: %[[GW:.*]] = w4a16.repack %[[W]] from awq to gptq : tensor<64x4xi32> -> tensor<8x32xi32>
// CHECK: %[[GZ:.*]] = w4a16.repack_zeros %[[Z]] from awq to gptq : tensor<2x4xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
// CHECK-SAME: ins(%[[X]], %[[GW]], %[[S]] : tensor<?x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) zeros(%[[GZ]] : tensor<2x4xi32>) g_idx(%[[G]] : tensor<64xi32>) outs(%[[I]] : tensor<?x32xf16>)
func.func @awq_argument(%x: tensor<?x64xf16>, %w: tensor<64x4xi32>, %s: tensor<2x32xf16>,
                        %z: tensor<2x4xi32>, %g: tensor<64xi32>, %init: tensor<?x32xf16>) -> tensor<?x32xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<?x64xf16>, tensor<64x4xi32>, tensor<2x32xf16>) zeros(%z : tensor<2x4xi32>)
         g_idx(%g : tensor<64xi32>) outs(%init : tensor<?x32xf16>) -> tensor<?x32xf16>
  return %0 : tensor<?x32xf16>
}

// -----

// Constant weights and zeros fold (words hand-checked in
// test/Dialect/W4A16/repack-awq-fold.mlir).
// CHECK-LABEL: func.func @awq_constant
// CHECK-DAG: %[[GW:.*]] = arith.constant dense<{{\[\[}}0, 4, 1, 5, 2, 6, 3, -268435449]]> : tensor<1x8xi32>
// CHECK-DAG: %[[GZ:.*]] = arith.constant dense<1935823168> : tensor<1x1xi32>
// CHECK-NOT: w4a16.repack
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = packed>
// CHECK-SAME: ins(%{{.*}}, %[[GW]], %{{.*}} : tensor<2x8xf16>, tensor<1x8xi32>, tensor<1x8xf16>) zeros(%[[GZ]] : tensor<1x1xi32>)
func.func @awq_constant(%x: tensor<2x8xf16>, %s: tensor<1x8xf16>, %init: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[[0x76543210], [0], [0], [0], [0], [0], [0], [0xF0000000]]> : tensor<8x1xi32>
  %z = arith.constant dense<0x76543210> : tensor<1x1xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = -1, zero_point = packed>
         ins(%x, %w, %s : tensor<2x8xf16>, tensor<8x1xi32>, tensor<1x8xf16>) zeros(%z : tensor<1x1xi32>)
         outs(%init : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Float zeros are not packed: only the weights move. GPTQ matmuls are left
// as they are.
// CHECK-LABEL: func.func @float_zeros_and_gptq
// CHECK: %[[GW:.*]] = w4a16.repack %{{.*}} from awq to gptq
// CHECK-NOT: w4a16.repack
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = float>
// CHECK-SAME: %[[GW]]
// CHECK-SAME: zeros(%arg4 : tensor<1x16xf16>)
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric>
// CHECK-SAME: tensor<2x16xi32>
func.func @float_zeros_and_gptq(%x: tensor<1x16xf16>, %w: tensor<16x2xi32>, %q: tensor<2x16xi32>,
                                %s: tensor<1x16xf16>, %z: tensor<1x16xf16>, %init: tensor<1x16xf16>) -> tensor<1x16xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 16, zero_point = float>
         ins(%x, %w, %s : tensor<1x16xf16>, tensor<16x2xi32>, tensor<1x16xf16>) zeros(%z : tensor<1x16xf16>)
         outs(%init : tensor<1x16xf16>) -> tensor<1x16xf16>
  %1 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric>
         ins(%x, %q, %s : tensor<1x16xf16>, tensor<2x16xi32>, tensor<1x16xf16>)
         outs(%0 : tensor<1x16xf16>) -> tensor<1x16xf16>
  return %1 : tensor<1x16xf16>
}
