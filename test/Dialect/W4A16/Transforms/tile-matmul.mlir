// RUN: w4a16-opt %s --w4a16-tile-matmul | FileCheck %s --check-prefix=GFX1100
// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=gfx1151 | FileCheck %s --check-prefix=GFX1151
// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=gfx1102 | FileCheck %s --check-prefix=GFX1102
// RUN: w4a16-opt %s "--w4a16-tile-matmul=chipset=gfx1100 m-range=4,32" | FileCheck %s --check-prefix=HINT
// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 | FileCheck %s --check-prefix=SM90

// Decisions per M, N, K, group size, activation type and chip. Split-K
// grows until the chip holds TargetInfo::memoryBoundWavesPerSimd waves per
// SIMD (gfx11: 4, i.e. 768 on gfx1100, 320 on gfx1151, 256 on gfx1102;
// sm_90: 8, i.e. 4224, and 4 for 16-row small-batch tiles), in whole groups, keeping >= 256 K rows a split and
// the split's f32 partials (8 x split x M_max x N bytes) within the packed
// weights' K x N / 2 bytes (split <= K / (16 M_max); on sm_90 within half,
// K / (32 M_max), once the grid holds a quarter of the waves it wants).

#sym128 = #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric>
#awq32 = #w4a16.scheme<layout = awq, group_size = 32, zero_point = packed>
#chan = #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>

// M = 1, K = N = 4096, G = 128: 32 workgroups x 8 waves = 256 waves per split.
// GFX1100-LABEL: func.func @decode_m1
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]
// GFX1151-LABEL: func.func @decode_m1
// GFX1151: #w4a16.tiling<strategy = decode, chip = "gfx1151", {{.*}} split_k = 2,
// GFX1102-LABEL: func.func @decode_m1
// GFX1102: #w4a16.tiling<strategy = decode, chip = "gfx1102", {{.*}} split_k = 1,
// NVIDIA loads up to 8 packed rows per warp before using them (tile_k = 8
// warps x rows x 8), but split 16 leaves 32 rows for 8 waves: 4 each.
// SM90-LABEL: func.func @decode_m1
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 256, split_k = 16,
func.func @decode_m1(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// Large N on sm_90: 224 workgroups x 8 warps reach 4224 at split 4 (at 4
// waves per SIMD, split 2 left ~3 workgroups per SM); the split's 1024 rows
// give every wave an iteration of 8 packed rows (tile_k = 512).
// SM90-LABEL: func.func @decode_m1_wide
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 512, split_k = 4,
func.func @decode_m1_wide(%x: tensor<1x4096xf16>, %w: tensor<512x28672xi32>, %s: tensor<32x28672xf16>, %i: tensor<1x28672xf16>) -> tensor<1x28672xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x28672xi32>, tensor<32x28672xf16>) outs(%i : tensor<1x28672xf16>) -> tensor<1x28672xf16>
  return %0 : tensor<1x28672xf16>
}

// G32 on sm_90: 272 workgroups split 2 for their waves; a G32 segment is 4
// packed rows, so 4 rows in flight (tile_k = 256).
// SM90-LABEL: func.func @decode_m1_g32
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 256, split_k = 2,
func.func @decode_m1_g32(%x: tensor<1x5120xf16>, %w: tensor<640x34816xi32>, %s: tensor<160x34816xf16>, %i: tensor<1x34816xf16>) -> tensor<1x34816xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<1x5120xf16>, tensor<640x34816xi32>, tensor<160x34816xf16>) outs(%i : tensor<1x34816xf16>) -> tensor<1x34816xf16>
  return %0 : tensor<1x34816xf16>
}

// sm_90 decodes M = 8 on mma.sync with the weights as A
// (TargetInfo::matrixDecodeMinRows): 4 warps of 64 columns, one 32-K chunk
// per warp and iteration (tile_k = 128); 544 workgroups x 4 warps reach 4352
// (>= 4224) at split 2.
// SM90-LABEL: func.func @decode_m8_g32
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 8, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 2, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>
func.func @decode_m8_g32(%x: tensor<8x5120xf16>, %w: tensor<640x34816xi32>, %s: tensor<160x34816xf16>, %i: tensor<8x34816xf16>) -> tensor<8x34816xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<8x5120xf16>, tensor<640x34816xi32>, tensor<160x34816xf16>) outs(%i : tensor<8x34816xf16>) -> tensor<8x34816xf16>
  return %0 : tensor<8x34816xf16>
}

