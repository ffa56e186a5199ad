// RUN: w4a16-opt %s -split-input-file --convert-w4a16-to-gpu -verify-diagnostics

// What the GPU lowering does not cover yet is a diagnostic, never an empty
// kernel.

func.func @untiled(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{has no tiling; run --w4a16-tile-matmul first}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

func.func @prefill(%x: tensor<128x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<128x4096xf16>) -> tensor<128x4096xf16> {
  // expected-error @+1 {{the prefill kernel reads fragment weights, got gptq (run --w4a16-repack-weights)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<128x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<128x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<128x4096xf16>
  return %0 : tensor<128x4096xf16>
}

// -----

func.func @awq(%x: tensor<1x4096xf16>, %w: tensor<4096x512xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x512xi32>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{tiled matmuls read gptq words, got awq (run --w4a16-repack-awq first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<4096x512xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x512xi32>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

// The decode kernels' LDS holds every wave's f32 sums of the tile.
func.func @decode_lds_bytes(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{decode lds_bytes = 2048, the kernel's f32 sums of 8 waves x 1 x 128 outputs take 4096}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 2048>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

func.func @mma_sync_decode_lds_bytes(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{decode lds_bytes = 8192, the kernel's f32 sums of 4 waves x 4 x 64 outputs take 4096}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// -----

func.func @dispatch_gap(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  // expected-error @+1 {{the tilings' M ranges must be contiguous for run-time dispatch; [1, 2] is followed by [4, 8]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 4, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 32768>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 2, tile_m = 2, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 8192>]} -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}

// -----

func.func @act_order(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x4096xf16>, %g: tensor<4096xi32>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{tiled matmuls need act-order weights permuted at load time (run --w4a16-permute-act-order first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = float> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x4096xf16>) g_idx(%g : tensor<4096xi32>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

// 8 packed rows per wave and iteration (tile_k = 512) do not divide the
// 4-row segments of G = 32 (scales and zeros once per segment).
func.func @decode_rows_per_iteration(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-error @+1 {{decode tile_k = 512 loads 8 packed rows per wave and iteration, which do not divide the 4 rows a wave walks with one group's scales}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 512, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
