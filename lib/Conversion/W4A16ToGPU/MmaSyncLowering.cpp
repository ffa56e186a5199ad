//===- MmaSyncLowering.cpp - NVIDIA mma.sync kernels (small batch, prefill)
//===//
//
// The small_batch and prefill tilings on chips whose matrix instruction is
// PTX mma.sync m16n8k16 (TargetInfo::mmaFamily == NvidiaMmaSync). Same
// workgroup tiles as the gfx11 kernels (WmmaLowering.cpp): each warp owns 32
// columns (four 8-column B fragments) and waveRows rows (16-row A
// fragments), so every A fragment feeds four MMAs and every B fragment all
// of the warp's A fragments.
//
// Lane mapping (lane 4g + t; MmaSync.h). The kernel walks K in steps of 32W (W
// words per lane: 4, or 2 / 1 when the rows between two scale applications are
// fewer): lane t takes K rows [8Wt, 8Wt + 8W) of a step, which are W
// consecutive words of its column in the fragment layout (Repack.h): one
// 16-byte load for W = 4. The nibble pairs p = 0..3 of word u are K rows 8Wt +
// 8u + 2p and + 1 (kFragmentNibbleOfRow), so MMA (u, h) takes pairs 2h and 2h +
// 1 of word u as its B fragment and A elements 8Wt + 8u + 4h + {0, 1} and {2,
// 3}: read from global memory (small batch without stages), one 16-byte A load
// per row and word feeds the two MMAs of that word for all four B fragments.
//
// Dequant in registers, exact: (0x6400 | q) - (1024 + z) in f16 and
// (0x4300 | q) - (128 + z) in bf16, one packed FMA per pair. Each group (or
// split, whichever is shorter) accumulates in f32 from zero; the group's
// f32 scale multiplies it into the total (never a rounded weight).
//
// Operands. small_batch is bound by memory latency. With lds_bytes for
// them (steps under 4 words: the tiler gives small batch such steps on chips
// with the pipeline, TileMatmul.cpp), and in prefill for steps under 4 words
// on chips with the pipeline, each warp copies its
// steps' packed words, zero points and scales into its own part of shared
// memory, and the workgroup each step's A tile, with cp.async
// (nvgpu.device_async_copy), operandSlots() - 1 steps ahead of the MMAs, so
// the bytes in flight hold no registers (H100, 34816x5120 G32 M = 16: 4.3
// of 7.6 cycles per instruction waited on memory with one step loaded ahead
// in registers). Staged prefill kernels are built for TargetInfo::
// stagedPrefillWavesPerCU waves per SM (.minnctapersm), which caps their
// registers. Step s lives in slot s % operandSlots(): the warp's words as
// qweight holds them, a 64-word run per word block and 16-column tile
// (block-major, copied 16 bytes per lane: on the H100 G32 3-7% faster than
// a 4-byte copy per fragment at M = 4..32 and 512, but 11-19% slower with
// 64-row tiles on grids under one workgroup per SM), the zero-point word of
// fragment l % 4 at 128 W + l, the scale pair of fragment (l / 4) % 4, C
// columns 2 (l % 4) and + 1, at 2 l of the scales, and the A tile copied in
// 4-byte K pairs into the order of the MMAs' A fragments (getAChunkPosition;
// rows past M zero-filled, not read); threads read what others copied after a
// barrier. Otherwise the words of stepsInFlight() steps load into registers
// ahead of their use and a segment's zero points and scales one segment ahead;
// A comes straight from global memory (small batch) or, in prefill, each 32-K
// chunk of the workgroup's A rows (in the permuted order above) is staged
// in shared memory in the same fragment order, double buffered, the next
// chunk's global loads in flight during the MMAs. Rows past M re-read row M - 1
// and column tiles past N the last tile; both are dropped at the store.
//
//===----------------------------------------------------------------------===//

#include "MatrixLowering.h"
#include "MmaSync.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {

/// 8-column B fragments per warp (its 32 columns).
constexpr int64_t kWaveTilesN = 4;
using ::w4a16::kBitsPerValue;
using ::w4a16::kFragmentBlockK;
using ::w4a16::kFragmentBlockN;
using ::w4a16::kFragmentWordsPerColumn;
using ::w4a16::kValuesPerWord;
/// 8-column B fragments per fragment-layout column tile.
constexpr int64_t kFragmentsPerTile = kFragmentBlockN / kMmaN;
/// Activations of one 16-byte load: one word's K rows.
constexpr int64_t kWordElements = kValuesPerWord;
static_assert(kLanesPerColumn * kWordElements == kFragmentBlockK,
              "a staged A chunk row holds one word of each lane t");
constexpr uint64_t kLoadAlignment = 16;
/// Activations of one copy of a staged A tile: a 4-byte K pair of one row.
constexpr int64_t kAUnitElements = 2;
/// Activations of one 16-byte read of a staged A tile: a whole A fragment of
/// one MMA.
constexpr int64_t kAChunkElements = 8;
/// Scales per lane in an operand stage: one C column pair.
constexpr int64_t kScalesPerLane = 2;
/// Words of one K block of a 16-column tile in the fragment layout: the
/// run a warp's stage holds per tile and word block of a step, as qweight
/// holds it.
constexpr int64_t kTileRunWords = kFragmentBlockN * kFragmentWordsPerColumn;
/// Weight words per lane and 16-row A fragment the small-batch kernel keeps
/// loading into registers ahead of its MMAs when it does not stage them
/// (steps of W = 4 words per fragment: tilings without lds_bytes, as on
/// chips without the pipeline): with one step in flight a
/// warp waits a DRAM latency per step when split-K leaves few warps per SM
/// (H100: 28672x4096, M = 8: 45 -> 38 us). Per A fragment, because the
/// accumulators share the registers (M = 32 with 64 words in flight lost
/// 2-10%).
constexpr int64_t kSmallBatchWordsInFlight = 64;