// A 16-row small-batch tile on sm_90 splits for 4 waves per SIMD: 272
// workgroups x 4 warps reach 2112 at split 2 (8 waves would take split 4).
// Its operand pipeline takes the target's 4 slots of 4 warps x (32 columns
// x 32 rows / 2 + 32 x 8) + 16 A rows x 32 x 2 = 4096 bytes.
// SM90-LABEL: func.func @small_batch_m16_g32
// SM90: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 2, workgroup_size = 128, lds_bytes = 16384>
func.func @small_batch_m16_g32(%x: tensor<16x5120xf16>, %w: tensor<640x34816xi32>, %s: tensor<160x34816xf16>, %i: tensor<16x34816xf16>) -> tensor<16x34816xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x5120xf16>, tensor<640x34816xi32>, tensor<160x34816xf16>) outs(%i : tensor<16x34816xf16>) -> tensor<16x34816xf16>
  return %0 : tensor<16x34816xf16>
}

// M = 8 (batch 2 x 4 collapses into M), bf16, AWQ G32, N = 5120, K = 17408:
// 40 workgroups need split 3, which does not divide the 544 groups: 4.
// GFX1100-LABEL: func.func @decode_m8_bf16_awq
// GFX1100: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 8, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 32768>
// sm_90: 80 workgroups of 64 columns x 4 warps take split 16.
// SM90-LABEL: func.func @decode_m8_bf16_awq
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 8, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>
func.func @decode_m8_bf16_awq(%x: tensor<2x4x17408xbf16>, %w: tensor<17408x640xi32>, %s: tensor<544x5120xbf16>, %z: tensor<544x640xi32>, %i: tensor<2x4x5120xf32>) -> tensor<2x4x5120xf32> {
  %0 = w4a16.matmul #awq32 ins(%x, %w, %s : tensor<2x4x17408xbf16>, tensor<17408x640xi32>, tensor<544x5120xbf16>) zeros(%z : tensor<544x640xi32>) outs(%i : tensor<2x4x5120xf32>) -> tensor<2x4x5120xf32>
  return %0 : tensor<2x4x5120xf32>
}

// M = 32: small batch, tile_m rounded up to the 16 rows of the instruction;
// gfx1100: tile_k = one G128 group (4 fragment blocks, unrolled) per
// iteration, the weights loaded into registers: no LDS. sm_90 would want
// split 33 for its waves; the partials cap it at 4096 / (16 x 32) = 8. Its
// small-batch steps all go through the operand stages, so they take 2
// blocks (TargetInfo::maxStagedStepRows): 4 warps x (32 x 64 / 2 + 256) + 32
// A rows x 64 x 2 = 9216 bytes a slot, 4 slots.
// GFX1100-LABEL: func.func @small_batch_m32
// GFX1100: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 32, m_max = 32, tile_m = 32, tile_n = 128, tile_k = 128, split_k = 8, workgroup_size = 128, lds_bytes = 0>
// SM90-LABEL: func.func @small_batch_m32
// SM90: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 32, m_max = 32, tile_m = 32, tile_n = 128, tile_k = 64, split_k = 8, workgroup_size = 128, lds_bytes = 36864>
func.func @small_batch_m32(%x: tensor<32x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<32x4096xf16>) -> tensor<32x4096xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<32x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<32x4096xf16>) -> tensor<32x4096xf16>
  return %0 : tensor<32x4096xf16>
}

// sm_90, M = 64: G64 steps of 2 words per lane take 4 warps x (32 x 64 / 2 +
// 256) + 64 A rows x 64 x 2 = 13312 bytes a slot, 3 in the 48 KiB; G32 4 of
// 7168.
// SM90-LABEL: func.func @small_batch_m64_g64
// SM90: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 64, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 64, {{.*}} lds_bytes = 39936>
func.func @small_batch_m64_g64(%x: tensor<64x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<64x4096xf16>, %i: tensor<64x4096xf16>) -> tensor<64x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 64, zero_point = symmetric> ins(%x, %w, %s : tensor<64x4096xf16>, tensor<512x4096xi32>, tensor<64x4096xf16>) outs(%i : tensor<64x4096xf16>) -> tensor<64x4096xf16>
  return %0 : tensor<64x4096xf16>
}
// SM90-LABEL: func.func @small_batch_m64_g32
// SM90: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 64, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 32, {{.*}} lds_bytes = 28672>
func.func @small_batch_m64_g32(%x: tensor<64x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %i: tensor<64x4096xf16>) -> tensor<64x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<64x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) outs(%i : tensor<64x4096xf16>) -> tensor<64x4096xf16>
  return %0 : tensor<64x4096xf16>
}

