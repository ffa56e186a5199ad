//===- TilingGeometry.cpp - Where the tiles of a tiled matmul lie ---------===//

#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include <numeric>

using namespace mlir;
using namespace mlir::w4a16;

MagicBias mlir::w4a16::getMagicBias(Type activation) {
  using namespace ::w4a16;
  return activation.isF16() ? MagicBias{pairOf(kF16MagicBits), kF16MagicBias}
                            : MagicBias{pairOf(kBf16MagicBits), kBf16MagicBias};
}

int64_t mlir::w4a16::getKPerSplit(TilingAttr tiling, int64_t k) {
  return k / tiling.getSplitK();
}

int64_t mlir::w4a16::getGroupSpanK(int64_t groupRows, int64_t kPerSplit) {
  return std::gcd(groupRows, kPerSplit);
}

int64_t mlir::w4a16::getDecodeLdsBytes(int64_t waves, int64_t tileM,
                                       int64_t tileN) {
  return waves * tileM * tileN * 4;
}

int64_t mlir::w4a16::getDecodeRowsPerIteration(TilingAttr tiling,
                                               int64_t waves) {
  return tiling.getTileK() / (waves * ::w4a16::kValuesPerWord);
}

int64_t mlir::w4a16::getSegmentK(TilingAttr tiling, QuantSchemeAttr scheme,
                                 int64_t k, int64_t waves) {
  int64_t kPerSplit = getKPerSplit(tiling, k);
  int64_t span = getGroupSpanK(scheme.getEffectiveGroupSize(k), kPerSplit);
  if (tiling.getStrategy() != TilingStrategy::Decode)
    return span;
  // Decode: packed rows. Whole groups where the split has enough for every
  // wave, else halves (down to one iteration's rows).
  using ::w4a16::kValuesPerWord;
  int64_t rowsPerSplit = kPerSplit / kValuesPerWord;
  int64_t rowsPerIteration = getDecodeRowsPerIteration(tiling, waves);
  int64_t rows = span / kValuesPerWord;
  while (rows % 2 == 0 && rows / 2 % rowsPerIteration == 0 &&
         rows * waves > rowsPerSplit)
    rows /= 2;
  return rows * kValuesPerWord;
}

LogicalResult mlir::w4a16::verifyTiledWeights(MatmulOp op) {
  if (op.getScheme().getLayout() == WeightLayout::Awq)
    return op.emitOpError("tiled matmuls read gptq words, got awq (run "
                          "--w4a16-repack-awq first)");
  if (op.getGIdx())
    return op.emitOpError("tiled matmuls need act-order weights permuted at "
                          "load time (run --w4a16-permute-act-order first)");
  return success();
}

LogicalResult mlir::w4a16::verifySplitKGeometry(MatmulOp op,
                                                TilingAttr tiling) {
  int64_t k = op.getK();
  if (k % (tiling.getSplitK() * ::w4a16::kValuesPerWord) != 0)
    return op.emitOpError()
           << "split_k = " << tiling.getSplitK() << " does not cut K = " << k
           << " into slices of whole packed words";
  int64_t kPerSplit = getKPerSplit(tiling, k);
  int64_t group = op.getScheme().getEffectiveGroupSize(k);
  // Then every segment (getSegmentK) divides the slice too.
  if (kPerSplit % group != 0 && group % kPerSplit != 0)
    return op.emitOpError()
           << "split_k = " << tiling.getSplitK() << " cuts K = " << k
           << " into slices of " << kPerSplit
           << " rows, neither whole groups nor inside one "
              "group";
  return success();
}

int64_t mlir::w4a16::getOperandStageBytes(int64_t waves, int64_t tileM,
                                          int64_t stepRows) {
  constexpr int64_t kWaveColumns = 32, kLanes = 32, kActivationBytes = 2;
  int64_t weightBytes = kWaveColumns * stepRows * ::w4a16::kBitsPerValue / 8;
  int64_t factorBytes = kLanes * (4 + 2 * kActivationBytes);
  return waves * (weightBytes + factorBytes) +
         tileM * stepRows * kActivationBytes;
}

