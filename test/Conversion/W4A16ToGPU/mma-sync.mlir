// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul="chipset=sm_90 m-range=17,32 split-k=4" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s --check-prefix=SB
// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul="chipset=sm_80 m-range=300,600" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s --check-prefix=PF
// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul="chipset=gfx1100 m-range=17,32" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s --check-prefix=GFX11
// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul="chipset=sm_90 m-range=17,32 split-k=1" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s --check-prefix=SB1
// RUN: w4a16-opt %s -split-input-file --w4a16-tile-matmul="chipset=sm_90 m-range=33,48 split-k=4" --w4a16-repack-weights --convert-w4a16-to-gpu | FileCheck %s --check-prefix=SB48

// The small_batch (sm_90) and prefill (sm_80) kernels on NVIDIA chips use
// mma.sync m16n8k16; gfx1100 keeps amdgpu.wmma. N = 208 is not a multiple
// of the 128-column tile (13 fragment tiles, the last clamped); G = 128
// gives 4 words per lane and step (one 16-byte load per B fragment).

// G = 128 on sm_90 steps 64 K rows (2 words per lane and fragment) through
// the operand stages (TileMatmul.cpp; the 128-row steps that load into
// registers are in mma-sync-registers.mlir): per step each lane copies 16
// bytes of each of the two word blocks, to stage words 4 l and 4 (32 + l).
// SB-LABEL: func.func @f16_g128
// SB: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch
// SB-SAME: w4a16.loop_weights_per_lane = 64
// SB-SAME: tile_k = 64, split_k = 4, workgroup_size = 128, lds_bytes = 36864
// SB-SAME: w4a16.weight_layout = "fragment"
// sm_90: the reduce is a dependent launch (TargetInfo::hasDependentLaunch):
// the main kernel lets it be scheduled from its start, and it waits for the
// main kernel's results before reading them.
// SB: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// SB-SAME: w4a16.waits_for_previous
// SB: gpu.func @matmul_0_small_batch
// SB-SAME: workgroup(%[[WORDS:.*]] : memref<4x4x288xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}
// SB-SAME: known_block_size = array<i32: 128, 1, 1>
// SB-NEXT: nvvm.griddepcontrol launch_dependents
// SB: %[[COPY_TILE_INDEX:.*]] = arith.divui %[[LANE:.*]], %c16{{.*}} : index
// SB: %[[COPY_WORD:.*]] = arith.remui %[[LANE]], %c16{{.*}} : index
// SB: arith.muli %[[COPY_WORD]], %c4{{.*}} : index
// Lane 4g + t reads its 2 words of fragment j (first fragment here) from run
// 2 (2t / 4) + j / 2, column g + 8 (j % 2), word 2t % 4.
// SB: %[[READ_BLOCK_RUNS:.*]] = arith.muli %{{.*}}, %c2{{.*}} : index
// SB: %[[READ_RUN_INDEX:.*]] = arith.addi %[[READ_BLOCK_RUNS]], %c0{{.*}} : index
// SB: %[[READ_RUN_AT:.*]] = arith.muli %[[READ_RUN_INDEX]], %c64{{.*}} : index
// SB: %[[READ_AT:.*]] = arith.addi %[[READ_RUN_AT]], %{{.*}} : index
// SB: %[[AT0_LANE:.*]] = arith.addi %[[LANE]], %c0{{.*}} : index
// SB: %[[AT0:.*]] = arith.muli %[[AT0_LANE]], %c4{{.*}} : index
// SB: %[[FIRST_BLOCK:.*]] = arith.muli %{{.*}}, %c2{{.*}} : index
// SB: %[[BLOCK0:.*]] = arith.addi %[[FIRST_BLOCK]], %c0{{.*}} : index
// SB: nvgpu.device_async_copy %{{.*}}[%[[BLOCK0]], %{{.*}}, %{{.*}}], %[[WORDS]][%{{.*}}, %{{.*}}, %[[AT0]]], 4 {bypassL1} : memref<32x13x64xi32> to memref<4x4x288xi32, #gpu.address_space<workgroup>>
// SB: %[[AT1_LANE:.*]] = arith.addi %[[LANE]], %c32{{.*}} : index
// SB: %[[AT1:.*]] = arith.muli %[[AT1_LANE]], %c4{{.*}} : index
// SB: %[[BLOCK1:.*]] = arith.addi %{{.*}}, %c1{{.*}} : index
// SB: nvgpu.device_async_copy %{{.*}}[%[[BLOCK1]], %{{.*}}, %{{.*}}], %[[WORDS]][%{{.*}}, %{{.*}}, %[[AT1]]], 4 {bypassL1} : memref<32x13x64xi32> to memref<4x4x288xi32, #gpu.address_space<workgroup>>
// SB-NOT: memref<32x13x64xi32> to
// SB: nvgpu.device_async_create_group
// SB: scf.for
// SB: gpu.barrier
// SB: nvgpu.device_async_create_group
// SB: vector.load %[[WORDS]][%{{.*}}, %{{.*}}, %[[READ_AT]]] {alignment = 8 : i64} : memref<4x4x288xi32, #gpu.address_space<workgroup>>, vector<2xi32>
// SB: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// SB: gpu.func @matmul_0_splitk_reduce
// SB-NOT: memref.load
// SB: nvvm.griddepcontrol wait

