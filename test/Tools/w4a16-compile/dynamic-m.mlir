// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 --m-range=5,8 -o %t/k.hsaco --manifest %t/k.json --report %t/report.txt
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/k.json
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt

// A run-time M in 5..8 with packed zeros: the zeros argument, the M range of
// the tiling and the grids as formulas in M (the decode grid has
// ceil(M / tile_m) row tiles, so an M above 8 is computed too).

// MANIFEST:      "name": "zeros",
// MANIFEST-NEXT: "offset": 168,
// MANIFEST:      "type": "memref<32x512xi32>"
// MANIFEST:      "name": "m",
// MANIFEST-NEXT: "offset": 296,
// MANIFEST:      "grid": [
// MANIFEST-NEXT:   32,
// MANIFEST-NEXT:   4,
// MANIFEST-NEXT:   "ceildiv(M, 8)"
// MANIFEST-NEXT: ],
// MANIFEST:      "kernarg_bytes": 304,
// MANIFEST:      "m_range": [
// MANIFEST-NEXT:   5,
// MANIFEST-NEXT:   8
// MANIFEST-NEXT: ],
// MANIFEST:      "symbol": "matmul_0_decode",
// MANIFEST:      "tile_m": 8,
// MANIFEST:      "grid": [
// MANIFEST-NEXT:   "ceildiv(M * 4096, 256)",
// MANIFEST-NEXT:   1,
// MANIFEST-NEXT:   1
// MANIFEST-NEXT: ],
// MANIFEST:      "symbol": "matmul_0_splitk_reduce",

// Eight rows per weight load: 8 x (16 + 4 activation-sum) dot2 per 32
// weights.
// REPORT: kernel matmul_0_decode (decode, chip gfx1100)
// REPORT: scratch 0 B
// REPORT: dot2 160,
// REPORT: model at M = 5, K = 4096, N = 4096

func.func @decode_dynamic(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x512xi32>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x512xi32>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}
