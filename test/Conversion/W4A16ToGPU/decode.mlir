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
// CHECK-SAME: {w4a16.arg_names = ["x", "qweight", "scales", "zeros", "workspace", "m"], w4a16.loop_weights_per_lane = 32 : i64, w4a16.tiling = #w4a16.tiling<strategy = decode
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK-SAME: {w4a16.arg_names = ["workspace", "init", "out", "m"], w4a16.tiling = #w4a16.tiling<strategy = decode
// CHECK: memref.dealloc %[[WS]]
// CHECK: bufferization.to_tensor

// CHECK: gpu.module @w4a16_kernels
// CHECK: gpu.func @matmul_0_decode({{.*}}) workgroup(%{{.*}} : memref<8x3x128xf32, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// The K loop: one 16-byte masked load of 4 packed words per lane per row.
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: vector.maskedload {{.*}} : memref<64x200xi32>, vector<4xi1>, vector<4xi32> into vector<4xi32>
// Exact dequant: (q | 0x6400) - (z | 0x6400) in f16, never a scaled bias.
// CHECK: arith.ori %{{.*}}, %{{.*}} : vector<4xi32>
// CHECK: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xf16>
// CHECK: arith.subf %{{.*}}, %{{.*}} : vector<8xf16>
// CHECK: llvm.call_intrinsic "llvm.amdgcn.fdot2"(%{{.*}}) : (vector<2xf16>, vector<2xf16>, f32, i1) -> f32
// The group scale is applied in f32.
// CHECK: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<4xf32>
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
