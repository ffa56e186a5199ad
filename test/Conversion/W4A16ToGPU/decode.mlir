// RUN: w4a16-opt %s --w4a16-tile-matmul --convert-w4a16-to-gpu | FileCheck %s

// Decode (M = 3, dynamic at run time inside the kernel) with packed GPTQ
// zeros, N = 200 (not a multiple of the 128-column tile: masked loads),
// K = 512 in 16 groups of 32, split-K 2.

#packed32 = #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>

// Host: read-only buffers, an f32 workspace [split, M, N], two launches.
// CHECK-LABEL: func.func @decode
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<3x512xf16>
// CHECK: %[[WS:.*]] = memref.alloc(%[[M]]) : memref<2x?x200xf32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%{{.*}} : memref<?x512xf16>, %{{.*}} : memref<64x200xi32>, %{{.*}} : memref<16x200xf16>, %{{.*}} : memref<16x25xi32>, %[[WS]] : memref<2x?x200xf32>, %[[M]] : index)
// CHECK-SAME: {w4a16.arg_names = ["x", "qweight", "scales", "zeros", "workspace", "m"], w4a16.loop_rows = 3 : i64, w4a16.loop_weights_per_lane = 32 : i64, w4a16.tiling = #w4a16.tiling<strategy = decode
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK-SAME: {w4a16.arg_names = ["workspace", "init", "out", "m"], w4a16.tiling = #w4a16.tiling<strategy = decode
// CHECK: memref.dealloc %[[WS]]
// CHECK: bufferization.to_tensor

// CHECK: gpu.module @w4a16_kernels
// CHECK: gpu.func @matmul_0_decode({{.*}}) workgroup(%{{.*}} : memref<8x3x128xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// A wave walks segments of rows inside one group (the uniform wave index is
// broadcast so that rows and activations stay scalar); per segment the
// group's scales and packed zeros are read once.
// CHECK: gpu.subgroup_broadcast %{{.*}}, first_active_lane : index
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: vector.maskedload {{.*}} {alignment = 8 : i64} : memref<16x200xf16>, vector<4xi1>, vector<4xf16> into vector<4xf16>
// CHECK: memref.load {{.*}} : memref<16x25xi32>
// CHECK: %[[ZEROS:.*]] = arith.uitofp {{.*}} : vector<4xi32> to vector<4xf32>
// The row loop, not unrolled: per row of the tile two dot2 chains (pairs read
// as 1024 + q and as 1024 + 16 q) and two activation sums.
// CHECK: scf.for {{.*}} -> (vector<4xf32>, f32, vector<4xf32>, f32, vector<4xf32>, f32, vector<4xf32>, f32, vector<4xf32>, f32, vector<4xf32>, f32)
// CHECK: %[[WORDS:.*]] = vector.maskedload {{.*}} {alignment = 16 : i64} : memref<64x200xi32>, vector<4xi1>, vector<4xi32> into vector<4xi32>
// No float math per weight: mask, magic exponent 0x6400, dot2. Pairs 0 and 1
// come from the word in place (masks 0x000F000F, 0x00F000F0), 2 and 3 from
// one shift by 8.
// CHECK-NOT: arith.subf
// CHECK: arith.constant dense<983055> : vector<4xi32>
// CHECK-NEXT: arith.andi %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK-NEXT: arith.constant dense<1677747200> : vector<4xi32>
// CHECK-NEXT: arith.ori
// CHECK-NEXT: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xf16>
// CHECK-NEXT: arith.constant dense<15728880> : vector<4xi32>
// CHECK-NEXT: arith.andi %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK: arith.constant dense<8> : vector<4xi32>
// CHECK-NEXT: %[[SHIFTED:.*]] = arith.shrui %[[WORDS]], %{{.*}} : vector<4xi32>
// CHECK: arith.andi %[[SHIFTED]]
// CHECK: arith.andi %[[SHIFTED]]
// CHECK-NOT: arith.shrui
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<?x512xf16>, vector<8xf16>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 4] : vector<8xf16>, vector<8xf16>
// CHECK: llvm.call_intrinsic "llvm.amdgcn.fdot2"(%{{.*}}) : (vector<2xf16>, vector<2xf16>, f32, i1) -> f32
// CHECK-NOT: arith.subf
// CHECK: scf.yield
// CHECK-NEXT: } {loop_annotation = #{{.*}}}
// Per segment: s (chain + chain16 / 16 - (1024 + z) sum x - (64 + z) sum x16).
// CHECK: arith.constant dense<1.024000e+03> : vector<4xf32>
// CHECK-NEXT: arith.addf %[[ZEROS]], %{{.*}} : vector<4xf32>
// CHECK: arith.constant dense<6.400000e+01> : vector<4xf32>
// CHECK-NEXT: arith.addf %[[ZEROS]], %{{.*}} : vector<4xf32>
// CHECK: arith.constant dense<6.250000e-02> : vector<4xf32>
// CHECK-NEXT: vector.fma
// CHECK: arith.subf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: scf.yield
// CHECK: gpu.barrier
// CHECK: memref.store %{{.*}}, %{{.*}} : memref<2x?x200xf32>
// CHECK: gpu.func @matmul_0_splitk_reduce(%{{.*}}: memref<2x?x200xf32>, %{{.*}}: memref<?x200xf16>, %{{.*}}: memref<?x200xf16>, %{{.*}}: index) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.truncf
func.func @decode(%x: tensor<3x512xf16>, %w: tensor<64x200xi32>, %s: tensor<16x200xf16>, %z: tensor<16x25xi32>, %i: tensor<3x200xf16>) -> tensor<3x200xf16> {
  %0 = w4a16.matmul #packed32 ins(%x, %w, %s : tensor<3x512xf16>, tensor<64x200xi32>, tensor<16x200xf16>) zeros(%z : tensor<16x25xi32>) outs(%i : tensor<3x200xf16>) -> tensor<3x200xf16>
  return %0 : tensor<3x200xf16>
}
