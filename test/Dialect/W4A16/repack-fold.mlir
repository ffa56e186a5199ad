// RUN: w4a16-opt %s --canonicalize --split-input-file | FileCheck %s

// w4a16.repack of a constant folds, through the host repack of lib/Support,
// to the fragment-layout constant. GPTQ word (0, 0) holds rows 0..7 = 0..7 of
// column 0: fragment word 0 of block (0, 0), row i in nibble [0,4,1,5,2,6,3,7][i]
// = 0x75316420. Row 8 of column 0 (9) is nibble 0 of word 1; rows 24..31 of
// column 15 (all 15) are word 4 * 15 + 3 = 63.
// CHECK-LABEL: func.func @dense
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[\[}}1966171168, 9, 0, 0, 0, {{(0, )+}}-1]]]> : tensor<1x1x64xi32>
// CHECK-NEXT: return %[[C]]
func.func @dense() -> tensor<1x1x64xi32> {
  %w = arith.constant dense<[[0x76543210, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1]]> : tensor<4x16xi32>
  %f = w4a16.repack %w from gptq to fragment : tensor<4x16xi32> -> tensor<1x1x64xi32>
  return %f : tensor<1x1x64xi32>
}

// -----

// A splat: every nibble is the same, so is every word.
// CHECK-LABEL: func.func @splat
// CHECK-NEXT: arith.constant dense<286331153> : tensor<2x3x64xi32>
func.func @splat() -> tensor<2x3x64xi32> {
  %w = arith.constant dense<0x11111111> : tensor<8x48xi32>
  %f = w4a16.repack %w from gptq to fragment : tensor<8x48xi32> -> tensor<2x3x64xi32>
  return %f : tensor<2x3x64xi32>
}

// -----

// Resource weights (how large checkpoints enter MLIR) stay resources; the
// same words as @dense, in little-endian hex after the 4-byte alignment.
// CHECK-LABEL: func.func @resource
// CHECK-NEXT: %[[C:.*]] = arith.constant dense_resource<w4a16_fragment> : tensor<1x1x64xi32>
// CHECK-NEXT: return %[[C]]
// CHECK: w4a16_fragment: "0x04000000206431750900000000000000
// CHECK-SAME: FFFFFFFF"
func.func @resource() -> tensor<1x1x64xi32> {
  %w = arith.constant dense_resource<gptq_weights> : tensor<4x16xi32>
  %f = w4a16.repack %w from gptq to fragment : tensor<4x16xi32> -> tensor<1x1x64xi32>
  return %f : tensor<1x1x64xi32>
}

{-#
  dialect_resources: {
    builtin: {
      gptq_weights: "0x04000000103254760000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000900000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000FFFFFFFF"
    }
  }
#-}

// -----

// Not a constant: nothing to fold.
// CHECK-LABEL: func.func @argument
// CHECK-NEXT: w4a16.repack %{{.*}} from gptq to fragment
func.func @argument(%w: tensor<4x16xi32>) -> tensor<1x1x64xi32> {
  %f = w4a16.repack %w from gptq to fragment : tensor<4x16xi32> -> tensor<1x1x64xi32>
  return %f : tensor<1x1x64xi32>
}
