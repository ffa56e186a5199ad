// RUN: w4a16-opt %s --w4a16-materialize-tiling=test-split-skew=12 -verify-diagnostics

// The test-only skew of the split boundaries (see
// test/Integration/CPU/materialize-tiling-wrong-split.py) moves them by whole
// packed words and keeps every slice inside K; anything else is refused.

func.func @skew(%x: tensor<1x1024xf16>, %w: tensor<128x128xi32>, %s: tensor<8x128xf16>, %i: tensor<1x128xf16>) -> tensor<1x128xf16> {
  // expected-error @+1 {{test-split-skew must be a multiple of 8 below the slice}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x128xi32>, tensor<8x128xf16>) outs(%i : tensor<1x128xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x128xf16>
  return %0 : tensor<1x128xf16>
}
