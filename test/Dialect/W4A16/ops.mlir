// RUN: w4a16-opt %s | FileCheck %s
// RUN: w4a16-opt %s | w4a16-opt | FileCheck %s
// RUN: w4a16-opt -mlir-print-op-generic %s | w4a16-opt | FileCheck %s

// Every op form and every scheme parameter survives a print/parse round trip.

// CHECK-LABEL: func.func @matmul_gptq_symmetric
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x17408xf16>, tensor<2176x5120xi32>, tensor<544x5120xf16>)
// CHECK-SAME: outs(%{{.*}} : tensor<?x5120xf16>) -> tensor<?x5120xf16>
func.func @matmul_gptq_symmetric(%x: tensor<?x17408xf16>, %w: tensor<2176x5120xi32>,
                                 %s: tensor<544x5120xf16>, %init: tensor<?x5120xf16>) -> tensor<?x5120xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<?x17408xf16>, tensor<2176x5120xi32>, tensor<544x5120xf16>)
         outs(%init : tensor<?x5120xf16>) -> tensor<?x5120xf16>
  return %0 : tensor<?x5120xf16>
}

// CHECK-LABEL: func.func @matmul_gptq_v1_act_order
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: zeros(%{{.*}} : tensor<32x512xi32>) g_idx(%{{.*}} : tensor<4096xi32>)
// CHECK-SAME: -> tensor<2x?x4096xf32>
func.func @matmul_gptq_v1_act_order(%x: tensor<2x?x4096xbf16>, %w: tensor<512x4096xi32>,
                                    %s: tensor<32x4096xbf16>, %z: tensor<32x512xi32>,
                                    %g: tensor<4096xi32>, %init: tensor<2x?x4096xf32>) -> tensor<2x?x4096xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, gptq_v1 = true>
         ins(%x, %w, %s : tensor<2x?x4096xbf16>, tensor<512x4096xi32>, tensor<32x4096xbf16>)
         zeros(%z : tensor<32x512xi32>) g_idx(%g : tensor<4096xi32>)
         outs(%init : tensor<2x?x4096xf32>) -> tensor<2x?x4096xf32>
  return %0 : tensor<2x?x4096xf32>
}

// CHECK-LABEL: func.func @matmul_awq_per_channel_float_zeros
// CHECK: w4a16.matmul #w4a16.scheme<layout = awq, group_size = -1, zero_point = float>
// CHECK-SAME: zeros(%{{.*}} : tensor<1x64xf32>)
func.func @matmul_awq_per_channel_float_zeros(%x: tensor<3x96xf16>, %w: tensor<96x8xi32>,
                                              %s: tensor<1x64xf16>, %z: tensor<1x64xf32>,
                                              %init: tensor<3x64xbf16>) -> tensor<3x64xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = awq, group_size = -1, zero_point = float>
         ins(%x, %w, %s : tensor<3x96xf16>, tensor<96x8xi32>, tensor<1x64xf16>)
         zeros(%z : tensor<1x64xf32>)
         outs(%init : tensor<3x64xbf16>) -> tensor<3x64xbf16>
  return %0 : tensor<3x64xbf16>
}

// CHECK-LABEL: func.func @dequant_forms
// CHECK: w4a16.dequant #w4a16.scheme<layout = awq, group_size = 64, zero_point = packed>
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<128x16xi32>, tensor<2x128xf16>) zeros(%{{.*}} : tensor<2x16xi32>) -> tensor<128x128xf16>
// CHECK: w4a16.dequant #w4a16.scheme<layout = gptq, group_size = 16, zero_point = none>
// CHECK-SAME: g_idx(%{{.*}} : tensor<128xi32>) -> tensor<128x40xbf16>
func.func @dequant_forms(%wa: tensor<128x16xi32>, %sa: tensor<2x128xf16>, %za: tensor<2x16xi32>,
                         %wg: tensor<16x40xi32>, %sg: tensor<8x40xbf16>, %g: tensor<128xi32>)
    -> (tensor<128x128xf16>, tensor<128x40xbf16>) {
  %0 = w4a16.dequant #w4a16.scheme<layout = awq, group_size = 64, zero_point = packed>
         ins(%wa, %sa : tensor<128x16xi32>, tensor<2x128xf16>) zeros(%za : tensor<2x16xi32>)
         -> tensor<128x128xf16>
  %1 = w4a16.dequant #w4a16.scheme<layout = gptq, bits = 4, group_size = 16, zero_point = none>
         ins(%wg, %sg : tensor<16x40xi32>, tensor<8x40xbf16>) g_idx(%g : tensor<128xi32>)
         -> tensor<128x40xbf16>
  return %0, %1 : tensor<128x128xf16>, tensor<128x40xbf16>
}

// The tiling attribute prints as it parses.
// CHECK-LABEL: func.func private @tiling_round_trip()
// CHECK-SAME: t = #w4a16.tiling<strategy = small_batch, chip = "gfx1151", m_min = 9, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 32, split_k = 4, workgroup_size = 128, lds_bytes = 0>
func.func private @tiling_round_trip() attributes {t = #w4a16.tiling<strategy = small_batch, chip = "gfx1151", m_min = 9, m_max = 64, tile_m = 64, tile_n = 128, tile_k = 32, split_k = 4, workgroup_size = 128, lds_bytes = 0>}
// decode_kernel prints where it is not the default (dot).
// CHECK-LABEL: func.func private @tiling_matrix_decode()
// CHECK-SAME: t = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>
// CHECK-SAME: u = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 256, split_k = 4, workgroup_size = 256, lds_bytes = 32768>}
func.func private @tiling_matrix_decode() attributes {t = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 8, tile_m = 8, tile_n = 64, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 8192, decode_kernel = matrix>, u = #w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 2, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 256, split_k = 4, workgroup_size = 256, lds_bytes = 32768, decode_kernel = dot>}

// CHECK-LABEL: func.func @fragment_layout
// CHECK: w4a16.repack %{{.*}} from gptq to fragment : tensor<512x4096xi32> -> tensor<128x256x64xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4096xf16>, tensor<128x256x64xi32>, tensor<32x4096xf16>) zeros(%{{.*}} : tensor<32x512xi32>)
// CHECK: w4a16.dequant #w4a16.scheme<layout = fragment, group_size = 32, zero_point = none>
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x2x64xi32>, tensor<1x32xbf16>) g_idx(%{{.*}} : tensor<32xi32>) -> tensor<32x32xf32>
func.func @fragment_layout(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>,
                           %z: tensor<32x512xi32>, %init: tensor<?x4096xf16>,
                           %wf: tensor<1x2x64xi32>, %sf: tensor<1x32xbf16>, %g: tensor<32xi32>)
    -> (tensor<?x4096xf16>, tensor<32x32xf32>) {
  %f = w4a16.repack %w from gptq to fragment : tensor<512x4096xi32> -> tensor<128x256x64xi32>
  %0 = w4a16.matmul #w4a16.scheme<layout = fragment, group_size = 128, zero_point = packed, gptq_v1 = true>
         ins(%x, %f, %s : tensor<?x4096xf16>, tensor<128x256x64xi32>, tensor<32x4096xf16>)
         zeros(%z : tensor<32x512xi32>)
         outs(%init : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  %1 = w4a16.dequant #w4a16.scheme<layout = fragment, group_size = 32, zero_point = none>
         ins(%wf, %sf : tensor<1x2x64xi32>, tensor<1x32xbf16>) g_idx(%g : tensor<32xi32>) -> tensor<32x32xf32>
  return %0, %1 : tensor<?x4096xf16>, tensor<32x32xf32>
}
