// RUN: w4a16-opt --convert-w4a16-to-linalg --split-input-file %s | FileCheck %s

// The reference lowering is the semantic definition of the dialect; these
// checks pin the facts that decide the numbers: which nibble a value comes
// from, which group and zero point it uses, and where values change type.

// GPTQ: words [K/8, N] indexed by (k / 8, n), plain nibble order, group k / G,
// implicit zero 8; the f16 init is widened, accumulated in f32, and the
// result rounded to f16 once.
// CHECK-LABEL: func.func @gptq_symmetric
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf16>, %[[W:.*]]: tensor<8x16xi32>, %[[S:.*]]: tensor<2x16xf16>, %[[INIT:.*]]: tensor<?x16xf16>)
// CHECK: %[[SHIFTS:.*]] = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
// CHECK: %[[DEQ:.*]] = linalg.generic
// CHECK:   %[[K:.*]] = linalg.index 0
// CHECK:   %[[N:.*]] = linalg.index 1
// CHECK:   %[[ROW:.*]] = arith.divui %[[K]], %[[C8:.*]] : index
// CHECK:   %[[WORD:.*]] = tensor.extract %[[W]][%[[ROW]], %[[N]]]
// CHECK:   %[[POS:.*]] = arith.remui %[[K]], %[[C8]]
// CHECK:   %[[SHIFT:.*]] = tensor.extract %[[SHIFTS]][%[[POS]]]
// CHECK:   %[[SHR:.*]] = arith.shrui %[[WORD]], %[[SHIFT]]
// CHECK:   %[[Q:.*]] = arith.andi %[[SHR]], %{{.*}} : i32
// CHECK:   %[[QF:.*]] = arith.uitofp %[[Q]] : i32 to f32
// CHECK:   %[[G:.*]] = arith.divui %[[K]], %c32
// CHECK:   %[[SC:.*]] = tensor.extract %[[S]][%[[G]], %[[N]]]
// CHECK:   %[[SCF:.*]] = arith.extf %[[SC]] : f16 to f32
// CHECK:   %[[DIFF:.*]] = arith.subf %[[QF]], %cst{{.*}} : f32
// CHECK:   %[[WV:.*]] = arith.mulf %[[DIFF]], %[[SCF]]
// CHECK:   linalg.yield %[[WV]] : f32
// CHECK: } -> tensor<64x16xf32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[INIT]] : tensor<?x16xf16>)
// CHECK:   arith.extf %{{.*}} : f16 to f32
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[DEQ]] : tensor<?x64xf16>, tensor<64x16xf32>) outs(%[[ACC]] : tensor<?x16xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<?x16xf32>)
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK: return %[[OUT]]
func.func @gptq_symmetric(%x: tensor<?x64xf16>, %w: tensor<8x16xi32>, %s: tensor<2x16xf16>,
                          %init: tensor<?x16xf16>) -> tensor<?x16xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<?x64xf16>, tensor<8x16xi32>, tensor<2x16xf16>)
         outs(%init : tensor<?x16xf16>) -> tensor<?x16xf16>
  return %0 : tensor<?x16xf16>
}

// -----

