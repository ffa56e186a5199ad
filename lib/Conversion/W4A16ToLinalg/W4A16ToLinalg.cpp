//===- W4A16ToLinalg.cpp - Reference lowering of w4a16 to linalg ----------===//
//
// The semantic definition of the dialect: every weight is unpacked, has its
// zero point subtracted and is multiplied by its scale in f32, exactly as
// shared by GPTQ and AWQ reference code, and the matmul accumulates in f32.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/W4A16ToLinalg/W4A16ToLinalg.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_CONVERTW4A16TOLINALGPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

/// Builds, inside a linalg body, the f32 value of the dequantized weight at
/// (k, n) for the weight operands of a w4a16 op.
class WeightElementBuilder {
public:
  WeightElementBuilder(OpBuilder &b, Location loc, QuantSchemeAttr scheme,
                       int64_t k, Value qweight, Value scales, Value zeros,
                       Value gIdx)
      : scheme(scheme), groupSize(scheme.getEffectiveGroupSize(k)),
        qweight(qweight), scales(scales), zeros(zeros), gIdx(gIdx) {
    // Bit offsets of the 8 positions of a word, from the one definition of
    // the formats; weights and packed zeros of a layout share them.
    SmallVector<int32_t> shifts;
    for (int64_t i = 0; i < ::w4a16::kValuesPerWord; ++i)
      shifts.push_back(::w4a16::nibbleShift(scheme.getPackedLayout(), i));
    auto tableType =
        RankedTensorType::get({::w4a16::kValuesPerWord}, b.getI32Type());
    shiftTable = arith::ConstantOp::create(
        b, loc, DenseIntElementsAttr::get(tableType, ArrayRef(shifts)));
  }

  Value build(OpBuilder &b, Location loc, Value k, Value n) const {
    Type f32 = b.getF32Type();
    Value perWord = index(b, loc, ::w4a16::kValuesPerWord);
    bool alongK = ::w4a16::packsAlongK(scheme.getPackedLayout());
    Value packed = alongK ? k : n;
    Value word = tensor::ExtractOp::create(
        b, loc, qweight,
        alongK ? ValueRange{arith::DivUIOp::create(b, loc, k, perWord), n}
               : ValueRange{k, arith::DivUIOp::create(b, loc, n, perWord)});
    Value q = arith::UIToFPOp::create(
        b, loc, f32,
        nibble(b, loc, word, arith::RemUIOp::create(b, loc, packed, perWord)));

    Value group =
        gIdx ? arith::IndexCastOp::create(
                   b, loc, b.getIndexType(),
                   tensor::ExtractOp::create(b, loc, gIdx, ValueRange{k}))
                   .getResult()
             : arith::DivUIOp::create(b, loc, k, index(b, loc, groupSize))
                   .getResult();
    Value scale =
        toF32(b, loc,
              tensor::ExtractOp::create(b, loc, scales, ValueRange{group, n}));
    Value diff = arith::SubFOp::create(b, loc, q, zeroPoint(b, loc, group, n));
    return arith::MulFOp::create(b, loc, diff, scale);
  }

private:
  static Value index(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  static Value toF32(OpBuilder &b, Location loc, Value v) {
    if (v.getType().isF32())
      return v;
    return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  }

  /// The 4-bit value at position `indexInWord` of an i32 word, as i32.
  Value nibble(OpBuilder &b, Location loc, Value word,
               Value indexInWord) const {
    Value shift =
        tensor::ExtractOp::create(b, loc, shiftTable, ValueRange{indexInWord});
    Value mask = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0xF);
    return arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, shift), mask);
  }

  Value zeroPoint(OpBuilder &b, Location loc, Value group, Value n) const {
    Type f32 = b.getF32Type();
    switch (scheme.getZeroPoint()) {
    case ZeroPointKind::None:
      return arith::ConstantFloatOp::create(b, loc, cast<FloatType>(f32),
                                            APFloat(0.0f));
    case ZeroPointKind::Symmetric:
      return arith::ConstantFloatOp::create(
          b, loc, cast<FloatType>(f32),
          APFloat(static_cast<float>(::w4a16::kSymmetricZeroPoint)));
    case ZeroPointKind::Float:
      return toF32(
          b, loc,
          tensor::ExtractOp::create(b, loc, zeros, ValueRange{group, n}));
    case ZeroPointKind::Packed:
      break;
    }
    Value perWord = index(b, loc, ::w4a16::kValuesPerWord);
    Value word = tensor::ExtractOp::create(
        b, loc, zeros,
        ValueRange{group, arith::DivUIOp::create(b, loc, n, perWord)});
    Value zero =
        nibble(b, loc, word, arith::RemUIOp::create(b, loc, n, perWord));
    if (scheme.getGptqV1()) {
      Value one = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 1);
      zero = arith::AddIOp::create(b, loc, zero, one);
    }
    return arith::UIToFPOp::create(b, loc, f32, zero);
  }

  QuantSchemeAttr scheme;
  int64_t groupSize;
  Value qweight, scales, zeros, gIdx;
  Value shiftTable;
};

