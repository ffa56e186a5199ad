//===- TileMatmul.cpp - Choose the GPU kernels of each w4a16.matmul -------===//
//
// The strategy follows shared/notes/rdna3.md: below ~8 rows the matrix
// instruction wastes most of its rows, so decode uses dot2 (NVIDIA, from
// 2 rows: mma.sync with the weights as A, whose rows are columns); up to 64
// rows B fragments are dequantized in registers and fed straight to the matrix
// instruction; beyond that A is shared through LDS. Decode and small batch
// are bound by reading the weights once, so they split K until the chip
// holds enough waves to saturate DRAM. Prefill is bound by arithmetic and
// splits K only when its row tiles leave compute units idle.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/BuiltinTypes.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"
#include "w4a16/Support/Repack.h"
#include "w4a16/Target/TargetInfo.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16TILEMATMULPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

constexpr int64_t kUnbounded = TilingAttr::kUnboundedM;
/// Fewest K rows a split keeps, so its main loop amortizes the reduction.
constexpr int64_t kMinRowsPerSplit = 256;
/// Fewest K rows a split keeps per row of M: its f32 partials' round trip
/// (written, then read by the reduction: 8 x split x M x N bytes) stays
/// within the packed weights' K x N / 2 bytes (H100, M = 32: 4096x4096 at
/// split 16 18.3 us vs 15.2 at 8).
constexpr int64_t kMinSplitRowsPerRow = 16;

/// The most rows one decode workgroup serves: the decode ranges' end.
constexpr int64_t kMaxDecodeRows = 8;

/// An inclusive range of M; `max == kUnbounded` has no upper end.
struct MRange {
  int64_t min, max;

  bool contains(int64_t m) const {
    return m >= min && (max == kUnbounded || m <= max);
  }
  std::optional<MRange> intersect(MRange other) const {
    int64_t lo = std::max(min, other.min);
    int64_t hi = max == kUnbounded         ? other.max
                 : other.max == kUnbounded ? max
                                           : std::min(max, other.max);
    if (hi != kUnbounded && hi < lo)
      return std::nullopt;
    return MRange{lo, hi};
  }
};

/// The M values each kernel serves. A strategy's range is cut where its
/// tile_m (and with it registers and work per row) steps up, so that under
/// run-time dispatch a small M does not run a kernel sized for a larger one;
/// prefill's where its row tiles (1, 2, 3+) change the split-K that fills
/// the chip.
constexpr std::pair<TilingStrategy, MRange> kStrategyRanges[] = {
    {TilingStrategy::Decode, {1, 1}},
    {TilingStrategy::Decode, {2, 2}},
    {TilingStrategy::Decode, {3, 4}},
    {TilingStrategy::Decode, {5, kMaxDecodeRows}},
    {TilingStrategy::SmallBatch, {9, 16}},
    {TilingStrategy::SmallBatch, {17, 32}},
    {TilingStrategy::SmallBatch, {33, 64}},
    {TilingStrategy::Prefill, {65, 128}},
    {TilingStrategy::Prefill, {129, 256}},
    {TilingStrategy::Prefill, {257, kUnbounded}},
};

/// What the choice depends on, besides the target.
struct Problem {
  int64_t n, k;
  /// K is split only at multiples of this many rows (a group, or a packed
  /// word for per-channel scales), so each split loads a group's scales once.
  int64_t splitUnitRows;
  /// Rows per group (K for per-channel scales).
  int64_t groupRows;
  int64_t splitUnits() const { return k / splitUnitRows; }
};

struct TileSizes {
  int64_t tileM, tileN, tileK, splitK, workgroupSize, ldsBytes;
  DecodeKernel decodeKernel;
};

