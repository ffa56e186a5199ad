// RUN: w4a16-opt %s --w4a16-materialize-tiling --canonicalize --cse | FileCheck %s

// Each tiled matmul becomes the loops of its tiling: row tiles (ceil(M /
// tile_m)), column tiles (ceil(N / tile_n)), split-K slices, segments
// inside one group, tile_k steps of magic-bias dequant and an f32
// linalg.matmul, then the f32 partials (rows < M, columns < N) and the
// fixed-order reduction. The numbers are those of Utils/TilingGeometry.h.

#sym128 = #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric>
#packed64 = #w4a16.scheme<layout = gptq, group_size = 64, zero_point = packed>

// Decode, M = 3, N = 200 (one full and one masked 128-column tile), K = 1024
// in 4 slices of 256; 8 waves: segments of 4 packed rows (32 K, 8 per
// slice), tile_k 64 cut to the segment. Zeros come off the sums:
// s (sum (1024 + q) x - (1024 + 8) sum x).
// CHECK-LABEL: func.func @decode
// CHECK-DAG:     %[[WS:.*]] = memref.alloc() : memref<4x3x200xf32>
// CHECK-DAG:     %[[A:.*]] = memref.alloca() : memref<3x32xf32>
// CHECK-DAG:     %[[B:.*]] = memref.alloca() : memref<32x128xf32>
// CHECK-DAG:     %[[ACC:.*]] = memref.alloca() : memref<3x128xf32>
// CHECK-DAG:     %[[SUMS:.*]] = memref.alloca() : memref<3xf32>
// CHECK-DAG:     %[[BIASED_ZERO:.*]] = arith.constant dense<-1.032000e+03> : vector<128xf32>
// CHECK-DAG:     %[[MASK:.*]] = arith.constant dense<983055> : vector<128xi32>
// CHECK-DAG:     %[[F16_MAGIC:.*]] = arith.constant dense<1677747200> : vector<128xi32>
// CHECK:         scf.for %[[COLTILE:.*]] = %c0 to %c2 step %c1 {
// CHECK:           %[[COL:.*]] = arith.muli %[[COLTILE]], %c128
// CHECK:           scf.for %[[SPLIT:.*]] = %c0 to %c4 step %c1 {
// CHECK:             %[[SPLIT_BEGIN:.*]] = arith.muli %[[SPLIT]], %c256
// CHECK:             scf.for %[[SEG:.*]] = %c0 to %c8 step %c1 {
// CHECK:               %[[SEG_OFF:.*]] = arith.muli %[[SEG]], %c32
// CHECK:               %[[SEG_BEGIN:.*]] = arith.addi %[[SPLIT_BEGIN]], %[[SEG_OFF]]
// CHECK:               %[[GROUP:.*]] = arith.divui %[[SEG_BEGIN]], %c128
// CHECK:               %[[SCALE:.*]] = vector.transfer_read %{{.*}}[%[[GROUP]], %[[COL]]], %{{.*}} : memref<8x200xf16>, vector<128xf16>
// CHECK:               %[[SEG_END:.*]] = arith.addi %[[SEG_BEGIN]], %c32
// CHECK:               scf.for %[[K:.*]] = %[[SEG_BEGIN]] to %[[SEG_END]] step %c32 {
// CHECK:                 vector.load %{{.*}}[%{{.*}}, %[[K]]] : memref<3x1024xf16>, vector<32xf16>
// CHECK:                 vector.reduction <add>
// CHECK:                 %[[WORDS:.*]] = vector.transfer_read %{{.*}} : memref<128x200xi32>, vector<128xi32>
// CHECK:                 %[[NIBBLES:.*]] = arith.andi %[[WORDS]], %[[MASK]]
// CHECK:                 %[[BITS:.*]] = arith.ori %[[NIBBLES]], %[[F16_MAGIC]]
// CHECK:                 %[[HALVES:.*]] = vector.bitcast %[[BITS]] : vector<128xi32> to vector<256xf16>
// CHECK:                 %[[WIDE:.*]] = arith.extf %[[HALVES]] : vector<256xf16> to vector<256xf32>
// CHECK:                 %[[ROW0:.*]], %[[ROW4:.*]] = vector.deinterleave %[[WIDE]]
// CHECK:                 vector.store %[[ROW0]], %[[B]][%c0, %c0]
// CHECK:                 vector.store %[[ROW4]], %[[B]][%c4, %c0]
// CHECK:                 linalg.matmul ins(%[[A]], %[[B]] : memref<3x32xf32>, memref<32x128xf32>) outs(%[[ACC]] : memref<3x128xf32>)
// CHECK:               }
// CHECK:               %[[DOTS:.*]] = vector.load %[[ACC]][%c0, %c0]
// CHECK:               %[[SUM:.*]] = memref.load %[[SUMS]][%c0]
// CHECK:               %[[SUM_SPLAT:.*]] = vector.broadcast %[[SUM]]
// CHECK:               %[[PARTIAL:.*]] = vector.fma %[[BIASED_ZERO]], %[[SUM_SPLAT]], %[[DOTS]]
// CHECK:               vector.fma %[[PARTIAL]], %{{.*}}, %{{.*}} : vector<128xf32>
// CHECK:             vector.transfer_write %{{.*}}, %[[WS]][%[[SPLIT]], %{{.*}}, %[[COL]]] : vector<128xf32>, memref<4x3x200xf32>
// CHECK:       scf.for %[[ROW:.*]] = %c0 to %c3
// CHECK:         scf.for %[[COLUMN:.*]] = %c0 to %c200
// CHECK:           %[[INIT:.*]] = tensor.extract %{{.*}}[%[[ROW]], %[[COLUMN]]] : tensor<3x200xf32>
// CHECK:           %[[P0:.*]] = memref.load %[[WS]][%c0, %[[ROW]], %[[COLUMN]]]
// CHECK:           %[[S0:.*]] = arith.addf %[[INIT]], %[[P0]]
// CHECK:           %[[P1:.*]] = memref.load %[[WS]][%c1, %[[ROW]], %[[COLUMN]]]
// CHECK:           %[[S1:.*]] = arith.addf %[[S0]], %[[P1]]
// CHECK:           %[[P2:.*]] = memref.load %[[WS]][%c2, %[[ROW]], %[[COLUMN]]]
// CHECK:           %[[S2:.*]] = arith.addf %[[S1]], %[[P2]]
// CHECK:           %[[P3:.*]] = memref.load %[[WS]][%c3, %[[ROW]], %[[COLUMN]]]
// CHECK:           %[[S3:.*]] = arith.addf %[[S2]], %[[P3]]
// CHECK:           memref.store %[[S3]]
func.func @decode(%x: tensor<3x1024xf16>, %w: tensor<128x200xi32>, %s: tensor<8x200xf16>, %i: tensor<3x200xf32>) -> tensor<3x200xf32> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<3x1024xf16>, tensor<128x200xi32>, tensor<8x200xf16>) outs(%i : tensor<3x200xf32>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 3, m_max = 3, tile_m = 3, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 12288>]} -> tensor<3x200xf32>
  return %0 : tensor<3x200xf32>
}

