// RUN: w4a16-opt %s --w4a16-tile-matmul --convert-w4a16-to-gpu --canonicalize | FileCheck %s

// Float zero points in the decode kernel: per segment, the zeros of the
// lane's 4 columns are loaded once and applied exactly in f32 as
// s (sum (bias + q) x - (bias + z) sum x), never rounded to the activation
// type; the weights still take no float math.

// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK-SAME: %{{.*}}: memref<128x4096xf16>, %{{.*}}: memref<128x4096xf16>
// CHECK: scf.for
// CHECK: %[[S:.*]] = vector.load %{{.*}} : memref<128x4096xf16>, vector<4xf16>
// CHECK: %[[Z:.*]] = vector.load %{{.*}} : memref<128x4096xf16>, vector<4xf16>
// CHECK: arith.extf %[[S]]
// CHECK: %[[ZF:.*]] = arith.extf %[[Z]] : vector<4xf16> to vector<4xf32>
// CHECK: scf.for
// CHECK-NOT: arith.subf
// CHECK: llvm.call_intrinsic "llvm.amdgcn.fdot2"
// CHECK: scf.yield
// CHECK: arith.addf %[[ZF]], %{{.*}} : vector<4xf32>
// CHECK: arith.addf %[[ZF]], %{{.*}} : vector<4xf32>
// CHECK: arith.subf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: vector.fma
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %z: tensor<128x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) zeros(%z : tensor<128x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
