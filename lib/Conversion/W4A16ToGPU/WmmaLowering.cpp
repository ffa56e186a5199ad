//===- WmmaLowering.cpp - The gfx11 WMMA kernels (small batch, prefill) ---===//
//
// Both WMMA strategies compute a workgroup tile of tile_m x tile_n outputs;
// each wave owns 32 columns (two 16-column B fragments) and waveRows rows
// (one or more 16-row A fragments), so every A fragment feeds two WMMAs and
// every B fragment feeds all of the wave's A fragments.
//   - B: the fragment layout (Support/Repack.h) gives each lane its column's
//     32 K in one 16-byte load; lanes 16-31 load the same words (the gfx11
//     duplication). Dequant in registers, exact: f16 (0x6400 | q) - (1024 + z)
//     and, for nibbles in bits 4..7, (0x6400 | 16q) * 1/16 - (64 + z); bf16
//     (no packed bf16 arithmetic on gfx11) keeps 128 + q and subtracts
//     (128 + z) * sum(a) per group in f32, the sum coming from one WMMA of A
//     against ones.
//   - small_batch reads A fragments straight from global memory; prefill
//     stages the workgroup's A chunk in LDS, double buffered, with the next
//     chunk's global loads in flight during the WMMAs.
//   - Each group (or split, whichever is shorter) accumulates in f32 from
//     zero, then the group's f32 scale multiplies it into the total: scales
//     and zeros are read once per group and column, never folded into a
//     rounded weight. f32 partials go to the split-K workspace.
// Every lane -> (row, column) coordinate comes from Target/WmmaLayout.h.
//
//===----------------------------------------------------------------------===//

#include "MatrixLowering.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Support/Repack.h"
#include "w4a16/Target/WmmaLayout.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {

constexpr int64_t kTile = gfx11::kWmmaSize;
/// 16-column B fragments per wave, one per fragment-layout column tile.
constexpr int64_t kWaveTilesN = 2;
static_assert(kTile == ::w4a16::kFragmentBlockN,
              "a B fragment is one fragment-layout column tile");
/// K steps of one fragment-layout block (one 16-byte load per lane and
/// column).
constexpr int64_t kStepsPerBlock = ::w4a16::kFragmentBlockK / kTile;
constexpr uint64_t kLoadAlignment = 16;

class WmmaLowering : public MatrixLowering {
public:
  using MatrixLowering::MatrixLowering;

protected:
  LogicalResult checkSupported() override;
  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  bool isBf16() const { return activation.isBF16(); }
  int64_t tilesM() const { return waveRows() / kTile; }

  /// Per-lane state shared by the loop body builders.
  struct Lane : WaveOrigin {
    explicit Lane(const WaveOrigin &origin) : WaveOrigin(origin) {}
    /// First row of each of the wave's A fragments, per lane (clamped).
    SmallVector<Value> aRows;
    /// The lane's B column in each fragment (clamped, for scales/zeros).
    SmallVector<Value> columns;
    /// The lane's row in an A fragment.
    Value laneRow;
    /// First of the lane's words in a fragment-layout block row.
    Value wordOffset;
  };

  SmallVector<Value> dequantBlock(ImplicitLocOpBuilder &b, Value words,
                                  Value lowAddend, Value highAddend);
  /// The zero terms of dequantBlock for a zero point (vector<1xi32>).
  std::pair<Value, Value> getZeroTerms(ImplicitLocOpBuilder &b,
                                       Value zeroPoint);
  Value wmma(ImplicitLocOpBuilder &b, Value a, Value bFragment, Value acc);
  /// A fragment (lane's row, 16 K from `kOffset`) of A tile `i`.
  Value loadA(ImplicitLocOpBuilder &b, const Lane &lane, Value x, Value stage,
              Value buffer, int64_t i, Value kOffset);
  /// This thread's share of the A chunk (K rows 32 chunk ..) for the stage.
  SmallVector<Value> loadChunk(ImplicitLocOpBuilder &b, const Lane &lane,
                               Value x, Value chunk);
  void buildBlock(ImplicitLocOpBuilder &b, const Lane &lane,
                  const MainKernelArgs &args, Value stage, Value blockIndex,
                  Value firstBlock, Value lastBlock,
                  ArrayRef<std::pair<Value, Value>> zeroTerms,
                  SmallVectorImpl<Value> &accs, SmallVectorImpl<Value> &sums,
                  SmallVectorImpl<Value> &staged);
};

} // namespace

