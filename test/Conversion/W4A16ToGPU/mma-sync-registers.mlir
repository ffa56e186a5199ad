// RUN: w4a16-opt %s --w4a16-tile-matmul="chipset=sm_90 m-range=17,32 split-k=4 tile-k=128" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s

// The mma.sync small-batch kernel whose steps of 4 words per lane (G = 128,
// tile_k = 128) load into registers, ahead of their use, with no operand
// stages (lds_bytes = 0; the tiler stages every small-batch step on chips
// with the pipeline, mma-sync.mlir). N = 208 is not a multiple of the
// 128-column tile (13 fragment tiles, the last clamped); one 16-byte load per
// B fragment and step.

// CHECK-LABEL: func.func @f16_g128
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch
// CHECK-SAME: w4a16.loop_weights_per_lane = 128
// CHECK-SAME: lds_bytes = 0
// CHECK-SAME: w4a16.weight_layout = "fragment"
// sm_90: the reduce is a dependent launch (TargetInfo::hasDependentLaunch):
// the main kernel lets it be scheduled from its start, and it waits for the
// main kernel's results before reading them.
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK-SAME: w4a16.waits_for_previous
// CHECK: gpu.func @matmul_0_small_batch
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK-NEXT: nvvm.griddepcontrol launch_dependents
// Column tiles past N re-read the last one (12).
// CHECK: arith.minui %{{.*}}, %c12 : index
// Before the loops: the weights of the steps in flight (both 128-K steps
// of a 256-K split: 2 x 4 fragments) and the first group's zero points and
// scales; the next group's at the top of the group loop. Every weight step
// is clamped to the split's last one (first + 1), not to K's (31): loads
// ahead past the split re-read cached words.
// CHECK: %[[FIRST:.*]] = arith.divui %{{.*}}, %c128 : index
// CHECK: %[[LAST:.*]] = arith.addi %[[FIRST]], %c1{{.*}} : index
// CHECK: arith.minui %{{.*}}, %[[LAST]] : index
// CHECK-COUNT-8: vector.load %{{.*}} {alignment = 16 : i64} : memref<32x13x64xi32>, vector<4xi32>
// CHECK: memref.load %{{.*}} : memref<8x26xi32>
// CHECK: vector.load %{{.*}} : memref<8x208xf16>, vector<2xf16>
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<8x26xi32>
// Per group the zero terms -(1024 + z) as exact bits, 0xE400 | z in both
// halves: no int-to-float conversion.
// CHECK-COUNT-4: arith.ori %{{.*}}, %c-469703680_i32{{.*}} : i32
// CHECK-NOT: arith.uitofp
// CHECK: scf.for
// Per step: the weights two steps ahead load first, then per word the
// exact dequant ((1024 + q) * 1 - (1024 + z)), A from global in 16-byte
// pieces and the MMAs: 4 B fragments per A fragment.
// CHECK: arith.minui %{{.*}}, %[[LAST]] : index
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<32x13x64xi32>, vector<4xi32>
// CHECK: arith.andi %{{.*}}, %[[MASK:.*]] : vector<1xi32>
// CHECK: vector.bitcast %{{.*}} : vector<1xi32> to vector<2xf16>
// CHECK: vector.fma
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<?x1024xf16>, vector<8xf16>
// CHECK-COUNT-4: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-NOT: amdgpu.wmma
// CHECK: scf.yield
// The group's f32 scale multiplies the group's f32 partial.
// CHECK: arith.extf %{{.*}} : vector<2xf16> to vector<2xf32>
// CHECK: vector.fma %{{.*}} : vector<2xf32>
// Rows past M and column tiles past N are dropped at the store.
// CHECK: arith.cmpi ult, %{{.*}}, %c13 : index
// CHECK: scf.if
// CHECK: vector.store %{{.*}} : memref<4x?x208xf32>, vector<2xf32>
// CHECK: gpu.func @matmul_0_splitk_reduce
// CHECK-NOT: memref.load
// CHECK: nvvm.griddepcontrol wait
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: memref.load %{{.*}} : memref<4x?x208xf32>
// CHECK: memref.load %{{.*}} : memref<?x208xf16>
// CHECK-NEXT: arith.extf

func.func @f16_g128(%x: tensor<?x1024xf16>, %w: tensor<128x208xi32>, %s: tensor<8x208xf16>, %z: tensor<8x26xi32>, %i: tensor<?x208xf16>) -> tensor<?x208xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, gptq_v1 = true> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x208xi32>, tensor<8x208xf16>) zeros(%z : tensor<8x26xi32>) outs(%i : tensor<?x208xf16>) -> tensor<?x208xf16>
  return %0 : tensor<?x208xf16>
}
