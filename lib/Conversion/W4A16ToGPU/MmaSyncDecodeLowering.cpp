//===- MmaSyncDecodeLowering.cpp - Decode on NVIDIA mma.sync, weights as A ===//
//
// Decode tilings (M <= 8) with decode_kernel = matrix, on chips whose matrix
// instruction is PTX mma.sync m16n8k16. The weights are the A operand: 16
// output columns per MMA, and the M <= 8 activation rows are B's 8 columns,
// so no MMA row is wasted on rows past M. On the H100 the dot2 decode kernel
// (DecodeLowering, dot2 emulated as f32 FMAs) spends about 3 instructions per
// weight at M = 1 and one more per extra row; here a word of 8 weights costs 4
// shifts and masks, 4 packed FMAs and half an MMA, whatever M.
//
// Lane mapping (lane 4g + t; MmaSync.h). Each warp walks K in chunks of 4
// packed rows (32 K): lane t reads packed row 4c + t of chunk c, so its A
// elements are the nibbles of its own words and its B elements its own
// activations (the K permutation is free). A warp's columns come in blocks
// of 64: A rows g and g + 8 of MMA (block, a) are columns 4g + a and
// 32 + 4g + a of the block, so a lane reads its words of both rows with two
// 16-byte loads (4 columns each) per block and chunk, as qweight holds them
// (gptq layout, no repacking). Of word w's nibble pairs j (K rows j, j + 4),
// MMA half h takes pairs 2h (K slots 2t, 2t + 1) and 2h + 1 (2t + 8, 2t + 9);
// B holds the same rows of activation row g. C row g / g + 8 of column 2t + e
// is output column 4g + a / 32 + 4g + a of row 2t + e.
//
// Dequant and scaling as in the small-batch kernel: A is (bias + q) - (bias +
// z), exact; each segment (DecodeLowering's: a group, or part of one, walked
// by one warp) accumulates in f32 from zero and its f32 scale multiplies it
// into the total. The waves' totals are summed through LDS into the split-K
// partials, as in DecodeLowering.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "MmaSync.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {

using ::w4a16::kColumnsPerLoad;
using ::w4a16::kValuesPerWord;
/// Columns of a block: A rows g and g + 8 of its MMAs, 4 columns apart per g.
constexpr int64_t kBlockColumns = 2 * kRowHalf * kColumnsPerLoad;
/// Packed rows of a chunk: one per lane t.
constexpr int64_t kChunkRows = kLanesPerColumn;
static_assert(kChunkRows * kValuesPerWord == 2 * kMmaK,
              "a chunk is two MMAs deep, as the tiler sizes it "
              "(TileMatmul.cpp, getMatrixDecodeChunkK)");

class MmaSyncDecodeLowering : public DecodeKernelLowering {
public:
  using DecodeKernelLowering::DecodeKernelLowering;

protected:
  std::string getKernelName() const override {
    return "the matrix decode kernel";
  }
  LogicalResult checkSupported() override;
  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  int64_t blocks() const { return tiling.getTileN() / kBlockColumns; }
};

} // namespace

LogicalResult MmaSyncDecodeLowering::checkSupported() {
  // The tiling's verifier has checked the chip and tile_m against the
  // target's facts; these are the kernel's own.
  if (target.mmaFamily != MmaFamily::NvidiaMmaSync || target.mmaM != kMmaM ||
      target.mmaN != kMmaN || target.mmaK != kMmaK)
    return op.emitOpError()
           << getKernelName() << " needs mma.sync m16n8k16, which "
           << target.chip << " does not have";
  if (failed(DecodeKernelLowering::checkSupported()))
    return failure();
  if (tiling.getTileN() % kBlockColumns != 0)
    return op.emitOpError()
           << "matrix decode tile_n = " << tiling.getTileN()
           << " must be whole blocks of " << kBlockColumns
           << " columns (A rows g and g + 8 of a lane's two 16-byte loads)";
  // Segments of whole iterations are DecodeKernelLowering's check.
  int64_t chunkK = kChunkRows * kValuesPerWord;
  if (tiling.getTileK() % (waves * chunkK) != 0)
    return op.emitOpError()
           << "matrix decode tile_k = " << tiling.getTileK()
           << " must be whole " << chunkK << "-K chunks per warp (a multiple "
           << "of " << waves * chunkK << ")";
  return success();
}