// small_batch f16, M = 24 in one 32-row tile (rows 24..31 re-read row 23
// and are not stored: the clamp and the store's bound fold on the static M), 4 slices of 256, segments of one group (128 K, two
// per slice) in one tile_k step; f16 subtracts 1024 + z from each weight
// (exact) and the sums are not needed.
// CHECK-LABEL: func.func @small_batch
// CHECK-DAG:     %[[BIASED_ZERO:.*]] = arith.constant dense<1.032000e+03> : vector<128xf32>
// CHECK-DAG:     %[[A:.*]] = memref.alloca() : memref<32x128xf32>
// CHECK-DAG:     %[[B:.*]] = memref.alloca() : memref<128x128xf32>
// CHECK:         scf.for %[[SPLIT:.*]] = %c0 to %c4 step %c1 {
// CHECK:           arith.muli %[[SPLIT]], %c256
// CHECK:           scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %c128 {
// CHECK:               vector.load %{{.*}}[%c22, %[[K]]] : memref<24x1024xf16>, vector<128xf16>
// CHECK-COUNT-9:       vector.load %{{.*}}[%c23, %[[K]]] : memref<24x1024xf16>, vector<128xf16>
// CHECK-NOT:           vector.reduction
// CHECK:               %[[ROW0:.*]], %[[ROW4:.*]] = vector.deinterleave
// CHECK:               arith.subf %[[ROW0]], %[[BIASED_ZERO]]
// CHECK:               linalg.matmul ins(%[[A]], %[[B]] : memref<32x128xf32>, memref<128x128xf32>)
// CHECK:           vector.transfer_write %{{.*}}, %{{.*}}[%[[SPLIT]], %c23, %{{.*}}]
// CHECK-NOT:       vector.transfer_write
// CHECK:           arith.truncf %{{.*}} : f32 to f16
func.func @small_batch(%x: tensor<24x1024xf16>, %w: tensor<128x208xi32>, %s: tensor<8x208xf16>, %i: tensor<24x208xf16>) -> tensor<24x208xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<24x1024xf16>, tensor<128x208xi32>, tensor<8x208xf16>) outs(%i : tensor<24x208xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 24, m_max = 24, tile_m = 32, tile_n = 128, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 0>]} -> tensor<24x208xf16>
  return %0 : tensor<24x208xf16>
}

