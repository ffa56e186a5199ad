//===- DecodeLowering.cpp - The decode (dot2 GEMV) kernel -----------------===//
//
// The decode kernel (M <= 8) reads each packed row once with 16-byte loads
// (4 columns x 8 K per lane). Each wave walks contiguous segments of rows
// that lie inside one group, so the scales and zeros are read, and applied,
// once per segment, using
//   sum_k (q - z) s x = s (sum_k (bias + q) x - sum_k (bias + z) x).
// The first sum is v_dot2 on the magic-number weights (0x6400 | q is
// 1024 + q in f16, 0x4300 | q is 128 + q in bf16) with no per-weight float
// math; in f16 the odd nibbles are read in place as 1024 + 16 q (mask
// 0x00F000F0), so one shift serves two pairs, and their chain is divided by
// 16 (exact) at the segment's end. The second sum is a dot2 of the
// activations with constants, shared by the columns. The products are exact
// and every sum is f32, so the only rounding beyond the reference's is that
// of the biased f32 sums (about log2(bias) bits of the 24, far below the
// output's). Waves are reduced through LDS into f32 split-K partials.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Support/PackedFormat.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {

using ::w4a16::kColumnsPerLoad;
constexpr int64_t kRowsPerWord = ::w4a16::kValuesPerWord;

StringRef getDot2Intrinsic(Type activation) {
  return activation.isF16() ? "llvm.amdgcn.fdot2"
                            : "llvm.amdgcn.fdot2.f32.bf16";
}

class DecodeLowering : public DecodeKernelLowering {
public:
  using DecodeKernelLowering::DecodeKernelLowering;

protected:
  bool supportsFloatZeros() const override { return true; }

  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  /// f16 reads the odd pairs in place as bias + 16 q; bf16's 7-bit mantissa
  /// has no room for 16 q, so there every pair is shifted down.
  bool readsTimes16(int64_t pair) const {
    return activation.isF16() && pair % 2 == 1;
  }
  /// A group's loads for the lane's 4 columns: the scales, then the float
  /// zero points or the packed zero-point word (if any).
  SmallVector<Value> loadGroup(ImplicitLocOpBuilder &b, Value group,
                               Value column, const ZeroPointLocation &location,
                               const MainKernelArgs &args);
  /// The zero points of the 4 columns as f32 from loadGroup's values.
  Value getZeros(ImplicitLocOpBuilder &b, ValueRange loaded,
                 const ZeroPointLocation &location);
  Value dot2(ImplicitLocOpBuilder &b, Value x, Value w, Value acc);
};

} // namespace

SmallVector<Value> DecodeLowering::loadGroup(ImplicitLocOpBuilder &b,
                                             Value group, Value column,
                                             const ZeroPointLocation &location,
                                             const MainKernelArgs &args) {
  auto scalesType = VectorType::get({kColumnsPerLoad},
                                    op.getScales().getType().getElementType());
  SmallVector<Value> loaded = {
      loadColumns(b, scalesType, args.scales, group, column)};
  if (scheme.getZeroPoint() == ZeroPointKind::Float)
    loaded.push_back(loadColumns(
        b,
        VectorType::get(
            {kColumnsPerLoad},
            cast<MemRefType>(args.zeros.getType()).getElementType()),
        args.zeros, group, column));
  else if (Value word = loadZeroWord(b, args.zeros, group, location))
    loaded.push_back(word);
  return loaded;
}

Value DecodeLowering::getZeros(ImplicitLocOpBuilder &b, ValueRange loaded,
                               const ZeroPointLocation &location) {
  auto zerosType = VectorType::get({kColumnsPerLoad}, b.getF32Type());
  if (scheme.getZeroPoint() == ZeroPointKind::Float)
    return loaded[1].getType() == zerosType
               ? loaded[1]
               : arith::ExtFOp::create(b, zerosType, loaded[1]);
  return arith::UIToFPOp::create(
      b, zerosType,
      unpackZeroPoints(b, loaded.size() > 1 ? loaded[1] : Value(), location));
}