// Without a split each lane adds its two init columns and rounds once into
// out; no workspace, no reduce kernel.
// SB1-LABEL: func.func @f16_g128
// SB1: gpu.launch_func @w4a16_kernels::@matmul_0_small_batch
// SB1-SAME: w4a16.arg_names = ["x", "qweight", "scales", "zeros", "init", "out", "m"]
// SB1-NOT: w4a16.waits_for_previous
// SB1-NOT: gpu.launch_func
// SB1: gpu.func @matmul_0_small_batch
// SB1-NOT: nvvm.griddepcontrol
// SB1: scf.if
// SB1: %[[INIT:.*]] = vector.load %{{.*}} : memref<?x208xf16>, vector<2xf16>
// SB1: %[[WIDE:.*]] = arith.extf %[[INIT]] : vector<2xf16> to vector<2xf32>
// SB1: %[[SUM:.*]] = arith.addf %[[WIDE]], %{{.*}} : vector<2xf32>
// SB1: %[[OUT:.*]] = arith.truncf %[[SUM]] : vector<2xf32> to vector<2xf16>
// SB1: vector.store %[[OUT]], %{{.*}} : memref<?x208xf16>, vector<2xf16>
// SB1-NOT: gpu.func @matmul_0_splitk_reduce

// NVIDIA prefill: 64 x 128 tiles, 4 warps of 64 x 32 (TargetInfo::prefillTileM),
// A double-buffered in LDS as 32 pair rows of 64 activations: thread
// 4p + t loads lane t's word of the chunk in rows r = 16 (p / 8) + p % 8 and
// r + 8 and stores them interleaved as the MMAs take them, K pairs 2h and
// 2h + 1 of both rows in chunk 2t + h (XOR p % 2).
// PF-LABEL: func.func @f16_g128
// PF: gpu.func @matmul_0_prefill
// PF-SAME: workgroup(%[[STAGE:.*]] : memref<2x32x64xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// PF-SAME: known_block_size = array<i32: 128, 1, 1>} {
// PF: %[[PF_UNIT:.*]] = arith.addi %thread_id_x, %c0{{.*}} : index
// PF: %[[PF_PAIR:.*]] = arith.divui %[[PF_UNIT]], %c4{{.*}} : index
// PF: %[[PF_T:.*]] = arith.remui %[[PF_UNIT]], %c4{{.*}} : index
// PF: arith.muli %[[PF_T]], %c32{{.*}} : index
// PF: %[[PF_BLOCK:.*]] = arith.divui %[[PF_PAIR]], %c8{{.*}} : index
// PF: %[[PF_BLOCK_AT:.*]] = arith.muli %[[PF_BLOCK]], %c16{{.*}} : index
// PF: %[[PF_G:.*]] = arith.remui %[[PF_PAIR]], %c8{{.*}} : index
// PF: %[[PF_ROW:.*]] = arith.addi %[[PF_BLOCK_AT]], %{{.*}} : index
// PF: %[[PF_X_ROW:.*]] = arith.addi %{{.*}}, %[[PF_ROW]] : index
// PF: %[[PF_CLAMPED:.*]] = arith.minui %[[PF_X_ROW]], %{{.*}} : index
// PF: %[[PF_LO:.*]] = vector.load %{{.*}}[%[[PF_CLAMPED]], %[[PF_COLUMN:.*]]] {alignment = 16 : i64} : memref<?x1024xf16>, vector<8xf16>
// PF: %[[PF_HIGH_HALF:.*]] = arith.muli %c1{{.*}}, %c8{{.*}} : index
// PF: %[[PF_HIGH_G:.*]] = arith.addi %[[PF_HIGH_HALF]], %{{.*}} : index
// PF: %[[PF_HI:.*]] = vector.load %{{.*}}[%{{.*}}, %[[PF_COLUMN]]] {alignment = 16 : i64} : memref<?x1024xf16>, vector<8xf16>
// PF: %[[PF_STORE_PAIR:.*]] = arith.divui %{{.*}}, %c4{{.*}} : index
// PF: %[[PF_STORE_T:.*]] = arith.remui %{{.*}}, %c4{{.*}} : index
// PF: %[[PF_CHUNK0:.*]] = vector.shuffle %[[PF_LO]], %[[PF_HI]] [0, 1, 8, 9, 2, 3, 10, 11] : vector<8xf16>, vector<8xf16>
// PF: %[[PF_T2:.*]] = arith.muli %[[PF_STORE_T]], %c2{{.*}} : index
// PF: %[[PF_C0:.*]] = arith.addi %[[PF_T2]], %c0{{.*}} : index
// PF: %[[PF_PARITY:.*]] = arith.remui %[[PF_STORE_PAIR]], %c2{{.*}} : index
// PF: %[[PF_SW:.*]] = arith.xori %[[PF_PARITY]], %{{.*}} : index
// PF: %[[PF_SWIZZLED:.*]] = arith.xori %[[PF_C0]], %[[PF_SW]] : index
// PF: %[[PF_AT0:.*]] = arith.muli %[[PF_SWIZZLED]], %c8{{.*}} : index
// PF: vector.store %[[PF_CHUNK0]], %[[STAGE]][%{{.*}}, %[[PF_STORE_PAIR]], %[[PF_AT0]]] {alignment = 16 : i64} : memref<2x32x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// PF: %[[PF_CHUNK1:.*]] = vector.shuffle %[[PF_LO]], %[[PF_HI]] [4, 5, 12, 13, 6, 7, 14, 15] : vector<8xf16>, vector<8xf16>
// PF: %[[PF_C1:.*]] = arith.addi %{{.*}}, %c1{{.*}} : index
// PF: vector.store %[[PF_CHUNK1]], %[[STAGE]][%{{.*}}, %[[PF_STORE_PAIR]], %{{.*}}] {alignment = 16 : i64} : memref<2x32x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// PF: gpu.barrier
// PF: scf.for
// PF: scf.for
// PF: vector.store %{{.*}} : memref<2x32x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// PF: vector.store %{{.*}} : memref<2x32x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// PF: vector.load %{{.*}} : memref<?x1024xf16>, vector<8xf16>
// PF: vector.load %{{.*}} : memref<?x1024xf16>, vector<8xf16>
// Each MMA's A fragment is one 16-byte read of the stage.
// PF: %[[PF_FRAGMENT:.*]] = vector.load %[[STAGE]][%{{.*}}] {alignment = 16 : i64} : memref<2x32x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// PF: vector.shuffle %[[PF_FRAGMENT]], %[[PF_FRAGMENT]] [0, 1]
// PF: nvgpu.mma.sync
// PF: gpu.barrier