/// LDS a strategy needs for given tiles: decode reduces f32 partials of all
/// waves; with staged operands, as many stages of the pipeline as fit (none
/// where two do not fit: small batch then loads into registers); otherwise
/// prefill double-buffers the A tile of one fragment-layout block of K
/// (2-byte elements) and small batch needs none.
int64_t ldsBytesFor(TilingStrategy strategy, const TileSizes &t,
                    const TargetInfo &target) {
  int64_t waves = t.workgroupSize / target.waveSize;
  if (strategy == TilingStrategy::Decode)
    return getDecodeLdsBytes(waves, t.tileM, t.tileN);
  if (target.stagesOperandSteps(t.tileK)) {
    int64_t stageBytes = getOperandStageBytes(waves, t.tileM, t.tileK);
    int64_t stages = std::min(target.operandCopyStages,
                              target.ldsBytesPerWorkgroup / stageBytes);
    return stages >= 2 ? stages * stageBytes : 0;
  }
  if (strategy == TilingStrategy::Prefill)
    return 2 * t.tileM * ::w4a16::kFragmentBlockK * 2;
  return 0;
}

/// The splits of K into whole units, ascending, each keeping
/// kMinRowsPerSplit rows (split 1 always).
SmallVector<int64_t> candidateSplits(const Problem &problem) {
  SmallVector<int64_t> splits = {1};
  for (int64_t split = 2; split <= problem.splitUnits(); ++split) {
    if (problem.k / split < kMinRowsPerSplit)
      break;
    if (problem.splitUnits() % split == 0)
      splits.push_back(split);
  }
  return splits;
}

/// The memory-bound kernels' split: the smallest that gives the chip
/// `wavesPerSimd` (the largest candidate when none does), among the splits
/// that keep kMinSplitRowsPerRow K rows per row of `maxRows` (past that the
/// partials, not the weights, are the traffic), and
/// TargetInfo::minSplitRowsPerRow once the grid holds a quarter of those
/// waves.
int64_t chooseSplitK(const Problem &problem, const TargetInfo &target,
                     int64_t workgroups, int64_t wavesPerWorkgroup,
                     int64_t wavesPerSimd, int64_t maxRows) {
  int64_t wanted = wavesPerSimd * target.numSimds();
  SmallVector<int64_t> splits = candidateSplits(problem);
  int64_t chosen = splits.front();
  auto exceeds = [&](int64_t rowsPerRow, int64_t split) {
    return split > 1 && rowsPerRow * split * maxRows > problem.k;
  };
  for (int64_t split : splits) {
    if (exceeds(kMinSplitRowsPerRow, split) ||
        (exceeds(target.minSplitRowsPerRow, split) &&
         4 * workgroups * chosen * wavesPerWorkgroup >= wanted))
      break;
    chosen = split;
    if (workgroups * split * wavesPerWorkgroup >= wanted)
      break;
  }
  return chosen;
}

/// Prefill's slots are the workgroups `wavesPerCU` waves per compute unit
/// make. A grid that fills these slots keeps split 1
/// (workspace traffic grows with split x M x N); a smaller one takes, among
/// the splits up to the first that fills them, the one with the fewest
/// rounds of workgroups per unit of K, the smaller split on ties.
int64_t choosePrefillSplitK(const Problem &problem, const TargetInfo &target,
                            int64_t workgroups, int64_t wavesPerWorkgroup,
                            int64_t wavesPerCU) {
  int64_t slots = target.computeUnits *
                  std::max<int64_t>(1, wavesPerCU / wavesPerWorkgroup);
  int64_t best = 1, bestRounds = llvm::divideCeil(workgroups, slots);
  for (int64_t split : candidateSplits(problem)) {
    int64_t rounds = llvm::divideCeil(workgroups * split, slots);
    if (rounds * best < bestRounds * split) {
      best = split;
      bestRounds = rounds;
    }
    if (workgroups * split >= slots)
      break;
  }
  return best;
}

/// K rows per main-loop iteration of the matrix kernels: up to `maxRows`
/// (at most 4 fragment blocks), unrolled, dividing the rows between two
/// scale applications (a group, or the split when it lies inside one group),
/// so that one iteration is the hot loop the static report reads.
int64_t chooseMatrixTileK(const Problem &problem, int64_t splitK,
                          int64_t maxRows) {
  int64_t block = ::w4a16::kFragmentBlockK;
  int64_t segment = getGroupSpanK(problem.groupRows, problem.k / splitK);
  // At most one 16-byte load of a column's words per lane and step.
  int64_t blocks =
      std::clamp<int64_t>(maxRows / block, 1, ::w4a16::kFragmentWordsPerColumn);
  while (blocks > 1 && segment % (blocks * block) != 0)
    blocks /= 2;
  return blocks * block;
}