int64_t mlir::w4a16::getColumnTileCount(TilingAttr tiling, int64_t n) {
  return llvm::divideCeil(n, tiling.getTileN());
}

Value mlir::w4a16::createRowTileCount(ImplicitLocOpBuilder &b,
                                      TilingAttr tiling, Value m) {
  return arith::CeilDivUIOp::create(
      b, m, arith::ConstantIndexOp::create(b, tiling.getTileM()));
}

Value mlir::w4a16::createClampedRow(ImplicitLocOpBuilder &b, Value row,
                                    Value lastRow) {
  return arith::MinUIOp::create(b, row, lastRow);
}

Value mlir::w4a16::collapseToMatrix(ImplicitLocOpBuilder &b, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 2)
    return tensor;
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t i = 0; i + 1 < type.getRank(); ++i)
    groups[0].push_back(i);
  groups[1].push_back(type.getRank() - 1);
  return tensor::CollapseShapeOp::create(b, tensor, groups);
}

Value mlir::w4a16::createMatmulResult(ImplicitLocOpBuilder &b, MatmulOp op,
                                      Value collapsedInit, Value out) {
  auto initType = cast<RankedTensorType>(collapsedInit.getType());
  auto outType = cast<MemRefType>(out.getType());
  auto dynamicInitType =
      RankedTensorType::get(outType.getShape(), outType.getElementType());
  Value result = bufferization::ToTensorOp::create(
      b, dynamicInitType, out, /*restrict=*/true, /*writable=*/true);
  if (dynamicInitType != initType)
    result = tensor::CastOp::create(b, initType, result);
  auto resultType = op.getResult().getType();
  if (resultType != initType)
    result = tensor::ExpandShapeOp::create(
        b, resultType, result,
        cast<tensor::CollapseShapeOp>(collapsedInit.getDefiningOp())
            .getReassociationIndices(),
        tensor::getMixedSizes(b, b.getLoc(), op.getInit()));
  return result;
}

Value mlir::w4a16::createRowCount(ImplicitLocOpBuilder &b, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  Value m = arith::ConstantIndexOp::create(b, 1);
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    m = arith::MulIOp::create(b, m, tensor::DimOp::create(b, input, d));
  return m;
}

FailureOr<SmallVector<TilingAttr>> mlir::w4a16::getDispatchRanges(MatmulOp op) {
  auto tilings = op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName());
  if (!tilings || tilings.empty() ||
      !llvm::all_of(tilings, llvm::IsaPred<TilingAttr>))
    return op.emitOpError("has no tiling; run --w4a16-tile-matmul first");
  SmallVector<TilingAttr> ranges =
      llvm::to_vector(tilings.getAsRange<TilingAttr>());
  llvm::sort(ranges, [](TilingAttr a, TilingAttr b) {
    return a.getMMin() < b.getMMin();
  });
  for (auto [lower, upper] : llvm::zip(ranges, llvm::drop_begin(ranges)))
    if (upper.getMMin() != lower.getMMax() + 1)
      return op.emitOpError()
             << "the tilings' M ranges must be contiguous for run-time "
                "dispatch; ["
             << lower.getMMin() << ", " << lower.getMMax() << "] is followed "
             << "by [" << upper.getMMin() << ", " << upper.getMMax() << "]";
  return ranges;
}

