// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu | FileCheck %s

// The GPU lowering builds the decode kernel the tiling names: the same M = 4
// op on sm_90 lowers to dot2 sums with decode_kernel = dot (the default, as
// written by hand here) and to mma.sync with the weights as A with
// decode_kernel = matrix (what the tiler picks for M >= 2 on sm_90).

// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK-NOT: nvgpu.mma.sync
// CHECK: llvm.call_intrinsic "llvm.amdgcn.fdot2"
// CHECK-NOT: nvgpu.mma.sync
// CHECK: gpu.return
func.func @dot(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 256, split_k = 16, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// CHECK-LABEL: gpu.func @matmul_1_decode
// CHECK-NOT: llvm.amdgcn.fdot2
// CHECK: nvgpu.mma.sync
// CHECK-NOT: llvm.amdgcn.fdot2
// CHECK: gpu.return
func.func @matrix(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
