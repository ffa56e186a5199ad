// RUN: w4a16-opt %s -split-input-file --convert-w4a16-to-gpu="backend=ukernel" -verify-diagnostics

// What the microkernels do not cover (lib/Microkernels/README.md,
// preconditions) gets a remark and the MLIR lowering, which lowers it or
// gives its own diagnostic.

// N = 202 is not a multiple of 4: the MLIR decode kernel (masked loads).
func.func @odd_n(%x: tensor<1x1024xf16>, %w: tensor<128x202xi32>, %s: tensor<8x202xf16>, %i: tensor<1x202xf16>) -> tensor<1x202xf16> {
  // expected-remark @+1 {{microkernel backend not used (N = 202 is not a multiple of 4); using the MLIR lowering}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x202xi32>, tensor<8x202xf16>) outs(%i : tensor<1x202xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x202xf16>
  return %0 : tensor<1x202xf16>
}

// -----

func.func @awq(%x: tensor<1x4096xf16>, %w: tensor<4096x512xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x512xi32>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-remark @+2 {{microkernel backend not used (awq weights must be repacked to gptq first (--w4a16-repack-awq)); using the MLIR lowering}}
  // expected-error @+1 {{tiled matmuls read gptq words, got awq (run --w4a16-repack-awq first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<4096x512xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x512xi32>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

func.func @float_zeros(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // The MLIR decode kernel covers float zero points.
  // expected-remark @+1 {{microkernel backend not used (float zero points are not covered); using the MLIR lowering}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = float> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

func.func @act_order(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %g: tensor<4096xi32>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-remark @+2 {{microkernel backend not used (act-order (g_idx) weights must be permuted at load time); using the MLIR lowering}}
  // expected-error @+1 {{tiled matmuls need act-order weights permuted at load time (run --w4a16-permute-act-order first)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) g_idx(%g : tensor<4096xi32>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

// The gemv family reads GPTQ words; fragment-layout weights are for WMMA.
func.func @decode_fragment(%x: tensor<1x4096xf16>, %w: tensor<128x256x64xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  // expected-remark @+2 {{microkernel backend not used (the gemv microkernel reads the gptq layout); using the MLIR lowering}}
  // expected-error @+1 {{the decode kernel reads gptq weights, got fragment}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<128x256x64xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 1, tile_m = 1, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 4096>]} -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// -----

// G = 16 is finer than the WMMA family's 32-K step.
func.func @wmma_group16(%x: tensor<16x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<64x256xf16>, %i: tensor<16x256xf16>) -> tensor<16x256xf16> {
  // expected-remark @+2 {{microkernel backend not used (group size 16 is not a multiple of 32 (the WMMA microkernel steps 32 K)); using the MLIR lowering}}
  // expected-error @+1 {{the small_batch kernel reads fragment weights, got gptq (run --w4a16-repack-weights)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 16, zero_point = symmetric> ins(%x, %w, %s : tensor<16x1024xf16>, tensor<128x256xi32>, tensor<64x256xf16>) outs(%i : tensor<16x256xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x256xf16>
  return %0 : tensor<16x256xf16>
}

// -----

// N = 200 is not a multiple of 16: no WMMA entry point fits, and the MLIR
// kernel cannot read these weights either (the tiler decodes such shapes).
func.func @wmma_odd_n(%x: tensor<16x1024xf16>, %w: tensor<128x200xi32>, %s: tensor<8x200xf16>, %i: tensor<16x200xf16>) -> tensor<16x200xf16> {
  // expected-remark @+2 {{microkernel backend not used (N = 200 and tile_n = 128 must be multiples of 16 for the WMMA microkernel); using the MLIR lowering}}
  // expected-error @+1 {{the small_batch kernel reads fragment weights, got gptq; K = 1024 x N = 200 is not whole 32 x 16 blocks of that layout (decode reads any shape)}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x1024xf16>, tensor<128x200xi32>, tensor<8x200xf16>) outs(%i : tensor<16x200xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 16, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 32, split_k = 1, workgroup_size = 128, lds_bytes = 0>]} -> tensor<16x200xf16>
  return %0 : tensor<16x200xf16>
}

// -----

// The gemv microkernel is a dot kernel: a tiling that names the matrix
// decode kernel gets the MLIR one.
func.func @matrix_decode(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  // expected-remark @+1 {{microkernel backend not used (the gemv microkernel is a dot kernel, the tiling asks for decode_kernel = matrix); using the MLIR lowering}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 64, tile_k = 128, split_k = 16, workgroup_size = 128, lds_bytes = 4096, decode_kernel = matrix>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
