// RUN: w4a16-opt %s --w4a16-permute-act-order | FileCheck %s

#sym8 = #w4a16.scheme<layout = gptq, group_size = 8, zero_point = symmetric>

// Constant g_idx and weights fold: perm is the stable argsort of g_idx (the
// rows of group 0 in K order, then those of group 1), the weights are
// permuted at compile time and only the activation gather is left.
// CHECK-LABEL: func.func @constant
// CHECK-DAG: %[[PERM:.*]] = arith.constant dense<[1, 2, 5, 7, 8, 11, 13, 14, 0, 3, 4, 6, 9, 10, 12, 15]> : tensor<16xi32>
// Word 0 of column 0 holds rows 0..7 = 0..7 (0x76543210); the permuted
// word 0 holds rows 1 2 5 7 8 11 13 14, word 1 rows 0 3 4 6 9 10 12 15 of
// the source (source word 1 of column 0: rows 8..15 = 8..15).
// 0xEDB87521 = -306678495, 0xFCA96430 = -56007632.
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}-306678495, {{.*}}], [-56007632, {{.*}}]]> : tensor<2x4xi32>
// CHECK: %[[X:.*]] = w4a16.permute_k %arg0 by %[[PERM]] : tensor<?x16xf16>, tensor<16xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 8, zero_point = symmetric> ins(%[[X]], %[[W]], %arg1 : tensor<?x16xf16>, tensor<2x4xi32>, tensor<2x4xf16>) outs(%arg2 : tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NOT: g_idx
func.func @constant(%x: tensor<?x16xf16>, %s: tensor<2x4xf16>, %i: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<[[1985229328, 1, 2, 3], [-19088744, 5, 6, 7]]> : tensor<2x4xi32>
  %g = arith.constant dense<[1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1]> : tensor<16xi32>
  %0 = w4a16.matmul #sym8 ins(%x, %w, %s : tensor<?x16xf16>, tensor<2x4xi32>, tensor<2x4xf16>) g_idx(%g : tensor<16xi32>) outs(%i : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// Run-time weights: the permutation and the weight permutation are
// load-time ops; scales and zeros stay (they are indexed by group).
// CHECK-LABEL: func.func @run_time
// CHECK: %[[P:.*]] = w4a16.act_order_perm %arg4 group_size 128 : tensor<512xi32>
// CHECK: %[[PW:.*]] = w4a16.permute_k %arg1 by %[[P]] : tensor<64x256xi32>, tensor<512xi32>
// CHECK: %[[PX:.*]] = w4a16.permute_k %arg0 by %[[P]] : tensor<2x?x512xbf16>, tensor<512xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%[[PX]], %[[PW]], %arg2 : {{.*}}) zeros(%arg3 : tensor<4x32xi32>) outs(
func.func @run_time(%x: tensor<2x?x512xbf16>, %w: tensor<64x256xi32>, %s: tensor<4x256xbf16>, %z: tensor<4x32xi32>, %g: tensor<512xi32>, %i: tensor<2x?x256xbf16>) -> tensor<2x?x256xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<2x?x512xbf16>, tensor<64x256xi32>, tensor<4x256xbf16>) zeros(%z : tensor<4x32xi32>) g_idx(%g : tensor<512xi32>) outs(%i : tensor<2x?x256xbf16>) -> tensor<2x?x256xbf16>
  return %0 : tensor<2x?x256xbf16>
}

// Without g_idx nothing changes.
// CHECK-LABEL: func.func @plain
// CHECK-NOT: w4a16.permute_k
// CHECK: w4a16.matmul
func.func @plain(%x: tensor<1x16xf16>, %w: tensor<2x4xi32>, %s: tensor<2x4xf16>, %i: tensor<1x4xf16>) -> tensor<1x4xf16> {
  %0 = w4a16.matmul #sym8 ins(%x, %w, %s : tensor<1x16xf16>, tensor<2x4xi32>, tensor<2x4xf16>) outs(%i : tensor<1x4xf16>) -> tensor<1x4xf16>
  return %0 : tensor<1x4xf16>
}
