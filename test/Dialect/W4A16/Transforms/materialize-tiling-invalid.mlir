// RUN: w4a16-opt %s --w4a16-materialize-tiling -split-input-file -verify-diagnostics

// Tilings the tile loops cannot follow are diagnostics on the matmul.

func.func @awq(%x: tensor<1x1024xf16>, %w: tensor<1024x16xi32>, %s: tensor<8x128xf16>, %i: tensor<1x128xf16>) -> tensor<1x128xf16> {
  // expected-error @+1 {{tiled matmuls read gptq words, got awq (run --w4a16-repack-awq first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<1024x16xi32>, tensor<8x128xf16>) outs(%i : tensor<1x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x128xf16>
  return %0 : tensor<1x128xf16>
}

// -----

func.func @act_order(%x: tensor<1x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %g: tensor<1024xi32>, %i: tensor<1x128xf16>) -> tensor<1x128xf16> {
  // expected-error @+1 {{tiled matmuls need act-order weights permuted at load time (run --w4a16-permute-act-order first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) g_idx(%g : tensor<1024xi32>) outs(%i : tensor<1x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x128xf16>
  return %0 : tensor<1x128xf16>
}

// -----

func.func @float_zeros_wmma(%x: tensor<16x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %z: tensor<8x128xf16>, %i: tensor<16x128xf16>) -> tensor<16x128xf16> {
  // expected-error @+1 {{float zero points have no small_batch kernel arithmetic (decode only)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = float> ins(%x, %w, %s : tensor<16x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) zeros(%z : tensor<8x128xf16>) outs(%i : tensor<16x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x128xf16>
  return %0 : tensor<16x128xf16>
}

// -----

func.func @split_words(%x: tensor<1x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %i: tensor<1x128xf16>) -> tensor<1x128xf16> {
  // expected-error @+1 {{split_k = 3 does not cut K = 1024 into slices of whole packed words}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) outs(%i : tensor<1x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 3, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x128xf16>
  return %0 : tensor<1x128xf16>
}

// -----

func.func @split_groups(%x: tensor<16x768xf16>, %w: tensor<96x128xi32>, %s: tensor<3x128xf16>, %i: tensor<16x128xf16>) -> tensor<16x128xf16> {
  // expected-error @+1 {{split_k = 2 cuts K = 768 into slices of 384 rows, neither whole groups nor inside one group}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 256, zero_point = symmetric> ins(%x, %w, %s : tensor<16x768xf16>, tensor<96x128xi32>, tensor<3x128xf16>) outs(%i : tensor<16x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 128, split_k = 2, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x128xf16>
  return %0 : tensor<16x128xf16>
}

// -----

// Slices of 96 rows are shorter than a group of 128 but straddle its end:
// the second slice would take one scale for rows of two groups.
func.func @split_straddles_group(%x: tensor<16x384xf16>, %w: tensor<48x128xi32>, %s: tensor<3x128xf16>, %i: tensor<16x128xf16>) -> tensor<16x128xf16> {
  // expected-error @+1 {{split_k = 4 cuts K = 384 into slices of 96 rows, neither whole groups nor inside one group}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x384xf16>, tensor<48x128xi32>, tensor<3x128xf16>) outs(%i : tensor<16x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 4, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x128xf16>
  return %0 : tensor<16x128xf16>
}

// -----

func.func @gap(%x: tensor<?x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %i: tensor<?x128xf16>) -> tensor<?x128xf16> {
  // expected-error @+1 {{the tilings' M ranges must be contiguous for run-time dispatch; [1, 1] is followed by [3, 4]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) outs(%i : tensor<?x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<?x128xf16>
  return %0 : tensor<?x128xf16>
}

// -----

func.func @not_a_tiling(%x: tensor<1x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %i: tensor<1x128xf16>) -> tensor<1x128xf16> {
  // expected-error @+1 {{has no tiling; run --w4a16-tile-matmul first}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) outs(%i : tensor<1x128xf16>) {w4a16.tilings = [1 : i64]} -> tensor<1x128xf16>
  return %0 : tensor<1x128xf16>
}

// -----

func.func @fragment(%x: tensor<16x1024xf16>, %w: tensor<32x8x64xi32>, %s: tensor<8x128xf16>, %i: tensor<16x128xf16>) -> tensor<16x128xf16> {
  // expected-error @+1 {{the tile loops read gptq weights, got fragment}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x1024xf16>, tensor<32x8x64xi32>, tensor<8x128xf16>) outs(%i : tensor<16x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x128xf16>
  return %0 : tensor<16x128xf16>
}