// AWQ: words [K, N/8] indexed by (k, n / 8), interleaved nibble order shared
// by weights and packed zeros; zeros are not offset; an f32 init needs no
// casts.
// CHECK-LABEL: func.func @awq_packed_zeros
// CHECK-SAME: (%[[X:.*]]: tensor<3x32xbf16>, %[[W:.*]]: tensor<32x2xi32>, %{{.*}}: tensor<2x16xbf16>, %[[Z:.*]]: tensor<2x2xi32>, %[[INIT:.*]]: tensor<3x16xf32>)
// CHECK: %[[SHIFTS:.*]] = arith.constant dense<[0, 16, 4, 20, 8, 24, 12, 28]> : tensor<8xi32>
// CHECK: %[[DEQ:.*]] = linalg.generic
// CHECK:   %[[K:.*]] = linalg.index 0
// CHECK:   %[[N:.*]] = linalg.index 1
// CHECK:   %[[COL:.*]] = arith.divui %[[N]], %[[C8:.*]] : index
// CHECK:   tensor.extract %[[W]][%[[K]], %[[COL]]]
// CHECK:   %[[POS:.*]] = arith.remui %[[N]], %[[C8]]
// CHECK:   tensor.extract %[[SHIFTS]][%[[POS]]]
// CHECK:   %[[G:.*]] = arith.divui %[[K]], %c16
// CHECK:   arith.extf %{{.*}} : bf16 to f32
// CHECK:   %[[ZCOL:.*]] = arith.divui %[[N]], %[[C8]]
// CHECK:   %[[ZWORD:.*]] = tensor.extract %[[Z]][%[[G]], %[[ZCOL]]]
// CHECK:   %[[ZPOS:.*]] = arith.remui %[[N]], %[[C8]]
// CHECK:   %[[ZSHIFT:.*]] = tensor.extract %[[SHIFTS]][%[[ZPOS]]]
// CHECK:   %[[ZSHR:.*]] = arith.shrui %[[ZWORD]], %[[ZSHIFT]]
// CHECK:   %[[ZQ:.*]] = arith.andi %[[ZSHR]]
// CHECK-NOT: arith.addi
// CHECK:   %[[ZF:.*]] = arith.uitofp %[[ZQ]] : i32 to f32
// CHECK:   arith.subf %{{.*}}, %[[ZF]]
// CHECK-NOT: linalg.generic
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[DEQ]] : tensor<3x32xbf16>, tensor<32x16xf32>) outs(%[[INIT]] : tensor<3x16xf32>)
// CHECK-NEXT: return %[[MM]]
func.func @awq_packed_zeros(%x: tensor<3x32xbf16>, %w: tensor<32x2xi32>, %s: tensor<2x16xbf16>,
                            %z: tensor<2x2xi32>, %init: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 16, zero_point = packed>
         ins(%x, %w, %s : tensor<3x32xbf16>, tensor<32x2xi32>, tensor<2x16xbf16>)
         zeros(%z : tensor<2x2xi32>)
         outs(%init : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %0 : tensor<3x16xf32>
}

// -----

// GPTQ v1 checkpoints store zero - 1: one is added to the unpacked zero
// before it becomes a float. g_idx replaces k / G as the group of row k.
// CHECK-LABEL: func.func @gptq_v1_act_order
// CHECK-SAME: %[[Z:[^:]*]]: tensor<2x2xi32>, %[[GIDX:[^:]*]]: tensor<32xi32>
// CHECK: linalg.generic
// CHECK:   %[[K:.*]] = linalg.index 0
// CHECK:   %[[GRAW:.*]] = tensor.extract %[[GIDX]][%[[K]]] : tensor<32xi32>
// CHECK:   %[[G:.*]] = arith.index_cast %[[GRAW]] : i32 to index
// CHECK-NOT: arith.divui %[[K]], %c16
// CHECK:   tensor.extract %{{.*}}[%[[G]], %{{.*}}] : tensor<2x16xf16>
// CHECK:   %[[ZWORD:.*]] = tensor.extract %[[Z]][%[[G]], %{{.*}}]
// CHECK:   %[[ZSHR:.*]] = arith.shrui %[[ZWORD]]
// CHECK:   %[[ZQ:.*]] = arith.andi %[[ZSHR]]
// CHECK:   %[[Z1:.*]] = arith.addi %[[ZQ]], %c1_i32 : i32
// CHECK:   %[[ZF:.*]] = arith.uitofp %[[Z1]] : i32 to f32
// CHECK:   arith.subf %{{.*}}, %[[ZF]]
func.func @gptq_v1_act_order(%x: tensor<1x32xf16>, %w: tensor<4x16xi32>, %s: tensor<2x16xf16>,
                             %z: tensor<2x2xi32>, %g: tensor<32xi32>,
                             %init: tensor<1x16xbf16>) -> tensor<1x16xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = packed, gptq_v1 = true>
         ins(%x, %w, %s : tensor<1x32xf16>, tensor<4x16xi32>, tensor<2x16xf16>)
         zeros(%z : tensor<2x2xi32>) g_idx(%g : tensor<32xi32>)
         outs(%init : tensor<1x16xbf16>) -> tensor<1x16xbf16>
  return %0 : tensor<1x16xbf16>
}

