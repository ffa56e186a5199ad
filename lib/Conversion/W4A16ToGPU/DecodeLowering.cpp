//===- DecodeLowering.cpp - The decode (dot2 GEMV) kernel -----------------===//
//
// The decode kernel (M <= 8) reads each packed row once with 16-byte loads
// (4 columns x 8 K per lane), dequantizes exactly in the activation type
// (0x6400 | q is 1024 + q in f16, 0x4300 | q is 128 + q in bf16; subtracting
// the equally biased zero gives the exact q - z), accumulates dot2 products
// in f32, applies the group scale in f32, reduces the waves of a workgroup
// through LDS and writes f32 split-K partials.
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

/// Columns (packed words) per 16-byte weight load.
constexpr int64_t kColumnsPerLoad = 4;
constexpr int64_t kRowsPerWord = ::w4a16::kValuesPerWord;

StringRef getDot2Intrinsic(Type activation) {
  return activation.isF16() ? "llvm.amdgcn.fdot2"
                            : "llvm.amdgcn.fdot2.f32.bf16";
}

class DecodeLowering : public SplitKLowering {
public:
  using SplitKLowering::SplitKLowering;

protected:
  LogicalResult checkSupported() override {
    if (failed(SplitKLowering::checkSupported()))
      return failure();
    if (tiling.getTileN() % (target.waveSize * kColumnsPerLoad) != 0)
      return op.emitOpError()
             << "decode tile_n = " << tiling.getTileN()
             << " must be a multiple of " << target.waveSize * kColumnsPerLoad
             << " (one 16-byte load per lane)";
    if (tiling.getTileK() != waves * kRowsPerWord)
      return op.emitOpError() << "decode tile_k = " << tiling.getTileK()
                              << " must be one packed row per wave ("
                              << waves * kRowsPerWord << ")";
    return success();
  }

  SmallVector<Type> getWorkgroupBuffers(Builder &b) override {
    return {getWorkgroupSumType(b)};
  }

  gpu::KernelDim3 getMainGrid(ImplicitLocOpBuilder &b, Value) override {
    int64_t tileN = tiling.getTileN();
    return {cIndex(b, (n + tileN - 1) / tileN), cIndex(b, tiling.getSplitK()),
            cIndex(b, 1)};
  }

  StringRef getKernelSuffix() const override { return "decode"; }

  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  Value dequantZeros(ImplicitLocOpBuilder &b, Value zeros, Value group,
                     Value column);
  Value dot2(ImplicitLocOpBuilder &b, Value x, Value w, Value acc);
};

} // namespace