class MmaSyncLowering : public MatrixLowering {
public:
  using MatrixLowering::MatrixLowering;

protected:
  LogicalResult checkSupported() override;
  LogicalResult checkLdsBytes() override;
  SmallVector<Type> getWorkgroupBuffers(Builder &b) override;
  int64_t getLoopWeightsPerLane() override {
    return kWaveTilesN * wordsPerLane() * kValuesPerWord;
  }
  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  int64_t tilesM() const { return waveRows() / kMmaM; }
  /// W: words of its column a lane loads per step (of 32W K rows, the
  /// tiling's tile_k).
  int64_t wordsPerLane() const { return tiling.getTileK() / kFragmentBlockK; }
  int64_t stepRows() const { return kFragmentBlockK * wordsPerLane(); }
  int64_t stepsPerSplit() const { return kPerSplit() / stepRows(); }
  /// Whether the operands go through the cp.async stages: prefill with
  /// steps the target stages (TargetInfo::stagesOperandSteps; instead of
  /// the A chunk double buffer), small batch with lds_bytes for them (the
  /// tiler gives it to the same steps where two stages fit).
  bool stagesOperands() const {
    if (tiling.getStrategy() == TilingStrategy::Prefill)
      return target.stagesOperandSteps(stepRows());
    return tiling.getLdsBytes() != 0;
  }
  bool stagesAInLds() const override {
    return MatrixLowering::stagesAInLds() && !stagesOperands();
  }
  /// The prefill A stage (without operand stages) as pair rows [2, tile_m /
  /// 2, 2 x 32], in the order of the MMAs' A fragments like the operand
  /// stages (getAChunkPosition).
  MemRefType getStageType() const override {
    return workgroupMemrefOf({2, tiling.getTileM() / 2, 2 * kBlockK},
                             activation);
  }
  /// A thread's loads of a prefill A stage chunk: pairs of 16-byte pieces, lane
  /// t's word in rows r and r + 8 of a pair row; 0 when the pairs do not
  /// split evenly over the threads.
  int64_t stagePairsPerThread() const {
    int64_t pairs = tiling.getTileM() / 2 * kStageUnitsPerRow;
    return pairs % tiling.getWorkgroupSize() == 0
               ? pairs / tiling.getWorkgroupSize()
               : 0;
  }
  /// Stores loadChunk's pairs as chunks 2t and 2t + 1 of their pair row.
  void storeStage(ImplicitLocOpBuilder &b, Value tid, Value stage, Value buffer,
                  ArrayRef<Value> values) override;
  /// Steps whose weights are loaded into registers before the current
  /// step's MMAs, without stages: small batch with steps of 4 words
  /// kSmallBatchWordsInFlight per A fragment; shorter steps one (their
  /// queue's rotation cost more than it hid: 14336x5120 G32, M = 8, 45 -> 55
  /// us), prefill too (its A tiles hold the registers).
  int64_t stepsInFlight() const {
    if (tiling.getStrategy() != TilingStrategy::SmallBatch ||
        wordsPerLane() != kFragmentWordsPerColumn)
      return 1;
    int64_t steps =
        kSmallBatchWordsInFlight / (tilesM() * kWaveTilesN * wordsPerLane());
    return std::clamp<int64_t>(steps, 1, stepsPerSplit());
  }
  int64_t getStageBytesPerWorkgroup() const {
    return getOperandStageBytes(waves, tiling.getTileM(), stepRows());
  }
  /// The slots of the operand pipeline: what lds_bytes holds.
  int64_t operandSlots() const {
    return tiling.getLdsBytes() / getStageBytesPerWorkgroup();
  }
  /// i32 words of one warp's part of an operand stage: its step's packed
  /// words, then one zero-point word per lane.
  int64_t stageWordsPerWave() const {
    return (kWaveTilesN * wordsPerLane() + 1) * target.waveSize;
  }

  /// 4-byte copies per thread of a step's A tile (tile_m x stepRows); 0
  /// when they do not split evenly over the threads.
  int64_t aUnitsPerThread() const {
    int64_t units = tiling.getTileM() * stepRows() / kAUnitElements;
    return units % tiling.getWorkgroupSize() == 0
               ? units / tiling.getWorkgroupSize()
               : 0;
  }
  /// K units of a pair row of the staged A tile: stepRows of two rows.
  int64_t pairRowUnits() const { return 2 * stepRows() / kAUnitElements; }

  /// The operand stages (workgroup memory): per warp i32 [slot, warp,
  /// stageWordsPerWave()] and the scales [slot, warp, 2 x lanes]; the
  /// workgroup's A tile as pair rows [slot, tile_m / 2, 2 stepRows]
  /// (getAChunkPosition).
  struct OperandStage {
    Value words, scales, rows;
  };
  /// One of the thread's copies of the A tile of each step: its pair row and
  /// position there, its row in x (clamped), its K offset in the step, and
  /// the elements it reads (none past M: the copy zero-fills those rows,
  /// whose results are dropped, instead of reading row M - 1 many times).
  struct ACopy {
    Value pairRow, position, row, column, elements;
  };

  /// Per-lane values shared by the loop body builders.
  struct Lane : WaveOrigin {
    explicit Lane(const WaveOrigin &origin) : WaveOrigin(origin) {}
    /// The lane's B column g and K pair index t in an m16n8k16 fragment.
    Value group, quad;
    /// Rows g and g + 8 of each of the warp's A fragments (clamped).
    SmallVector<std::array<Value, 2>> aRows;
    /// With stages: the thread's copies of the A tile.
    SmallVector<ACopy> aCopies;
    /// The lane's B column in each fragment's tile, and its C columns.
    SmallVector<Value> bColumns, cColumns;
    /// Per B fragment: where its zero points lie, the first column of its
    /// 16-column tile.
    SmallVector<ZeroPointLocation> zeroLocations;
    SmallVector<Value> tileColumns;
    /// The lane's first word in its step: block (W t) / 4 of the step, word
    /// offset in its column's 4 words, and its first K row 8 W t.
    Value stepBlock, wordInColumn, stepRow;
    /// The split's last step: loads ahead past it re-read that step.
    Value lastStep;
    /// With stages: the lane's warp, and what it copies of each step's
    /// factors: the scale pair at scaleCopyColumn (C columns 2 (l % 4) and
    /// + 1 of fragment (l / 4) % 4) and the zero-point word zeroCopyWord (of
    /// fragment l % 4; null without packed zeros).
    Value wave, scaleCopyColumn, zeroCopyWord;
    /// With stages: the tile and the first word of its run that the lane
    /// copies of each word block of a step, and where in the warp's stage
    /// of a step its words of each B fragment lie.
    Value wordCopyTile, wordCopyOffset;
    SmallVector<Value> stageWords;
  };

