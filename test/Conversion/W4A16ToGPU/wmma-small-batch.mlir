// RUN: w4a16-opt %s --w4a16-tile-matmul="chipset=gfx1100 m-range=33,40" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s

// Small batch with M known only at run time (33..40: tile_m 48), N = 208
// (13 column tiles, not a multiple of the 128-column workgroup tile), packed
// GPTQ v1 zeros, G = 64.

// Host: the host-repacked weights are read as the fragment layout.
// CHECK-LABEL: func.func @small_batch
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [16, 13, 64], strides: [832, 64, 1] : memref<64x208xi32> to memref<16x13x64xi32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})
// CHECK-SAME: w4a16.weight_layout = "fragment"

// CHECK: gpu.func @matmul_0_small_batch
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// B column tiles past N re-read the last tile (12); rows past M re-read M-1.
// CHECK-DAG: %[[LAST_TILE:.*]] = arith.constant 12 : index
// CHECK-DAG: arith.minui %{{.*}}, %[[LAST_TILE]] : index
// Zeros once per group: nibble of the packed word, +1 for GPTQ v1, as
// -(1024 + z) and -(64 + z) f16 pairs.
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<8x26xi32>
// CHECK: %[[ONE:.*]] = arith.constant dense<1> : vector<1xi32>
// CHECK-NEXT: arith.addi %{{.*}}, %[[ONE]] : vector<1xi32>
// CHECK: scf.for
// One 16-byte load of 4 words per lane and B fragment, dequantized exactly.
// CHECK: vector.load %{{.*}} : memref<16x13x64xi32>, vector<4xi32>
// CHECK: arith.andi %{{.*}} : vector<4xi32>
// CHECK: arith.ori %{{.*}} : vector<4xi32>
// CHECK: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xf16>
// CHECK: vector.fma
// A fragments straight from global memory, 3 A tiles x 2 B tiles x 2 K steps.
// CHECK: vector.load %{{.*}} : memref<?x512xf16>, vector<16xf16>
// CHECK-COUNT-2: amdgpu.wmma 16x16x16 %{{.*}} * %{{.*}} + %{{.*}} : vector<16xf16>, vector<16xf16>, vector<8xf32>
// CHECK: vector.load %{{.*}} : memref<?x512xf16>, vector<16xf16>
// CHECK-COUNT-2: amdgpu.wmma
// CHECK: scf.yield
// The group scale in f32, after the group's WMMAs.
// CHECK: memref.load %{{.*}} : memref<8x208xf16>
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: vector.fma %{{.*}} : vector<8xf32>
// Split 1 (K = 512 allows none at M = 40): each result is added to init
// and rounded once into out, only inside M and N; no reduce kernel.
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: %[[INIT:.*]] = memref.load %{{.*}} : memref<?x208xf16>
// CHECK: %[[WIDE:.*]] = arith.extf %[[INIT]] : f16 to f32
// CHECK: %[[SUM:.*]] = arith.addf %[[WIDE]], %{{.*}} : f32
// CHECK: %[[OUT:.*]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK: memref.store %[[OUT]], %{{.*}} : memref<?x208xf16>
// CHECK-NOT: @matmul_0_splitk_reduce
func.func @small_batch(%x: tensor<?x512xf16>, %w: tensor<64x208xi32>, %s: tensor<8x208xf16>, %z: tensor<8x26xi32>, %i: tensor<?x208xf16>) -> tensor<?x208xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 64, zero_point = packed, gptq_v1 = true> ins(%x, %w, %s : tensor<?x512xf16>, tensor<64x208xi32>, tensor<8x208xf16>) zeros(%z : tensor<8x26xi32>) outs(%i : tensor<?x208xf16>) -> tensor<?x208xf16>
  return %0 : tensor<?x208xf16>
}