/// Packed rows per decode wave and hot-loop iteration: the target's rows in
/// flight, halved until they divide the rows a wave walks with one group's
/// scales (a group, or the split when it lies inside one group) and every
/// wave of the workgroup has an iteration of the split's rows.
int64_t chooseDecodeRowsInFlight(const Problem &problem, int64_t splitK,
                                 int64_t waves, const TargetInfo &target) {
  int64_t splitRows = problem.k / splitK / ::w4a16::kValuesPerWord;
  int64_t segmentRows = getGroupSpanK(problem.groupRows, problem.k / splitK) /
                        ::w4a16::kValuesPerWord;
  int64_t rows = target.decodeRowsInFlight;
  while (rows > 1 && (segmentRows % rows != 0 || waves * rows > splitRows))
    rows /= 2;
  return rows;
}

/// K rows of one chunk of the matrix decode kernel (MmaSyncDecodeLowering.cpp):
/// a packed row per lane of an MMA row, two MMAs deep.
int64_t getMatrixDecodeChunkK(const TargetInfo &target) {
  return 2 * target.mmaK;
}

/// Whether the matrix decode kernel's chunks tile the group span of a split
/// of K into `splitK`.
bool spanHoldsMatrixDecodeChunks(const Problem &problem, int64_t splitK,
                                 const TargetInfo &target) {
  return getGroupSpanK(problem.groupRows, problem.k / splitK) %
             getMatrixDecodeChunkK(target) ==
         0;
}

/// `matrixDecode`: whether a decode range gets decode_kernel = matrix.
TileSizes chooseTiles(TilingStrategy strategy, MRange range,
                      const Problem &problem, const TargetInfo &target,
                      bool matrixDecode, bool stagedPrefill = false) {
  TileSizes t{};
  matrixDecode &= strategy == TilingStrategy::Decode;
  switch (strategy) {
  case TilingStrategy::Decode:
    // Past the decode ranges (weights without the fragment layout's shape)
    // rows take several row tiles.
    t.tileM = range.max == kUnbounded ? kMaxDecodeRows
                                      : std::min(range.max, kMaxDecodeRows);
    if (matrixDecode) {
      // 4 warps of 64 columns, one chunk per warp and iteration. H100, M =
      // 2 / 4 / 8: 8 warps ran 1.04 / 0.94 / 1.04x their time (geo-mean,
      // 0.78-1.15x per shape), and up to 1.10x the kernels they replaced
      // where 4 warps stayed within 1.03x ("Session 11" of
      // bench/results/decode-probe-H100-2026-11-24.md).
      t.decodeKernel = DecodeKernel::Matrix;
      t.tileN = 64;
      t.workgroupSize = 128;
      t.tileK =
          t.workgroupSize / target.waveSize * getMatrixDecodeChunkK(target);
      break;
    }
    // 32 lanes x 16-byte loads = 128 contiguous columns of one packed row;
    // the 8 waves of a workgroup take consecutive packed rows.
    t.tileN = target.dotDecodeTileN();
    t.workgroupSize = 256;
    t.tileK = t.workgroupSize / target.waveSize * ::w4a16::kValuesPerWord;
    break;
  case TilingStrategy::SmallBatch:
    // 4 waves of 32 columns: each A fragment feeds two matrix instructions.
    t.tileM = llvm::alignTo(range.max, target.mmaM);
    t.tileN = 128;
    t.tileK = 2 * target.mmaK;
    t.workgroupSize = 128;
    break;
  case TilingStrategy::Prefill:
    // Waves of 64 x 32 (8 accumulator tiles each), 4 across the columns and
    // as many down as the tile rows take: the target's rows in the last
    // (unbounded) prefill range and with staged operands, 128 in the
    // ranges that split K to fill the chip (TargetInfo::prefillTileM).
    t.tileM =
        stagedPrefill || range.min >= std::end(kStrategyRanges)[-1].second.min
            ? target.prefillTileM
            : 128;
    t.tileN = 128;
    t.tileK = 2 * target.mmaK;
    t.workgroupSize = t.tileM / 64 * 4 * target.waveSize;
    break;
  }
  // Split-K is sized for the range's smallest M: larger M only adds row
  // tiles. An unbounded range keeps split 1 (any M may come).
  int64_t workgroups = llvm::divideCeil(problem.n, t.tileN) *
                       llvm::divideCeil(range.min, t.tileM);
  if (range.max == kUnbounded)
    t.splitK = 1;
  else if (strategy != TilingStrategy::Prefill)
    t.splitK = chooseSplitK(
        problem, target, workgroups, t.workgroupSize / target.waveSize,
        strategy == TilingStrategy::SmallBatch && t.tileM == target.mmaM
            ? target.singleRowBlockWavesPerSimd
            : target.memoryBoundWavesPerSimd,
        range.max);
  else
    t.splitK = choosePrefillSplitK(
        problem, target, workgroups, t.workgroupSize / target.waveSize,
        stagedPrefill ? target.stagedPrefillWavesPerCU
                      : target.prefillWavesPerCU);
  if (strategy == TilingStrategy::Decode && !matrixDecode)
    t.tileK *= chooseDecodeRowsInFlight(
        problem, t.splitK, t.workgroupSize / target.waveSize, target);
  else if (strategy != TilingStrategy::Decode)
    // Small-batch steps all go through the operand pipeline where the
    // target has one (H100, G128: 64-row steps in stages ran 8-29% faster
    // than 128-row steps loaded into registers at M = 16 and 32).
    t.tileK = chooseMatrixTileK(
        problem, t.splitK,
        strategy == TilingStrategy::SmallBatch && target.operandCopyStages > 0
            ? target.maxStagedStepRows
            : ::w4a16::kFragmentBlockK * ::w4a16::kFragmentWordsPerColumn);
  // Steps that stage their operands take the target's prefill tile in every
  // prefill range (H100, G32, M = 128: 64 rows staged ran 7-41% faster than
  // 128 rows with A double-buffered; "Session 8" of
  // bench/results/decode-probe-H100-2026-11-24.md).
  if (strategy == TilingStrategy::Prefill && !stagedPrefill &&
      target.stagesOperandSteps(t.tileK))
    return chooseTiles(strategy, range, problem, target, matrixDecode,
                       /*stagedPrefill=*/true);
  return t;
}