  /// Where 16-byte chunk `chunk` of pair row `pairRow` of a staged A tile
  /// lies in that row (in activations). Chunk c holds K units 2c and 2c + 1
  /// (K rows 4c .. 4c + 3) of tile rows r and r + 8 as an MMA's A fragment
  /// takes them: (r, 2c), (r + 8, 2c), (r, 2c + 1), (r + 8, 2c + 1), so one
  /// 16-byte read is a whole fragment with no register moves (H100, G32
  /// prefill: a third of the loop's instructions were such moves when A was
  /// staged in K order). Pair row p holds rows 16 (p / 8) + p % 8 and + 8.
  /// The chunk is XORed with p % 2 and with bit 3 of c (into bit 1), so that
  /// the 8 lanes of a quarter warp read distinct banks (steps of 1 and 2
  /// words); a warp's copies stay in their aligned 8 chunks (128 bytes).
  Value getAChunkPosition(ImplicitLocOpBuilder &b, Value pairRow, Value chunk) {
    Value swizzle = arith::XOrIOp::create(
        b, arith::RemUIOp::create(b, pairRow, cIndex(b, 2)),
        arith::AndIOp::create(b, arith::ShRUIOp::create(b, chunk, cIndex(b, 2)),
                              cIndex(b, 2)));
    return arith::MulIOp::create(b, arith::XOrIOp::create(b, chunk, swizzle),
                                 cIndex(b, kAChunkElements));
  }
  /// Row 16 (p / 8) + 8 half + p % 8 of the workgroup tile: row half `half`
  /// of pair row p.
  Value getPairTileRow(ImplicitLocOpBuilder &b, Value pairRow, Value half) {
    return arith::AddIOp::create(
        b,
        arith::MulIOp::create(
            b, arith::DivUIOp::create(b, pairRow, cIndex(b, kRowHalf)),
            cIndex(b, kMmaM)),
        arith::AddIOp::create(
            b, arith::MulIOp::create(b, half, cIndex(b, kRowHalf)),
            arith::RemUIOp::create(b, pairRow, cIndex(b, kRowHalf))));
  }
  /// The staged pair row of the warp's A fragment i (rows g and g + 8).
  Value getPairRow(ImplicitLocOpBuilder &b, const Lane &lane, int64_t i) {
    return arith::AddIOp::create(
        b, arith::DivUIOp::create(b, lane.waveRow, cIndex(b, 2)),
        arith::AddIOp::create(b, lane.group, cIndex(b, i * kRowHalf)));
  }
  /// Row g (half 0) or g + 8 (half 1) of the warp's A fragment i in the
  /// workgroup tile. Built where it is used: in the 255-register G128
  /// prefill, rows kept live across the loop made ptxas spill.
  Value getTileRow(ImplicitLocOpBuilder &b, const Lane &lane, int64_t i,
                   int64_t half) {
    return arith::AddIOp::create(
        b, lane.waveRow,
        arith::AddIOp::create(b, lane.group,
                              cIndex(b, i * kMmaM + half * kRowHalf)));
  }
  /// The 32-K chunk `chunk` (global, counted in 32-K units) of A in the
  /// permuted order: row r, element 8t + e is x[r, K] with K at step
  /// chunk / W, word chunk % W of lane t, element e.
  Value chunkColumn(ImplicitLocOpBuilder &b, Value chunk, Value quad);
  /// This thread's share of A chunk `chunk` for the stage: per pair row and
  /// lane t, lane t's word of the chunk in both rows (rows past M re-read
  /// row M - 1).
  SmallVector<Value> loadChunk(ImplicitLocOpBuilder &b, const Lane &lane,
                               Value x, Value chunk);
  /// The qweight indices of the lane's W words of B fragment j at `step`
  /// (clamped to the split's last step: loads ahead past the split's end
  /// re-read cached words instead of the next split's).
  SmallVector<Value> getStepWordIndices(ImplicitLocOpBuilder &b,
                                        const Lane &lane, Value step,
                                        int64_t j);
  /// Without stages: the lane's W words of each B fragment at `step`.
  SmallVector<Value> loadStepWords(ImplicitLocOpBuilder &b, const Lane &lane,
                                   const MainKernelArgs &args, Value step);
  /// Without stages: per B fragment, the zero point (vector<1xi32>) of its
  /// column and the scales (vector<2 x activation>) of its C columns in
  /// `group`.
  SmallVector<Value> loadGroupFactors(ImplicitLocOpBuilder &b, const Lane &lane,
                                      const MainKernelArgs &args, Value group);
  /// With stages: starts the lane's copies of `step` (clamped like
  /// getStepWordIndices) into its slot as one cp.async group.
  Value copyStep(ImplicitLocOpBuilder &b, const Lane &lane,
                 const MainKernelArgs &args, const OperandStage &operands,
                 Value step);
  /// Whether a staged step waits for the next step's copies at its end and
  /// meets the workgroup at one barrier, at its start (small batch: H100,
  /// G32 M = 4..32 1-5% faster), or waits for its own copies at its start
  /// between two barriers (prefill: one barrier was 4-7% slower at M = 512
  /// and 2048).
  bool waitsAtStepEnd() const {
    return tiling.getStrategy() == TilingStrategy::SmallBatch;
  }
  /// With stages, at `step`: once the workgroup has read step - 1, copies
  /// the step operandSlots() - 1 ahead into its slot. Returns `step`'s slot,
  /// whose copies have landed (with waitsAtStepEnd(), at the end of the
  /// step before: then also the copy's group, for waitForStep).
  std::pair<Value, Value> advanceOperands(ImplicitLocOpBuilder &b,
                                          const Lane &lane,
                                          const MainKernelArgs &args,
                                          const OperandStage &operands,
                                          Value step);
  /// With stages and waitsAtStepEnd(): waits until all copy groups but the
  /// newest operandSlots() - 2 (the last of them `group`) have landed: after
  /// the prologue the first step's, at the end of a step the next one's.
  void waitForStep(ImplicitLocOpBuilder &b, Value group);
  /// The -(bias + z) term of each B fragment, splat over a dequantized pair,
  /// from its zero points (exact bits, createNegatedZeroTerm).
  SmallVector<Value> getZeroTerms(ImplicitLocOpBuilder &b,
                                  ValueRange zeroPoints);
  void buildStep(ImplicitLocOpBuilder &b, const Lane &lane,
                 const MainKernelArgs &args, Value stage,
                 const OperandStage &operands, Value step, Value firstChunk,
                 Value lastChunk, ArrayRef<Value> zeroTerms,
                 SmallVectorImpl<Value> &accs, SmallVectorImpl<Value> &staged,
                 SmallVectorImpl<Value> &words);
};

} // namespace

LogicalResult MmaSyncLowering::checkSupported() {
  if (target.mmaFamily != MmaFamily::NvidiaMmaSync || target.mmaM != kMmaM ||
      target.mmaN != kMmaN || target.mmaK != kMmaK)
    return op.emitOpError()
           << "the " << stringifyTilingStrategy(tiling.getStrategy())
           << " mma.sync kernels need m16n8k16, which " << target.chip
           << " does not have";
  if (tiling.getTileK() > kFragmentBlockK * kFragmentWordsPerColumn)
    return op.emitOpError()
           << "the " << stringifyTilingStrategy(tiling.getStrategy())
           << " mma.sync kernels take steps of at most "
           << kFragmentBlockK * kFragmentWordsPerColumn
           << " K rows (4 words per lane), got tile_k = " << tiling.getTileK();
  return MatrixLowering::checkSupported();
}

