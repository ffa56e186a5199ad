// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 -o %t/k.hsaco --manifest %t/k.json
// RUN: FileCheck %s < %t/k.json

// Run-time M dispatch: the manifest names the M range each kernel serves,
// so a host launches the kernels of the range that holds its M.

// CHECK:      "kernels": [
// CHECK:        "launch_index": 0,
// CHECK:        "m_range": [
// CHECK-NEXT:     1,
// CHECK-NEXT:     2
// CHECK-NEXT:   ],
// CHECK-NEXT:   "scratch_bytes": 0,
// CHECK-NEXT:   "strategy": "decode",
// CHECK-NEXT:   "symbol": "matmul_0_m1_decode",
// CHECK:        "launch_index": 1,
// CHECK:        "m_range": [
// CHECK-NEXT:     1,
// CHECK-NEXT:     2
// CHECK-NEXT:   ],
// CHECK:        "symbol": "matmul_0_m1_splitk_reduce",
// CHECK:        "launch_index": 2,
// CHECK:        "m_range": [
// CHECK-NEXT:     3,
// CHECK-NEXT:     8
// CHECK-NEXT:   ],
// CHECK:        "symbol": "matmul_0_m3_decode",
// CHECK:        "split_k": 2,
// CHECK-NEXT:   "tile_k": 64,
// CHECK-NEXT:   "tile_m": 8,
// CHECK:        "launch_index": 3,
// CHECK:        "m_range": [
// CHECK-NEXT:     3,
// CHECK-NEXT:     8
// CHECK-NEXT:   ],
// CHECK:        "symbol": "matmul_0_m3_splitk_reduce",
func.func @dispatch(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 32768>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 2, tile_m = 2, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 8192>]} -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}
