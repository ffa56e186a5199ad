// RUN: split-file %s %t
// RUN: w4a16-opt %t/ops.mlir "--w4a16-tile-matmul=chipset=sm_90 decode-kernel=dot m-range=1,16" | FileCheck %s --check-prefix=DOT
// RUN: w4a16-opt %t/ops.mlir "--w4a16-tile-matmul=chipset=sm_90 decode-kernel=matrix m-range=1,16" | FileCheck %s --check-prefix=MATRIX
// RUN: w4a16-opt %t/gfx11.mlir "--w4a16-tile-matmul=decode-kernel=matrix" -verify-diagnostics
// RUN: w4a16-opt %t/float.mlir "--w4a16-tile-matmul=chipset=sm_90 decode-kernel=matrix" -verify-diagnostics
// RUN: w4a16-opt %t/group16.mlir "--w4a16-tile-matmul=chipset=sm_90 decode-kernel=matrix" -verify-diagnostics
// RUN: not w4a16-opt %t/ops.mlir "--w4a16-tile-matmul=decode-kernel=wmma" 2>&1 | FileCheck %s --check-prefix=NAME

// decode-kernel picks the decode ranges' kernel and its tile sizes in place
// of the chip's rule (sm_90: dot2 at M = 1, matrix from M = 2); the other
// strategies keep theirs. Where the kernel cannot serve the op it is an
// error, not a fallback.

// DOT-LABEL: func.func @m1
// DOT: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 256, split_k = 2, workgroup_size = 256, lds_bytes = 4096>]
// DOT-LABEL: func.func @any_m
// DOT: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 2, tile_m = 2, tile_n = 128, tile_k = 256, split_k = 16, workgroup_size = 256, lds_bytes = 8192>,
// DOT-SAME: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 5, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 256, split_k = 16, workgroup_size = 256, lds_bytes = 32768>,
// DOT-SAME: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 9, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 64, split_k = 8, workgroup_size = 128, lds_bytes = 28672>]

// MATRIX-LABEL: func.func @m1
// MATRIX: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 64, tile_k = 128, split_k = 2, workgroup_size = 128, lds_bytes = 1024, decode_kernel = matrix>]
// MATRIX-LABEL: func.func @any_m
// MATRIX: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 1024, decode_kernel = matrix>,
// MATRIX-SAME: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 9, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 64, split_k = 8, workgroup_size = 128, lds_bytes = 28672>]

// NAME: for the --decode-kernel option: Cannot find option named 'wmma'!

//--- ops.mlir
func.func @m1(%x: tensor<1x5120xf16>, %w: tensor<640x34816xi32>, %s: tensor<160x34816xf16>, %i: tensor<1x34816xf16>) -> tensor<1x34816xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<1x5120xf16>, tensor<640x34816xi32>, tensor<160x34816xf16>) outs(%i : tensor<1x34816xf16>) -> tensor<1x34816xf16>
  return %0 : tensor<1x34816xf16>
}

func.func @any_m(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}

//--- gfx11.mlir
func.func @f(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{gfx1100 has no matrix decode kernel}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

//--- float.mlir
func.func @f(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{decode-kernel=matrix: the matrix decode kernel has no float zero points}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = float> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

//--- group16.mlir
func.func @f(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<256x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{decode-kernel=matrix: the matrix decode kernel walks 32-K chunks, which do not tile the 16 K rows a split walks with one group's scales (split_k = 16)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<256x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