// prefill bf16 with packed zeros, dynamic M: ceil(M / 128) row tiles, one
// slice, segments of one group (64 K) in one tile_k step; bf16 keeps
// 128 + q (0x4300 | q) and subtracts (128 + z) sum(a), z read from the
// packed zeros word of each column (clamped to the last word).
// CHECK-LABEL: func.func @prefill
// CHECK-DAG:     %[[BF16_MAGIC:.*]] = arith.constant dense<1124090624> : vector<128xi32>
// CHECK:         %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x256xbf16>
// CHECK:         %[[ROW_TILES:.*]] = arith.ceildivui %[[M]], %c128
// CHECK:         scf.for %{{.*}} = %c0 to %[[ROW_TILES]] step %c1 {
// CHECK:           scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK:             scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK:               scf.for %[[C:.*]] = %c0 to %c128 step %c1 {
// CHECK:                 %[[WORD_INDEX:.*]] = arith.divui %{{.*}}, %c8
// CHECK:                 %[[WORD:.*]] = arith.minui %[[WORD_INDEX]], %c17
// CHECK:                 tensor.extract %{{.*}}[%{{.*}}, %[[WORD]]] : tensor<4x18xi32>
// CHECK:               arith.uitofp
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64 {
// CHECK:                 vector.reduction <add>
// CHECK:                 arith.ori %{{.*}}, %[[BF16_MAGIC]]
// CHECK:                 vector.bitcast %{{.*}} : vector<128xi32> to vector<256xbf16>
// CHECK:                 linalg.matmul ins(%{{.*}}, %{{.*}} : memref<128x64xf32>, memref<64x128xf32>)
// CHECK:               vector.fma
func.func @prefill(%x: tensor<?x256xbf16>, %w: tensor<32x144xi32>, %s: tensor<4x144xbf16>, %z: tensor<4x18xi32>, %i: tensor<?x144xbf16>) -> tensor<?x144xbf16> {
  %0 = w4a16.matmul #packed64 ins(%x, %w, %s : tensor<?x256xbf16>, tensor<32x144xi32>, tensor<4x144xbf16>) zeros(%z : tensor<4x18xi32>) outs(%i : tensor<?x144xbf16>) {w4a16.tilings = [#w4a16.tiling<strategy = prefill, chip = "gfx1100", m_min = 65, m_max = -1, tile_m = 128, tile_n = 128, tile_k = 64, split_k = 1, workgroup_size = 256, lds_bytes = 16384>]} -> tensor<?x144xbf16>
  return %0 : tensor<?x144xbf16>
}

// Several tilings: the scf.if chain on M of --convert-w4a16-to-gpu, one set
// of tile loops per range.
// CHECK-LABEL: func.func @dispatch
// CHECK:         %[[M:.*]] = tensor.dim
// CHECK:         %[[SMALL:.*]] = arith.cmpi ule, %[[M]], %c8
// CHECK:         scf.if %[[SMALL]] -> (tensor<?x208xf16>) {
// CHECK:           memref.alloca() : memref<8x32xf32>
// CHECK:         } else {
// CHECK:           memref.alloca() : memref<16x128xf32>
// CHECK:         }
func.func @dispatch(%x: tensor<?x1024xf16>, %w: tensor<128x208xi32>, %s: tensor<8x208xf16>, %i: tensor<?x208xf16>) -> tensor<?x208xf16> {
  %0 = w4a16.matmul #sym128 ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x208xi32>, tensor<8x208xf16>) outs(%i : tensor<?x208xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = small_batch, chip = "gfx1100", m_min = 9, m_max = 16, tile_m = 16, tile_n = 128, tile_k = 128, split_k = 4, workgroup_size = 128, lds_bytes = 0>, #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 4, workgroup_size = 256, lds_bytes = 32768>]} -> tensor<?x208xf16>
  return %0 : tensor<?x208xf16>
}