LogicalResult MmaSyncLowering::checkLdsBytes() {
  if (!stagesOperands()) {
    if (stagesAInLds() && stagePairsPerThread() == 0)
      return op.emitOpError()
             << "prefill A tile " << tiling.getTileM() << " x " << kBlockK
             << " does not split evenly over " << tiling.getWorkgroupSize()
             << " threads in 16-byte loads of row pairs";
    return MatrixLowering::checkLdsBytes();
  }
  StringRef strategy = stringifyTilingStrategy(tiling.getStrategy());
  if (aUnitsPerThread() == 0)
    return op.emitOpError()
           << strategy << " lds_bytes = " << tiling.getLdsBytes()
           << " stages A, but the " << tiling.getTileM() << " x " << stepRows()
           << " A tile of a step does not split over "
           << tiling.getWorkgroupSize() << " threads in 4-byte copies";
  int64_t stageBytes = getStageBytesPerWorkgroup();
  if (tiling.getLdsBytes() % stageBytes != 0 || operandSlots() < 2)
    return op.emitOpError()
           << strategy << " lds_bytes = " << tiling.getLdsBytes()
           << " must hold whole stages of the operand pipeline, at least 2 of "
           << stageBytes << " bytes";
  return success();
}

SmallVector<Type> MmaSyncLowering::getWorkgroupBuffers(Builder &b) {
  SmallVector<Type> buffers = MatrixLowering::getWorkgroupBuffers(b);
  if (!stagesOperands())
    return buffers;
  auto words = workgroupMemrefOf({operandSlots(), waves, stageWordsPerWave()},
                                 b.getI32Type());
  auto scales = workgroupMemrefOf(
      {operandSlots(), waves, kScalesPerLane * target.waveSize}, activation);
  auto rows = workgroupMemrefOf(
      {operandSlots(), tiling.getTileM() / 2, 2 * stepRows()}, activation);
  assert(words.getNumElements() * 4 +
                 (scales.getNumElements() + rows.getNumElements()) * 2 ==
             operandSlots() * getStageBytesPerWorkgroup() &&
         "the stage layout matches getOperandStageBytes");
  buffers.append({words, scales, rows});
  return buffers;
}

Value MmaSyncLowering::chunkColumn(ImplicitLocOpBuilder &b, Value chunk,
                                   Value quad) {
  int64_t words = wordsPerLane();
  Value step = arith::DivUIOp::create(b, chunk, cIndex(b, words));
  Value word = arith::RemUIOp::create(b, chunk, cIndex(b, words));
  Value row = arith::AddIOp::create(
      b, arith::MulIOp::create(b, step, cIndex(b, stepRows())),
      arith::MulIOp::create(b, quad, cIndex(b, words * kValuesPerWord)));
  return arith::AddIOp::create(
      b, row, arith::MulIOp::create(b, word, cIndex(b, kValuesPerWord)));
}

SmallVector<Value> MmaSyncLowering::loadChunk(ImplicitLocOpBuilder &b,
                                              const Lane &lane, Value x,
                                              Value chunk) {
  auto pieceType = VectorType::get({kStageElements}, activation);
  SmallVector<Value> pieces;
  for (int64_t r = 0; r < stagePairsPerThread(); ++r) {
    auto [pairRow, quad] = getStageUnit(b, lane.tid, r, kStageUnitsPerRow);
    Value column = chunkColumn(b, chunk, quad);
    for (int64_t half = 0; half < 2; ++half) {
      Value row = arith::AddIOp::create(
          b, lane.workgroupRow, getPairTileRow(b, pairRow, cIndex(b, half)));
      pieces.push_back(vector::LoadOp::create(
          b, pieceType, x,
          ValueRange{createClampedRow(b, row, lane.lastRow), column},
          /*nontemporal=*/false, llvm::Align(kLoadAlignment)));
    }
  }
  return pieces;
}

void MmaSyncLowering::storeStage(ImplicitLocOpBuilder &b, Value tid,
                                 Value stage, Value buffer,
                                 ArrayRef<Value> values) {
  for (int64_t r = 0; r < stagePairsPerThread(); ++r) {
    auto [pairRow, quad] = getStageUnit(b, tid, r, kStageUnitsPerRow);
    for (int64_t h = 0; h < 2; ++h) {
      // Chunk 2t + h holds K pairs 2h + e (e = 0, 1) of the word; pair e of
      // row half `half` at element (2e + half) x 2, as the copies place it.
      SmallVector<int64_t> mask(kAChunkElements);
      for (int64_t e = 0; e < 2; ++e)
        for (int64_t half = 0; half < 2; ++half)
          for (int64_t j = 0; j < kAUnitElements; ++j)
            mask[(2 * e + half) * kAUnitElements + j] =
                half * kStageElements + (2 * h + e) * kAUnitElements + j;
      Value fragment =
          vector::ShuffleOp::create(b, values[2 * r], values[2 * r + 1], mask);
      Value chunk = arith::AddIOp::create(
          b, arith::MulIOp::create(b, quad, cIndex(b, 2)), cIndex(b, h));
      vector::StoreOp::create(
          b, fragment, stage,
          ValueRange{buffer, pairRow, getAChunkPosition(b, pairRow, chunk)},
          /*nontemporal=*/false, llvm::Align(kLoadAlignment));
    }
  }
}

SmallVector<Value> MmaSyncLowering::getStepWordIndices(ImplicitLocOpBuilder &b,
                                                       const Lane &lane,
                                                       Value step, int64_t j) {
  step = arith::MinUIOp::create(b, step, lane.lastStep);
  Value block = arith::AddIOp::create(
      b, arith::MulIOp::create(b, step, cIndex(b, wordsPerLane())),
      lane.stepBlock);
  Value column = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, lane.bColumns[j],
                            cIndex(b, kFragmentWordsPerColumn)),
      lane.wordInColumn);
  return {block, lane.nTiles[j / kFragmentsPerTile], column};
}

SmallVector<Value> MmaSyncLowering::loadStepWords(ImplicitLocOpBuilder &b,
                                                  const Lane &lane,
                                                  const MainKernelArgs &args,
                                                  Value step) {
  int64_t words = wordsPerLane();
  SmallVector<Value> loaded;
  for (int64_t j = 0; j < kWaveTilesN; ++j)
    loaded.push_back(vector::LoadOp::create(
        b, VectorType::get({words}, b.getI32Type()), args.qweight,
        getStepWordIndices(b, lane, step, j),
        /*nontemporal=*/false, llvm::Align(4 * words)));
  return loaded;
}

SmallVector<Value> MmaSyncLowering::loadGroupFactors(ImplicitLocOpBuilder &b,
                                                     const Lane &lane,
                                                     const MainKernelArgs &args,
                                                     Value group) {
  SmallVector<Value> factors;
  for (int64_t j = 0; j < kWaveTilesN; ++j)
    factors.push_back(
        loadZeroPoints(b, args.zeros, group, lane.zeroLocations[j]));
  for (int64_t j = 0; j < kWaveTilesN; ++j)
    factors.push_back(vector::LoadOp::create(
        b, VectorType::get({kScalesPerLane}, activation), args.scales,
        ValueRange{group, arith::AddIOp::create(b, lane.tileColumns[j],
                                                lane.cColumns[j])},
        /*nontemporal=*/false, llvm::Align(kScalesPerLane * 2)));
  return factors;
}