/// M of the op as a range: static, or the hint, or everything.
FailureOr<MRange> getMRange(MatmulOp op, ArrayRef<int64_t> hint) {
  ArrayRef<int64_t> shape = op.getInput().getType().getShape().drop_back();
  if (!ShapedType::isDynamicShape(shape)) {
    int64_t m = ShapedType::getNumElements(shape);
    return MRange{m, m};
  }
  if (hint.empty())
    return MRange{1, kUnbounded};
  if (hint.size() != 2 || hint[0] < 1 ||
      (hint[1] != kUnbounded && hint[1] < hint[0]))
    return op.emitOpError("m-range must be 'min,max' with 1 <= min <= max "
                          "(max -1 = unbounded)");
  return MRange{hint[0], hint[1]};
}

/// Checks the parts of a tiling that depend on the op.
LogicalResult verifyTilingForOp(MatmulOp op, TilingAttr tiling,
                                const Problem &problem) {
  if (problem.splitUnits() % tiling.getSplitK() != 0)
    return op.emitOpError()
           << "split_k = " << tiling.getSplitK() << " does not divide the "
           << problem.splitUnits() << " K units of " << problem.splitUnitRows
           << " rows (K = " << problem.k
           << "); K is split only at group boundaries";
  return success();
}

struct TileMatmulPass
    : public mlir::w4a16::impl::W4A16TileMatmulPassBase<TileMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](MatmulOp op) {
      return failed(tileOp(op)) ? WalkResult::interrupt()
                                : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult tileOp(MatmulOp op) {
    // A matmul of no rows needs no kernel: it folds to its init.
    SmallVector<OpFoldResult> folded;
    if (succeeded(op->fold(folded)) && folded.size() == 1) {
      op.getResult().replaceAllUsesWith(cast<Value>(folded.front()));
      op.erase();
      return success();
    }
    auto target = lookupTarget(chipset);
    if (!target)
      return op.emitOpError() << llvm::toString(target.takeError());
    QuantSchemeAttr scheme = op.getScheme();
    Problem problem{op.getN(), op.getK(),
                    scheme.isPerChannel() ? ::w4a16::kValuesPerWord
                                          : scheme.getGroupSize(),
                    scheme.getEffectiveGroupSize(op.getK())};

    if (auto existing =
            op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName())) {
      for (Attribute attr : existing) {
        auto tiling = dyn_cast<TilingAttr>(attr);
        if (!tiling)
          return op.emitOpError() << TilingAttr::getOpAttrName()
                                  << " must hold #w4a16.tiling attributes";
        if (failed(verifyTilingForOp(op, tiling, problem)))
          return failure();
      }
      return success();
    }

    FailureOr<MRange> mRange = getMRange(op, this->mRange);
    if (failed(mRange))
      return failure();
    bool floatZeros = scheme.getZeroPoint() == ZeroPointKind::Float;
    // The matrix kernels read the fragment layout: weights of a shape it
    // does not cover are decoded at every M, past the decode ranges by one
    // kernel in row tiles.
    bool fragmentShape = ::w4a16::isFragmentLayoutShape(problem.k, problem.n);
    SmallVector<Attribute> tilings;
    for (auto [strategy, strategyRange] : kStrategyRanges) {
      bool decodesTheRest =
          !fragmentShape && strategy != TilingStrategy::Decode;
      if (decodesTheRest) {
        strategy = TilingStrategy::Decode;
        strategyRange.max = kUnbounded;
      }
      std::optional<MRange> range = mRange->intersect(strategyRange);
      if (!range)
        continue;
      bool matrixDecode =
          decodeKernel == DecodeKernelRequest::Matrix ||
          (decodeKernel == DecodeKernelRequest::Auto && !floatZeros &&
           target->decodesWithMatrixInstruction(range->min));
      if (strategy == TilingStrategy::Decode && matrixDecode && floatZeros)
        return op.emitOpError("decode-kernel=matrix: the matrix decode "
                              "kernel has no float zero points");
      TileSizes t =
          chooseTiles(strategy, *range, problem, *target, matrixDecode);
      // The matrix decode falls back to dot2 where a split's group span does
      // not hold whole chunks, unless it was asked for.
      if (t.decodeKernel == DecodeKernel::Matrix &&
          !spanHoldsMatrixDecodeChunks(problem, t.splitK, *target)) {
        if (decodeKernel == DecodeKernelRequest::Matrix)
          return op.emitOpError()
                 << "decode-kernel=matrix: the matrix decode kernel walks "
                 << getMatrixDecodeChunkK(*target)
                 << "-K chunks, which do not tile the "
                 << getGroupSpanK(problem.groupRows, problem.k / t.splitK)
                 << " K rows a split walks with one group's scales (split_k = "
                 << t.splitK << ")";
        t = chooseTiles(strategy, *range, problem, *target,
                        /*matrixDecode=*/false);
      }
      for (auto [override, size] :
           {std::make_pair(tileM.getValue(), &t.tileM),
            std::make_pair(tileN.getValue(), &t.tileN),
            std::make_pair(tileK.getValue(), &t.tileK),
            std::make_pair(splitK.getValue(), &t.splitK)})
        if (override != 0)
          *size = override;
      t.ldsBytes = ldsBytesFor(strategy, t, *target);
      auto tiling = TilingAttr::getChecked(
          [&] { return op.emitOpError(); }, op.getContext(), strategy,
          target->chip, range->min, range->max, t.tileM, t.tileN, t.tileK,
          t.splitK, t.workgroupSize, t.ldsBytes, t.decodeKernel);
      if (!tiling || failed(verifyTilingForOp(op, tiling, problem)))
        return failure();
      tilings.push_back(tiling);
      if (decodesTheRest)
        break;
    }
    op->setAttr(TilingAttr::getOpAttrName(),
                ArrayAttr::get(op.getContext(), tilings));
    return success();
  }
};

} // namespace