// GFX11-LABEL: func.func @f16_g128
// GFX11: amdgpu.wmma 16x16x16
// GFX11-NOT: nvgpu.mma.sync
func.func @f16_g128(%x: tensor<?x1024xf16>, %w: tensor<128x208xi32>, %s: tensor<8x208xf16>, %z: tensor<8x26xi32>, %i: tensor<?x208xf16>) -> tensor<?x208xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, gptq_v1 = true> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x208xi32>, tensor<8x208xf16>) zeros(%z : tensor<8x26xi32>) outs(%i : tensor<?x208xf16>) -> tensor<?x208xf16>
  return %0 : tensor<?x208xf16>
}

// -----

// bf16, G = 32: one word per lane and step, (128 + q) - (128 + z) in bf16.

// SB-LABEL: func.func @bf16_g32
// SB: gpu.func @matmul_0_small_batch
// SB: scf.for
// SB: scf.for
// SB: nvgpu.device_async_copy %{{.*}}, %{{.*}}, 4 {bypassL1} : memref<32x13x64xi32> to memref<4x4x160xi32, #gpu.address_space<workgroup>>
// SB-NOT: memref<8x13xi32>
// SB: vector.load %{{.*}} {alignment = 4 : i64} : memref<4x4x160xi32, #gpu.address_space<workgroup>>, vector<1xi32>
// SB: vector.bitcast %{{.*}} : vector<1xi32> to vector<2xbf16>
// SB: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>

