// RUN: w4a16-opt %s --canonicalize --split-input-file | FileCheck %s

// awq to gptq folds through the host repack of lib/Support. AWQ word (0, 0)
// = 0x76543210 holds, in nibble i, column [0, 2, 4, 6, 1, 3, 5, 7][i] of
// row 0: columns 0..7 are 0, 4, 1, 5, 2, 6, 3, 7. Word (7, 0) = 0xF0000000
// puts 15 in column 7 of row 7. GPTQ word (0, n) holds row i of column n in
// bits 4i: row 0 only, except column 7 = 0xF0000007.
// CHECK-LABEL: func.func @awq_to_gptq
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[}}0, 4, 1, 5, 2, 6, 3, -268435449]]> : tensor<1x8xi32>
// CHECK-NEXT: return %[[C]]
func.func @awq_to_gptq() -> tensor<1x8xi32> {
  %w = arith.constant dense<[[0x76543210], [0], [0], [0], [0], [0], [0], [0xF0000000]]> : tensor<8x1xi32>
  %g = w4a16.repack %w from awq to gptq : tensor<8x1xi32> -> tensor<1x8xi32>
  return %g : tensor<1x8xi32>
}

// -----

// The same row 0 in the fragment layout: column c owns words 4c..4c+3, row 0
// in nibble 0 of word 4c.
// CHECK-LABEL: func.func @awq_to_fragment
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[\[}}0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0, 3, 0, 0, 0, 7, {{(0, )+}}0]]]> : tensor<1x1x64xi32>
// CHECK-NEXT: return %[[C]]
func.func @awq_to_fragment() -> tensor<1x1x64xi32> {
  %w = arith.constant dense<[[0x76543210, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]> : tensor<32x2xi32>
  %f = w4a16.repack %w from awq to fragment : tensor<32x2xi32> -> tensor<1x1x64xi32>
  return %f : tensor<1x1x64xi32>
}

// -----

// AWQ zeros: the columns 0..7 of 0x76543210 are 0, 4, 1, 5, 2, 6, 3, 7, in
// GPTQ order nibble c = column c: 0x73625140.
// CHECK-LABEL: func.func @zeros
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[}}1935823168, 0], [0, 1]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @zeros() -> tensor<2x2xi32> {
  %z = arith.constant dense<[[0x76543210, 0], [0, 1]]> : tensor<2x2xi32>
  %g = w4a16.repack_zeros %z from awq to gptq : tensor<2x2xi32>
  return %g : tensor<2x2xi32>
}

// -----

// Run-time weights: the two steps of --w4a16-repack-awq and
// --w4a16-repack-weights become one repack.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[F:.*]] = w4a16.repack %arg0 from awq to fragment : tensor<32x2xi32> -> tensor<1x1x64xi32>
// CHECK-NEXT: return %[[F]]
func.func @chain(%w: tensor<32x2xi32>) -> tensor<1x1x64xi32> {
  %g = w4a16.repack %w from awq to gptq : tensor<32x2xi32> -> tensor<4x16xi32>
  %f = w4a16.repack %g from gptq to fragment : tensor<4x16xi32> -> tensor<1x1x64xi32>
  return %f : tensor<1x1x64xi32>
}

// -----

// CHECK-LABEL: func.func @zeros_argument
// CHECK-NEXT: w4a16.repack_zeros %arg0 from awq to gptq : tensor<2x2xi32>
func.func @zeros_argument(%z: tensor<2x2xi32>) -> tensor<2x2xi32> {
  %g = w4a16.repack_zeros %z from awq to gptq : tensor<2x2xi32>
  return %g : tensor<2x2xi32>
}