Value DecodeLowering::dot2(ImplicitLocOpBuilder &b, Value x, Value w,
                           Value acc) {
  Value noClamp =
      LLVM::ConstantOp::create(b, b.getI1Type(), b.getBoolAttr(false));
  return LLVM::CallIntrinsicOp::create(
             b, b.getF32Type(), b.getStringAttr(getDot2Intrinsic(activation)),
             ValueRange{x, w, acc, noClamp})
      .getResult(0);
}

void DecodeLowering::buildMainKernelBody(ImplicitLocOpBuilder &b,
                                         gpu::GPUFuncOp func,
                                         const MainKernelArgs &args) {
  int64_t tileM = tiling.getTileM(), tileN = tiling.getTileN();
  Value x = args.x, qweight = args.qweight, m = args.m;
  Value lds = func.getWorkgroupAttributions().front();

  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value wave = arith::DivUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value tileIndex = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  Value laneColumn = arith::MulIOp::create(b, lane, cIndex(b, kColumnsPerLoad));
  Value column = arith::AddIOp::create(
      b, arith::MulIOp::create(b, tileIndex, cIndex(b, tileN)), laneColumn);
  Value tileRowBegin = getTileRowBegin(b);
  Value lastRow = arith::SubIOp::create(b, m, cIndex(b, 1));
  ZeroPointLocation zeroLocation = locateZeroPoints(b, column, kColumnsPerLoad);
  Value noL1Base = getNoL1WeightBase(
      b, qweight, getPackedByteOffset(rowsPerIteration() - 1, 0));

  Type f32 = b.getF32Type();
  auto accType = VectorType::get({kColumnsPerLoad}, f32);
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  auto pairType = VectorType::get({2}, activation);
  auto rowType = VectorType::get({kRowsPerWord}, activation);
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  Value zeroSum = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
  MagicBias magic = getMagicBias(activation);
  Value ones = arith::ConstantOp::create(
      b, DenseElementsAttr::get(pairType, b.getFloatAttr(activation, 1)));
  // The pair classes: bias + q, and (f16) bias + 16 q.
  int64_t classes = activation.isF16() ? 2 : 1;

  // Per output row of the tile and pair class, the running sums of one
  // segment: the dot2 chains of the 4 columns and the activation sum.
  SmallVector<Value> segmentInits;
  for (int64_t i = 0; i < tileM * classes; ++i)
    segmentInits.append({zeroAcc, zeroSum});

  SmallVector<Value> inits(tileM, zeroAcc);
  SmallVector<Value> segmentTotals = buildSegmentLoop(
      b, inits,
      [&](ImplicitLocOpBuilder &gb, Value group) {
        return loadGroup(gb, group, column, zeroLocation, args);
      },
      [&](ImplicitLocOpBuilder &sb, Value segmentBegin, ValueRange loaded,
          ValueRange accs) {
        Value scaleVec = loaded[0];
        if (scaleVec.getType() != accType)
          scaleVec = arith::ExtFOp::create(sb, accType, scaleVec);
        Value zeroVec = getZeros(sb, loaded, zeroLocation);

        int64_t rows = rowsPerIteration();
        scf::ForOp rowLoop = buildRowLoop(
            sb, segmentBegin, segmentInits,
            [&](ImplicitLocOpBuilder &lb, Value firstRow,
                ValueRange iterationSums) {
              // Every row's weights are in flight before the first is used.
              SmallVector<Value> rowWords;
              Value rowAddress =
                  noL1Base ? getNoL1Address(lb, noL1Base, firstRow, column)
                           : Value();
              for (int64_t r = 0; r < rows; ++r)
                rowWords.push_back(
                    rowAddress
                        ? loadNoL1Words(lb, rowAddress,
                                        getPackedByteOffset(r, 0))
                        : loadColumns(lb, wordsType, qweight,
                                      r == 0 ? firstRow
                                             : arith::AddIOp::create(
                                                   lb, firstRow, cIndex(lb, r)),
                                      column));
              SmallVector<Value> sums(iterationSums);
              for (int64_t r = 0; r < rows; ++r) {
                Value row =
                    r == 0 ? firstRow
                           : arith::AddIOp::create(lb, firstRow, cIndex(lb, r));
                Value words = rowWords[r];
                // Pair j of every word as (bias + q_j, bias + q_{j+4}), or
                // bias + 16 q for the pairs read in place one nibble up.
                SmallVector<Value> weightPairs = createBiasedNibblePairs(
                    lb, words, activation,
                    /*oddPairsInPlace=*/activation.isF16());
                Value kOffset =
                    arith::MulIOp::create(lb, row, cIndex(lb, kRowsPerWord));
                SmallVector<Value> results;
                for (int64_t mi = 0; mi < tileM; ++mi) {
                  // Rows past M re-read the last row; their results are
                  // dropped. 16 bytes at a multiple of 8 elements: aligned, so
                  // a uniform row is a scalar load.
                  Value xRow = createClampedRow(
                      lb,
                      arith::AddIOp::create(lb, tileRowBegin, cIndex(lb, mi)),
                      lastRow);
                  Value xv = vector::LoadOp::create(
                      lb, rowType, x, ValueRange{xRow, kOffset},
                      /*nontemporal=*/false, llvm::Align(16));
                  SmallVector<Value> rowSums(
                      ArrayRef(sums).slice(2 * classes * mi, 2 * classes));
                  for (int64_t j = 0; j < kGptqPairsPerWord; ++j) {
                    Value xPair = vector::ShuffleOp::create(
                        lb, xv, xv,
                        ArrayRef<int64_t>{j, j + kGptqPairsPerWord});
                    int64_t pairClass = readsTimes16(j) ? 1 : 0;
                    Value &chain = rowSums[2 * pairClass];
                    for (int64_t c = 0; c < kColumnsPerLoad; ++c) {
                      Value w = vector::ShuffleOp::create(
                          lb, weightPairs[j], weightPairs[j],
                          ArrayRef<int64_t>{2 * c, 2 * c + 1});
                      Value acc = vector::ExtractOp::create(lb, chain, c);
                      chain = vector::InsertOp::create(
                          lb, dot2(lb, xPair, w, acc), chain, c);
                    }
                    Value &xSum = rowSums[2 * pairClass + 1];
                    xSum = dot2(lb, xPair, ones, xSum);
                  }
                  results.append(rowSums);
                }
                sums = results;
              }
              scf::YieldOp::create(lb, sums);
            });

        // s (sum (bias + q) x - sum (bias + z) x), in f32; the bias + 16 q
        // class is scaled back by 1/16 (exact).
        auto splat = [&](double value) -> Value {
          return arith::ConstantOp::create(
              sb, DenseElementsAttr::get(accType, sb.getF32FloatAttr(value)));
        };
        SmallVector<Value> results;
        for (int64_t mi = 0; mi < tileM; ++mi) {
          Value dots, correction;
          for (int64_t pairClass = 0; pairClass < classes; ++pairClass) {
            int64_t sumIndex = 2 * (classes * mi + pairClass);
            Value chain = rowLoop.getResult(sumIndex);
            // (bias + z) sum x, with this class's bias.
            Value biasedZeros = arith::AddFOp::create(
                sb, zeroVec,
                splat(pairClass == 0 ? magic.bias : magic.bias / 16));
            Value classCorrection = arith::MulFOp::create(
                sb, biasedZeros,
                vector::BroadcastOp::create(sb, accType,
                                            rowLoop.getResult(sumIndex + 1)));
            if (pairClass == 0) {
              dots = chain;
              correction = classCorrection;
              continue;
            }
            dots = vector::FMAOp::create(sb, chain, splat(1.0 / 16), dots);
            correction = arith::AddFOp::create(sb, correction, classCorrection);
          }
          results.push_back(vector::FMAOp::create(
              sb, arith::SubFOp::create(sb, dots, correction), scaleVec,
              accs[mi]));
        }
        return results;
      });

  storeWorkgroupSum(b, lds, segmentTotals, wave, laneColumn,
                    arith::MulIOp::create(b, tileIndex, cIndex(b, tileN)),
                    tileRowBegin, split, args);
}

std::unique_ptr<SplitKLowering>
gpukernels::createDecodeLowering(MatmulOp op, TilingAttr tiling,
                                 gpu::GPUModuleOp kernels, StringRef name,
                                 const TargetInfo &target) {
  return std::make_unique<DecodeLowering>(op, tiling, kernels, name, target);
}
