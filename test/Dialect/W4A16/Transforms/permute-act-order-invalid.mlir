// RUN: w4a16-opt %s -split-input-file --w4a16-permute-act-order -verify-diagnostics

// Group 0 has 9 rows, group 1 has 7: no permutation makes them contiguous
// groups of 8.
func.func @uneven_groups(%x: tensor<1x16xf16>, %w: tensor<2x4xi32>, %s: tensor<2x4xf16>, %i: tensor<1x4xf16>) -> tensor<1x4xf16> {
  %g = arith.constant dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]> : tensor<16xi32>
  // expected-error @+1 {{g_idx must put exactly 8 rows in each of the 2 groups to be permuted into contiguous groups}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 8, zero_point = symmetric> ins(%x, %w, %s : tensor<1x16xf16>, tensor<2x4xi32>, tensor<2x4xf16>) g_idx(%g : tensor<16xi32>) outs(%i : tensor<1x4xf16>) -> tensor<1x4xf16>
  return %0 : tensor<1x4xf16>
}

// -----

// A group index out of range.
func.func @group_out_of_range(%x: tensor<1x16xf16>, %w: tensor<2x4xi32>, %s: tensor<2x4xf16>, %i: tensor<1x4xf16>) -> tensor<1x4xf16> {
  %g = arith.constant dense<[0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2]> : tensor<16xi32>
  // expected-error @+1 {{g_idx must put exactly 8 rows in each of the 2 groups}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 8, zero_point = symmetric> ins(%x, %w, %s : tensor<1x16xf16>, tensor<2x4xi32>, tensor<2x4xf16>) g_idx(%g : tensor<16xi32>) outs(%i : tensor<1x4xf16>) -> tensor<1x4xf16>
  return %0 : tensor<1x4xf16>
}

// -----

func.func @fragment(%x: tensor<1x64xf16>, %w: tensor<2x1x64xi32>, %s: tensor<2x16xf16>, %g: tensor<64xi32>, %i: tensor<1x16xf16>) -> tensor<1x16xf16> {
  // expected-error @+1 {{act-order permutation needs gptq weights, got layout = fragment}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<1x64xf16>, tensor<2x1x64xi32>, tensor<2x16xf16>) g_idx(%g : tensor<64xi32>) outs(%i : tensor<1x16xf16>) -> tensor<1x16xf16>
  return %0 : tensor<1x16xf16>
}
