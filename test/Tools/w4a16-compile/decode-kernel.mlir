// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --chipset=sm_90 -o %t/sm90.ptx --manifest %t/sm90.json
// RUN: FileCheck %s < %t/sm90.json
// RUN: FileCheck %s --check-prefix=PTX < %t/sm90.ptx

// The manifest names each decode kernel's decode_kernel: the tiler's mma.sync
// kernel at M = 4 on sm_90, and dot2 where the tiling asks for it.

// CHECK:      "function": "matrix",
// CHECK:      "symbol": "matmul_0_decode",
// CHECK:      "tiling": {
// CHECK-NEXT:   "decode_kernel": "matrix",
// CHECK:      "function": "dot",
// CHECK:      "symbol": "matmul_1_decode",
// CHECK:      "tiling": {
// CHECK-NEXT:   "decode_kernel": "dot",
// CHECK-NEXT:   "split_k": 16,
// CHECK-NEXT:   "tile_k": 256,

// PTX-LABEL: .entry matmul_0_decode(
// PTX: mma.sync.aligned.m16n8k16
// PTX-LABEL: .entry matmul_1_decode(
// PTX-NOT: mma.sync
// PTX: fma.rn.f32
// PTX-NOT: mma.sync
// PTX-LABEL: .entry matmul_1_splitk_reduce(
func.func @matrix(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}

func.func @dot(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "sm_90", m_min = 4, m_max = 4, tile_m = 4, tile_n = 128, tile_k = 256, split_k = 16, workgroup_size = 256, lds_bytes = 16384, decode_kernel = dot>]} -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