Value MmaSyncLowering::copyStep(ImplicitLocOpBuilder &b, const Lane &lane,
                                const MainKernelArgs &args,
                                const OperandStage &operands, Value step) {
  int64_t words = wordsPerLane();
  Value slot = arith::RemUIOp::create(b, step, cIndex(b, operandSlots()));
  SmallVector<Value> copies;
  Value clamped = arith::MinUIOp::create(b, step, lane.lastStep);
  for (int64_t r = 0; r < words; ++r) {
    Value at = arith::MulIOp::create(
        b, arith::AddIOp::create(b, lane.lane, cIndex(b, r * target.waveSize)),
        cIndex(b, kFragmentWordsPerColumn));
    Value block = arith::AddIOp::create(
        b, arith::MulIOp::create(b, clamped, cIndex(b, words)), cIndex(b, r));
    copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, operands.words, ValueRange{slot, lane.wave, at}, args.qweight,
        ValueRange{block, lane.wordCopyTile, lane.wordCopyOffset},
        b.getIndexAttr(kFragmentWordsPerColumn), /*srcElements=*/Value(),
        b.getUnitAttr()));
  }
  Value firstRow = arith::MulIOp::create(b, clamped, cIndex(b, stepRows()));
  Value group = arith::DivUIOp::create(
      b, firstRow, cIndex(b, scheme.getEffectiveGroupSize(k)));
  copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
      b, operands.scales,
      ValueRange{
          slot, lane.wave,
          arith::MulIOp::create(b, lane.lane, cIndex(b, kScalesPerLane))},
      args.scales, ValueRange{group, lane.scaleCopyColumn},
      b.getIndexAttr(kScalesPerLane), /*srcElements=*/Value(),
      /*bypassL1=*/nullptr));
  for (const ACopy &copy : lane.aCopies)
    copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, operands.rows, ValueRange{slot, copy.pairRow, copy.position}, args.x,
        ValueRange{copy.row, arith::AddIOp::create(b, firstRow, copy.column)},
        b.getIndexAttr(kAUnitElements), copy.elements,
        /*bypassL1=*/nullptr));
  if (lane.zeroCopyWord)
    copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, operands.words,
        ValueRange{slot, lane.wave,
                   arith::AddIOp::create(
                       b, lane.lane,
                       cIndex(b, kWaveTilesN * words * target.waveSize))},
        args.zeros, ValueRange{group, lane.zeroCopyWord}, b.getIndexAttr(1),
        /*srcElements=*/Value(), /*bypassL1=*/nullptr));
  return nvgpu::DeviceAsyncCreateGroupOp::create(
      b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), copies);
}

std::pair<Value, Value>
MmaSyncLowering::advanceOperands(ImplicitLocOpBuilder &b, const Lane &lane,
                                 const MainKernelArgs &args,
                                 const OperandStage &operands, Value step) {
  int64_t stages = operandSlots();
  // Past this barrier every thread has read step - 1, whose slot the copy
  // of step + stages - 1 reuses (and, with waitsAtStepEnd(), every
  // thread's copies of `step` are visible).
  gpu::BarrierOp::create(b);
  Value group = copyStep(b, lane, args, operands,
                         arith::AddIOp::create(b, step, cIndex(b, stages - 1)));
  Value slot = arith::RemUIOp::create(b, step, cIndex(b, stages));
  if (waitsAtStepEnd())
    return {slot, group};
  // The newest stages - 1 groups (steps after `step`) may still be in
  // flight; the barrier makes the other threads' copies of `step` visible.
  nvgpu::DeviceAsyncWaitOp::create(b, group, b.getI32IntegerAttr(stages - 1));
  gpu::BarrierOp::create(b);
  return {slot, Value()};
}

void MmaSyncLowering::waitForStep(ImplicitLocOpBuilder &b, Value group) {
  nvgpu::DeviceAsyncWaitOp::create(b, group,
                                   b.getI32IntegerAttr(operandSlots() - 2));
}

SmallVector<Value> MmaSyncLowering::getZeroTerms(ImplicitLocOpBuilder &b,
                                                 ValueRange zeroPoints) {
  SmallVector<Value> terms;
  for (Value points : zeroPoints)
    terms.push_back(createNegatedZeroTerm(
        b, vector::ExtractOp::create(b, points, 0), activation,
        /*inPlaceHigh=*/false, /*words=*/1));
  return terms;
}