// M = 2048: prefill, A double-buffered in LDS (2 x 128 x 32 halves), no split.
// Per-channel scales: K splits at packed words; 4 blocks per iteration.
// GFX1100-LABEL: func.func @prefill_m2048
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 2048, m_max = 2048, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 1, workgroup_size = 256, lds_bytes = 16384>]
func.func @prefill_m2048(%x: tensor<2048x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<1x4096xf16>, %i: tensor<2048x4096xf16>) -> tensor<2048x4096xf16> {
  %0 = w4a16.matmul #chan ins(%x, %w, %s : tensor<2048x4096xf16>, tensor<512x4096xi32>, tensor<1x4096xf16>) outs(%i : tensor<2048x4096xf16>) -> tensor<2048x4096xf16>
  return %0 : tensor<2048x4096xf16>
}

// M = 128 has one row tile: the 32 column tiles leave compute units idle,
// so prefill splits K in whole groups (gfx1100: 96 CUs, sm_90: 132 SMs);
// 16384 columns fill the chip and keep split 1.
// GFX1100-LABEL: func.func @prefill_m128
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 2, workgroup_size = 256, lds_bytes = 16384>]
// SM90-LABEL: func.func @prefill_m128
// SM90: w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 4, workgroup_size = 256, lds_bytes = 16384>]
func.func @prefill_m128(%x: tensor<128x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<128x4096xf16>) -> tensor<128x4096xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<128x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<128x4096xf16>) -> tensor<128x4096xf16>
  return %0 : tensor<128x4096xf16>
}

// GFX1100-LABEL: func.func @prefill_m128_wide
// GFX1100: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 128, m_max = 128, {{.*}} split_k = 1,
// SM90-LABEL: func.func @prefill_m128_wide
// SM90: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 128, m_max = 128, {{.*}} split_k = 1,
func.func @prefill_m128_wide(%x: tensor<128x4096xf16>, %w: tensor<512x16384xi32>, %s: tensor<32x16384xf16>, %i: tensor<128x16384xf16>) -> tensor<128x16384xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<128x4096xf16>, tensor<512x16384xi32>, tensor<32x16384xf16>) outs(%i : tensor<128x16384xf16>) -> tensor<128x16384xf16>
  return %0 : tensor<128x16384xf16>
}

// Matrix strategies: tile_k is up to 4 fragment blocks dividing the rows
// between two scale applications (G32 -> 32, G64 -> 64), on several chips.
// GFX1100-LABEL: func.func @small_batch_g32_bf16
// GFX1100: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 64, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 32,
func.func @small_batch_g32_bf16(%x: tensor<64x5120xbf16>, %w: tensor<640x17408xi32>, %s: tensor<160x17408xbf16>, %i: tensor<64x17408xbf16>) -> tensor<64x17408xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<64x5120xbf16>, tensor<640x17408xi32>, tensor<160x17408xbf16>) outs(%i : tensor<64x17408xbf16>) -> tensor<64x17408xbf16>
  return %0 : tensor<64x17408xbf16>
}

// GFX1151: #w4a16.tiling<strategy = small_batch, chip = "gfx1151", m_min = 64, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 32, split_k = 1,
// GFX1100-LABEL: func.func @prefill_g64
// GFX1100: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 512, m_max = 512, tile_m = 128, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 16384>
// GFX1102: #w4a16.tiling<strategy = prefill, chip = "gfx1102", m_min = 512, m_max = 512, tile_m = 128, tile_n = 128, tile_k = 64,
// sm_90: prefill steps under 4 words stage their operands (G64: 3 slots of
// 4 warps x (32 x 64 / 2 + 32 x 8) + 64 x 64 x 2 = 13312 bytes).
// SM90-LABEL: func.func @prefill_g64
// SM90: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 512, m_max = 512, tile_m = 64, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 128, lds_bytes = 39936>
func.func @prefill_g64(%x: tensor<512x4096xf16>, %w: tensor<512x6144xi32>, %s: tensor<64x6144xf16>, %i: tensor<512x6144xf16>) -> tensor<512x6144xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 64, zero_point = symmetric> ins(%x, %w, %s : tensor<512x4096xf16>, tensor<512x6144xi32>, tensor<64x6144xf16>) outs(%i : tensor<512x6144xf16>) -> tensor<512x6144xf16>
  return %0 : tensor<512x6144xf16>
}