/// Returns (biased zero of column c, same) for the 4 columns of a load as
/// vector<8 x activation>: packed zeros nibble-extracted, or the symmetric
/// zero 8, or 0.
Value DecodeLowering::dequantZeros(ImplicitLocOpBuilder &b, Value zeros,
                                   Value group, Value column) {
  MagicBias magic = getMagicBias(activation);
  auto pairType = VectorType::get({2 * kColumnsPerLoad}, activation);
  if (!zeros) {
    int64_t zero = scheme.getZeroPoint() == ZeroPointKind::Symmetric ? 8 : 0;
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(
               pairType, b.getFloatAttr(activation, magic.bias + zero)));
  }
  // Packed zeros: columns c..c+3 are nibbles c%8.. of word c/8 (c % 4 == 0).
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  Value lastWord = cIndex(b, n / kRowsPerWord - 1);
  Value wordIndex = arith::MinUIOp::create(
      b, arith::DivUIOp::create(b, column, cIndex(b, kRowsPerWord)), lastWord);
  Value word = memref::LoadOp::create(b, zeros, ValueRange{group, wordIndex});
  Value firstNibble = arith::IndexCastOp::create(
      b, b.getI32Type(),
      arith::RemUIOp::create(b, column, cIndex(b, kRowsPerWord)));
  Value shifts = arith::AddIOp::create(
      b, vector::BroadcastOp::create(b, wordsType, firstNibble),
      arith::ConstantOp::create(
          b, DenseElementsAttr::get(wordsType, ArrayRef<int32_t>{0, 1, 2, 3})));
  shifts = arith::MulIOp::create(b, shifts, splatI32(b, wordsType, 4));
  Value nibbles = arith::AndIOp::create(
      b,
      arith::ShRUIOp::create(b, vector::BroadcastOp::create(b, wordsType, word),
                             shifts),
      splatI32(b, wordsType, 0xF));
  if (scheme.getGptqV1())
    nibbles = arith::AddIOp::create(b, nibbles, splatI32(b, wordsType, 1));
  // Both halves of each word: (bias + z, bias + z), exact integers.
  Value pairs = arith::OrIOp::create(
      b, arith::MulIOp::create(b, nibbles, splatI32(b, wordsType, 0x10001)),
      splatI32(b, wordsType, magic.pairBits));
  return vector::BitCastOp::create(b, pairType, pairs);
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
  Value x = args.x, qweight = args.qweight, scales = args.scales,
        zeros = args.zeros, m = args.m;
  Value lds = func.getWorkgroupAttributions().front();

  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value wave = arith::DivUIOp::create(b, tid, cIndex(b, target.waveSize));
  Value tileIndex = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  Value laneColumn = arith::MulIOp::create(b, lane, cIndex(b, kColumnsPerLoad));
  Value column = arith::AddIOp::create(
      b, arith::MulIOp::create(b, tileIndex, cIndex(b, tileN)), laneColumn);
  int64_t rowsPerSplit = k / kRowsPerWord / tiling.getSplitK();
  Value splitBegin = arith::MulIOp::create(b, split, cIndex(b, rowsPerSplit));
  Value rowBegin = arith::AddIOp::create(b, splitBegin, wave);
  Value rowEnd = arith::AddIOp::create(b, splitBegin, cIndex(b, rowsPerSplit));
  Value lastRow = arith::SubIOp::create(b, m, cIndex(b, 1));

  auto accType = VectorType::get({kColumnsPerLoad}, b.getF32Type());
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  auto pairsType = VectorType::get({2 * kColumnsPerLoad}, activation);
  auto rowType = VectorType::get({kRowsPerWord}, activation);
  auto scalesElement = op.getScales().getType().getElementType();
  auto scalesType = VectorType::get({kColumnsPerLoad}, scalesElement);
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  SmallVector<Value> inits(tileM, zeroAcc);
  int64_t groupRows = scheme.getEffectiveGroupSize(k);
  MagicBias magic = getMagicBias(activation);

  auto loop = scf::ForOp::create(
      b, rowBegin, rowEnd, cIndex(b, waves), inits,
      [&](OpBuilder &nested, Location loc, Value row, ValueRange accs) {
        ImplicitLocOpBuilder lb(loc, nested);
        Value words = loadColumns(lb, wordsType, qweight, row, column);
        Value group = arith::DivUIOp::create(
            lb, arith::MulIOp::create(lb, row, cIndex(lb, kRowsPerWord)),
            cIndex(lb, groupRows));
        Value scaleVec = loadColumns(lb, scalesType, scales, group, column);
        if (!scalesElement.isF32())
          scaleVec = arith::ExtFOp::create(lb, accType, scaleVec);
        Value biasedZeros = dequantZeros(lb, zeros, group, column);
        // Nibble j and j+4 of every word as (bias + q) pairs, minus
        // (bias + z): exact q - z, paired with x[j], x[j + 4].
        SmallVector<Value> weights;
        for (int64_t j = 0; j < kRowsPerWord / 2; ++j) {
          Value bits = arith::OrIOp::create(
              lb,
              arith::AndIOp::create(
                  lb,
                  arith::ShRUIOp::create(lb, words,
                                         splatI32(lb, wordsType, 4 * j)),
                  splatI32(lb, wordsType, 0x000F000F)),
              splatI32(lb, wordsType, magic.pairBits));
          weights.push_back(arith::SubFOp::create(
              lb, vector::BitCastOp::create(lb, pairsType, bits), biasedZeros));
        }
        SmallVector<Value> results;
        Value kOffset =
            arith::MulIOp::create(lb, row, cIndex(lb, kRowsPerWord));
        for (int64_t mi = 0; mi < tileM; ++mi) {
          // Rows past M re-read the last row; their results are dropped.
          Value xRow = arith::MinUIOp::create(lb, cIndex(lb, mi), lastRow);
          Value xv =
              vector::LoadOp::create(lb, rowType, x, ValueRange{xRow, kOffset});
          SmallVector<Value> xPairs;
          for (int64_t j = 0; j < kRowsPerWord / 2; ++j)
            xPairs.push_back(vector::ShuffleOp::create(
                lb, xv, xv, ArrayRef<int64_t>{j, j + kRowsPerWord / 2}));
          Value rowDots = zeroAcc;
          for (int64_t c = 0; c < kColumnsPerLoad; ++c) {
            Value acc = arith::ConstantOp::create(lb, lb.getF32FloatAttr(0));
            for (int64_t j = 0; j < kRowsPerWord / 2; ++j)
              acc = dot2(lb, xPairs[j],
                         vector::ShuffleOp::create(
                             lb, weights[j], weights[j],
                             ArrayRef<int64_t>{2 * c, 2 * c + 1}),
                         acc);
            rowDots = vector::InsertOp::create(lb, acc, rowDots, c);
          }
          results.push_back(
              vector::FMAOp::create(lb, rowDots, scaleVec, accs[mi]));
        }
        scf::YieldOp::create(lb, results);
      });

  storeWorkgroupSum(b, lds, loop.getResults(), wave, laneColumn,
                    arith::MulIOp::create(b, tileIndex, cIndex(b, tileN)),
                    split, args);
}

std::unique_ptr<SplitKLowering>
gpukernels::createDecodeLowering(MatmulOp op, TilingAttr tiling,
                                 gpu::GPUModuleOp kernels, StringRef name,
                                 const TargetInfo &target) {
  return std::make_unique<DecodeLowering>(op, tiling, kernels, name, target);
}