/// One step (32W K rows) of the main loop: the warp's four B fragments (W
/// words per lane each: from the step's operand stage, with the zero terms of
/// its zero points; without stages loaded stepsInFlight() steps earlier into
/// `stepWords`, with the segment's `zeroTerms`) dequantized, then per word u
/// the A rows' 16-byte pieces and the two MMAs per A and B fragment. Prefill
/// first moves the chunk loaded one chunk earlier into the other buffer and
/// starts loading the one after; the barrier at the end orders the buffers.
void MmaSyncLowering::buildStep(
    ImplicitLocOpBuilder &b, const Lane &lane, const MainKernelArgs &args,
    Value stage, const OperandStage &operands, Value step, Value firstChunk,
    Value lastChunk, ArrayRef<Value> zeroTerms, SmallVectorImpl<Value> &accs,
    SmallVectorImpl<Value> &staged, SmallVectorImpl<Value> &stepWords) {
  int64_t words = wordsPerLane();
  auto pieceType = VectorType::get({kWordElements}, activation);
  auto aType = VectorType::get({4, 2}, activation);
  auto bType = VectorType::get({2, 2}, activation);
  SmallVector<Value> current, terms(zeroTerms);
  Value slot, copies;
  if (operands.words) {
    std::tie(slot, copies) = advanceOperands(b, lane, args, operands, step);
    SmallVector<Value> zeroPoints;
    for (int64_t j = 0; j < kWaveTilesN; ++j) {
      current.push_back(vector::LoadOp::create(
          b, VectorType::get({words}, b.getI32Type()), operands.words,
          ValueRange{slot, lane.wave, lane.stageWords[j]},
          /*nontemporal=*/false, llvm::Align(4 * words)));
      Value zeroWord =
          lane.zeroCopyWord
              ? memref::LoadOp::create(
                    b, operands.words,
                    ValueRange{
                        slot, lane.wave,
                        cIndex(b, kWaveTilesN * words * target.waveSize + j)})
              : Value();
      zeroPoints.push_back(
          unpackZeroPoints(b, zeroWord, lane.zeroLocations[j]));
    }
    terms = getZeroTerms(b, zeroPoints);
  } else {
    // `stepWords` holds the steps in flight, oldest first.
    current.assign(stepWords.begin(), stepWords.begin() + kWaveTilesN);
    SmallVector<Value> inFlight(stepWords.begin() + kWaveTilesN,
                                stepWords.end());
    llvm::append_range(inFlight,
                       loadStepWords(b, lane, args,
                                     arith::AddIOp::create(
                                         b, step, cIndex(b, stepsInFlight()))));
    stepWords.assign(inFlight.begin(), inFlight.end());
  }
  Value kBase = arith::AddIOp::create(
      b, arith::MulIOp::create(b, step, cIndex(b, stepRows())), lane.stepRow);
  for (int64_t u = 0; u < words; ++u) {
    Value chunk = arith::AddIOp::create(
        b, arith::MulIOp::create(b, step, cIndex(b, words)), cIndex(b, u));
    Value buffer;
    if (stage)
      buffer = advanceStage(b, lane.tid, stage, chunk, firstChunk, lastChunk,
                            staged, [&](ImplicitLocOpBuilder &lb, Value c) {
                              return loadChunk(lb, lane, args.x, c);
                            });
    Value column =
        arith::AddIOp::create(b, kBase, cIndex(b, u * kWordElements));
    // The B pairs of word u, dequantized next to their MMAs.
    SmallVector<SmallVector<Value>> pairs;
    for (int64_t j = 0; j < kWaveTilesN; ++j)
      pairs.push_back(dequantWord(b,
                                  vector::ExtractOp::create(b, current[j], u),
                                  terms[j], activation));
    for (int64_t i = 0; i < tilesM(); ++i) {
      // A rows: (g, lo), (g + 8, lo), (g, hi), (g + 8, hi) of MMA h; lo / hi
      // are K rows 4h + {0, 1} / 4h + {2, 3} of word u.
      std::array<Value, 2> aFragments;
      if (slot || stage) {
        // Staged as the fragments (getAChunkPosition): chunk 2 (V t + v) + h
        // for word v of the V words of a lane in the buffer (a slot holds
        // the step's W, a stage buffer the chunk's one).
        int64_t bufferWords = slot ? words : 1, bufferWord = slot ? u : 0;
        Value pairRow = getPairRow(b, lane, i);
        for (int64_t h = 0; h < 2; ++h) {
          Value chunk = arith::AddIOp::create(
              b,
              arith::MulIOp::create(b, lane.quad, cIndex(b, 2 * bufferWords)),
              cIndex(b, 2 * bufferWord + h));
          Value fragment = vector::LoadOp::create(
              b, VectorType::get({kAChunkElements}, activation),
              slot ? operands.rows : stage,
              ValueRange{slot ? slot : buffer, pairRow,
                         getAChunkPosition(b, pairRow, chunk)},
              /*nontemporal=*/false, llvm::Align(kLoadAlignment));
          aFragments[h] = buildFragment(
              b, aType,
              {slicePair(b, fragment, 0), slicePair(b, fragment, 2),
               slicePair(b, fragment, 4), slicePair(b, fragment, 6)});
        }
      } else {
        // Pieces of rows g and g + 8 from x: the word's K rows in order.
        std::array<Value, 2> pieces;
        for (int64_t half = 0; half < 2; ++half)
          pieces[half] = vector::LoadOp::create(
              b, pieceType, args.x, ValueRange{lane.aRows[i][half], column},
              /*nontemporal=*/false, llvm::Align(kLoadAlignment));
        for (int64_t h = 0; h < 2; ++h) {
          int64_t lo = 4 * h, hi = 4 * h + 2;
          aFragments[h] = buildFragment(
              b, aType,
              {slicePair(b, pieces[0], lo), slicePair(b, pieces[1], lo),
               slicePair(b, pieces[0], hi), slicePair(b, pieces[1], hi)});
        }
      }
      for (int64_t h = 0; h < 2; ++h) {
        Value a = aFragments[h];
        for (int64_t j = 0; j < kWaveTilesN; ++j) {
          // B: pairs 2h (K lo) and 2h + 1 (K hi) of word u.
          Value bFragment =
              buildFragment(b, bType, {pairs[j][2 * h], pairs[j][2 * h + 1]});
          Value &acc = accs[i * kWaveTilesN + j];
          acc = nvgpu::MmaSyncOp::create(
              b, a, bFragment, acc, ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK});
        }
      }
    }
    if (stage)
      gpu::BarrierOp::create(b);
  }
  if (copies)
    waitForStep(b, copies);
}

