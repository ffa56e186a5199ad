// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu --canonicalize --cse | FileCheck %s

// Decode on sm_90 from M = 2 (TargetInfo::matrixDecodeMinRows) runs on
// mma.sync m16n8k16 with the weights as A: 4 warps of 64 columns, lane 4g + t
// reads packed row t of each 4-row chunk at columns 4g..4g+3 (A row g) and
// 32+4g.. (A row g + 8) with two 16-byte loads, and activation row g (B
// column g) of the same packed row. A pairs are (bias + q) - (bias + z);
// each segment's f32 sum is scaled into the total per C row's column.

// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK-SAME: workgroup(%[[LDS:.*]] : memref<4x4x64xf32, #gpu.address_space<workgroup>>
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK-NOT: fdot2
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// CHECK: %[[WAVE:.*]] = arith.divui %[[TID]], %c32
// CHECK: %[[G:.*]] = arith.divui %[[LANE]], %c4
// CHECK: %[[T:.*]] = arith.remui %[[LANE]], %c4
// CHECK: %[[TILE:.*]] = arith.muli %block_id_x, %c64
// CHECK: %[[ROWS:.*]] = arith.muli %block_id_z, %c4
// CHECK: %[[XROW0:.*]] = arith.addi %[[ROWS]], %[[G]]
// CHECK: %[[XROW:.*]] = arith.minui %[[XROW0]], %{{.*}}
// CHECK: %[[G4:.*]] = arith.muli %[[G]], %c4
// CHECK: %[[COL0:.*]] = arith.addi %[[TILE]], %[[G4]]
// CHECK: %[[G4HI:.*]] = arith.addi %[[G4]], %c32
// CHECK: %[[COL1:.*]] = arith.addi %[[TILE]], %[[G4HI]]
// A segment (G32) is one iteration of the row loop, so its group's scales
// and zero-point words are loaded one segment ahead: the wave's first
// segment (wave 0..3 of 8) before the loop, then segment + 4, clamped to the
// split's last.
// CHECK: %[[SPLIT:.*]] = arith.muli %block_id_y, %c32
// CHECK: %[[WAVEU:.*]] = gpu.subgroup_broadcast %[[WAVE]]
// CHECK: %[[FIRSTSEG:.*]] = arith.minui %[[WAVEU]], %c7
// CHECK: %[[S0:.*]] = vector.load %arg2[%[[GROUP0:.*]], %[[COL0]]] {{.*}} vector<4xf16>
// CHECK: %[[S1:.*]] = vector.load %arg2[%[[GROUP0]], %[[COL1]]] {{.*}} vector<4xf16>
// CHECK: %[[ZW0:.*]] = memref.load %arg3[%[[GROUP0]],
// CHECK: %[[ZW1:.*]] = memref.load %arg3[%[[GROUP0]],
// CHECK: scf.for %[[SEG:.*]] = %[[WAVEU]] to %c8 step %c4 iter_args({{.*}}, %[[S0C:.*]] = %[[S0]], %[[S1C:.*]] = %[[S1]], %[[ZW0C:.*]] = %[[ZW0]], %[[ZW1C:.*]] = %[[ZW1]])
// CHECK: %[[NEXTSEG:.*]] = arith.addi %[[SEG]], %c4
// CHECK: %[[NEXTIN:.*]] = arith.minui %[[NEXTSEG]], %c7
// CHECK: %[[NEXTROW:.*]] = arith.muli %[[NEXTIN]], %c4
// CHECK: %[[NEXTBEGIN:.*]] = arith.addi %[[SPLIT]], %[[NEXTROW]]
// CHECK: %[[NEXTGROUP:.*]] = arith.divui %[[NEXTBEGIN]], %c4
// CHECK: %[[S0N:.*]] = vector.load %arg2[%[[NEXTGROUP]], %[[COL0]]]
// CHECK: %[[S1N:.*]] = vector.load %arg2[%[[NEXTGROUP]], %[[COL1]]]
// CHECK: %[[ZW0N:.*]] = memref.load %arg3[%[[NEXTGROUP]],
// CHECK: %[[ZW1N:.*]] = memref.load %arg3[%[[NEXTGROUP]],
// This segment's scales and zero terms, for both loads' columns.
// CHECK: %[[S0F:.*]] = arith.extf %[[S0C]]
// CHECK: vector.broadcast %[[ZW0C]]
// CHECK: %[[Z0:.*]] = arith.ori %{{.*}}, %c-469703680_i32
// CHECK: %[[S1F:.*]] = arith.extf %[[S1C]]
// CHECK: vector.broadcast %[[ZW1C]]
// CHECK: %[[Z1:.*]] = arith.ori %{{.*}}, %c-469703680_i32
// The chunk: one packed row per lane t, both loads and the activations.
// CHECK: scf.for %[[FIRST:.*]] = {{.*}} step %c4
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRST]], %[[T]]
// Both weight loads skip L1 (TargetInfo::decodeWeightsSkipL1): one address,
// the A row g + 8 load 32 columns (128 bytes) past it.
// CHECK: %[[WORD:.*]] = arith.muli %[[ROW]], %c4096
// CHECK: %[[WORDCOL:.*]] = arith.addi %[[WORD]], %[[COL0]]
// CHECK: %[[BYTES:.*]] = arith.muli %[[WORDCOL]], %c4
// CHECK: %[[BYTES64:.*]] = arith.index_cast %[[BYTES]] : index to i64
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %{{.*}}[%[[BYTES64]]] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK: %[[W0:.*]] = llvm.inline_asm "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+0];", "=r,=r,=r,=r,l" %[[ADDR]]
// CHECK-NEXT: %[[W00:.*]] = llvm.extractvalue %[[W0]][0]
// CHECK: %[[W1:.*]] = llvm.inline_asm "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+128];", "=r,=r,=r,=r,l" %[[ADDR]]
// CHECK-NEXT: %[[W10:.*]] = llvm.extractvalue %[[W1]][0]
// CHECK: %[[K:.*]] = arith.muli %[[ROW]], %c8
// CHECK: %[[X:.*]] = vector.load %arg0[%[[XROW]], %[[K]]] {alignment = 16 : i64} : memref<?x4096xf16>, vector<8xf16>
// CHECK: %[[X04:.*]] = vector.shuffle %[[X]], %[[X]] [0, 4]
// CHECK: %[[X15:.*]] = vector.shuffle %[[X]], %[[X]] [1, 5]
// B of MMA half 0: activation pairs 0 and 1, built once for every column.
// CHECK: %[[B0:.*]]:2 = vector.to_elements %[[X04]]
// CHECK: %[[B1:.*]]:2 = vector.to_elements %[[X15]]
// CHECK: %[[B:.*]] = vector.from_elements %[[B0]]#0, %[[B0]]#1, %[[B1]]#0, %[[B1]]#1 : vector<2x2xf16>
// Column 4g (A row g) and 32 + 4g (A row g + 8): word 0 of each load.
// CHECK: vector.broadcast %[[W00]]
// CHECK: %[[P00:.*]] = vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<2xf16>
// CHECK: %[[P01:.*]] = vector.fma
// CHECK: vector.broadcast %[[W10]]
// CHECK: %[[P10:.*]] = vector.fma
// CHECK: %[[P11:.*]] = vector.fma
// A rows (g, pair 0), (g + 8, pair 0), (g, pair 1), (g + 8, pair 1).
// CHECK: %[[E00:.*]]:2 = vector.to_elements %[[P00]]
// CHECK: %[[E10:.*]]:2 = vector.to_elements %[[P10]]
// CHECK: %[[E01:.*]]:2 = vector.to_elements %[[P01]]
// CHECK: %[[E11:.*]]:2 = vector.to_elements %[[P11]]
// CHECK: %[[A:.*]] = vector.from_elements %[[E00]]#0, %[[E00]]#1, %[[E10]]#0, %[[E10]]#1, %[[E01]]#0, %[[E01]]#1, %[[E11]]#0, %[[E11]]#1 : vector<4x2xf16>
// CHECK: nvgpu.mma.sync(%[[A]], %[[B]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// 2 MMAs per column offset, 4 offsets: 8 per chunk.
// CHECK-COUNT-7: nvgpu.mma.sync
// CHECK-NOT: nvgpu.mma.sync
// CHECK: scf.yield
// C row g takes column 4g's scale, row g + 8 column 32 + 4g's.
// CHECK: %[[SC0:.*]] = vector.extract %[[S0F]][0]
// CHECK: vector.broadcast %[[SC0]]
// CHECK: %[[SC1:.*]] = vector.extract %[[S1F]][0]
// CHECK: vector.broadcast %[[SC1]]
// CHECK: scf.yield {{.*}}, %[[S0N]], %[[S1N]], %[[ZW0N]], %[[ZW1N]] :
// The totals of C column 2t (row 2t of the tile) into LDS, when inside the tile.
// CHECK: %[[R0:.*]] = arith.muli %[[T]], %c2
// CHECK: %[[IN0:.*]] = arith.cmpi ult, %[[R0]], %c4
// CHECK: scf.if %[[IN0]]
// CHECK: vector.store %{{.*}}, %[[LDS]][%[[WAVE]], %[[R0]], %[[G4]]]
// CHECK: vector.store %{{.*}}, %[[LDS]][%[[WAVE]], %[[R0]], %[[G4HI]]]
// CHECK: gpu.barrier
func.func @decode(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xf16>, %z: tensor<128x512xi32>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<128x4096xf16>) zeros(%z : tensor<128x512xi32>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
