// RUN: split-file %s %t
// RUN: w4a16-opt %t/rdna4.mlir --w4a16-tile-matmul=chipset=gfx1200 -verify-diagnostics
// RUN: w4a16-opt %t/other.mlir --w4a16-tile-matmul=chipset=gfx90a -verify-diagnostics
// RUN: w4a16-opt %t/tile16.mlir "--w4a16-tile-matmul=tile-n=24" -verify-diagnostics
// RUN: w4a16-opt %t/decode-tile-n.mlir "--w4a16-tile-matmul=tile-n=256" -verify-diagnostics
// RUN: w4a16-opt %t/tilek.mlir "--w4a16-tile-matmul=tile-k=12" -verify-diagnostics
// RUN: w4a16-opt %t/split.mlir "--w4a16-tile-matmul=split-k=3" -verify-diagnostics
// RUN: w4a16-opt %t/lds.mlir "--w4a16-tile-matmul=tile-m=1024" -verify-diagnostics
// RUN: w4a16-opt %t/range.mlir "--w4a16-tile-matmul=m-range=8,4" -verify-diagnostics
// RUN: w4a16-opt %t/preset.mlir --w4a16-tile-matmul -verify-diagnostics
// RUN: w4a16-opt %t/attr.mlir -split-input-file -verify-diagnostics

// Bad requests are diagnostics on the op, never an empty kernel.

//--- rdna4.mlir
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{chip 'gfx1200': RDNA4 (gfx12) WMMA uses a different operand layout and is not supported yet}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- other.mlir
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{unsupported chip 'gfx90a'; supported: gfx1100, gfx1101, gfx1102, gfx1103, gfx1150, gfx1151, sm_80, sm_90}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- tile16.mlir
func.func @f(%x: tensor<32x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<32x4096xf16>) -> tensor<32x4096xf16> {
  // expected-error @+1 {{tile_n = 24 is not a multiple of the 16 of the matrix instruction on gfx1100}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<32x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<32x4096xf16>) -> tensor<32x4096xf16>
  return %0 : tensor<32x4096xf16>
}

//--- decode-tile-n.mlir
// A wave's 32 lanes read the dot decode tile; wider tiles are not widened.
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{the dot decode kernel reads 4 columns per lane of a wave: tile_n must be 128 on gfx1100, got 256}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- tilek.mlir
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{decode tile_k = 12 must be whole packed rows per wave (a multiple of 64)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- split.mlir
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{split_k = 3 does not divide the 32 K units of 128 rows (K = 4096); K is split only at group boundaries}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- lds.mlir
func.func @f(%x: tensor<512x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<512x4096xf16>) -> tensor<512x4096xf16> {
  // expected-error @+1 {{lds_bytes = 131072 exceeds the 65536 bytes of LDS per workgroup on gfx1100}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<512x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<512x4096xf16>) -> tensor<512x4096xf16>
  return %0 : tensor<512x4096xf16>
}

//--- range.mlir
func.func @f(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  // expected-error @+1 {{m-range must be 'min,max' with 1 <= min <= max (max -1 = unbounded)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}

//--- preset.mlir
func.func @f(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{split_k = 5 does not divide the 32 K units of 128 rows}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 5, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

//--- attr.mlir
// expected-error @+1 {{workgroup_size = 100 must be a multiple of the wave size 32 and at most 1024}}
func.func private @wg() attributes {t = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 100, lds_bytes = 0>}

// -----

// expected-error @+1 {{M range [9, 4] is empty (m_max = -1 means unbounded)}}
func.func private @range() attributes {t = #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 9, m_max = 4, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>}

// -----

// expected-error @+1 {{tile_m = 8 is not a multiple of the 16 of the matrix instruction on gfx1151}}
func.func private @tilem() attributes {t = #w4a16.tiling<strategy = prefill, chip = "gfx1151", m_min = 65, m_max = -1, tile_m = 8, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 256, lds_bytes = 0>}

// -----

// expected-error @+1 {{unsupported chip 'sm_70'}}
func.func private @chip() attributes {t = #w4a16.tiling<strategy = prefill, chip = "sm_70", m_min = 65, m_max = -1, tile_m = 128, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 256, lds_bytes = 0>}

// -----

// expected-error @+1 {{tile sizes and split_k must be positive}}
func.func private @zero() attributes {t = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 0, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 0>}

// -----

// The tile loops of --w4a16-materialize-tiling divided by zero on this one.
// expected-error @+1 {{decode tile_k = 8 must be whole packed rows per wave (a multiple of 64)}}
func.func private @decode_wave_rows() attributes {t = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 8, split_k = 2, workgroup_size = 256, lds_bytes = 32768>}

// -----

// expected-error @+1 {{the dot decode kernel reads 4 columns per lane of a wave: tile_n must be 128 on sm_90, got 64}}
func.func private @dot_narrow() attributes {t = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 64, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 2048>}

// -----

// expected-error @+1 {{the dot decode kernel reads 4 columns per lane of a wave: tile_n must be 128 on gfx1151, got 256}}
func.func private @dot_wide() attributes {t = #w4a16.tiling<strategy = decode, chip = "gfx1151", m_min = 1, m_max = 1, tile_m = 1, tile_n = 256, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 8192>}

// -----

// expected-error @+1 {{decode_kernel = matrix names a decode kernel, but the strategy is small_batch}}
func.func private @matrix_small_batch() attributes {t = #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 9, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 128, lds_bytes = 0, decode_kernel = matrix>}

// -----

// expected-error @+1 {{gfx1100 has no matrix decode kernel}}
func.func private @matrix_gfx11() attributes {t = #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 2, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>}

// -----

// expected-error @+1 {{the matrix decode kernel puts the tile's rows in the 8 columns of the matrix instruction on sm_90, got tile_m = 16}}
func.func private @matrix_rows() attributes {t = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 9, m_max = 16, tile_m = 16, tile_n = 64, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 16384, decode_kernel = matrix>}

// -----

// expected-error @+2 {{expected ::mlir::w4a16::DecodeKernel to be one of: dot, matrix}}
// expected-error @+1 {{failed to parse W4A16_TilingAttr parameter 'decode_kernel'}}
func.func private @kernel_name() attributes {t = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 8192, decode_kernel = wmma>}