// Prefill steps of one word stage all operands as small batch does (4
// slots; the A tile of a step is 64 x 32) instead of double-buffering A
// chunks, and the kernel is built for 3 workgroups per SM
// (TargetInfo::stagedPrefillWavesPerCU), which caps its registers.
// PF-LABEL: func.func @bf16_g32
// PF: gpu.func @matmul_0_prefill
// PF-SAME: workgroup(%{{.*}} : memref<4x4x160xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<4x4x64xbf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[PF_ROWS:.*]] : memref<4x32x64xbf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// PF-SAME: nvvm.minctasm = 3 : i32
// PF-NOT: memref<2x64x32xbf16
// PF-COUNT-8: nvgpu.device_async_copy %{{.*}}, %[[PF_ROWS]][%{{.*}}], 2, %{{.*}} : memref<?x1024xbf16> to memref<4x32x64xbf16, #gpu.address_space<workgroup>>
// PF: nvgpu.device_async_create_group
// PF-NOT: memref<2x64x32xbf16
// Unlike small batch, a prefill step waits for its own copies between two
// barriers (one barrier was slower there).
// PF: scf.for
// PF: gpu.barrier
// PF: %[[PF_GROUP:.*]] = nvgpu.device_async_create_group
// PF-NOT: gpu.barrier
// PF: nvgpu.device_async_wait %[[PF_GROUP]] {numGroups = 3 : i32}
// PF-NEXT: gpu.barrier
// PF: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>

// GFX11-LABEL: func.func @bf16_g32
// GFX11: amdgpu.wmma 16x16x16
func.func @bf16_g32(%x: tensor<?x1024xbf16>, %w: tensor<128x208xi32>, %s: tensor<32x208xbf16>, %i: tensor<?x208xbf16>) -> tensor<?x208xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric> ins(%x, %w, %s : tensor<?x1024xbf16>, tensor<128x208xi32>, tensor<32x208xbf16>) outs(%i : tensor<?x208xbf16>) -> tensor<?x208xbf16>
  return %0 : tensor<?x208xbf16>
}

// -----