// G32 prefill at M = 128 on sm_90: staged operands take 64-row tiles
// (TargetInfo::prefillTileM; 4 slots of 7168 bytes), and the split fills 3
// workgroups per SM (TargetInfo::stagedPrefillWavesPerCU): 80 workgroups x
// 4 = 320 of 396 slots in one round. gfx1100 keeps 128 rows and its A
// double buffer.
// GFX1100-LABEL: func.func @prefill_m128_g32
// GFX1100: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 32, {{.*}} workgroup_size = 256, lds_bytes = 16384>
// SM90-LABEL: func.func @prefill_m128_g32
// SM90: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 128, m_max = 128, tile_m = 64, tile_n = 128, tile_k = 32, split_k = 4, workgroup_size = 128, lds_bytes = 28672>
func.func @prefill_m128_g32(%x: tensor<128x3072xf16>, %w: tensor<384x5120xi32>, %s: tensor<96x5120xf16>, %i: tensor<128x5120xf16>) -> tensor<128x5120xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<128x3072xf16>, tensor<384x5120xi32>, tensor<96x5120xf16>) outs(%i : tensor<128x5120xf16>) -> tensor<128x5120xf16>
  return %0 : tensor<128x5120xf16>
}

// Dynamic M: one kernel per M range (cut where tile_m steps up), covering all
// M, or only the ranges the m-range hint needs.
// GFX1100-LABEL: func.func @dynamic_m
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1,
// GFX1100-SAME: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 2, m_max = 2, tile_m = 2,
// GFX1100-SAME: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 4, tile_m = 4,
// GFX1100: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 5, m_max = 8, tile_m = 8,
// GFX1100-SAME: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 9, m_max = 16, tile_m = 16,
// GFX1100-SAME: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 17, m_max = 32, tile_m = 32,
// GFX1100-SAME: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 33, m_max = 64, tile_m = 64,
// Prefill ranges follow its row tiles: split-K from the range's smallest M
// (one row tile: 32 workgroups on 96 CUs -> 2 x 32 in one round, 4 x 32
// would take two; two row tiles already take one full round), the unbounded
// range keeps split 1.
// GFX1100-SAME: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 65, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 2,
// GFX1100-SAME: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 129, m_max = 256, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 1,
// GFX1100-SAME: #w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 257, m_max = -1, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 1,
// On sm_90 M = 1 decodes with dot2, M = 2..8 on mma.sync (64-column tiles).
// SM90-LABEL: func.func @dynamic_m
// SM90: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 256,
// SM90-SAME: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 2, tile_m = 2, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 2048, decode_kernel = matrix>
// SM90-SAME: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 3, m_max = 4, tile_m = 4, tile_n = 64,
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 5, m_max = 8, tile_m = 8, tile_n = 64,
// The small-batch splits fall with the range's largest M: at most K / (32
// M_max) on sm_90 once the grid holds a quarter of the waves it wants (M =
// 16: 32 x 8 workgroups of 4 warps, 1024 >= 2112 / 4), else up to K / (16
// M_max) (M = 32: 32 x 4 x 4 = 512 < 4224 / 4, so 8; M = 64: 4).
// SM90-SAME: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 9, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 64, split_k = 8, workgroup_size = 128, lds_bytes = 28672>
// SM90-SAME: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 17, m_max = 32, tile_m = 32, tile_n = 128, tile_k = 64, split_k = 8, workgroup_size = 128, lds_bytes = 36864>
// SM90-SAME: #w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 33, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 128, lds_bytes = 39936>
// 132 SMs: 4 x 32 and 2 x 64 workgroups fill one round. Past M = 256
// sm_90 takes 64 x 128 tiles with 4 warps (TargetInfo::prefillTileM), two
// per SM in the split model.
// SM90-SAME: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 65, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 4, workgroup_size = 256, lds_bytes = 16384>
// SM90-SAME: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 129, m_max = 256, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 2,
// SM90-SAME: #w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 257, m_max = -1, tile_m = 64, tile_n = 128, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 8192>
// HINT-LABEL: func.func @dynamic_m
// HINT: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 4, m_max = 4, tile_m = 4,
// HINT-SAME: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 5, m_max = 8, tile_m = 8,
// HINT-SAME: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 9, m_max = 16, tile_m = 16,
// HINT-SAME: #w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 17, m_max = 32, tile_m = 32,
// HINT-NOT: prefill
func.func @dynamic_m(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}

