// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu | FileCheck %s

// On NVIDIA the tiler asks for 4 packed rows per warp and iteration
// (TargetInfo::decodeRowsInFlight; tile_k = 8 warps x 4 rows x 8 = 256):
// the row loop steps by 4 and issues the 4 rows' 16-byte weight loads
// before the first dot2 uses one of them. gfx1100 keeps one row per
// iteration (decode.mlir, decode-isa.mlir).

// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step %[[C4]]
// CHECK-NOT: fdot2
// CHECK: vector.load %{{.*}}[%[[ROW]], %{{.*}}] {alignment = 16 : i64} : memref<512x4096xi32>, vector<4xi32>
// CHECK-NOT: fdot2
// CHECK: %[[ROW1:.*]] = arith.addi %[[ROW]], %{{.*}} : index
// CHECK-NEXT: vector.load %{{.*}}[%[[ROW1]], %{{.*}}] {{.*}} : memref<512x4096xi32>, vector<4xi32>
// CHECK-NOT: fdot2
// CHECK: vector.load %{{.*}} : memref<512x4096xi32>, vector<4xi32>
// CHECK-NOT: fdot2
// CHECK: vector.load %{{.*}} : memref<512x4096xi32>, vector<4xi32>
// CHECK-NOT: memref<512x4096xi32>
// CHECK: llvm.amdgcn.fdot2
// CHECK-NOT: memref<512x4096xi32>
// CHECK: scf.yield
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
