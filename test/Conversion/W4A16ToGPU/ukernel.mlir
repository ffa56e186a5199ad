// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul --convert-w4a16-to-gpu="backend=ukernel" | FileCheck %s

// backend=ukernel: the main kernel's inner loop is a call to the HIP
// microkernel (lib/Microkernels/w4a16_uk.h), declared in the gpu.module with
// generic pointers; the skeleton (grid, split-K, reduce kernel) is the same.

// Decode, M = 3 -> the m4 gemv entry, packed GPTQ v2 zeros (zero_kind 2),
// N = 200: lanes past N clamp to column 196 and are dropped at the store.
// CHECK-LABEL: func.func @decode
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode_ukernel blocks in
// CHECK-SAME: w4a16.loop_weights_per_lane = 64 : i64
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK: gpu.module @w4a16_kernels
// CHECK: llvm.func @w4a16_uk_gemv_f16_m4(!llvm.ptr, i64, i64, !llvm.ptr, i64, !llvm.ptr, i64, !llvm.ptr, i64, i32, i64, i64, i64, i64, !llvm.ptr)
// CHECK: gpu.func @matmul_0_decode_ukernel({{.*}}) workgroup(%[[LDS:.*]] : memref<8x3x128xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: %[[SLOT:.*]] = llvm.alloca %{{.*}} x vector<16xf32> {alignment = 16 : i64} : (i32) -> !llvm.ptr<5>
// CHECK: %[[ACC:.*]] = llvm.addrspacecast %[[SLOT]] : !llvm.ptr<5> to !llvm.ptr
// CHECK: %[[WAVE:.*]] = gpu.subgroup_broadcast %{{.*}}, first_active_lane : index
// CHECK: %[[COLUMN:.*]] = arith.minui %{{.*}}, %c196 : index
// CHECK: %[[X:.*]] = memref.extract_aligned_pointer_as_index %arg0 : memref<?x512xf16> -> index
// CHECK: llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// CHECK: llvm.store %{{.*}}, %[[ACC]] : vector<16xf32>, !llvm.ptr
// CHECK: %[[KIND:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: %[[G:.*]] = llvm.mlir.constant(32 : i64) : i64
// CHECK: llvm.call @w4a16_uk_gemv_f16_m4(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KIND]], %{{.*}}, %{{.*}}, %{{.*}}, %[[G]], %[[ACC]])
// CHECK: %[[SUMS:.*]] = llvm.load %[[ACC]] : !llvm.ptr -> vector<16xf32>
// CHECK: vector.shuffle %[[SUMS]], %[[SUMS]] [8, 9, 10, 11] : vector<16xf32>, vector<16xf32>
// CHECK: vector.store %{{.*}}, %[[LDS]]
// CHECK: gpu.barrier
// CHECK: memref.store %{{.*}}, %{{.*}} : memref<2x?x200xf32>
func.func @decode(%x: tensor<3x512xf16>, %w: tensor<64x200xi32>, %s: tensor<16x200xf16>, %z: tensor<16x25xi32>, %i: tensor<3x200xf16>) -> tensor<3x200xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed> ins(%x, %w, %s : tensor<3x512xf16>, tensor<64x200xi32>, tensor<16x200xf16>) zeros(%z : tensor<16x25xi32>) outs(%i : tensor<3x200xf16>) -> tensor<3x200xf16>
  return %0 : tensor<3x200xf16>
}

// -----

// bf16, M = 1, GPTQ v1 zeros (zero_kind 3), per-channel scales (G = K).
// CHECK-LABEL: func.func @decode_bf16
// CHECK: llvm.func @w4a16_uk_gemv_bf16_m1(
// CHECK: %[[KIND:.*]] = llvm.mlir.constant(3 : i32) : i32
// CHECK: %[[G:.*]] = llvm.mlir.constant(1024 : i64) : i64
// CHECK: llvm.call @w4a16_uk_gemv_bf16_m1(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KIND]], %{{.*}}, %{{.*}}, %{{.*}}, %[[G]], %{{.*}})
func.func @decode_bf16(%x: tensor<1x1024xbf16>, %w: tensor<128x256xi32>, %s: tensor<1x256xbf16>, %z: tensor<1x32xi32>, %i: tensor<1x256xbf16>) -> tensor<1x256xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = packed, gptq_v1 = true> ins(%x, %w, %s : tensor<1x1024xbf16>, tensor<128x256xi32>, tensor<1x256xbf16>) zeros(%z : tensor<1x32xi32>) outs(%i : tensor<1x256xbf16>) -> tensor<1x256xbf16>
  return %0 : tensor<1x256xbf16>
}