LogicalResult WmmaLowering::checkSupported() {
  StringRef strategy = stringifyTilingStrategy(tiling.getStrategy());
  if (target.mmaFamily != MmaFamily::Gfx11Wmma || target.mmaM != kTile ||
      target.mmaN != kTile || target.mmaK != kTile)
    return op.emitOpError() << "the " << strategy
                            << " kernels need the gfx11 16x16x16 WMMA, which "
                            << target.chip << " does not have";
  return MatrixLowering::checkSupported();
}

Value WmmaLowering::wmma(ImplicitLocOpBuilder &b, Value a, Value bFragment,
                         Value acc) {
  return amdgpu::WMMAOp::create(b, acc.getType(), kTile, kTile, kTile, a,
                                bFragment, acc);
}

/// For f16, the -(1024 + z) addend of nibbles in bits 0..3 and the -(64 + z)
/// addend of nibbles in bits 4..7 (after the 1/16 scaling), as splats over
/// the 8 halves of a dequantized 4-word load; bf16 returns the f32
/// (128 + z) that multiplies the group's sum(a) instead.
std::pair<Value, Value> WmmaLowering::getZeroTerms(ImplicitLocOpBuilder &b,
                                                   Value zeroPoint) {
  Type i32 = b.getI32Type();
  Value zero = vector::ExtractOp::create(b, zeroPoint, 0);
  MagicBias magic = getMagicBias(activation);
  if (isBf16()) {
    Value biased = arith::AddIOp::create(
        b, zero, arith::ConstantIntOp::create(b, i32, magic.bias));
    return {arith::UIToFPOp::create(b, b.getF32Type(), biased), Value()};
  }
  // Splat over the 8 halves of a 4-word load, so that the addition stays one
  // packed instruction.
  auto term = [&](bool inPlaceHigh) {
    return createNegatedZeroTerm(b, zero, activation, inPlaceHigh,
                                 ::w4a16::kFragmentWordsPerColumn);
  };
  return {term(/*inPlaceHigh=*/false), term(/*inPlaceHigh=*/true)};
}

/// Dequantizes the 4 words of a lane's 32-K block into the B fragments of
/// its two K steps (fragment s, element e = K row 16 s + e).
SmallVector<Value> WmmaLowering::dequantBlock(ImplicitLocOpBuilder &b,
                                              Value words, Value lowAddend,
                                              Value highAddend) {
  // Nibble pair p of a word holds K rows 2p, 2p + 1 (kFragmentNibbleOfRow):
  // pairs[p] has, for word t, row 8t + 2p at half 2t and 8t + 2p + 1 at
  // 2t + 1. f16 reads pairs 1 and 3 as 1024 + 16q in place (no shift),
  // scaled by 1/16 in the same packed FMA that subtracts 64 + z.
  SmallVector<Value> pairs = createBiasedNibblePairs(
      b, words, activation, /*oddPairsInPlace=*/!isBf16());
  if (!isBf16()) {
    // Packed FMAs (an f16 subtraction of a register operand is selected as
    // two 16-bit instructions on gfx11): (1024 + q) * 1 - (1024 + z) and
    // (1024 + 16q) / 16 - (64 + z), both exact.
    for (auto [p, pair] : llvm::enumerate(pairs)) {
      bool inPlaceHigh = p % 2 == 1;
      Value factor = arith::ConstantOp::create(
          b, DenseElementsAttr::get(
                 cast<VectorType>(pair.getType()),
                 b.getFloatAttr(activation, inPlaceHigh ? 1.0 / 16 : 1.0)));
      pair = vector::FMAOp::create(b, pair, factor,
                                   inPlaceHigh ? highAddend : lowAddend);
    }
  }
  Value low = vector::ShuffleOp::create(
      b, pairs[0], pairs[1], llvm::to_vector(llvm::seq<int64_t>(0, 16)));
  Value high = vector::ShuffleOp::create(
      b, pairs[2], pairs[3], llvm::to_vector(llvm::seq<int64_t>(0, 16)));
  // Element e of fragment s: word t = 2s + e / 8, pair p = e % 8 / 2, half
  // e % 2, at p * 8 + 2t + e % 2 of low ++ high.
  SmallVector<Value> fragments;
  for (int64_t step = 0; step < kStepsPerBlock; ++step) {
    SmallVector<int64_t> order;
    for (int64_t e = 0; e < kTile; ++e) {
      int64_t word = kStepsPerBlock * step + e / 8, pair = e % 8 / 2;
      order.push_back(pair * 8 + 2 * word + e % 2);
    }
    fragments.push_back(vector::ShuffleOp::create(b, low, high, order));
  }
  return fragments;
}

