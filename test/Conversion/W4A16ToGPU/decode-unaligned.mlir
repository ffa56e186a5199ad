// RUN: w4a16-opt %s --w4a16-tile-matmul --convert-w4a16-to-gpu | FileCheck %s

// N % 4 != 0: a row of 4 columns may start anywhere, so no alignment.
// CHECK-LABEL: func.func @decode_n202
// CHECK: vector.maskedload {{[^{]*}} : memref<4x202xf16>, vector<4xi1>, vector<4xf16> into vector<4xf16>
// CHECK: vector.maskedload {{[^{]*}} : memref<64x202xi32>, vector<4xi1>, vector<4xi32> into vector<4xi32>
func.func @decode_n202(%x: tensor<1x512xf16>, %w: tensor<64x202xi32>, %s: tensor<4x202xf16>, %i: tensor<1x202xf16>) -> tensor<1x202xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x512xf16>, tensor<64x202xi32>, tensor<4x202xf16>) outs(%i : tensor<1x202xf16>) -> tensor<1x202xf16>
  return %0 : tensor<1x202xf16>
}
