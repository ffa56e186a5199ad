// RUN: w4a16-opt %s --convert-w4a16-to-gpu --canonicalize --cse | FileCheck %s

// Any M, also above the tiling's m_max (here 4): the decode grid has
// ceil(M / tile_m) row tiles in z, each workgroup computes rows
// [4 z, 4 z + 4), re-reads row M - 1 for rows past M and drops them at the
// store. Split 1: the kernel adds init and writes out itself (no workspace,
// no reduce kernel).

// CHECK-LABEL: func.func @decode_any_m
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x512xf16>
// CHECK: %[[TILES:.*]] = arith.ceildivui %[[M]], %c4 : index
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode blocks in (%c2, %c1, %[[TILES]])
// CHECK-SAME: w4a16.arg_names = ["x", "qweight", "scales", "init", "out", "m"]
// CHECK-NOT: gpu.launch_func

// CHECK: gpu.func @matmul_0_decode(%{{.*}}: memref<?x512xf16>, %{{.*}}: memref<64x256xi32>, %{{.*}}: memref<4x256xf16>, %[[INIT:.*]]: memref<?x256xf16>, %[[OUT:.*]]: memref<?x256xf16>, %[[KM:.*]]: index)
// CHECK: %[[Z:.*]] = gpu.block_id z
// CHECK: %[[BEGIN:.*]] = arith.muli %[[Z]], %c4 : index
// CHECK: %[[LAST:.*]] = arith.subi %[[KM]], %c1 : index
// Row 0 of the tile reads activation row min(4 z, M - 1), row 3 min(4 z + 3, M - 1).
// CHECK: arith.minui %[[BEGIN]], %[[LAST]] : index
// CHECK: %[[ROW3:.*]] = arith.addi %[[BEGIN]], %c3 : index
// CHECK: arith.minui %[[ROW3]], %[[LAST]] : index
// The store: global row 4 z + local row, kept only below M.
// CHECK: %[[ROW:.*]] = arith.addi %[[BEGIN]], %{{.*}} : index
// CHECK: arith.cmpi ult, %[[ROW]], %[[KM]] : index
// CHECK: %[[INITV:.*]] = memref.load %[[INIT]][%[[ROW]], %[[COL:.*]]] : memref<?x256xf16>
// CHECK: %[[WIDE:.*]] = arith.extf %[[INITV]] : f16 to f32
// CHECK: %[[SUM:.*]] = arith.addf %[[WIDE]], %{{.*}} : f32
// CHECK: %[[ROUNDED:.*]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK: memref.store %[[ROUNDED]], %[[OUT]][%[[ROW]], %[[COL]]] : memref<?x256xf16>
// CHECK-NOT: gpu.func @matmul_0_splitk_reduce
func.func @decode_any_m(%x: tensor<?x512xf16>, %w: tensor<64x256xi32>, %s: tensor<4x256xf16>, %i: tensor<?x256xf16>) -> tensor<?x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x512xf16>, tensor<64x256xi32>, tensor<4x256xf16>) outs(%i : tensor<?x256xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<?x256xf16>
  return %0 : tensor<?x256xf16>
}