Value WmmaLowering::loadA(ImplicitLocOpBuilder &b, const Lane &lane, Value x,
                          Value stage, Value buffer, int64_t i, Value kOffset) {
  auto fragmentType = VectorType::get({gfx11::kOperandElements}, activation);
  if (!stage)
    return vector::LoadOp::create(
        b, fragmentType, x, ValueRange{lane.aRows[i], kOffset},
        /*nontemporal=*/false, llvm::Align(kLoadAlignment));
  // The stage holds the workgroup's rows; this wave's start at waveRow.
  Value stageRow = arith::AddIOp::create(
      b, lane.waveRow,
      arith::AddIOp::create(b, cIndex(b, i * kTile), lane.laneRow));
  return vector::LoadOp::create(
      b, fragmentType, stage, ValueRange{buffer, stageRow, kOffset},
      /*nontemporal=*/false, llvm::Align(kLoadAlignment));
}

SmallVector<Value> WmmaLowering::loadChunk(ImplicitLocOpBuilder &b,
                                           const Lane &lane, Value x,
                                           Value chunk) {
  Value kBase = arith::MulIOp::create(b, chunk, cIndex(b, kBlockK));
  return loadStage(
      b, lane.tid, lane.workgroupRow, lane.lastRow, x,
      [&](ImplicitLocOpBuilder &lb, Value unit) -> Value {
        return arith::AddIOp::create(
            lb, kBase,
            arith::MulIOp::create(lb, unit, cIndex(lb, kStageElements)));
      });
}

/// One fragment block (32 K) of the main loop: B fragments of the wave's
/// columns dequantized in registers, every A fragment times every B
/// fragment. Prefill first moves the A chunk of the next block (loaded one
/// block earlier) into the other LDS buffer and starts loading the one
/// after; the barrier at the end orders the buffers.
void WmmaLowering::buildBlock(
    ImplicitLocOpBuilder &b, const Lane &lane, const MainKernelArgs &args,
    Value stage, Value blockIndex, Value firstBlock, Value lastBlock,
    ArrayRef<std::pair<Value, Value>> zeroTerms, SmallVectorImpl<Value> &accs,
    SmallVectorImpl<Value> &sums, SmallVectorImpl<Value> &staged) {
  auto wordsType =
      VectorType::get({::w4a16::kFragmentWordsPerColumn}, b.getI32Type());
  auto fragmentType = VectorType::get({gfx11::kOperandElements}, activation);
  Value buffer;
  if (stage)
    buffer = advanceStage(b, lane.tid, stage, blockIndex, firstBlock, lastBlock,
                          staged, [&](ImplicitLocOpBuilder &lb, Value chunk) {
                            return loadChunk(lb, lane, args.x, chunk);
                          });
  SmallVector<SmallVector<Value>> fragments;
  for (int64_t j = 0; j < kWaveTilesN; ++j) {
    Value words = vector::LoadOp::create(
        b, wordsType, args.qweight,
        ValueRange{blockIndex, lane.nTiles[j], lane.wordOffset},
        /*nontemporal=*/false, llvm::Align(kLoadAlignment));
    fragments.push_back(
        dequantBlock(b, words, zeroTerms[j].first, zeroTerms[j].second));
  }
  Value ones;
  if (isBf16())
    ones = arith::ConstantOp::create(
        b, DenseElementsAttr::get(fragmentType, b.getFloatAttr(activation, 1)));
  Value kBase = arith::MulIOp::create(b, blockIndex, cIndex(b, kBlockK));
  for (int64_t step = 0; step < kStepsPerBlock; ++step) {
    Value kOffset =
        stage ? cIndex(b, step * kTile)
              : arith::AddIOp::create(b, kBase, cIndex(b, step * kTile));
    for (int64_t i = 0; i < tilesM(); ++i) {
      Value a = loadA(b, lane, args.x, stage, buffer, i, kOffset);
      for (int64_t j = 0; j < kWaveTilesN; ++j)
        accs[i * kWaveTilesN + j] =
            wmma(b, a, fragments[j][step], accs[i * kWaveTilesN + j]);
      if (isBf16())
        sums[i] = wmma(b, a, ones, sums[i]);
    }
  }
  if (stage)
    gpu::BarrierOp::create(b);
}

