//===- TargetInfo.h - Facts about the GPUs w4a16 generates code for -*- C++
//-*-===//
//
// The one place that knows chip names. Every pass asks `lookupTarget` for the
// facts of a chip (matrix instruction shape, register and LDS budgets, sizes
// for the static performance model) instead of comparing chip names.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_TARGET_TARGETINFO_H
#define W4A16_TARGET_TARGETINFO_H

#include "w4a16/Support/PackedFormat.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>

namespace mlir::w4a16 {

/// The matrix instruction family of a chip; it fixes the lane layout of the
/// operands (see WmmaLayout.h).
enum class MmaFamily {
  /// RDNA3 `v_wmma_*_16x16x16_*`: A/B duplicated across the two half-waves,
  /// accumulator row 2v + lane/16.
  Gfx11Wmma,
  /// PTX `mma.sync.aligned.m16n8k16.row.col` (sm_80 and later): lane
  /// 4g + t holds A rows g and g + 8, B column g, K pairs 2t and 2t + 8.
  NvidiaMmaSync,
};

/// Who makes the chip, which decides how kernels are lowered and packaged:
/// AMD through ROCDL to a code object, NVIDIA through NVVM to PTX.
enum class GpuVendor { AMD, NVIDIA };

/// Who writes the main kernels' inner K loop: MLIR (generated code) or the
/// HIP microkernels of lib/Microkernels, called from the generated kernel and
/// linked as bitcode. `Auto` (a request, never a target's fact) is the
/// kernel chip's TargetInfo::preferredBackend.
enum class KernelBackend { Auto, Mlir, Ukernel };

struct TargetInfo {
  llvm::StringRef chip;
  GpuVendor vendor;
  /// The matrix instruction the small_batch and prefill kernels use (and
  /// decode from matrixDecodeMinRows rows). On NVIDIA chips the dot2 decode
  /// kernels are the gfx11 ones with dot2 rewritten by
  /// --w4a16-emulate-amdgpu, so the dot2 facts below describe the kernels,
  /// not native instructions.
  MmaFamily mmaFamily;
  /// The one matrix instruction shape (M x N x K).
  int64_t mmaM, mmaN, mmaK;
  /// Element types the matrix instruction takes as A/B operands.
  bool mmaF16, mmaBf16;
  /// `v_dot2_f32_f16` / `v_dot2_f32_bf16` (2 MACs per lane, f32 accumulate).
  bool hasDot2F16, hasDot2Bf16;
  /// Lanes of a wave (NVIDIA: of a warp).
  int64_t waveSize;
  /// Compute units (NVIDIA: streaming multiprocessors).
  int64_t computeUnits;
  /// SIMDs per compute unit (NVIDIA: SM sub-partitions, one warp scheduler
  /// each).
  int64_t simdsPerCU;
  /// Wave32 VGPRs of one SIMD (NVIDIA: 32-bit registers per lane of one
  /// sub-partition's register file); decides occupancy.
  int64_t vgprsPerSimd;
  /// VGPR allocation granule per wave on this chip.
  int64_t vgprGranule;
  int64_t maxVgprsPerWave;
  int64_t maxWavesPerSimd;
  /// Static LDS (NVIDIA: static shared memory) one workgroup may use.
  int64_t ldsBytesPerWorkgroup;
  /// For the static model: sustained DRAM read bandwidth and shader clock.
  double dramGBPerSecond;
  double clockGHz;
  /// Waves per SIMD the memory-bound kernels split K for, to hide DRAM
  /// latency: decode, and small batch with tiles of several matrix row
  /// blocks. gfx11: 4 (shared/notes/rdna3.md). H100 (2026-11-25,
  /// bench/results/decode-probe-H100-2026-11-24.md, "Session 5"): 8; at 4
  /// the large-N shapes keep 2-3 workgroups per SM (34816x5120 M = 1: 53.8
  /// vs 42.5 us, M = 32: 186 vs 151).
  int64_t memoryBoundWavesPerSimd;
  /// The same for small-batch tiles of one matrix row block (tile_m =
  /// mmaM), whose warps spend their issue slots on dequantizing one B
  /// fragment per MMA: H100 4 (at 8, M = 4..16 ran 2-7% slower).
  int64_t singleRowBlockWavesPerSimd;
  /// K rows a split of the memory-bound kernels keeps at least per row of M
  /// (M_max) once the grid holds a quarter of the waves it wants; smaller
  /// grids split on up to 16 rows, where the f32 partials' round trip (8 x
  /// split x M x N bytes) equals the packed weights' K x N / 2 bytes
  /// (TileMatmul.cpp, chooseSplitK). gfx11: 16 (not measured on hardware).
  /// H100 (2026-11-25, bench/results/decode-probe-H100-2026-11-24.md,
  /// "Session 15"): 32, partials within half the weights; at 16, M = 32 took
  /// 1.13x the time of the best of splits 4-32 (geo-mean of 14 shapes;
  /// 16384x5120 45.8 vs 37.8 us).
  int64_t minSplitRowsPerRow;
  /// Packed rows a decode wave loads before it uses the first (the rows of
  /// one hot-loop iteration), at most. gfx11 hides the load latency with
  /// occupancy and keeps one row per iteration (the static report's unit);
  /// NVIDIA needs more bytes in flight per warp to reach its bandwidth
  /// (Little's law: ~3 TB/s x ~0.8 us over 132 SMs is ~18 KiB per SM): 8
  /// rows take the H100's large shapes 6-10% closer to the floor than 4.
  int64_t decodeRowsInFlight;
  /// Whether the decode kernels (dot2 and matrix) read the packed weights
  /// with loads that do not allocate in L1 (PTX `ld.global.L1::no_allocate`,
  /// sm_70 and later; w4a16/Target/NoL1Load.h): each weight byte is read
  /// once, so L1 keeps the scales, zeros and activations. H100 (2026-11-25,
  /// bench/results/decode-probe-H100-2026-11-24.md, "Session 17"), 7 shapes:
  /// dot2 at M = 1 f16 0.93-0.99 of the time, bf16 0.95-1.03 (geo-mean
  /// 0.99); the matrix decode at M = 2, 4, 8 0.87-0.99 (geo-mean 0.94).
  bool decodeWeightsSkipL1;
  /// At most this many slots in the operand pipeline of the small-batch and
  /// prefill kernels, where the packed weights, zero points, scales and A
  /// rows of each K step are copied into workgroup memory asynchronously
  /// (PTX cp.async, sm_80 and later) slots - 1 steps ahead of their use, so
  /// the bytes in flight hold no registers; the tiler takes as many as fit
  /// the workgroup memory (at least 2) for steps of at most
  /// maxStagedStepRows. H100: 4 (G32: 3-9% faster than 8 at M = 4 and 16,
  /// equal at 32). 0: the kernels load them into registers (gfx11, whose
  /// WMMA kernels do not stage them).
  int64_t operandCopyStages;
  /// The longest K step (tile_k) whose operands go through that pipeline;
  /// longer steps keep their loads in registers. The tiler gives small
  /// batch no longer steps, so all of its steps stage. H100: 64 (steps
  /// under 4 words per lane). In small batch, 1-word steps gained 4-20%
  /// (G32, M = 4..64; bench/results/decode-probe-H100-2026-11-24.md,
  /// "Session 7"), and G128 in 64-row stages, with each lane copying 16
  /// bytes, ran 0.74-1.0x the time of 128-row steps loaded into registers
  /// (M = 64 0.74, 32 0.82, 16 0.91, 4 and 8 ~1.0; "Session 10"); G128
  /// prefill in 32- and 64-row stages ran 1.04-1.28x slower at M = 512 and
  /// 2048 ("Session 8"), so prefill keeps 128-row steps in registers.
  int64_t maxStagedStepRows;
  /// Waves per compute unit the prefill kernels with staged operands are
  /// built to hold at once (PTX .minnctapersm for their workgroup size),
  /// which caps their registers; the prefill split model counts their slots
  /// with it. H100: 12, three workgroups of 4 warps at 168 registers. Left
  /// to itself ptxas took 172, two fitted, and G32 prefill ran 1.13-1.17x
  /// slower at M = 2048, up to 1.48x at M = 512 (5120x3072: 166 vs 113 us;
  /// bench/results/decode-probe-H100-2026-11-24.md, "Session 8"). Small
  /// batch has no bound: with it ptxas gave the 16-row tiles 99 registers
  /// instead of 88 (4 workgroups per SM instead of 5) and G32 M = 4..16 ran
  /// 2-5% slower. 0: no bound.
  int64_t stagedPrefillWavesPerCU;
  /// Rows of a prefill workgroup tile (128 columns; waves of 64 x 32) for
  /// M > 256, and for every M when the operands are staged (steps under 4
  /// words on a chip with operandCopyStages); smaller M otherwise keeps 128
  /// rows and splits K. gfx11: 128, 8 waves sharing A through LDS (the static
  /// report's 83.9% of the WMMA peak). H100: 64, 4 warps; the 128-row tile's 8
  /// warps need ~240 registers each, one workgroup per SM, and the 64-row tile
  /// ran 11-24% faster at M = 512 on 5 of 6 shapes, -16% to +12% at M = 2048,
  /// but slower at M = 128 on 8 of 14
  /// (bench/results/decode-probe-H100-2026-11-24.md, "Session 5").
  int64_t prefillTileM;
  /// Prefill waves one compute unit runs at once, for the prefill split-K
  /// model (one 128-row workgroup, or two 64-row ones, at 8). H100: 8, its
  /// prefill warps hold ~240 registers; gfx11: 8, the value the model had
  /// before it was a per-chip fact (not measured on hardware).
  int64_t prefillWavesPerCU;
  /// The smallest M (a kernel's m_min) whose decode tiling the tiler gives
  /// the matrix instruction with the weights as A (decode_kernel = matrix,
  /// NVIDIA mma.sync: MmaSyncDecodeLowering.cpp); smaller M take the dot2
  /// decode kernel. 0: the chip has no matrix decode kernel (gfx11: its
  /// native dot2 and 16-row WMMA).
  /// H100 (2026-11-25, bench/results/decode-probe-H100-2026-11-24.md,
  /// "Session 11"): 2; against the dot2 kernel (dot2 emulated as f32 FMAs)
  /// at M = 2 and the 16-row mma.sync kernel at M = 4 and 8 it ran 0.84,
  /// 0.92 and 0.89 of their time (geo-mean of 14 shapes), but 1.10 at M = 1.
  int64_t matrixDecodeMinRows;
  /// The faster backend for kernels built for this chip, which `backend=auto`
  /// picks. gfx11: the microkernels, ahead at decode and small-batch M on the
  /// gfx1100 static report (prefill ties within 1%) (M = 1 f16: 29 VALU per 32
  /// weights vs 35; M = 16: 169 vs 209.5 cycles;
  /// bench/microkernels/COMPARISON.md). NVIDIA: MLIR, whose native mma.sync
  /// kernels the microkernels' CUDA build trails by far on the H100
  /// (M = 32: 5.4x vs 34.9x the floor; bench/results/NVIDIA_H100_*.md).
  KernelBackend preferredBackend;
  /// Whether a kernel can start while the previous kernel of its stream
  /// finishes, waiting in the kernel for its results (NVIDIA programmatic
  /// dependent launch, PTX `griddepcontrol`, sm_90 and later): the split-K
  /// reduce then overlaps its launch with the main kernel's tail.
  bool hasDependentLaunch;