/// Returns a [K, N] tensor of `elementType` holding the dequantized weights.
template <typename OpTy>
static Value buildDequantizedWeights(OpBuilder &b, Location loc, OpTy op,
                                     Type elementType) {
  WeightElementBuilder weights(b, loc, op.getScheme(), op.getK(),
                               op.getQweight(), op.getScales(), op.getZeros(),
                               op.getGIdx());
  Value empty = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{op.getK(), op.getN()}, elementType);
  AffineMap identity = b.getMultiDimIdentityMap(2);
  auto generic = linalg::GenericOp::create(
      b, loc, empty.getType(), ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{identity},
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        Value k = linalg::IndexOp::create(nb, nloc, 0);
        Value n = linalg::IndexOp::create(nb, nloc, 1);
        Value w = weights.build(nb, nloc, k, n);
        if (elementType != w.getType())
          w = arith::TruncFOp::create(nb, nloc, elementType, w);
        linalg::YieldOp::create(nb, nloc, w);
      });
  return generic.getResult(0);
}

/// Converts every element of a float tensor to `elementType` (extf/truncf).
static Value castElements(OpBuilder &b, Location loc, Value tensor,
                          Type elementType) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getElementType() == elementType)
    return tensor;
  Value empty = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, tensor), elementType);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  bool widen = elementType.getIntOrFloatBitWidth() >
               type.getElementType().getIntOrFloatBitWidth();
  auto generic = linalg::GenericOp::create(
      b, loc, empty.getType(), ValueRange{tensor}, ValueRange{empty},
      ArrayRef<AffineMap>{identity, identity},
      SmallVector<utils::IteratorType>(type.getRank(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = widen
                      ? arith::ExtFOp::create(nb, nloc, elementType, args[0])
                            .getResult()
                      : arith::TruncFOp::create(nb, nloc, elementType, args[0])
                            .getResult();
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

/// Reassociation folding all leading dimensions of a rank-`rank` tensor into
/// one and keeping the last.
static SmallVector<ReassociationIndices> collapseLeading(int64_t rank) {
  ReassociationIndices leading;
  for (int64_t d = 0; d < rank - 1; ++d)
    leading.push_back(d);
  return {leading, {rank - 1}};
}

struct LowerDequant : OpConversionPattern<DequantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, buildDequantizedWeights(rewriter, op.getLoc(), op,
                                    op.getResult().getType().getElementType()));
    return success();
  }
};

struct LowerMatmul : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value weights = buildDequantizedWeights(rewriter, loc, op, f32);

    Value input = op.getInput(), init = op.getInit();
    int64_t rank = op.getInit().getType().getRank();
    if (rank > 2) {
      auto reassociation = collapseLeading(rank);
      input =
          tensor::CollapseShapeOp::create(rewriter, loc, input, reassociation);
      init =
          tensor::CollapseShapeOp::create(rewriter, loc, init, reassociation);
    }
    Value accumulator = castElements(rewriter, loc, init, f32);
    // linalg.matmul extends the f16/bf16 input to the f32 accumulator type.
    Value product = linalg::MatmulOp::create(
                        rewriter, loc, accumulator.getType(),
                        ValueRange{input, weights}, ValueRange{accumulator})
                        .getResult(0);
    Value result = castElements(rewriter, loc, product,
                                op.getInit().getType().getElementType());
    if (rank > 2)
      result = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getInit().getType(), result, collapseLeading(rank),
          tensor::getMixedSizes(rewriter, loc, op.getInit()));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertW4A16ToLinalgPass
    : mlir::w4a16::impl::ConvertW4A16ToLinalgPassBase<
          ConvertW4A16ToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<W4A16Dialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateW4A16ToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::w4a16::populateW4A16ToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerDequant, LowerMatmul>(patterns.getContext());
}