void WmmaLowering::buildMainKernelBody(ImplicitLocOpBuilder &b,
                                       gpu::GPUFuncOp func,
                                       const MainKernelArgs &args) {
  MLIRContext *ctx = b.getContext();
  Lane lane(getWaveOrigin(b, args.m));

  auto [aRow, unusedK] = gfx11::emitCoordinates(
      b, b.getLoc(), gfx11::getAOperandMap(ctx), lane.lane, b.getIndexAttr(0));
  (void)unusedK;
  auto [unusedBK, bColumn] = gfx11::emitCoordinates(
      b, b.getLoc(), gfx11::getBOperandMap(ctx), lane.lane, b.getIndexAttr(0));
  (void)unusedBK;
  lane.laneRow = getValueOrCreateConstantIndexOp(b, b.getLoc(), aRow);
  Value laneColumn = getValueOrCreateConstantIndexOp(b, b.getLoc(), bColumn);
  lane.wordOffset = arith::MulIOp::create(
      b, laneColumn, cIndex(b, ::w4a16::kFragmentWordsPerColumn));
  for (int64_t i = 0; i < tilesM(); ++i)
    lane.aRows.push_back(createClampedRow(
        b,
        arith::AddIOp::create(
            b, lane.firstRow,
            arith::AddIOp::create(b, cIndex(b, i * kTile), lane.laneRow)),
        lane.lastRow));
  for (Value tile : lane.nTiles)
    lane.columns.push_back(arith::AddIOp::create(
        b, arith::MulIOp::create(b, tile, cIndex(b, kTile)), laneColumn));

  SmallVector<ZeroPointLocation> zeroLocations;
  for (Value column : lane.columns)
    zeroLocations.push_back(locateZeroPoints(b, column, 1));

  auto accType = VectorType::get({gfx11::kAccF32Elements}, b.getF32Type());
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  int64_t numAcc = tilesM() * kWaveTilesN;
  // Row sums of A (bf16 zero correction) per A tile, in the C layout.
  int64_t numSums = isBf16() ? tilesM() : 0;
  int64_t group = scheme.getEffectiveGroupSize(k);
  int64_t segments = kPerSplit() / segmentRows();
  int64_t blocksPerSegment = segmentRows() / kBlockK;
  int64_t blocksPerIteration = tiling.getTileK() / kBlockK;
  Value stage = getStage(func);
  Value splitBegin =
      arith::MulIOp::create(b, lane.split, cIndex(b, kPerSplit()));
  Value firstBlock = arith::DivUIOp::create(b, splitBegin, cIndex(b, kBlockK));
  Value lastBlock = cIndex(b, k / kBlockK - 1);

  SmallVector<Value> staged =
      startStage(b, lane.tid, stage, firstBlock, lastBlock,
                 [&](ImplicitLocOpBuilder &lb, Value chunk) {
                   return loadChunk(lb, lane, args.x, chunk);
                 });
  int64_t numStaged = staged.size();

  SmallVector<Value> outerInits(numAcc, zeroAcc);
  llvm::append_range(outerInits, staged);
  auto segmentLoop = scf::ForOp::create(
      b, cIndex(b, 0), cIndex(b, segments), cIndex(b, 1), outerInits,
      [&](OpBuilder &nested, Location loc, Value segment, ValueRange outer) {
        ImplicitLocOpBuilder sb(loc, nested);
        Value segmentBlock = arith::AddIOp::create(
            sb, firstBlock,
            arith::MulIOp::create(sb, segment, cIndex(sb, blocksPerSegment)));
        Value groupIndex = arith::DivUIOp::create(
            sb, arith::MulIOp::create(sb, segmentBlock, cIndex(sb, kBlockK)),
            cIndex(sb, group));
        SmallVector<std::pair<Value, Value>> zeroTerms;
        for (int64_t j = 0; j < kWaveTilesN; ++j)
          zeroTerms.push_back(
              getZeroTerms(sb, loadZeroPoints(sb, args.zeros, groupIndex,
                                              zeroLocations[j])));

        auto blockLoop = buildGroupedLoop(
            sb, blocksPerSegment, blocksPerIteration,
            {SmallVector<Value>(numAcc, zeroAcc),
             SmallVector<Value>(numSums, zeroAcc),
             SmallVector<Value>(outer.drop_front(numAcc))},
            [&](ImplicitLocOpBuilder &lb, Value inSegment,
                MutableArrayRef<SmallVector<Value>> carried) {
              // tile_k / 32 fragment blocks per iteration, unrolled.
              for (int64_t u = 0; u < blocksPerIteration; ++u) {
                Value blockIndex = arith::AddIOp::create(
                    lb, segmentBlock,
                    arith::AddIOp::create(lb, inSegment, cIndex(lb, u)));
                buildBlock(lb, lane, args, stage, blockIndex, firstBlock,
                           lastBlock, zeroTerms, carried[0], carried[1],
                           carried[2]);
              }
            });

        // The group's f32 scale (and, for bf16, its zero correction).
        SmallVector<Value> totals(outer.take_front(numAcc));
        for (int64_t j = 0; j < kWaveTilesN; ++j) {
          Value scale = memref::LoadOp::create(
              sb, args.scales, ValueRange{groupIndex, lane.columns[j]});
          scale = vector::BroadcastOp::create(
              sb, accType, arith::ExtFOp::create(sb, sb.getF32Type(), scale));
          for (int64_t i = 0; i < tilesM(); ++i) {
            Value partial = blockLoop.getResult(i * kWaveTilesN + j);
            if (isBf16())
              partial = vector::FMAOp::create(
                  sb,
                  vector::BroadcastOp::create(
                      sb, accType,
                      arith::NegFOp::create(sb, zeroTerms[j].first)),
                  blockLoop.getResult(numAcc + i), partial);
            totals[i * kWaveTilesN + j] = vector::FMAOp::create(
                sb, partial, scale, totals[i * kWaveTilesN + j]);
          }
        }
        llvm::append_range(totals, blockLoop.getResults().take_back(numStaged));
        scf::YieldOp::create(sb, totals);
      });

  // The results (f32 partials, or out without a split); rows past M and
  // columns past N are dropped.
  for (int64_t i = 0; i < tilesM(); ++i)
    for (int64_t j = 0; j < kWaveTilesN; ++j)
      storeAccumulatorTile(
          b, segmentLoop.getResult(i * kWaveTilesN + j), /*firstValue=*/0,
          lane.lane,
          arith::AddIOp::create(b, lane.firstRow, cIndex(b, i * kTile)),
          arith::MulIOp::create(b, lane.storeTiles[j], cIndex(b, kTile)),
          lane.split, args);
}

std::unique_ptr<SplitKLowering>
gpukernels::createWmmaLowering(MatmulOp op, TilingAttr tiling,
                               gpu::GPUModuleOp kernels, StringRef name,
                               const TargetInfo &target) {
  return std::make_unique<WmmaLowering>(op, tiling, kernels, name, target);
}
