// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu --canonicalize --cse | FileCheck %s

// The decode kernels load a segment's group (scales, packed zero points) one
// segment ahead where the segment is a single iteration of the row loop,
// and inside the segment where its row loop has several.

// M = 1, G32 on sm_90 (dot2): 8 waves, 4 packed rows per iteration and per
// segment, 8 segments per split. The wave's first group is loaded before the
// loop; each iteration loads the group of segment + 8, clamped to the last
// segment (7), and uses the carried one.
// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK: %[[SPLIT:.*]] = arith.muli %block_id_y, %c32
// CHECK: %[[WAVE:.*]] = gpu.subgroup_broadcast
// CHECK: %[[FIRST:.*]] = arith.minui %[[WAVE]], %c7
// CHECK: %[[FIRSTROW:.*]] = arith.muli %[[FIRST]], %c4
// CHECK: %[[FIRSTBEGIN:.*]] = arith.addi %[[SPLIT]], %[[FIRSTROW]]
// CHECK: %[[FIRSTGROUP:.*]] = arith.divui %[[FIRSTBEGIN]], %c4
// CHECK: %[[S:.*]] = vector.load %arg2[%[[FIRSTGROUP]], %[[COL:.*]]] {{.*}} vector<4xf16>
// CHECK: %[[Z:.*]] = memref.load %arg3[%[[FIRSTGROUP]], %[[ZCOL:.*]]]
// CHECK: scf.for %[[SEG:.*]] = %[[WAVE]] to %c8 step %c8 iter_args(%{{.*}} = %{{.*}}, %[[SC:.*]] = %[[S]], %[[ZC:.*]] = %[[Z]]) -> (vector<4xf32>, vector<4xf16>, i32)
// CHECK: %[[NEXT:.*]] = arith.addi %[[SEG]], %c8
// CHECK: %[[NEXTIN:.*]] = arith.minui %[[NEXT]], %c7
// CHECK: %[[NEXTROW:.*]] = arith.muli %[[NEXTIN]], %c4
// CHECK: %[[NEXTBEGIN:.*]] = arith.addi %[[SPLIT]], %[[NEXTROW]]
// CHECK: %[[NEXTGROUP:.*]] = arith.divui %[[NEXTBEGIN]], %c4
// CHECK: %[[SN:.*]] = vector.load %arg2[%[[NEXTGROUP]], %[[COL]]]
// CHECK: %[[ZN:.*]] = memref.load %arg3[%[[NEXTGROUP]], %[[ZCOL]]]
// CHECK: arith.extf %[[SC]]
// CHECK: vector.broadcast %[[ZC]]
// CHECK: scf.for
// CHECK: scf.yield
// CHECK: scf.yield %{{.*}}, %[[SN]], %[[ZN]] :
func.func @g32(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %z: tensor<128x512xi32>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) zeros(%z : tensor<128x512xi32>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// M = 4, G128 on sm_90 (mma.sync): a segment is a group, 4 iterations of
// one 4-row chunk, so its group is loaded in the segment and nothing more is
// carried than the 4 accumulators.
// CHECK-LABEL: gpu.func @matmul_1_decode
// CHECK: scf.for %{{.*}} iter_args(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK: %[[SEGBEGIN:.*]] = arith.addi
// CHECK: %[[GROUP:.*]] = arith.divui %[[SEGBEGIN]], %c16
// CHECK: vector.load %arg2[%[[GROUP]], %{{.*}}] {{.*}} vector<4xf16>
// CHECK: vector.load %arg2[%[[GROUP]], %{{.*}}] {{.*}} vector<4xf16>
// CHECK: memref.load %arg3[%[[GROUP]], %{{.*}}]
// CHECK: memref.load %arg3[%[[GROUP]], %{{.*}}]
// CHECK: scf.for %{{.*}} step %c4
func.func @g128(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x512xi32>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x512xi32>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
