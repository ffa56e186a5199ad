// RUN: w4a16-opt --convert-w4a16-to-linalg --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 %s | FileCheck %s

// The fragment layout in the reference lowering: weights are read through
// tables of one 32 x 16 block built from Repack.h (word of row r, column c:
// 4c + r/8; bit offset of row r: 4 * [0,4,1,5,2,6,3,7][r % 8]), packed zeros
// keep the gptq nibble order.
// CHECK-LABEL: func.func @fragment_dequant
// CHECK-SAME: (%[[W:.*]]: tensor<1x2x64xi32>, %[[S:.*]]: tensor<1x32xf16>, %[[Z:.*]]: tensor<1x4xi32>)
// CHECK: %[[ZSHIFTS:.*]] = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
// CHECK: %[[WORDS:.*]] = arith.constant dense<{{\[\[}}0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60], {{(\[0, 4, [0-9, ]*\], )+}}[1, 5, 9, {{.*}}> : tensor<32x16xi32>
// CHECK: %[[SHIFTS:.*]] = arith.constant dense<{{\[\[}}0, {{(0, )+}}0], [16, {{(16, )+}}16], [4, {{.*}}> : tensor<32x16xi32>
// CHECK: linalg.generic
// CHECK:   %[[K:.*]] = linalg.index 0
// CHECK:   %[[N:.*]] = linalg.index 1
// CHECK:   %[[R:.*]] = arith.remui %[[K]], %[[C32:.*]] : index
// CHECK:   %[[C:.*]] = arith.remui %[[N]], %[[C16:.*]] : index
// CHECK:   %[[KB:.*]] = arith.divui %[[K]], %[[C32]]
// CHECK:   %[[NT:.*]] = arith.divui %[[N]], %[[C16]]
// CHECK:   %[[WI:.*]] = tensor.extract %[[WORDS]][%[[R]], %[[C]]]
// CHECK:   %[[WIDX:.*]] = arith.index_cast %[[WI]] : i32 to index
// CHECK:   %[[WORD:.*]] = tensor.extract %[[W]][%[[KB]], %[[NT]], %[[WIDX]]] : tensor<1x2x64xi32>
// CHECK:   %[[SHIFT:.*]] = tensor.extract %[[SHIFTS]][%[[R]], %[[C]]]
// CHECK:   arith.shrui %[[WORD]], %[[SHIFT]]
// CHECK:   tensor.extract %[[Z]]
// CHECK:   tensor.extract %[[ZSHIFTS]]
// CHECK: } -> tensor<32x32xf32>
func.func @fragment_dequant(%w: tensor<1x2x64xi32>, %s: tensor<1x32xf16>, %z: tensor<1x4xi32>) -> tensor<32x32xf32> {
  %0 = w4a16.dequant #w4a16.scheme<layout = fragment, group_size = 32, zero_point = packed>
         ins(%w, %s : tensor<1x2x64xi32>, tensor<1x32xf16>) zeros(%z : tensor<1x4xi32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// w4a16.repack: one parallel generic over the fragment result; word w of
// block (kb, nt) ors the 8 gptq nibbles that the inverse tables place in it
// (rows 0, 2, 4, 6, 1, 3, 5, 7 of word 0 in nibbles 0..7).
// CHECK-LABEL: func.func @repack
// CHECK-SAME: (%[[W:.*]]: tensor<8x32xi32>)
// CHECK: %[[GSHIFTS:.*]] = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
// CHECK: %[[ROWS:.*]] = arith.constant dense<{{\[\[}}0, 2, 4, 6, 1, 3, 5, 7], [8, 10, 12, 14, 9, 11, 13, 15], {{.*}}> : tensor<64x8xi32>
// CHECK: %[[COLS:.*]] = arith.constant dense<{{\[\[}}0, 0, 0, 0, 0, 0, 0, 0], {{(\[0, 0, 0, 0, 0, 0, 0, 0\], )+}}[1, 1, {{.*}}> : tensor<64x8xi32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%{{.*}} : tensor<2x2x64xi32>)
// CHECK-COUNT-8: tensor.extract %[[W]]
// CHECK-NOT: tensor.extract %[[W]]
// CHECK: linalg.yield
// CHECK: } -> tensor<2x2x64xi32>
func.func @repack(%w: tensor<8x32xi32>) -> tensor<2x2x64xi32> {
  %f = w4a16.repack %w from gptq to fragment : tensor<8x32xi32> -> tensor<2x2x64xi32>
  return %f : tensor<2x2x64xi32>
}
