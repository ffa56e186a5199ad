// RUN: w4a16-opt %s --convert-w4a16-to-gpu | FileCheck %s

// A run-time M with one tiling per M range (given out of order): a host-side
// branch on M (the product of the batch dims) picks each range's kernels.

// CHECK-LABEL: func.func @dispatch
// CHECK: %[[B:.*]] = tensor.dim %{{.*}}, %c0 : tensor<2x?x4096xf16>
// CHECK: %[[M:.*]] = arith.muli %{{.*}}, %[[B]] : index
// CHECK: %[[M2:.*]] = arith.muli %[[M]], %{{.*}} : index
// CHECK: %[[LE:.*]] = arith.cmpi ule, %[[M2]], %c2 : index
// CHECK: %[[R:.*]] = scf.if %[[LE]] -> (tensor<2x?x4096xf16>) {
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_m1_decode
// CHECK-SAME: w4a16.tiling = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 2, tile_m = 2
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_m1_splitk_reduce
// CHECK: scf.yield %{{.*}} : tensor<2x?x4096xf16>
// CHECK: } else {
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_m3_decode
// CHECK-SAME: w4a16.tiling = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 8, tile_m = 8
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_m3_splitk_reduce
// CHECK: scf.yield %{{.*}} : tensor<2x?x4096xf16>
// CHECK: }
// CHECK: return %[[R]]
// CHECK: gpu.func @matmul_0_m1_decode({{.*}}) workgroup(%{{.*}} : memref<8x2x128xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: gpu.func @matmul_0_m1_splitk_reduce(%{{.*}}: memref<4x?x4096xf32>
// CHECK: gpu.func @matmul_0_m3_decode({{.*}}) workgroup(%{{.*}} : memref<8x8x128xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: gpu.func @matmul_0_m3_splitk_reduce(%{{.*}}: memref<2x?x4096xf32>
func.func @dispatch(%x: tensor<2x?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<2x?x4096xf16>) -> tensor<2x?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<2x?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<2x?x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 32768>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 2, tile_m = 2, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 8192>]} -> tensor<2x?x4096xf16>
  return %0 : tensor<2x?x4096xf16>
}
