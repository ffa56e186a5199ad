// RUN: w4a16-opt %s -split-input-file -verify-diagnostics

// Every malformed scheme or op is rejected at the op with a clear message.

// expected-error @+1 {{only 4-bit weights are supported, got bits = 8}}
func.func private @bits8() attributes {s = #w4a16.scheme<layout = gptq, bits = 8, group_size = 128, zero_point = symmetric>}

// -----

// expected-error @+1 {{group_size must be a positive multiple of 8 or -1 (per-channel), got 12}}
func.func private @group12() attributes {s = #w4a16.scheme<layout = gptq, group_size = 12, zero_point = symmetric>}

// -----

// expected-error @+1 {{group_size must be a positive multiple of 8 or -1 (per-channel), got 0}}
func.func private @group0() attributes {s = #w4a16.scheme<layout = gptq, group_size = 0, zero_point = symmetric>}

// -----

// expected-error @+1 {{gptq_v1 applies only to the gptq and fragment layouts with zero_point = packed}}
func.func private @v1awq() attributes {s = #w4a16.scheme<layout = awq, group_size = 128, zero_point = packed, gptq_v1 = true>}

// -----

// expected-error @+1 {{gptq_v1 applies only to the gptq and fragment layouts with zero_point = packed}}
func.func private @v1sym() attributes {s = #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric, gptq_v1 = true>}

// -----

// expected-error @+2 {{expected ::mlir::w4a16::ZeroPointKind to be one of: none, symmetric, packed, float}}
// expected-error @+1 {{failed to parse W4A16_QuantSchemeAttr parameter 'zero_point' which is to be a `::mlir::w4a16::ZeroPointKind`}}
func.func private @badkind() attributes {s = #w4a16.scheme<layout = gptq, group_size = 128, zero_point = signed>}

// -----

func.func @k_not_multiple_of_8(%x: tensor<4x100xf16>, %w: tensor<12x64xi32>, %s: tensor<1x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op K = 100 must be a multiple of 8}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x100xf16>, tensor<12x64xi32>, tensor<1x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @k_not_divisible_by_group(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<1x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op K = 96 is not divisible by the group size 64}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 64, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<1x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @dynamic_k(%x: tensor<4x?xf16>, %w: tensor<12x64xi32>, %s: tensor<1x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op requires a static reduction size K}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x?xf16>, tensor<12x64xi32>, tensor<1x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @dynamic_n(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<1x64xf16>, %i: tensor<4x?xf16>) -> tensor<4x?xf16> {
  // expected-error @+1 {{'w4a16.matmul' op requires a static output size N}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<1x64xf16>) outs(%i : tensor<4x?xf16>) -> tensor<4x?xf16>
  return %0 : tensor<4x?xf16>
}

// -----

// K = 0 was a division by zero in the verifier (an empty per-channel group).
func.func @empty_k(%x: tensor<4x0xf16>, %w: tensor<0x64xi32>, %s: tensor<1x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op K = 0 x N = 64 weights must not be empty}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x0xf16>, tensor<0x64xi32>, tensor<1x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @empty_n(%x: tensor<4x96xf16>, %w: tensor<12x0xi32>, %s: tensor<3x0xf16>, %i: tensor<4x0xf16>) -> tensor<4x0xf16> {
  // expected-error @+1 {{'w4a16.matmul' op K = 96 x N = 0 weights must not be empty}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x0xi32>, tensor<3x0xf16>) outs(%i : tensor<4x0xf16>) -> tensor<4x0xf16>
  return %0 : tensor<4x0xf16>
}

// -----

func.func @gptq_weight_shape(%x: tensor<4x96xf16>, %w: tensor<96x8xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op packed weights must have shape [12, 64] (K/8 x N for the gptq layout), got [96, 8]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<96x8xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @awq_weight_shape(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x8xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op packed weights must have shape [96, 8] (K x N/8 for the awq layout), got [12, 64]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x8xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @awq_n_not_multiple_of_8(%x: tensor<4x96xf16>, %w: tensor<96x1xi32>, %s: tensor<3x12xf16>, %i: tensor<4x12xf16>) -> tensor<4x12xf16> {
  // expected-error @+1 {{'w4a16.matmul' op N = 12 must be a multiple of 8 for the awq layout}}
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<96x1xi32>, tensor<3x12xf16>) outs(%i : tensor<4x12xf16>) -> tensor<4x12xf16>
  return %0 : tensor<4x12xf16>
}

// -----

func.func @weight_element_type(%x: tensor<4x96xf16>, %w: tensor<12x64xi8>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op operand #1 must be ranked tensor of 32-bit signless integer values, but got 'tensor<12x64xi8>'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi8>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @scales_shape(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<2x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op scales must have shape [3, 64] (groups x N), got [2, 64]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<2x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @scales_element_type(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op operand #2 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<3x64xi32>'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @zeros_missing(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op zero_point = packed requires a zeros operand}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @zeros_not_allowed(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x8xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op a zeros operand is not allowed with zero_point = symmetric}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x8xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @packed_zeros_type(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op packed zeros must be i32, got 'f16'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @packed_zeros_shape(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x64xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op packed zeros must have shape [3, 8] (groups x N/8), got [3, 64]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x64xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @packed_zeros_n(%x: tensor<4x96xf16>, %w: tensor<12x12xi32>, %s: tensor<3x12xf16>, %z: tensor<3x1xi32>, %i: tensor<4x12xf16>) -> tensor<4x12xf16> {
  // expected-error @+1 {{'w4a16.matmul' op N = 12 must be a multiple of 8 for packed zeros}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x12xi32>, tensor<3x12xf16>) zeros(%z : tensor<3x1xi32>) outs(%i : tensor<4x12xf16>) -> tensor<4x12xf16>
  return %0 : tensor<4x12xf16>
}

// -----

func.func @float_zeros_type(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x64xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op float zeros must be f16, bf16 or f32, got 'i32'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x64xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @float_zeros_shape(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %z: tensor<3x8xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op float zeros must have shape [3, 64] (groups x N), got [3, 8]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) zeros(%z : tensor<3x8xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @g_idx_per_channel(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<1x64xf16>, %g: tensor<96xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op g_idx (act-order) requires grouped quantization, not per-channel}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<1x64xf16>) g_idx(%g : tensor<96xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @g_idx_shape(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %g: tensor<3xi32>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op g_idx must have shape [96] (one group index per K row), got [3]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) g_idx(%g : tensor<3xi32>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @input_type(%x: tensor<4x96xf32>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type values, but got 'tensor<4x96xf32>'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf32>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @result_type(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf64>) -> tensor<4x64xf64> {
  // expected-error @+1 {{'w4a16.matmul' op operand #3 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<4x64xf64>'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf64>) -> tensor<4x64xf64>
  return %0 : tensor<4x64xf64>
}

// -----

func.func @input_rank(%x: tensor<96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<64xf16>) -> tensor<64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op input must be [B..., M, K] with rank >= 2, got rank 1}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<64xf16>) -> tensor<64xf16>
  return %0 : tensor<64xf16>
}

// -----

func.func @init_rank(%x: tensor<2x4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op init must have the rank of the input (3), got rank 2}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<2x4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf16>
  return %0 : tensor<4x64xf16>
}

// -----

func.func @result_not_init(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<4x64xf16>) -> tensor<4x64xf32> {
  // expected-error @+1 {{'w4a16.matmul' op result type 'tensor<4x64xf32>' must equal the init type 'tensor<4x64xf16>'}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<4x64xf16>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

func.func @m_mismatch(%x: tensor<4x96xf16>, %w: tensor<12x64xi32>, %s: tensor<3x64xf16>, %i: tensor<5x64xf16>) -> tensor<5x64xf16> {
  // expected-error @+1 {{'w4a16.matmul' op dimension 0 of the input (4) and of the init (5) differ}}
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x96xf16>, tensor<12x64xi32>, tensor<3x64xf16>) outs(%i : tensor<5x64xf16>) -> tensor<5x64xf16>
  return %0 : tensor<5x64xf16>
}

// -----

func.func @dequant_rank(%w: tensor<12x64xi32>, %s: tensor<3x64xf16>) -> tensor<1x96x64xf16> {
  // expected-error @+1 {{'w4a16.dequant' op result must be a 2-D [K, N] tensor, got rank 3}}
  %0 = w4a16.dequant #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%w, %s : tensor<12x64xi32>, tensor<3x64xf16>) -> tensor<1x96x64xf16>
  return %0 : tensor<1x96x64xf16>
}

// -----

func.func @dequant_result_type(%w: tensor<12x64xi32>, %s: tensor<3x64xf16>) -> tensor<96x64xi16> {
  // expected-error @+1 {{'w4a16.dequant' op result #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<96x64xi16>'}}
  %0 = w4a16.dequant #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%w, %s : tensor<12x64xi32>, tensor<3x64xf16>) -> tensor<96x64xi16>
  return %0 : tensor<96x64xi16>
}

// -----

func.func @dequant_shape(%w: tensor<12x64xi32>, %s: tensor<3x64xf16>) -> tensor<96x32xf16> {
  // expected-error @+1 {{'w4a16.dequant' op packed weights must have shape [12, 32] (K/8 x N for the gptq layout), got [12, 64]}}
  %0 = w4a16.dequant #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%w, %s : tensor<12x64xi32>, tensor<3x64xf16>) -> tensor<96x32xf16>
  return %0 : tensor<96x32xf16>
}

// -----

// expected-error @+1 {{gptq_v1 applies only to the gptq and fragment layouts with zero_point = packed}}
func.func private @v1fragment_float() attributes {s = #w4a16.scheme<layout = fragment, group_size = 128, zero_point = float, gptq_v1 = true>}

// -----

func.func @fragment_k(%x: tensor<4x48xf16>, %w: tensor<1x1x64xi32>, %s: tensor<3x16xf16>, %i: tensor<4x16xf16>) -> tensor<4x16xf16> {
  // expected-error @+1 {{'w4a16.matmul' op the fragment layout needs K a multiple of 32 and N a multiple of 16, got K = 48, N = 16}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 16, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x48xf16>, tensor<1x1x64xi32>, tensor<3x16xf16>) outs(%i : tensor<4x16xf16>) -> tensor<4x16xf16>
  return %0 : tensor<4x16xf16>
}

// -----

func.func @fragment_n(%w: tensor<1x1x64xi32>, %s: tensor<1x24xf16>) -> tensor<32x24xf16> {
  // expected-error @+1 {{'w4a16.dequant' op the fragment layout needs K a multiple of 32 and N a multiple of 16, got K = 32, N = 24}}
  %0 = w4a16.dequant #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric>
         ins(%w, %s : tensor<1x1x64xi32>, tensor<1x24xf16>) -> tensor<32x24xf16>
  return %0 : tensor<32x24xf16>
}

// -----

func.func @fragment_gptq_shape(%x: tensor<4x64xf16>, %w: tensor<8x32xi32>, %s: tensor<2x32xf16>, %i: tensor<4x32xf16>) -> tensor<4x32xf16> {
  // expected-error @+1 {{'w4a16.matmul' op packed weights must have shape [2, 2, 64] (K/32 x N/16 x 64 for the fragment layout), got [8, 32]}}
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<4x64xf16>, tensor<8x32xi32>, tensor<2x32xf16>) outs(%i : tensor<4x32xf16>) -> tensor<4x32xf16>
  return %0 : tensor<4x32xf16>
}

// -----

func.func @fragment_zeros_shape(%w: tensor<1x2x64xi32>, %s: tensor<1x32xf16>, %z: tensor<32x1xi32>) -> tensor<32x32xf16> {
  // expected-error @+1 {{'w4a16.dequant' op packed zeros must have shape [1, 4] (groups x N/8), got [32, 1]}}
  %0 = w4a16.dequant #w4a16.scheme<layout = fragment, group_size = 32, zero_point = packed>
         ins(%w, %s : tensor<1x2x64xi32>, tensor<1x32xf16>) zeros(%z : tensor<32x1xi32>) -> tensor<32x32xf16>
  return %0 : tensor<32x32xf16>
}

// -----

// expected-error @+2 {{expected ::mlir::w4a16::WeightLayout to be one of: gptq, awq, fragment}}
// expected-error @+1 {{failed to parse W4A16_QuantSchemeAttr parameter 'layout' which is to be a `::mlir::w4a16::WeightLayout`}}
func.func private @badlayout() attributes {s = #w4a16.scheme<layout = marlin, group_size = 128, zero_point = symmetric>}

// -----

func.func @repack_to_awq(%w: tensor<4x16xi32>) -> tensor<32x2xi32> {
  // expected-error @+1 {{'w4a16.repack' op repack from gptq to awq is not supported (supported: gptq to fragment, awq to gptq, awq to fragment)}}
  %0 = w4a16.repack %w from gptq to awq : tensor<4x16xi32> -> tensor<32x2xi32>
  return %0 : tensor<32x2xi32>
}

// -----

func.func @repack_awq_k(%w: tensor<12x2xi32>) -> tensor<1x16xi32> {
  // expected-error @+1 {{'w4a16.repack' op K = 12 must be a multiple of 8 for the gptq layout}}
  %0 = w4a16.repack %w from awq to gptq : tensor<12x2xi32> -> tensor<1x16xi32>
  return %0 : tensor<1x16xi32>
}

// -----

func.func @repack_awq_result_shape(%w: tensor<16x2xi32>) -> tensor<16x2xi32> {
  // expected-error @+1 {{'w4a16.repack' op packed weights must have shape [2, 16] (K/8 x N for the gptq layout), got [16, 2]}}
  %0 = w4a16.repack %w from awq to gptq : tensor<16x2xi32> -> tensor<16x2xi32>
  return %0 : tensor<16x2xi32>
}

// -----

func.func @repack_awq_fragment_n(%w: tensor<32x1xi32>) -> tensor<1x1x32xi32> {
  // expected-error @+1 {{'w4a16.repack' op the fragment layout needs K a multiple of 32 and N a multiple of 16, got K = 32, N = 8}}
  %0 = w4a16.repack %w from awq to fragment : tensor<32x1xi32> -> tensor<1x1x32xi32>
  return %0 : tensor<1x1x32xi32>
}

// -----

func.func @repack_awq_rank(%w: tensor<32xi32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{'w4a16.repack' op source must be a 2-D awq tensor, got rank 1}}
  %0 = w4a16.repack %w from awq to gptq : tensor<32xi32> -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

func.func @repack_zeros_direction(%z: tensor<2x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'w4a16.repack_zeros' op repack of zeros from gptq to awq is not supported (supported: awq to gptq)}}
  %0 = w4a16.repack_zeros %z from gptq to awq : tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

func.func @repack_zeros_dynamic(%z: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{'w4a16.repack_zeros' op source must be a static packed zeros [groups, N/8] tensor, got [?, 4]}}
  %0 = w4a16.repack_zeros %z from awq to gptq : tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

func.func @repack_to_gptq(%w: tensor<1x1x64xi32>) -> tensor<4x16xi32> {
  // expected-error @+1 {{'w4a16.repack' op repack from fragment to gptq is not supported (supported: gptq to fragment, awq to gptq, awq to fragment)}}
  %0 = w4a16.repack %w from fragment to gptq : tensor<1x1x64xi32> -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

func.func @repack_rank(%w: tensor<4x16x1xi32>) -> tensor<1x1x64xi32> {
  // expected-error @+1 {{'w4a16.repack' op source must be a 2-D gptq tensor, got rank 3}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<4x16x1xi32> -> tensor<1x1x64xi32>
  return %0 : tensor<1x1x64xi32>
}

// -----

func.func @repack_dynamic(%w: tensor<?x16xi32>) -> tensor<1x1x64xi32> {
  // expected-error @+1 {{'w4a16.repack' op requires a static source shape, got [?, 16]}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<?x16xi32> -> tensor<1x1x64xi32>
  return %0 : tensor<1x1x64xi32>
}

// -----

func.func @repack_k(%w: tensor<6x16xi32>) -> tensor<1x1x96xi32> {
  // expected-error @+1 {{'w4a16.repack' op the fragment layout needs K a multiple of 32 and N a multiple of 16, got K = 48, N = 16}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<6x16xi32> -> tensor<1x1x96xi32>
  return %0 : tensor<1x1x96xi32>
}

// -----

func.func @repack_n(%w: tensor<4x8xi32>) -> tensor<1x1x32xi32> {
  // expected-error @+1 {{'w4a16.repack' op the fragment layout needs K a multiple of 32 and N a multiple of 16, got K = 32, N = 8}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<4x8xi32> -> tensor<1x1x32xi32>
  return %0 : tensor<1x1x32xi32>
}

// -----

func.func @repack_result_shape(%w: tensor<8x32xi32>) -> tensor<2x64x2xi32> {
  // expected-error @+1 {{'w4a16.repack' op packed weights must have shape [2, 2, 64] (K/32 x N/16 x 64 for the fragment layout), got [2, 64, 2]}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<8x32xi32> -> tensor<2x64x2xi32>
  return %0 : tensor<2x64x2xi32>
}

// -----

func.func @repack_element_type(%w: tensor<8x32xi16>) -> tensor<2x2x64xi32> {
  // expected-error @+1 {{'w4a16.repack' op operand #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<8x32xi16>'}}
  %0 = w4a16.repack %w from gptq to fragment : tensor<8x32xi16> -> tensor<2x2x64xi32>
  return %0 : tensor<2x2x64xi32>
}

// -----

func.func @act_order_perm_dynamic(%g: tensor<?xi32>) -> tensor<?xi32> {
  // expected-error @+1 {{g_idx must be a static 1-D [K] tensor, got [?]}}
  %p = w4a16.act_order_perm %g group_size 8 : tensor<?xi32>
  return %p : tensor<?xi32>
}

// -----

func.func @act_order_perm_group(%g: tensor<24xi32>) -> tensor<24xi32> {
  // expected-error @+1 {{K = 24 is not divisible by the group size 16}}
  %p = w4a16.act_order_perm %g group_size 16 : tensor<24xi32>
  return %p : tensor<24xi32>
}

// -----

func.func @act_order_perm_zero_group(%g: tensor<24xi32>) -> tensor<24xi32> {
  // expected-error @+1 {{attribute 'group_size' failed to satisfy constraint}}
  %p = w4a16.act_order_perm %g group_size 0 : tensor<24xi32>
  return %p : tensor<24xi32>
}

// -----

func.func @permute_k_weights_size(%w: tensor<2x4xi32>, %p: tensor<8xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{perm has 8 entries, but the source has K = 16}}
  %0 = w4a16.permute_k %w by %p : tensor<2x4xi32>, tensor<8xi32>
  return %0 : tensor<2x4xi32>
}

// -----

func.func @permute_k_weights_rank(%w: tensor<2x4x2xi32>, %p: tensor<16xi32>) -> tensor<2x4x2xi32> {
  // expected-error @+1 {{packed weights must be a static gptq [K/8, N] tensor, got [2, 4, 2]}}
  %0 = w4a16.permute_k %w by %p : tensor<2x4x2xi32>, tensor<16xi32>
  return %0 : tensor<2x4x2xi32>
}

// -----

func.func @permute_k_dynamic_k(%x: tensor<1x?xf16>, %p: tensor<16xi32>) -> tensor<1x?xf16> {
  // expected-error @+1 {{activations must be [B..., M, K] with a static K, got [1, ?]}}
  %0 = w4a16.permute_k %x by %p : tensor<1x?xf16>, tensor<16xi32>
  return %0 : tensor<1x?xf16>
}

// -----

func.func @permute_k_activation_size(%x: tensor<?x32xbf16>, %p: tensor<16xi32>) -> tensor<?x32xbf16> {
  // expected-error @+1 {{perm has 16 entries, but the source has K = 32}}
  %0 = w4a16.permute_k %x by %p : tensor<?x32xbf16>, tensor<16xi32>
  return %0 : tensor<?x32xbf16>
}

// -----

func.func @permute_k_perm_rank(%x: tensor<?x16xf16>, %p: tensor<2x8xi32>) -> tensor<?x16xf16> {
  // expected-error @+1 {{perm must be a static 1-D [K] tensor, got [2, 8]}}
  %0 = w4a16.permute_k %x by %p : tensor<?x16xf16>, tensor<2x8xi32>
  return %0 : tensor<?x16xf16>
}
