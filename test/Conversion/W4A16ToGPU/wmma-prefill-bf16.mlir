// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=gfx1151 --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s

// Prefill, bf16, symmetric G32, M = 200 (not a multiple of the 128-row tile),
// constant weights (repacked at compile time).

// CHECK-LABEL: func.func @prefill
// CHECK-NOT: w4a16.repack
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_prefill
// CHECK-SAME: tile_m = 128, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 256, lds_bytes = 16384

// A is double buffered in LDS: 2 x 128 rows x 32 K.
// CHECK: gpu.func @matmul_0_prefill({{.*}}) workgroup(%[[STAGE:.*]] : memref<2x128x32xbf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// Prologue: block 0 into buffer 0, barrier, block 1 loading.
// CHECK: vector.load %{{.*}} : memref<?x64xbf16>, vector<8xbf16>
// CHECK: vector.store %{{.*}}, %[[STAGE]]
// CHECK: gpu.barrier
// CHECK: vector.load %{{.*}} : memref<?x64xbf16>, vector<8xbf16>
// In the loop: the loaded block goes to the other buffer, the next starts
// loading, the WMMAs read A from LDS, one barrier.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.store %{{.*}}, %[[STAGE]]
// CHECK: vector.load %{{.*}} : memref<?x64xbf16>, vector<8xbf16>
// CHECK: vector.load %{{.*}} : memref<2x2x64xi32>, vector<4xi32>
// bf16 B stays 128 + q (0x4300 | q): no packed bf16 arithmetic on gfx11.
// CHECK: arith.ori %{{.*}} : vector<4xi32>
// CHECK: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xbf16>
// CHECK: vector.load %[[STAGE]]{{.*}} : memref<2x128x32xbf16, #gpu.address_space<workgroup>>, vector<16xbf16>
// CHECK-COUNT-2: amdgpu.wmma 16x16x16 {{.*}} : vector<16xbf16>, vector<16xbf16>, vector<8xf32>
// The row sums of A (one WMMA against ones) for the zero correction.
// CHECK: amdgpu.wmma 16x16x16 %{{.*}} * %cst{{.*}} + %{{.*}} : vector<16xbf16>, vector<16xbf16>, vector<8xf32>
// CHECK: gpu.barrier
// CHECK: scf.yield
// The group: (acc - (128 + z) * rowsum) * scale, in f32.
// CHECK: memref.load %{{.*}} : memref<2x32xbf16>
// CHECK: arith.negf %{{.*}} : f32
// CHECK: vector.fma %{{.*}} : vector<8xf32>
// CHECK: vector.fma %{{.*}} : vector<8xf32>
func.func @prefill(%x: tensor<200x64xbf16>, %s: tensor<2x32xbf16>, %i: tensor<200x32xf32>) -> tensor<200x32xf32> {
  %w = arith.constant dense<1985229328> : tensor<8x32xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<200x64xbf16>, tensor<8x32xi32>, tensor<2x32xbf16>) outs(%i : tensor<200x32xf32>) -> tensor<200x32xf32>
  return %0 : tensor<200x32xf32>
}
