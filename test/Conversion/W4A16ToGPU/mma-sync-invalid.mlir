// RUN: w4a16-opt %s -split-input-file --convert-w4a16-to-gpu -verify-diagnostics

// What the mma.sync kernels (sm_90) cannot lower is a diagnostic, never a
// wrong kernel.

func.func @group16(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<4x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{the small_batch kernels need a group size that is a multiple of 32, got 16}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 16, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<4x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @scales_type(%x: tensor<16x64xbf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  // expected-error @+1 {{the small_batch kernels need scales of the activation type 'bf16'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xbf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xbf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xbf16>
  return %0 : tensor<16x32xbf16>
}

// -----

func.func @gptq_weights(%x: tensor<16x64xf16>, %w: tensor<8x32xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{the small_batch kernel reads fragment weights, got gptq (run --w4a16-repack-weights)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @tile_n(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{small_batch tile 16 x 48 with 4 waves: each wave needs 32 columns and a multiple of 16 rows}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 48, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @split(%x: tensor<16x192xf16>, %w: tensor<6x2x64xi32>, %s: tensor<3x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{split_k = 2 cuts K = 192 into slices of 96 rows, neither whole groups nor inside one group}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 64, zero_point = symmetric> ins(%x, %w, %s : tensor<16x192xf16>, tensor<6x2x64xi32>, tensor<3x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 2, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @prefill_lds(%x: tensor<128x128xf16>, %w: tensor<4x2x64xi32>, %s: tensor<1x32xf16>, %i: tensor<128x32xf16>) -> tensor<128x32xf16> {
  // expected-error @+1 {{prefill lds_bytes = 32768, the kernel's double-buffered A tile takes 16384}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<128x128xf16>, tensor<4x2x64xi32>, tensor<1x32xf16>) outs(%i : tensor<128x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 128, split_k = 1, workgroup_size = 256, lds_bytes = 32768>]} -> tensor<128x32xf16>
  return %0 : tensor<128x32xf16>
}

// -----

// A 32 x 32 chunk of the prefill A stage is 64 pairs of 16-byte pieces (rows
// r and r + 8), fewer than the 128 threads that each store a whole pair.
func.func @prefill_stage_pairs(%x: tensor<32x128xf16>, %w: tensor<4x2x64xi32>, %s: tensor<1x32xf16>, %i: tensor<32x32xf16>) -> tensor<32x32xf16> {
  // expected-error @+1 {{prefill A tile 32 x 32 does not split evenly over 128 threads in 16-byte loads of row pairs}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<32x128xf16>, tensor<4x2x64xi32>, tensor<1x32xf16>) outs(%i : tensor<32x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 32, m_max = 32, tile_m = 32, tile_n = 128, tile_k = 128, split_k = 1, workgroup_size = 128, lds_bytes = 4096>]} -> tensor<32x32xf16>
  return %0 : tensor<32x32xf16>
}

// -----

// Prefill steps under 4 words stage all operands on sm_90, so lds_bytes is
// whole stages: 8 warps x (32 columns x 32 rows / 2 + 32 x 8) + 128 A rows
// x 32 x 2 = 14336 bytes each.
func.func @prefill_stages(%x: tensor<128x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<128x32xf16>) -> tensor<128x32xf16> {
  // expected-error @+1 {{prefill lds_bytes = 16384 must hold whole stages of the operand pipeline, at least 2 of 14336 bytes}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<128x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<128x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "sm_90", m_min = 128, m_max = 128, tile_m = 128, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<128x32xf16>
  return %0 : tensor<128x32xf16>
}

// -----

// A small-batch operand pipeline needs whole stages, at least two: 4 warps x
// (32 columns x 32 rows / 2 + 32 x 8) + 16 A rows x 32 x 2 = 4096 bytes each.
func.func @weight_stages(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{small_batch lds_bytes = 6144 must hold whole stages of the operand pipeline, at least 2 of 4096 bytes}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 6144>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @one_weight_stage(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{small_batch lds_bytes = 4096 must hold whole stages of the operand pipeline, at least 2 of 4096 bytes}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 4096>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

// The staged A tile (16 x 32 activations) is 256 K pairs: fewer than the
// 512 threads, each of which copies whole 4-byte pairs.
func.func @a_tile_split(%x: tensor<16x64xf16>, %w: tensor<2x32x64xi32>, %s: tensor<2x512xf16>, %i: tensor<16x512xf16>) -> tensor<16x512xf16> {
  // expected-error @+1 {{small_batch lds_bytes = 26624 stages A, but the 16 x 32 A tile of a step does not split over 512 threads in 4-byte copies}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x32x64xi32>, tensor<2x512xf16>) outs(%i : tensor<16x512xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 512, tile_k = 32, split_k = 1, workgroup_size = 512, lds_bytes = 26624>]} -> tensor<16x512xf16>
  return %0 : tensor<16x512xf16>
}

// -----

// A step is tile_k K rows; a lane loads at most one 16-byte word group.
func.func @tile_k_long(%x: tensor<16x256xf16>, %w: tensor<8x2x64xi32>, %s: tensor<1x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{the small_batch mma.sync kernels take steps of at most 128 K rows (4 words per lane), got tile_k = 256}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 256, zero_point = symmetric> ins(%x, %w, %s : tensor<16x256xf16>, tensor<8x2x64xi32>, tensor<1x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 256, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

func.func @tile_k_segment(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{small_batch tile_k = 64 must be a multiple of 32 (fragment-layout blocks) dividing the 32 rows between two scale applications}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

// The matrix decode kernel's own geometry: A rows g and g + 8 of a lane's two
// 16-byte loads make 64-column blocks.
func.func @matrix_decode_tile_n(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{matrix decode tile_n = 32 must be whole blocks of 64 columns (A rows g and g + 8 of a lane's two 16-byte loads)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 32, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 2048, decode_kernel = matrix>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// -----

func.func @matrix_decode_tile_k(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{matrix decode tile_k = 64 must be whole 32-K chunks per warp (a multiple of 128)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 64, tile_k = 64, split_k = 16, workgroup_size = 128, lds_bytes = 4096, decode_kernel = matrix>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// -----

func.func @matrix_decode_float_zeros(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-error @+1 {{the matrix decode kernel has no float zero points (only decode_kernel = dot has)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = float> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 4096, decode_kernel = matrix>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

// -----

func.func @small_batch_float_zeros(%x: tensor<16x64xf16>, %w: tensor<2x2x64xi32>, %s: tensor<2x32xf16>, %z: tensor<2x32xf16>, %i: tensor<16x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{the small_batch kernel has no float zero points (only decode_kernel = dot has)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = float> ins(%x, %w, %s : tensor<16x64xf16>, tensor<2x2x64xi32>, tensor<2x32xf16>) zeros(%z : tensor<2x32xf16>) outs(%i : tensor<16x32xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "sm_90", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}