Value mlir::w4a16::buildMDispatch(ImplicitLocOpBuilder &b, MatmulOp op, Value m,
                                  ArrayRef<TilingAttr> ranges,
                                  SmallVectorImpl<MatmulOp> &perRange) {
  auto cloneFor = [&](ImplicitLocOpBuilder &builder, TilingAttr tiling) {
    auto clone = cast<MatmulOp>(builder.clone(*op));
    clone->setAttr(TilingAttr::getOpAttrName(), builder.getArrayAttr({tiling}));
    perRange.push_back(clone);
    return clone.getResult();
  };
  if (ranges.size() == 1)
    return cloneFor(b, ranges.front());
  Value inRange = arith::CmpIOp::create(
      b, arith::CmpIPredicate::ule, m,
      arith::ConstantIndexOp::create(b, ranges.front().getMMax()));
  auto branch = scf::IfOp::create(b, op.getResult().getType(), inRange,
                                  /*withElseRegion=*/true);
  ImplicitLocOpBuilder thenBuilder =
      ImplicitLocOpBuilder::atBlockBegin(op.getLoc(), branch.thenBlock());
  scf::YieldOp::create(thenBuilder, cloneFor(thenBuilder, ranges.front()));
  ImplicitLocOpBuilder elseBuilder =
      ImplicitLocOpBuilder::atBlockBegin(op.getLoc(), branch.elseBlock());
  scf::YieldOp::create(
      elseBuilder,
      buildMDispatch(elseBuilder, op, m, ranges.drop_front(), perRange));
  return branch.getResult(0);
}

SmallVector<Value> mlir::w4a16::createBiasedNibblePairs(ImplicitLocOpBuilder &b,
                                                        Value words,
                                                        Type activation,
                                                        bool oddPairsInPlace) {
  auto wordsType = cast<VectorType>(words.getType());
  auto halvesType =
      VectorType::get({2 * wordsType.getNumElements()}, activation);
  auto splat = [&](uint32_t value) -> Value {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(wordsType, b.getI32IntegerAttr(value)));
  };
  uint32_t pairBits = getMagicBias(activation).pairBits;
  llvm::SmallDenseMap<int64_t, Value> shiftedWords = {{0, words}};
  SmallVector<Value> pairs;
  for (int64_t j = 0; j < kGptqPairsPerWord; ++j) {
    bool inPlace = oddPairsInPlace && j % 2 == 1;
    int64_t shift =
        ::w4a16::nibbleShift(::w4a16::PackedLayout::Gptq, inPlace ? j - 1 : j);
    Value &shifted = shiftedWords[shift];
    if (!shifted)
      shifted = arith::ShRUIOp::create(b, words, splat(shift));
    uint32_t mask =
        inPlace ? kNibblePairMask << ::w4a16::kBitsPerValue : kNibblePairMask;
    Value bits = arith::OrIOp::create(
        b, arith::AndIOp::create(b, shifted, splat(mask)), splat(pairBits));
    pairs.push_back(vector::BitCastOp::create(b, halvesType, bits));
  }
  return pairs;
}

Value mlir::w4a16::createNegatedZeroTerm(ImplicitLocOpBuilder &b, Value zero,
                                         Type activation, bool inPlaceHigh,
                                         int64_t words) {
  using namespace ::w4a16;
  assert((!inPlaceHigh || activation.isF16()) &&
         "only f16 reads nibbles in place");
  Type i32 = b.getI32Type();
  uint32_t pattern =
      kHalfSignBit |
      (inPlaceHigh ? kF16HighNibbleMagicBits
                   : getMagicBias(activation).pairBits & 0xFFFFu);
  if (inPlaceHigh)
    zero = arith::ShLIOp::create(
        b, zero, arith::ConstantIntOp::create(b, i32, kBitsPerValue));
  // z * 0x10001 puts z in both halves; OR-ing the pattern adds it exactly.
  Value pair = arith::OrIOp::create(
      b,
      arith::MulIOp::create(b, zero,
                            arith::ConstantIntOp::create(b, i32, pairOf(1))),
      arith::ConstantIntOp::create(b, i32, pairOf(pattern)));
  return vector::BitCastOp::create(
      b, VectorType::get({2 * words}, activation),
      vector::BroadcastOp::create(b, VectorType::get({words}, i32), pair));
}