  int64_t numSimds() const { return computeUnits * simdsPerCU; }
  /// Whether the matrix kernels copy the operands of K steps of `stepRows`
  /// rows through the operand pipeline (operandCopyStages).
  bool stagesOperandSteps(int64_t stepRows) const {
    return operandCopyStages > 0 && stepRows <= maxStagedStepRows;
  }
  /// Whether a decode kernel serving M >= `mMin` runs on the matrix
  /// instruction (matrixDecodeMinRows).
  bool decodesWithMatrixInstruction(int64_t mMin) const {
    return matrixDecodeMinRows > 0 && mMin >= matrixDecodeMinRows;
  }
  /// tile_n of the dot decode kernels (MLIR and microkernel): each lane of
  /// one wave reads one 16-byte load of every packed row, so the wave's
  /// columns are the tile.
  int64_t dotDecodeTileN() const { return waveSize * ::w4a16::kColumnsPerLoad; }
  /// Waves one SIMD can hold when each wave uses `vgprs` registers.
  int64_t wavesPerSimd(int64_t vgprs) const;
};

/// The facts of `chip`, or an error whose message can go straight into a
/// diagnostic: RDNA4 chips are named as not supported yet, anything else
/// lists the supported chips (AMD and NVIDIA).
llvm::Expected<const TargetInfo &> lookupTarget(llvm::StringRef chip);

/// Comma-separated names of the supported chips.
std::string supportedChipList();

} // namespace mlir::w4a16

#endif // W4A16_TARGET_TARGETINFO_H