// -----

// Small batch, M = 16: tile 16 x 128 = two 16 x 64 wave tiles (n64 entry) for
// 4 waves, so 2 waves share each tile's K range and are summed through LDS
// in K order. Grid (N tiles, split_k, ceil(M / tile_m)).
// CHECK-LABEL: func.func @small_batch
// CHECK: %[[MT:.*]] = arith.ceildivui %{{.*}}, %c16 : index
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch_ukernel blocks in (%c32, %c8, %[[MT]]) threads in (%c128
// CHECK-SAME: w4a16.loop_weights_per_lane = 64 : i64
// CHECK: llvm.func @w4a16_uk_wmma_f16_gptq_n64(
// CHECK: gpu.func @matmul_0_small_batch_ukernel({{.*}}) workgroup(%[[LDS:.*]] : memref<4x32x32xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: llvm.alloca %{{.*}} x vector<32xf32>
// The wave's tile is skipped (wave-uniformly) when it is past M or N.
// CHECK: scf.if %{{.*}} -> (vector<32xf32>) {
// CHECK: %[[KIND:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: llvm.call @w4a16_uk_wmma_f16_gptq_n64(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KIND]],
// CHECK: vector.store %{{.*}}, %[[LDS]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[LDS]]
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<32xf32>
// Value v of the gfx11 C layout: row 2v + lane / 16, column lane % 16.
// CHECK: affine.apply
// CHECK: memref.store %{{.*}}, %{{.*}} : memref<8x?x4096xf32>
func.func @small_batch(%x: tensor<16x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<16x4096xf16>) -> tensor<16x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<16x4096xf16>) -> tensor<16x4096xf16>
  return %0 : tensor<16x4096xf16>
}

// -----

// Prefill on fragment-layout weights (after --w4a16-repack-weights): 16
// wave tiles of 16 x 64 for 8 waves, each wave loops over 2 of them, no LDS.
// A call meets 16 of the tile's 128 rows: the static model counts M / 16
// passes over the weights.
// CHECK-LABEL: func.func @prefill_fragment
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_prefill_ukernel
// CHECK-SAME: w4a16.loop_rows = 16 : i64, w4a16.loop_weights_per_lane = 64 : i64
// CHECK: llvm.func @w4a16_uk_wmma_bf16_frag_n64(
// CHECK: gpu.func @matmul_0_prefill_ukernel({{.*}}) kernel
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16{{.*}} step %c8{{.*}} {
// CHECK: llvm.call @w4a16_uk_wmma_bf16_frag_n64(
func.func @prefill_fragment(%x: tensor<256x4096xbf16>, %w: tensor<128x256x64xi32>, %s: tensor<32x4096xbf16>, %i: tensor<256x4096xbf16>) -> tensor<256x4096xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = none> ins(%x, %w, %s : tensor<256x4096xbf16>, tensor<128x256x64xi32>, tensor<32x4096xbf16>) outs(%i : tensor<256x4096xbf16>) -> tensor<256x4096xbf16>
  return %0 : tensor<256x4096xbf16>
}

// -----

// N = 48: not a multiple of 64, so the one-tile (n16) entry.
// CHECK-LABEL: func.func @narrow
// CHECK: llvm.call @w4a16_uk_wmma_f16_gptq_n16(
func.func @narrow(%x: tensor<32x1024xf16>, %w: tensor<128x48xi32>, %s: tensor<8x48xf16>, %i: tensor<32x48xf16>) -> tensor<32x48xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<32x1024xf16>, tensor<128x48xi32>, tensor<8x48xf16>) outs(%i : tensor<32x48xf16>) -> tensor<32x48xf16>
  return %0 : tensor<32x48xf16>
}