// G = 32 on sm_90: steps of one word stage their operands (lds_bytes: 4
// slots, TargetInfo::operandCopyStages). Per warp and slot: 4 fragments x
// 32 lanes x 1 word then 32 zero-point words, and 64 scales; per slot the
// workgroup's 32 x 32 A tile as 16 pair rows of 64 activations (rows r and
// r + 8 interleaved as the MMAs take them); every buffer 16-byte aligned.
// SB-LABEL: func.func @f16_g32_packed
// SB: gpu.func @matmul_0_small_batch
// SB-SAME: workgroup(%[[WORDS:.*]] : memref<4x4x160xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SCALES:.*]] : memref<4x4x64xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[ROWS:.*]] : memref<4x16x64xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// Small batch has no register bound (TargetInfo::stagedPrefillWavesPerCU).
// SB-SAME: known_block_size = array<i32: 128, 1, 1>} {
// Each of the 128 threads copies 4 K pairs (4 bytes) of the A tile per step;
// rows past M read nothing: the copy zero-fills them (their results are
// dropped) instead of reading row M - 1 many times.
// Before the loops, 3 steps start copying, each one group: 16 bytes of
// the warp's words (past L1), the lane's scale pair, its 4 A pairs and its
// zero-point word. The words of a step are the 64-word runs
// of the warp's two 16-column tiles as qweight holds them: lane l copies
// words 4 (l % 16) of tile l / 16 to words 4 l of the warp's stage. Every
// step is clamped to the split's last one (first + 7): copies ahead past
// the split re-read cached data.
// SB: %[[BEGIN:.*]] = arith.muli %block_id_y, %c256{{.*}} : index
// SB: %[[FIRST:.*]] = arith.divui %[[BEGIN]], %c32{{.*}} : index
// SB: %[[LAST:.*]] = arith.addi %[[FIRST]], %c7{{.*}} : index
// SB: %[[COPY_RUN_INDEX:.*]] = arith.divui %[[LANE:.*]], %c16{{.*}} : index
// SB: %[[RUN_FRAGMENT:.*]] = arith.muli %[[COPY_RUN_INDEX]], %c2{{.*}} : index
// SB: %[[FIRST_TILE:.*]] = arith.cmpi ult, %[[RUN_FRAGMENT]], %c2{{.*}} : index
// SB: %[[TILE:.*]] = arith.select %[[FIRST_TILE]], %{{.*}}, %{{.*}} : index
// SB: %[[RUN_WORD:.*]] = arith.remui %[[LANE]], %c16{{.*}} : index
// SB: %[[OFFSET:.*]] = arith.muli %[[RUN_WORD]], %c4{{.*}} : index
// Fragment j's word of lane 4g + t, read in the loop (first fragment here):
// run j / 2, column g + 8 (j % 2), word t.
// SB: %[[READ_RUN_AT:.*]] = arith.muli %{{.*}}, %c64 : index
// SB: %[[READ_COLUMN:.*]] = arith.muli %{{.*}}, %c4{{.*}} : index
// SB: %[[READ_WORD:.*]] = arith.addi %[[READ_COLUMN]], %{{.*}} : index
// SB: %[[READ_AT:.*]] = arith.addi %[[READ_RUN_AT]], %[[READ_WORD]] : index
// The thread's first A pair, unit v = tid of the tile's 16 x 32 units: pair
// row p = v / 32, row half (v / 16) % 2, K pair c = 16 (v / 32) + v % 16,
// tile row 16 (p / 8) + 8 half + p % 8. It lies in chunk c / 2, XORed with
// p % 2 and bit 3 of the chunk (into bit 1), at (2 (c % 2) + half) x 2.
// SB: %[[PAIR:.*]] = arith.divui %[[UNIT:.*]], %c32{{.*}} : index
// SB: %[[V:.*]] = arith.remui %[[UNIT]], %c32{{.*}} : index
// SB: %[[HALF_SPAN:.*]] = arith.divui %[[V]], %c16{{.*}} : index
// SB: %[[HALF:.*]] = arith.remui %[[HALF_SPAN]], %c2{{.*}} : index
// SB: %[[SPAN:.*]] = arith.divui %[[V]], %c32{{.*}} : index
// SB: %[[SPAN_AT:.*]] = arith.muli %[[SPAN]], %c16{{.*}} : index
// SB: %[[IN_SPAN:.*]] = arith.remui %[[V]], %c16{{.*}} : index
// SB: %[[KPAIR:.*]] = arith.addi %[[SPAN_AT]], %[[IN_SPAN]] : index
// SB: %[[BLOCK:.*]] = arith.divui %[[PAIR]], %c8{{.*}} : index
// SB: %[[BLOCK_AT:.*]] = arith.muli %[[BLOCK]], %c16{{.*}} : index
// SB: %[[HALF_AT:.*]] = arith.muli %[[HALF]], %c8{{.*}} : index
// SB: %[[PAIR_G:.*]] = arith.remui %[[PAIR]], %c8{{.*}} : index
// SB: %[[IN_BLOCK:.*]] = arith.addi %[[HALF_AT]], %[[PAIR_G]] : index
// SB: %[[TILE_ROW:.*]] = arith.addi %[[BLOCK_AT]], %[[IN_BLOCK]] : index
// SB: %[[A_COLUMN:.*]] = arith.muli %[[KPAIR]], %c2{{.*}} : index
// SB: %[[ODD:.*]] = arith.remui %[[KPAIR]], %c2{{.*}} : index
// SB: %[[ODD2:.*]] = arith.muli %[[ODD]], %c2{{.*}} : index
// SB: %[[PAIR_IN:.*]] = arith.addi %[[ODD2]], %[[HALF]] : index
// SB: %[[IN_CHUNK:.*]] = arith.muli %[[PAIR_IN]], %c2{{.*}} : index
// SB: %[[CHUNK:.*]] = arith.divui %[[KPAIR]], %c2{{.*}} : index
// SB: %[[PARITY:.*]] = arith.remui %[[PAIR]], %c2{{.*}} : index
// SB: %[[HIGH:.*]] = arith.shrui %[[CHUNK]], %c2{{.*}} : index
// SB: %[[BIT3:.*]] = arith.andi %[[HIGH]], %c2{{.*}} : index
// SB: %[[SWIZZLE:.*]] = arith.xori %[[PARITY]], %[[BIT3]] : index
// SB: %[[SWIZZLED:.*]] = arith.xori %[[CHUNK]], %[[SWIZZLE]] : index
// SB: %[[CHUNK_AT:.*]] = arith.muli %[[SWIZZLED]], %c8{{.*}} : index
// SB: %[[POSITION:.*]] = arith.addi %[[CHUNK_AT]], %[[IN_CHUNK]] : index
// SB: %[[X_ROW:.*]] = arith.addi %{{.*}}, %[[TILE_ROW]] : index
// SB: %[[CLAMPED:.*]] = arith.minui %[[X_ROW]], %{{.*}} : index
// SB: %[[INSIDE:.*]] = arith.cmpi ult, %[[X_ROW]], %arg5 : index
// SB: %[[ELEMENTS:.*]] = arith.select %[[INSIDE]], %c2{{.*}}, %c0{{.*}} : index
// SB: arith.minui %{{.*}}, %[[LAST]] : index
// SB: %[[AT_LANE:.*]] = arith.addi %[[LANE]], %c0{{.*}} : index
// SB: %[[AT:.*]] = arith.muli %[[AT_LANE]], %c4{{.*}} : index
// SB: nvgpu.device_async_copy %{{.*}}[%{{.*}}, %[[TILE]], %[[OFFSET]]], %[[WORDS]][%{{.*}}, %{{.*}}, %[[AT]]], 4 {bypassL1} : memref<32x13x64xi32> to memref<4x4x160xi32, #gpu.address_space<workgroup>>
// SB-NOT: memref<32x13x64xi32> to
// SB: nvgpu.device_async_copy %{{.*}}, %[[SCALES]][%{{.*}}], 2 : memref<32x208xf16> to memref<4x4x64xf16, #gpu.address_space<workgroup>>
// SB: %[[X_COLUMN:.*]] = arith.addi %{{.*}}, %[[A_COLUMN]] : index
// SB: nvgpu.device_async_copy %{{.*}}[%[[CLAMPED]], %[[X_COLUMN]]], %[[ROWS]][%{{.*}}, %[[PAIR]], %[[POSITION]]], 2, %[[ELEMENTS]] : memref<?x1024xf16> to memref<4x16x64xf16, #gpu.address_space<workgroup>>
// SB-COUNT-3: nvgpu.device_async_copy %{{.*}}, %[[ROWS]][%{{.*}}], 2, %{{.*}} : memref<?x1024xf16> to memref<4x16x64xf16, #gpu.address_space<workgroup>>
// SB: nvgpu.device_async_copy %{{.*}}, %[[WORDS]][%{{.*}}], 1 : memref<32x26xi32> to memref<4x4x160xi32, #gpu.address_space<workgroup>>
// SB: nvgpu.device_async_create_group
// SB-COUNT-2: nvgpu.device_async_create_group
// SB-NOT: nvgpu.device_async_create_group
// The first step's copies land before the loop: 2 groups stay in flight.
// SB: nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// SB: scf.for
// Per step one barrier: every thread's copies of the step are visible and
// every thread has read the slot of the step before, into which the step 3
// ahead starts copying. Then the word and zero point of each fragment and
// the A pieces from the slot, the exact dequant (the zero term -(1024 + z)
// as bits, 0xE400 | z in both halves, no int-to-float conversion) and the
// MMAs; no global loads of weights, factors or A. At the step's end the next step's copies
// land (2 groups stay in flight).
// SB: gpu.barrier
// SB: %[[AHEAD:.*]] = arith.addi %{{.*}}, %c3{{.*}} : index
// SB: arith.remui %[[AHEAD]], %c4{{.*}} : index
// SB: arith.minui %[[AHEAD]], %[[LAST]] : index
// SB: %[[GROUP:.*]] = nvgpu.device_async_create_group
// SB-NOT: gpu.barrier
// SB-NOT: nvgpu.device_async_wait
// SB-NOT: memref<32x13x64xi32>, vector
// SB-NOT: memref<32x26xi32>
// SB-NOT: memref<?x1024xf16>, vector
// SB-NOT: arith.uitofp
// SB: vector.load %[[WORDS]][%{{.*}}, %{{.*}}, %[[READ_AT]]] {alignment = 4 : i64} : memref<4x4x160xi32, #gpu.address_space<workgroup>>, vector<1xi32>
// SB: memref.load %[[WORDS]][%{{.*}}, %{{.*}}, %c128{{.*}}]
// SB: %[[Z:.*]] = arith.muli %{{.*}}, %c65537_i32{{.*}} : i32
// SB: arith.ori %[[Z]], %c-469703680_i32{{.*}} : i32
// SB-NOT: arith.uitofp
// SB: vector.fma
// Lane 4g + t reads the A fragment of MMA h of its word as one chunk,
// 2t + h, of pair row wave_row / 2 + g: its 8 activations are the fragment's
// 4 pairs in order.
// SB: %[[READ_WAVE:.*]] = arith.divui %{{.*}}, %c2{{.*}} : index
// SB: %[[READ_G:.*]] = arith.addi %[[G:.*]], %c0{{.*}} : index
// SB: %[[READ_PAIR:.*]] = arith.addi %[[READ_WAVE]], %[[READ_G]] : index
// SB: %[[READ_T:.*]] = arith.muli %[[T:.*]], %c2{{.*}} : index
// SB: %[[READ_CHUNK:.*]] = arith.addi %[[READ_T]], %c0{{.*}} : index
// SB: %[[READ_PARITY:.*]] = arith.remui %[[READ_PAIR]], %c2{{.*}} : index
// SB: %[[READ_HIGH:.*]] = arith.shrui %[[READ_CHUNK]], %c2{{.*}} : index
// SB: %[[READ_BIT3:.*]] = arith.andi %[[READ_HIGH]], %c2{{.*}} : index
// SB: %[[READ_SWIZZLE:.*]] = arith.xori %[[READ_PARITY]], %[[READ_BIT3]] : index
// SB: %[[READ_SWIZZLED:.*]] = arith.xori %[[READ_CHUNK]], %[[READ_SWIZZLE]] : index
// SB: %[[READ_POSITION:.*]] = arith.muli %[[READ_SWIZZLED]], %c8{{.*}} : index
// SB: %[[FRAGMENT:.*]] = vector.load %[[ROWS]][%{{.*}}, %[[READ_PAIR]], %[[READ_POSITION]]] {alignment = 16 : i64} : memref<4x16x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// SB: %[[P0:.*]] = vector.shuffle %[[FRAGMENT]], %[[FRAGMENT]] [0, 1]
// SB: %[[P1:.*]] = vector.shuffle %[[FRAGMENT]], %[[FRAGMENT]] [2, 3]
// SB: %[[P2:.*]] = vector.shuffle %[[FRAGMENT]], %[[FRAGMENT]] [4, 5]
// SB: %[[P3:.*]] = vector.shuffle %[[FRAGMENT]], %[[FRAGMENT]] [6, 7]
// SB: %[[A0:.*]] = vector.insert %[[P0]], %{{.*}} [0]
// SB: %[[A1:.*]] = vector.insert %[[P1]], %[[A0]] [1]
// SB: %[[A2:.*]] = vector.insert %[[P2]], %[[A1]] [2]
// SB: %[[A:.*]] = vector.insert %[[P3]], %[[A2]] [3]
// SB: nvgpu.mma.sync(%[[A]], %{{.*}}, %{{.*}})
// SB-NOT: gpu.barrier
// SB: nvgpu.device_async_wait %[[GROUP]] {numGroups = 2 : i32}
// The group's f32 scale, from the slot of its (only) step, multiplies the
// group's f32 partial.
// SB: vector.load %[[SCALES]]{{.*}} {alignment = 4 : i64} : memref<4x4x64xf16, #gpu.address_space<workgroup>>, vector<2xf16>
// SB: arith.extf %{{.*}} : vector<2xf16> to vector<2xf32>
// SB: vector.fma %{{.*}} : vector<2xf32>
// SB: gpu.func @matmul_0_splitk_reduce
// A 48-row tile: three 16-row blocks, 24 pair rows; its 48 x 32 A tile is
// 6 K pairs a thread.
// SB48-LABEL: func.func @f16_g32_packed
// SB48: gpu.func @matmul_0_small_batch
// SB48-SAME: %[[ROWS:[a-z0-9]+]] : memref<4x24x64xf16, #gpu.address_space<workgroup>>
// SB48-COUNT-6: nvgpu.device_async_copy %{{.*}}, %[[ROWS]][%{{.*}}], 2, %{{.*}} : memref<?x1024xf16> to memref<4x24x64xf16, #gpu.address_space<workgroup>>
// SB48-NOT: memref<?x1024xf16> to
// SB48: nvgpu.device_async_create_group
func.func @f16_g32_packed(%x: tensor<?x1024xf16>, %w: tensor<128x208xi32>, %s: tensor<32x208xf16>, %z: tensor<32x26xi32>, %i: tensor<?x208xf16>) -> tensor<?x208xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x208xi32>, tensor<32x208xf16>) zeros(%z : tensor<32x26xi32>) outs(%i : tensor<?x208xf16>) -> tensor<?x208xf16>
  return %0 : tensor<?x208xf16>
}
