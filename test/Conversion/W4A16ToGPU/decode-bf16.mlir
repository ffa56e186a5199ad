// RUN: w4a16-opt %s --w4a16-tile-matmul --convert-w4a16-to-gpu --canonicalize | FileCheck %s

// bf16: 0x4300 | q is bf16(128 + q); its 7-bit mantissa has no room for
// 16 q, so every pair is shifted down (4, 8, 12) and the zero correction is
// (128 + 8) sum x in f32; whole tiles (N = 256) use plain 16-byte loads; batch
// dims collapse into M.

// CHECK-LABEL: func.func @decode_bf16
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x2x1024xbf16> into tensor<4x1024xbf16>
// CHECK: tensor.expand_shape
// CHECK: gpu.func @matmul_0_decode
// CHECK-DAG: arith.constant dense<1124090624> : vector<4xi32>
// CHECK-DAG: arith.constant dense<1.360000e+02> : vector<4xf32>
// CHECK-DAG: arith.constant dense<983055> : vector<4xi32>
// CHECK: %[[WORDS:.*]] = vector.load %{{.*}} : memref<128x256xi32>, vector<4xi32>
// CHECK: arith.shrui %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK: arith.shrui %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK: arith.shrui %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK-NOT: arith.shrui
// CHECK: llvm.call_intrinsic "llvm.amdgcn.fdot2.f32.bf16"(%{{.*}}) : (vector<2xbf16>, vector<2xbf16>, f32, i1) -> f32
func.func @decode_bf16(%x: tensor<2x2x1024xbf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xbf16>, %i: tensor<2x2x256xf32>) -> tensor<2x2x256xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<2x2x1024xbf16>, tensor<128x256xi32>, tensor<8x256xbf16>) outs(%i : tensor<2x2x256xf32>) -> tensor<2x2x256xf32>
  return %0 : tensor<2x2x256xf32>
}