// A tiling already on the op is kept.
// GFX1100-LABEL: func.func @preset
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 4096>]
func.func @preset(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// sm_90, M = 8 with N = 328: the mma.sync decode reads gptq words, so N
// need not be whole 16-column fragment blocks; its last 64-column tile is
// masked.
// SM90-LABEL: func.func @decode_m8_odd_n
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 8, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 3, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>
func.func @decode_m8_odd_n(%x: tensor<8x1056xbf16>, %w: tensor<132x328xi32>, %s: tensor<33x328xbf16>, %i: tensor<8x328xbf16>) -> tensor<8x328xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<8x1056xbf16>, tensor<132x328xi32>, tensor<33x328xbf16>) outs(%i : tensor<8x328xbf16>) -> tensor<8x328xbf16>
  return %0 : tensor<8x328xbf16>
}

// sm_90 decodes on mma.sync only with integer zero points and 32-K chunks
// inside every group: float zero points, and groups of 16, keep the dot
// decode (128 columns, 8 warps; decode_kernel = dot, not printed) at M = 4.
// SM90-LABEL: func.func @decode_m4_float_zeros
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 256, split_k = 16, workgroup_size = 256, lds_bytes = 16384>
func.func @decode_m4_float_zeros(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %z: tensor<128x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) zeros(%z : tensor<128x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
// SM90-LABEL: func.func @decode_m4_g16
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 128, split_k = 16, workgroup_size = 256, lds_bytes = 16384>
func.func @decode_m4_g16(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<256x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<256x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// The matrix kernels read the fragment layout (K in 32-row, N in 16-column
// blocks). Weights off it (N = 200) are decoded at every M: past the decode
// ranges by one kernel of 8-row tiles, split 1 since any M may come.
// GFX1100-LABEL: func.func @off_fragment_n
// GFX1100: #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 5, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 32768>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 9, m_max = -1, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 32768>]
// SM90-LABEL: func.func @off_fragment_n
// SM90: #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 5, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>, #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 9, m_max = -1, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>]
func.func @off_fragment_n(%x: tensor<?x1024xf16>, %w: tensor<128x200xi32>, %s: tensor<16x200xf16>, %i: tensor<?x200xf16>) -> tensor<?x200xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 64, zero_point = symmetric> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x200xi32>, tensor<16x200xf16>) outs(%i : tensor<?x200xf16>) -> tensor<?x200xf16>
  return %0 : tensor<?x200xf16>
}

// K = 1000 is off the layout too; a static M = 40 is 5 row tiles.
// GFX1100-LABEL: func.func @off_fragment_k
// GFX1100: w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 40, m_max = 40, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 32768>]
func.func @off_fragment_k(%x: tensor<40x1000xf16>, %w: tensor<125x256xi32>, %s: tensor<1x256xf16>, %i: tensor<40x256xf16>) -> tensor<40x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric> ins(%x, %w, %s : tensor<40x1000xf16>, tensor<125x256xi32>, tensor<1x256xf16>) outs(%i : tensor<40x256xf16>) -> tensor<40x256xf16>
  return %0 : tensor<40x256xf16>
}

// A matmul of no rows needs no kernel: the tiler folds it to its init.
// GFX1100-LABEL: func.func @no_rows
// GFX1100-NOT: w4a16.matmul
// GFX1100: return %arg3
func.func @no_rows(%x: tensor<0x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<0x256xf16>) -> tensor<0x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<0x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<0x256xf16>) -> tensor<0x256xf16>
  return %0 : tensor<0x256xf16>
}

// Also with a tiling already on it.
// GFX1100-LABEL: func.func @no_rows_tiled
// GFX1100-NOT: w4a16.matmul
// GFX1100: return %arg3
func.func @no_rows_tiled(%x: tensor<0x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<0x256xf16>) -> tensor<0x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<0x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<0x256xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<0x256xf16>
  return %0 : tensor<0x256xf16>
}
