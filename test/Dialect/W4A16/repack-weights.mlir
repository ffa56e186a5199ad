// RUN: w4a16-opt %s --w4a16-repack-weights --split-input-file | FileCheck %s

// GPTQ weights that fit the fragment layout are repacked and the matmul reads
// them with layout = fragment; everything else in the scheme is kept.
// CHECK-LABEL: func.func @gptq_argument
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf16>, %[[W:.*]]: tensor<8x32xi32>, %[[S:.*]]: tensor<2x32xf16>, %[[Z:.*]]: tensor<2x4xi32>, %[[I:.*]]: tensor<?x32xf16>)
// CHECK: %[[F:.*]] = w4a16.repack %[[W]] from gptq to fragment : tensor<8x32xi32> -> tensor<2x2x64xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: ins(%[[X]], %[[F]], %[[S]] : tensor<?x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) zeros(%[[Z]] : tensor<2x4xi32>) outs(%[[I]] : tensor<?x32xf16>)
func.func @gptq_argument(%x: tensor<?x64xf16>, %w: tensor<8x32xi32>, %s: tensor<2x32xf16>,
                         %z: tensor<2x4xi32>, %init: tensor<?x32xf16>) -> tensor<?x32xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed, gptq_v1 = true>
         ins(%x, %w, %s : tensor<?x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) zeros(%z : tensor<2x4xi32>)
         outs(%init : tensor<?x32xf16>) -> tensor<?x32xf16>
  return %0 : tensor<?x32xf16>
}

// -----

// Constant weights: the repack folds, so no repack op is left and the matmul
// reads the repacked constant (the load-time repack done at compile time).
// CHECK-LABEL: func.func @gptq_constant
// CHECK: %[[F:.*]] = arith.constant dense<{{\[\[\[}}1966171168, {{.*}}> : tensor<1x1x64xi32>
// CHECK-NOT: w4a16.repack
// CHECK: w4a16.matmul #w4a16.scheme<layout = fragment, group_size = -1, zero_point = symmetric>
// CHECK-SAME: ins(%{{.*}}, %[[F]], %{{.*}} : tensor<2x32xf16>, tensor<1x1x64xi32>, tensor<1x16xf16>)
func.func @gptq_constant(%x: tensor<2x32xf16>, %s: tensor<1x16xf16>, %init: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %w = arith.constant dense<[[0x76543210, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1]]> : tensor<4x16xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<2x32xf16>, tensor<4x16xi32>, tensor<1x16xf16>)
         outs(%init : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

// Left alone: K not a multiple of 32, N not a multiple of 16, act-order
// (g_idx), AWQ weights, and matmuls already in the fragment layout.
// CHECK-LABEL: func.func @unsupported
// CHECK-NOT: w4a16.repack
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric> ins({{.*}}tensor<6x16xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins({{.*}}tensor<8x24xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins({{.*}}tensor<8x32xi32>{{.*}} g_idx
// CHECK: w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = symmetric> ins({{.*}}tensor<64x4xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins({{.*}}tensor<2x2x64xi32>
// CHECK-NOT: w4a16.repack
func.func @unsupported(%x48: tensor<2x48xf16>, %w48: tensor<6x16xi32>, %s48: tensor<3x16xf16>, %i16: tensor<2x16xf16>,
                       %x: tensor<2x64xf16>, %w24: tensor<8x24xi32>, %s24: tensor<2x24xf16>, %i24: tensor<2x24xf16>,
                       %w: tensor<8x32xi32>, %s: tensor<2x32xf16>, %g: tensor<64xi32>, %i: tensor<2x32xf16>,
                       %wa: tensor<64x4xi32>, %wf: tensor<2x2x64xi32>)
    -> (tensor<2x16xf16>, tensor<2x24xf16>, tensor<2x32xf16>, tensor<2x32xf16>, tensor<2x32xf16>) {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric>
         ins(%x48, %w48, %s48 : tensor<2x48xf16>, tensor<6x16xi32>, tensor<3x16xf16>)
         outs(%i16 : tensor<2x16xf16>) -> tensor<2x16xf16>
  %1 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w24, %s24 : tensor<2x64xf16>, tensor<8x24xi32>, tensor<2x24xf16>)
         outs(%i24 : tensor<2x24xf16>) -> tensor<2x24xf16>
  %2 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<2x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) g_idx(%g : tensor<64xi32>)
         outs(%i : tensor<2x32xf16>) -> tensor<2x32xf16>
  %3 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = symmetric>
         ins(%x, %wa, %s : tensor<2x64xf16>, tensor<64x4xi32>, tensor<2x32xf16>)
         outs(%i : tensor<2x32xf16>) -> tensor<2x32xf16>
  %4 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric>
         ins(%x, %wf, %s : tensor<2x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>)
         outs(%i : tensor<2x32xf16>) -> tensor<2x32xf16>
  return %0, %1, %2, %3, %4 : tensor<2x16xf16>, tensor<2x24xf16>, tensor<2x32xf16>, tensor<2x32xf16>, tensor<2x32xf16>
}

// -----

// Tiled matmuls: only those with a matrix-instruction kernel move to the
// fragment layout; the dot2 decode kernel reads GPTQ.
// CHECK-LABEL: func.func @tiled
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, {{.*}}strategy = decode
// CHECK: w4a16.repack
// CHECK: w4a16.matmul #w4a16.scheme<layout = fragment, {{.*}}strategy = small_batch
func.func @tiled(%x: tensor<1x64xf16>, %x16: tensor<16x64xf16>, %w: tensor<8x32xi32>, %s: tensor<2x32xf16>,
                 %i: tensor<1x32xf16>, %i16: tensor<16x32xf16>) -> (tensor<1x32xf16>, tensor<16x32xf16>) {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<1x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) outs(%i : tensor<1x32xf16>)
         {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x32xf16>
  %1 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x16, %w, %s : tensor<16x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) outs(%i16 : tensor<16x32xf16>)
         {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0, %1 : tensor<1x32xf16>, tensor<16x32xf16>
}