void MmaSyncLowering::buildMainKernelBody(ImplicitLocOpBuilder &b,
                                          gpu::GPUFuncOp func,
                                          const MainKernelArgs &args) {
  if (tiling.getStrategy() == TilingStrategy::Prefill && stagesOperands() &&
      target.stagedPrefillWavesPerCU >= waves)
    func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  b.getI32IntegerAttr(target.stagedPrefillWavesPerCU / waves));
  Lane lane(getWaveOrigin(b, args.m));
  lane.group = arith::DivUIOp::create(b, lane.lane, cIndex(b, kLanesPerColumn));
  lane.quad = arith::RemUIOp::create(b, lane.lane, cIndex(b, kLanesPerColumn));
  for (int64_t i = 0; i < tilesM(); ++i) {
    std::array<Value, 2> rows;
    for (int64_t half = 0; half < 2; ++half)
      rows[half] =
          createClampedRow(b,
                           arith::AddIOp::create(b, lane.workgroupRow,
                                                 getTileRow(b, lane, i, half)),
                           lane.lastRow);
    lane.aRows.push_back(rows);
  }

  int64_t words = wordsPerLane();
  lane.stepBlock = arith::DivUIOp::create(
      b, arith::MulIOp::create(b, lane.quad, cIndex(b, words)),
      cIndex(b, kFragmentWordsPerColumn));
  lane.wordInColumn = arith::RemUIOp::create(
      b, arith::MulIOp::create(b, lane.quad, cIndex(b, words)),
      cIndex(b, kFragmentWordsPerColumn));
  lane.stepRow =
      arith::MulIOp::create(b, lane.quad, cIndex(b, words * kValuesPerWord));

  Value cColumn = arith::MulIOp::create(b, lane.quad, cIndex(b, 2));
  for (int64_t j = 0; j < kWaveTilesN; ++j) {
    Value inTile = arith::AddIOp::create(
        b, lane.group, cIndex(b, (j % kFragmentsPerTile) * kMmaN));
    lane.bColumns.push_back(inTile);
    Value tileColumn = arith::MulIOp::create(
        b, lane.nTiles[j / kFragmentsPerTile], cIndex(b, kFragmentBlockN));
    lane.zeroLocations.push_back(
        locateZeroPoints(b, arith::AddIOp::create(b, tileColumn, inTile), 1));
    lane.cColumns.push_back(arith::AddIOp::create(
        b, cColumn, cIndex(b, (j % kFragmentsPerTile) * kMmaN)));
    lane.tileColumns.push_back(tileColumn);
  }

  auto accType = VectorType::get({2, 2}, b.getF32Type());
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  int64_t numAcc = tilesM() * kWaveTilesN;
  int64_t group = scheme.getEffectiveGroupSize(k);
  int64_t segments = kPerSplit() / segmentRows();
  int64_t stepsPerSegment = segmentRows() / stepRows();
  Value stage = getStage(func);
  Value splitBegin =
      arith::MulIOp::create(b, lane.split, cIndex(b, kPerSplit()));
  Value firstStep =
      arith::DivUIOp::create(b, splitBegin, cIndex(b, stepRows()));
  Value firstChunk = arith::MulIOp::create(b, firstStep, cIndex(b, words));
  lane.lastStep =
      arith::AddIOp::create(b, firstStep, cIndex(b, stepsPerSplit() - 1));
  Value lastChunk = cIndex(b, k / kFragmentBlockK - 1);

  SmallVector<Value> staged =
      startStage(b, lane.tid, stage, firstChunk, lastChunk,
                 [&](ImplicitLocOpBuilder &lb, Value chunk) {
                   return loadChunk(lb, lane, args.x, chunk);
                 });
  // With stages the first operandSlots() - 1 steps start copying; without,
  // the loops carry the weights of the steps in flight and the segment's
  // zero points and scales (loaded one segment ahead).
  OperandStage operands;
  SmallVector<Value> firstWords, factors;
  if (stagesOperands()) {
    ValueRange buffers = func.getWorkgroupAttributions().take_back(3);
    operands = {buffers[0], buffers[1], buffers[2]};
    lane.wave = arith::DivUIOp::create(b, lane.tid, cIndex(b, target.waveSize));
    // Lane l copies 16 bytes of each word block of a step (tile
    // l / 16, words from 4 (l % 16)), the scale pair of fragment (l / 4) % 4
    // and the zero-point word of fragment l % 4 (the word of all 8 columns).
    auto selectTile = [&](Value fragment) {
      Value tile = lane.nTiles.back();
      for (int64_t t = lane.nTiles.size() - 1; t-- > 0;)
        tile = arith::SelectOp::create(
            b,
            arith::CmpIOp::create(b, arith::CmpIPredicate::ult, fragment,
                                  cIndex(b, (t + 1) * kFragmentsPerTile)),
            lane.nTiles[t], tile);
      return tile;
    };
    auto fragmentColumn = [&](Value fragment) {
      Value inTile = arith::MulIOp::create(
          b, arith::RemUIOp::create(b, fragment, cIndex(b, kFragmentsPerTile)),
          cIndex(b, kMmaN));
      return arith::AddIOp::create(
          b,
          arith::MulIOp::create(b, selectTile(fragment),
                                cIndex(b, kFragmentBlockN)),
          inTile);
    };
    int64_t lanesPerRun = kTileRunWords / kFragmentWordsPerColumn;
    assert(lanesPerRun * (kWaveTilesN / kFragmentsPerTile) == target.waveSize &&
           "a warp's 16-byte copies cover its tiles' runs of a word block");
    lane.wordCopyTile = selectTile(arith::MulIOp::create(
        b, arith::DivUIOp::create(b, lane.lane, cIndex(b, lanesPerRun)),
        cIndex(b, kFragmentsPerTile)));
    lane.wordCopyOffset = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, lane.lane, cIndex(b, lanesPerRun)),
        cIndex(b, kFragmentWordsPerColumn));
    // Fragment j's words: run (stepBlock, j / 2), at the lane's column and
    // word.
    for (int64_t j = 0; j < kWaveTilesN; ++j) {
      Value run = arith::AddIOp::create(
          b,
          arith::MulIOp::create(b, lane.stepBlock,
                                cIndex(b, kWaveTilesN / kFragmentsPerTile)),
          cIndex(b, j / kFragmentsPerTile));
      lane.stageWords.push_back(arith::AddIOp::create(
          b, arith::MulIOp::create(b, run, cIndex(b, kTileRunWords)),
          arith::AddIOp::create(
              b,
              arith::MulIOp::create(b, lane.bColumns[j],
                                    cIndex(b, kFragmentWordsPerColumn)),
              lane.wordInColumn)));
    }
    Value scaleFragment =
        arith::RemUIOp::create(b, lane.group, cIndex(b, kWaveTilesN));
    lane.scaleCopyColumn = arith::AddIOp::create(
        b, fragmentColumn(scaleFragment),
        arith::MulIOp::create(b, lane.quad, cIndex(b, kScalesPerLane)));
    if (lane.zeroLocations.front().word)
      lane.zeroCopyWord = arith::DivUIOp::create(b, fragmentColumn(lane.quad),
                                                 cIndex(b, kValuesPerWord));
    // The thread's 4-byte units of the A tile. Unit v of a pair row (a
    // warp's 32 are 16 of each row, 64 bytes of x each) is row half
    // (v / 16) % 2, K unit 16 (v / 32) + v % 16.
    int64_t rowRun = target.waveSize / 2;
    for (int64_t r = 0; r < aUnitsPerThread(); ++r) {
      ACopy copy;
      auto [pairRow, unit] = getStageUnit(b, lane.tid, r, pairRowUnits());
      Value half = arith::RemUIOp::create(
          b, arith::DivUIOp::create(b, unit, cIndex(b, rowRun)), cIndex(b, 2));
      Value kUnit = arith::AddIOp::create(
          b,
          arith::MulIOp::create(
              b, arith::DivUIOp::create(b, unit, cIndex(b, 2 * rowRun)),
              cIndex(b, rowRun)),
          arith::RemUIOp::create(b, unit, cIndex(b, rowRun)));
      Value tileRow = getPairTileRow(b, pairRow, half);
      copy.pairRow = pairRow;
      copy.column = arith::MulIOp::create(b, kUnit, cIndex(b, kAUnitElements));
      // K pair 2c + e of row half `half` lies at element (2e + half) x 2 of
      // chunk c.
      Value inChunk = arith::MulIOp::create(
          b,
          arith::AddIOp::create(
              b,
              arith::MulIOp::create(
                  b, arith::RemUIOp::create(b, kUnit, cIndex(b, 2)),
                  cIndex(b, 2)),
              half),
          cIndex(b, kAUnitElements));
      copy.position = arith::AddIOp::create(
          b,
          getAChunkPosition(b, pairRow,
                            arith::DivUIOp::create(b, kUnit, cIndex(b, 2))),
          inChunk);
      Value row = arith::AddIOp::create(b, lane.workgroupRow, tileRow);
      copy.row = createClampedRow(b, row, lane.lastRow);
      copy.elements = arith::SelectOp::create(
          b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, args.m),
          cIndex(b, kAUnitElements), cIndex(b, 0));
      lane.aCopies.push_back(copy);
    }
    Value copies;
    for (int64_t s = 0; s + 1 < operandSlots(); ++s)
      copies = copyStep(b, lane, args, operands,
                        arith::AddIOp::create(b, firstStep, cIndex(b, s)));
    if (waitsAtStepEnd())
      waitForStep(b, copies);
  } else {
    for (int64_t s = 0; s < stepsInFlight(); ++s)
      llvm::append_range(
          firstWords,
          loadStepWords(b, lane, args,
                        arith::AddIOp::create(b, firstStep, cIndex(b, s))));
    factors = loadGroupFactors(
        b, lane, args, arith::DivUIOp::create(b, splitBegin, cIndex(b, group)));
  }
  Value lastGroup = cIndex(b, scheme.getNumGroups(k) - 1);
  int64_t numStaged = staged.size();
  int64_t numWords = firstWords.size();
  SmallVector<Value> outerInits(numAcc, zeroAcc);
  llvm::append_range(outerInits, staged);
  llvm::append_range(outerInits, firstWords);
  llvm::append_range(outerInits, factors);
  auto segmentLoop = scf::ForOp::create(
      b, cIndex(b, 0), cIndex(b, segments), cIndex(b, 1), outerInits,
      [&](OpBuilder &nested, Location loc, Value segment, ValueRange outer) {
        ImplicitLocOpBuilder sb(loc, nested);
        Value segmentStep = arith::AddIOp::create(
            sb, firstStep,
            arith::MulIOp::create(sb, segment, cIndex(sb, stepsPerSegment)));
        Value nextSegmentStep =
            arith::AddIOp::create(sb, segmentStep, cIndex(sb, stepsPerSegment));
        ValueRange current = outer.take_back(factors.size());
        SmallVector<Value> next, zeroTerms;
        if (!stagesOperands()) {
          next = loadGroupFactors(
              sb, lane, args,
              arith::MinUIOp::create(
                  sb,
                  arith::DivUIOp::create(
                      sb,
                      arith::MulIOp::create(sb, nextSegmentStep,
                                            cIndex(sb, stepRows())),
                      cIndex(sb, group)),
                  lastGroup));
          zeroTerms = getZeroTerms(sb, current.take_front(kWaveTilesN));
        }

        auto stepLoop = buildGroupedLoop(
            sb, stepsPerSegment, 1,
            {SmallVector<Value>(numAcc, zeroAcc),
             SmallVector<Value>(outer.slice(numAcc, numStaged)),
             SmallVector<Value>(outer.slice(numAcc + numStaged, numWords))},
            [&](ImplicitLocOpBuilder &lb, Value inSegment,
                MutableArrayRef<SmallVector<Value>> carried) {
              buildStep(lb, lane, args, stage, operands,
                        arith::AddIOp::create(lb, segmentStep, inSegment),
                        firstChunk, lastChunk, zeroTerms, carried[0],
                        carried[1], carried[2]);
            });

        // The group's scales (C columns 2t, 2t + 1 of each fragment): with
        // stages from the segment's last step, still in its slot.
        SmallVector<Value> scales;
        if (stagesOperands()) {
          Value slot = arith::RemUIOp::create(
              sb, arith::SubIOp::create(sb, nextSegmentStep, cIndex(sb, 1)),
              cIndex(sb, operandSlots()));
          for (int64_t j = 0; j < kWaveTilesN; ++j)
            scales.push_back(vector::LoadOp::create(
                sb, VectorType::get({kScalesPerLane}, activation),
                operands.scales,
                ValueRange{
                    slot, lane.wave,
                    arith::AddIOp::create(
                        sb,
                        arith::MulIOp::create(sb, lane.quad,
                                              cIndex(sb, kScalesPerLane)),
                        cIndex(sb, j * kLanesPerColumn * kScalesPerLane))},
                /*nontemporal=*/false, llvm::Align(kScalesPerLane * 2)));
        } else {
          scales.assign(current.begin() + kWaveTilesN, current.end());
        }
        SmallVector<Value> totals(outer.take_front(numAcc));
        for (int64_t j = 0; j < kWaveTilesN; ++j) {
          Value scale = arith::ExtFOp::create(
              sb, VectorType::get({kScalesPerLane}, sb.getF32Type()),
              scales[j]);
          // Both C rows (g and g + 8) have these columns.
          for (int64_t i = 0; i < tilesM(); ++i) {
            Value &total = totals[i * kWaveTilesN + j];
            Value partial = stepLoop.getResult(i * kWaveTilesN + j);
            for (int64_t half = 0; half < 2; ++half)
              total = addScaledRow(sb, total, partial, half, scale);
          }
        }
        llvm::append_range(totals, stepLoop.getResults().drop_front(numAcc));
        llvm::append_range(totals, next);
        scf::YieldOp::create(sb, totals);
      });

  // The results (f32 partials, or out without a split): C rows g and g + 8,
  // columns 2t and 2t + 1; rows past M and column tiles past N are dropped.
  Value tilesN = cIndex(b, n / kFragmentBlockN);
  for (int64_t i = 0; i < tilesM(); ++i) {
    for (int64_t j = 0; j < kWaveTilesN; ++j) {
      Value storeTile = lane.storeTiles[j / kFragmentsPerTile];
      Value column = arith::AddIOp::create(
          b, arith::MulIOp::create(b, storeTile, cIndex(b, kFragmentBlockN)),
          lane.cColumns[j]);
      Value acc = segmentLoop.getResult(i * kWaveTilesN + j);
      for (int64_t half = 0; half < 2; ++half) {
        Value row = arith::AddIOp::create(
            b, lane.firstRow,
            arith::AddIOp::create(b, lane.group,
                                  cIndex(b, i * kMmaM + half * kRowHalf)));
        Value inside = arith::AndIOp::create(
            b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, args.m),
            arith::CmpIOp::create(b, arith::CmpIPredicate::ult, storeTile,
                                  tilesN));
        Value values = vector::ExtractOp::create(b, acc, half);
        scf::IfOp::create(b, inside, [&](OpBuilder &nested, Location loc) {
          ImplicitLocOpBuilder tb(loc, nested);
          storeResult(tb, values, lane.split, row, column, args);
          scf::YieldOp::create(tb);
        });
      }
    }
  }
}

std::unique_ptr<SplitKLowering>
gpukernels::createMmaSyncLowering(MatmulOp op, TilingAttr tiling,
                                  gpu::GPUModuleOp kernels, StringRef name,
                                  const TargetInfo &target) {
  return std::make_unique<MmaSyncLowering>(op, tiling, kernels, name, target);
}