// -----

// Float zeros are read per (group, n) and widened; per-channel means one
// group spanning all K = 24 rows; no zero point subtracts 0.
// CHECK-LABEL: func.func @float_zeros_per_channel
// CHECK-SAME: %[[Z:[^:]*]]: tensor<1x8xbf16>
// CHECK: linalg.generic
// CHECK:   %[[K:.*]] = linalg.index 0
// CHECK:   %[[G:.*]] = arith.divui %[[K]], %c24
// CHECK:   %[[ZV:.*]] = tensor.extract %[[Z]][%[[G]], %{{.*}}] : tensor<1x8xbf16>
// CHECK:   %[[ZF:.*]] = arith.extf %[[ZV]] : bf16 to f32
// CHECK:   arith.subf %{{.*}}, %[[ZF]]
// CHECK-LABEL: func.func @no_zero_point
// CHECK: linalg.generic
// CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   arith.subf %{{.*}}, %[[ZERO]]
func.func @float_zeros_per_channel(%x: tensor<2x24xf16>, %w: tensor<3x8xi32>, %s: tensor<1x8xf16>,
                                   %z: tensor<1x8xbf16>, %init: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = float>
         ins(%x, %w, %s : tensor<2x24xf16>, tensor<3x8xi32>, tensor<1x8xf16>)
         zeros(%z : tensor<1x8xbf16>)
         outs(%init : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
func.func @no_zero_point(%x: tensor<2x24xf16>, %w: tensor<3x8xi32>, %s: tensor<3x8xf16>,
                         %init: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 8, zero_point = none>
         ins(%x, %w, %s : tensor<2x24xf16>, tensor<3x8xi32>, tensor<3x8xf16>)
         outs(%init : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Batch dims fold into M for the 2-D matmul and unfold afterwards, keeping
// the dynamic M.
// CHECK-LABEL: func.func @batched
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x?x16xf16>, {{.*}}, %[[INIT:[^:]*]]: tensor<2x?x8xf32>)
// CHECK-DAG: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x?x16xf16> into tensor<?x16xf16>
// CHECK-DAG: %[[I2:.*]] = tensor.collapse_shape %[[INIT]] {{\[\[}}0, 1], [2]] : tensor<2x?x8xf32> into tensor<?x8xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X2]], %{{.*}} : tensor<?x16xf16>, tensor<16x8xf32>) outs(%[[I2]] : tensor<?x8xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[INIT]], %c1
// CHECK: %[[OUT:.*]] = tensor.expand_shape %[[MM]] {{\[\[}}0, 1], [2]] output_shape [2, %[[M]], 8] : tensor<?x8xf32> into tensor<2x?x8xf32>
// CHECK: return %[[OUT]]
func.func @batched(%x: tensor<2x?x16xf16>, %w: tensor<2x8xi32>, %s: tensor<1x8xf16>,
                   %init: tensor<2x?x8xf32>) -> tensor<2x?x8xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric>
         ins(%x, %w, %s : tensor<2x?x16xf16>, tensor<2x8xi32>, tensor<1x8xf16>)
         outs(%init : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %0 : tensor<2x?x8xf32>
}

// -----

// w4a16.dequant computes the same f32 weight and rounds it once to the
// result type; no matmul.
// CHECK-LABEL: func.func @dequant_bf16
// CHECK: %[[DEQ:.*]] = linalg.generic
// CHECK:   %[[WV:.*]] = arith.mulf %{{.*}} : f32
// CHECK:   %[[T:.*]] = arith.truncf %[[WV]] : f32 to bf16
// CHECK:   linalg.yield %[[T]] : bf16
// CHECK: } -> tensor<16x16xbf16>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[DEQ]]
func.func @dequant_bf16(%w: tensor<16x2xi32>, %s: tensor<1x16xbf16>) -> tensor<16x16xbf16> {
  %0 = w4a16.dequant #w4a16.scheme<layout = awq, group_size = 16, zero_point = none>
         ins(%w, %s : tensor<16x2xi32>, tensor<1x16xbf16>) -> tensor<16x16xbf16>
  return %0 : tensor<16x16xbf16>
}