void MmaSyncDecodeLowering::buildMainKernelBody(ImplicitLocOpBuilder &b,
                                                gpu::GPUFuncOp func,
                                                const MainKernelArgs &args) {
  int64_t tileM = tiling.getTileM();
  Value lds = func.getWorkgroupAttributions().front();
  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value wave = arith::DivUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value group = arith::DivUIOp::create(b, lane, cIndex(b, kLanesPerColumn));
  Value quad = arith::RemUIOp::create(b, lane, cIndex(b, kLanesPerColumn));
  Value tileColumn =
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            cIndex(b, tiling.getTileN()));
  Value split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  Value tileRowBegin = getTileRowBegin(b);
  // B column g is activation row g of the tile.
  Value xRow =
      createClampedRow(b, arith::AddIOp::create(b, tileRowBegin, group),
                       arith::SubIOp::create(b, args.m, cIndex(b, 1)));

  // The lane's loads, block-major: block c, A rows g (half 0) and g + 8, at
  // these offsets from the lane's first column.
  SmallVector<int64_t> columnOffsets;
  for (int64_t c = 0; c < blocks(); ++c)
    for (int64_t half = 0; half < 2; ++half)
      columnOffsets.push_back(c * kBlockColumns +
                              half * kRowHalf * kColumnsPerLoad);
  SmallVector<Value> laneColumns, columns;
  SmallVector<ZeroPointLocation> zeroLocations;
  Value groupColumn =
      arith::MulIOp::create(b, group, cIndex(b, kColumnsPerLoad));
  for (int64_t columnOffset : columnOffsets) {
    Value laneColumn =
        arith::AddIOp::create(b, groupColumn, cIndex(b, columnOffset));
    laneColumns.push_back(laneColumn);
    columns.push_back(arith::AddIOp::create(b, tileColumn, laneColumn));
    zeroLocations.push_back(
        locateZeroPoints(b, columns.back(), kColumnsPerLoad));
  }
  // Past L1 (where the target asks for it), every load of an iteration is an
  // immediate offset from the address of its first chunk and column.
  int64_t chunks = rowsPerIteration() / kChunkRows;
  Value noL1Base = getNoL1WeightBase(
      b, args.qweight,
      getPackedByteOffset((chunks - 1) * kChunkRows, columnOffsets.back()));
  Value firstColumn = arith::AddIOp::create(b, tileColumn, groupColumn);

  Type f32 = b.getF32Type();
  auto accType = VectorType::get({2, 2}, f32);
  auto aType = VectorType::get({4, 2}, activation);
  auto bType = VectorType::get({2, 2}, activation);
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  auto rowType = VectorType::get({kValuesPerWord}, activation);
  auto scalesElement = op.getScales().getType().getElementType();
  auto scalesType = VectorType::get({kColumnsPerLoad}, scalesElement);
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  // One accumulator per block and column offset a.
  SmallVector<Value> zeroAccs(blocks() * kColumnsPerLoad, zeroAcc);

  // A group's loads: the scales of every weight load's 4 columns, then
  // their packed zero-point words (if any).
  auto loadGroup = [&](ImplicitLocOpBuilder &gb, Value group) {
    SmallVector<Value> loaded;
    for (Value column : columns)
      loaded.push_back(loadColumns(gb, scalesType, args.scales, group, column));
    for (const ZeroPointLocation &location : zeroLocations)
      if (Value word = loadZeroWord(gb, args.zeros, group, location))
        loaded.push_back(word);
    return loaded;
  };
  SmallVector<Value> segmentTotals = buildSegmentLoop(
      b, zeroAccs, loadGroup,
      [&](ImplicitLocOpBuilder &sb, Value segmentBegin, ValueRange loaded,
          ValueRange totals) {
        // Per load: its 4 columns' scales (f32) and zero terms.
        SmallVector<Value> scales;
        SmallVector<SmallVector<Value>> zeroTerms;
        for (auto [i, location] : llvm::enumerate(zeroLocations)) {
          scales.push_back(scalesElement.isF32()
                               ? loaded[i]
                               : arith::ExtFOp::create(
                                     sb,
                                     VectorType::get({kColumnsPerLoad}, f32),
                                     loaded[i]));
          size_t word = columns.size() + i;
          Value zeroPoints = unpackZeroPoints(
              sb, word < loaded.size() ? loaded[word] : Value(), location);
          SmallVector<Value> &terms = zeroTerms.emplace_back();
          for (int64_t a = 0; a < kColumnsPerLoad; ++a)
            terms.push_back(createNegatedZeroTerm(
                sb, vector::ExtractOp::create(sb, zeroPoints, a), activation,
                /*inPlaceHigh=*/false, /*words=*/1));
        }

        scf::ForOp rowLoop = buildRowLoop(
            sb, segmentBegin, zeroAccs,
            [&](ImplicitLocOpBuilder &lb, Value firstRow, ValueRange partials) {
              // Every chunk's words and activations are in flight before the
              // first MMA.
              SmallVector<SmallVector<Value>> words;
              SmallVector<Value> activations;
              Value noL1Address =
                  noL1Base ? getNoL1Address(
                                 lb, noL1Base,
                                 arith::AddIOp::create(lb, firstRow, quad),
                                 firstColumn)
                           : Value();
              for (int64_t chunk = 0; chunk < chunks; ++chunk) {
                Value row = arith::AddIOp::create(
                    lb, firstRow,
                    arith::AddIOp::create(lb, quad,
                                          cIndex(lb, chunk * kChunkRows)));
                SmallVector<Value> &chunkWords = words.emplace_back();
                for (auto [column, columnOffset] :
                     llvm::zip(columns, columnOffsets))
                  chunkWords.push_back(
                      noL1Address
                          ? loadNoL1Words(lb, noL1Address,
                                          getPackedByteOffset(
                                              chunk * kChunkRows, columnOffset))
                          : loadColumns(lb, wordsType, args.qweight, row,
                                        column));
                activations.push_back(vector::LoadOp::create(
                    lb, rowType, args.x,
                    ValueRange{xRow, arith::MulIOp::create(
                                         lb, row, cIndex(lb, kValuesPerWord))},
                    /*nontemporal=*/false, llvm::Align(16)));
              }
              SmallVector<Value> accs(partials);
              for (auto [chunkWords, xv] : llvm::zip(words, activations)) {
                // B pair j: activations j and j + 4 of the lane's word; MMA
                // half h takes pairs 2h and 2h + 1, for every column.
                SmallVector<Value> xPairs;
                for (int64_t j = 0; j < kGptqPairsPerWord; ++j)
                  xPairs.push_back(vector::ShuffleOp::create(
                      lb, xv, xv, ArrayRef<int64_t>{j, j + kGptqPairsPerWord}));
                std::array<Value, 2> bFragments;
                for (int64_t h = 0; h < 2; ++h)
                  bFragments[h] = buildFragment(
                      lb, bType, {xPairs[2 * h], xPairs[2 * h + 1]});
                for (int64_t c = 0; c < blocks(); ++c) {
                  for (int64_t a = 0; a < kColumnsPerLoad; ++a) {
                    std::array<SmallVector<Value>, 2> pairs;
                    for (int64_t half = 0; half < 2; ++half)
                      pairs[half] =
                          dequantWord(lb,
                                      vector::ExtractOp::create(
                                          lb, chunkWords[2 * c + half], a),
                                      zeroTerms[2 * c + half][a], activation);
                    Value &acc = accs[c * kColumnsPerLoad + a];
                    for (int64_t h = 0; h < 2; ++h) {
                      Value aFragment = buildFragment(
                          lb, aType,
                          {pairs[0][2 * h], pairs[1][2 * h],
                           pairs[0][2 * h + 1], pairs[1][2 * h + 1]});
                      acc = nvgpu::MmaSyncOp::create(
                          lb, aFragment, bFragments[h], acc,
                          ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK});
                    }
                  }
                }
              }
              scf::YieldOp::create(lb, accs);
            });

        // C row half of accumulator (c, a) is column a of load (c, half).
        SmallVector<Value> scaled;
        for (auto [i, total] : llvm::enumerate(totals)) {
          int64_t c = i / kColumnsPerLoad, a = i % kColumnsPerLoad;
          Value partial = rowLoop.getResult(i);
          Value result = total;
          for (int64_t half = 0; half < 2; ++half)
            result = addScaledRow(
                sb, result, partial, half,
                vector::BroadcastOp::create(
                    sb, VectorType::get({2}, f32),
                    vector::ExtractOp::create(sb, scales[2 * c + half], a)));
          scaled.push_back(result);
        }
        return scaled;
      });

  // The wave's totals into lds[wave, row 2t + e, column]: C column 2t + e of
  // row half of accumulator (c, a) is output column a of load (c, half).
  for (int64_t e = 0; e < 2; ++e) {
    Value row = arith::AddIOp::create(
        b, arith::MulIOp::create(b, quad, cIndex(b, 2)), cIndex(b, e));
    Value inTile = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row,
                                         cIndex(b, tileM));
    scf::IfOp::create(b, inTile, [&](OpBuilder &nested, Location loc) {
      ImplicitLocOpBuilder tb(loc, nested);
      for (auto [load, laneColumn] : llvm::enumerate(laneColumns)) {
        int64_t c = load / 2, half = load % 2;
        SmallVector<Value> values;
        for (int64_t a = 0; a < kColumnsPerLoad; ++a)
          values.push_back(vector::ExtractOp::create(
              tb, segmentTotals[c * kColumnsPerLoad + a],
              ArrayRef<int64_t>{half, e}));
        vector::StoreOp::create(
            tb,
            vector::FromElementsOp::create(
                tb, VectorType::get({kColumnsPerLoad}, f32), values),
            lds, ValueRange{wave, row, laneColumn});
      }
      scf::YieldOp::create(tb);
    });
  }
  sumWorkgroupPartials(b, lds, tileColumn, tileRowBegin, split, args);
}

std::unique_ptr<SplitKLowering> gpukernels::createMmaSyncDecodeLowering(
    MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels, StringRef name,
    const TargetInfo &target) {
  return std::make_unique<MmaSyncDecodeLowering>(op, tiling, kernels, name,
                                                 target);
}
