//===- W4A16ToLinalg.cpp - Reference lowering of w4a16 to linalg ----------===//
//
// The semantic definition of the dialect: every weight is unpacked, has its
// zero point subtracted and is multiplied by its scale in f32, exactly as
// shared by GPTQ and AWQ reference code, and the matmul accumulates in f32.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/W4A16ToLinalg/W4A16ToLinalg.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Support/Repack.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_CONVERTW4A16TOLINALGPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

static Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An i32 tensor constant of `shape` holding `values` (row-major).
static Value tableConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                           ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get(shape, b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
}

/// `table[indices]` as an index.
static Value lookUpIndex(OpBuilder &b, Location loc, Value table,
                         ValueRange indices) {
  return arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      tensor::ExtractOp::create(b, loc, table, indices));
}

/// The 4-bit value at bit offset `shift` (i32) of an i32 word, as i32.
static Value nibbleAtShift(OpBuilder &b, Location loc, Value word,
                           Value shift) {
  Value mask = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0xF);
  return arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, word, shift), mask);
}

/// Where every weight of one 32 x 16 block of the fragment layout lives,
/// computed from its one definition (Repack.h) for the IR to index.
struct FragmentBlockTables {
  static constexpr int64_t kRows = ::w4a16::kFragmentBlockK;
  static constexpr int64_t kCols = ::w4a16::kFragmentBlockN;
  static constexpr int64_t kWords = kCols * ::w4a16::kFragmentWordsPerColumn;
  static constexpr int64_t kNibbles = ::w4a16::kValuesPerWord;

  FragmentBlockTables()
      : word(kRows * kCols), shift(kRows * kCols),
        rowOfNibble(kWords * kNibbles), colOfNibble(kWords * kNibbles) {
    for (int64_t r = 0; r < kRows; ++r) {
      for (int64_t c = 0; c < kCols; ++c) {
        // One block: the word index is the index inside the block.
        ::w4a16::FragmentPosition pos =
            ::w4a16::fragmentWeightPosition(r, c, kCols);
        word[r * kCols + c] = pos.word;
        shift[r * kCols + c] = pos.shift;
        int64_t nibble = pos.shift / ::w4a16::kBitsPerValue;
        rowOfNibble[pos.word * kNibbles + nibble] = r;
        colOfNibble[pos.word * kNibbles + nibble] = c;
      }
    }
  }

  /// [32, 16]: the word (0..63) and bit offset of row r, column c.
  SmallVector<int32_t> word, shift;
  /// [64, 8]: the row and column held by nibble j of word w.
  SmallVector<int32_t> rowOfNibble, colOfNibble;
};

/// Reads 4-bit weights and packed zeros inside a linalg body, through
/// constant tables built from the one definition of each layout
/// (PackedFormat.h, Repack.h).
class PackedValueReader {
public:
  PackedValueReader(OpBuilder &b, Location loc, WeightLayout layout)
      : layout(layout) {
    // Nibble order along the packed dimension of a word: that of gptq / awq
    // weights and of packed zeros (gptq order for fragment schemes).
    ::w4a16::PackedLayout packed = layout == WeightLayout::Awq
                                       ? ::w4a16::PackedLayout::Awq
                                       : ::w4a16::PackedLayout::Gptq;
    SmallVector<int32_t> shifts;
    for (int64_t i = 0; i < ::w4a16::kValuesPerWord; ++i)
      shifts.push_back(::w4a16::nibbleShift(packed, i));
    shiftTable = tableConstant(b, loc, {::w4a16::kValuesPerWord}, shifts);
    if (layout != WeightLayout::Fragment)
      return;
    FragmentBlockTables tables;
    int64_t blockShape[] = {FragmentBlockTables::kRows,
                            FragmentBlockTables::kCols};
    fragmentWords = tableConstant(b, loc, blockShape, tables.word);
    fragmentShifts = tableConstant(b, loc, blockShape, tables.shift);
  }

  /// The weight (k, n) of `qweight`, as i32.
  Value weight(OpBuilder &b, Location loc, Value qweight, Value k,
               Value n) const {
    if (layout == WeightLayout::Fragment)
      return fragmentWeight(b, loc, qweight, k, n);
    Value perWord = indexConstant(b, loc, ::w4a16::kValuesPerWord);
    bool alongK = layout == WeightLayout::Gptq;
    Value packed = alongK ? k : n;
    Value word = tensor::ExtractOp::create(
        b, loc, qweight,
        alongK ? ValueRange{arith::DivUIOp::create(b, loc, k, perWord), n}
               : ValueRange{k, arith::DivUIOp::create(b, loc, n, perWord)});
    return nibble(b, loc, word,
                  arith::RemUIOp::create(b, loc, packed, perWord));
  }

  /// The packed zero of (group, n) in `zeros` [groups, N/8], as i32.
  Value packedZero(OpBuilder &b, Location loc, Value zeros, Value group,
                   Value n) const {
    Value perWord = indexConstant(b, loc, ::w4a16::kValuesPerWord);
    Value word = tensor::ExtractOp::create(
        b, loc, zeros,
        ValueRange{group, arith::DivUIOp::create(b, loc, n, perWord)});
    return nibble(b, loc, word, arith::RemUIOp::create(b, loc, n, perWord));
  }

private:
  /// The value at position `indexInWord` along the packed dimension.
  Value nibble(OpBuilder &b, Location loc, Value word,
               Value indexInWord) const {
    Value shift =
        tensor::ExtractOp::create(b, loc, shiftTable, ValueRange{indexInWord});
    return nibbleAtShift(b, loc, word, shift);
  }

  /// qweight [K/32, N/16, 64]: block (k / 32, n / 16), then the tables.
  Value fragmentWeight(OpBuilder &b, Location loc, Value qweight, Value k,
                       Value n) const {
    Value blockK = indexConstant(b, loc, FragmentBlockTables::kRows);
    Value blockN = indexConstant(b, loc, FragmentBlockTables::kCols);
    Value row = arith::RemUIOp::create(b, loc, k, blockK);
    Value col = arith::RemUIOp::create(b, loc, n, blockN);
    Value word = tensor::ExtractOp::create(
        b, loc, qweight,
        ValueRange{arith::DivUIOp::create(b, loc, k, blockK),
                   arith::DivUIOp::create(b, loc, n, blockN),
                   lookUpIndex(b, loc, fragmentWords, {row, col})});
    Value shift =
        tensor::ExtractOp::create(b, loc, fragmentShifts, ValueRange{row, col});
    return nibbleAtShift(b, loc, word, shift);
  }

  WeightLayout layout;
  Value shiftTable;
  Value fragmentWords, fragmentShifts;
};

/// Builds, inside a linalg body, the f32 value of the dequantized weight at
/// (k, n) for the weight operands of a w4a16 op.
class WeightElementBuilder {
public:
  WeightElementBuilder(OpBuilder &b, Location loc, QuantSchemeAttr scheme,
                       int64_t k, Value qweight, Value scales, Value zeros,
                       Value gIdx)
      : scheme(scheme), groupSize(scheme.getEffectiveGroupSize(k)),
        reader(b, loc, scheme.getLayout()), qweight(qweight), scales(scales),
        zeros(zeros), gIdx(gIdx) {}

  Value build(OpBuilder &b, Location loc, Value k, Value n) const {
    Type f32 = b.getF32Type();
    Value q = arith::UIToFPOp::create(b, loc, f32,
                                      reader.weight(b, loc, qweight, k, n));
    Value group = gIdx ? lookUpIndex(b, loc, gIdx, {k})
                       : arith::DivUIOp::create(
                             b, loc, k, indexConstant(b, loc, groupSize))
                             .getResult();
    Value scale =
        toF32(b, loc,
              tensor::ExtractOp::create(b, loc, scales, ValueRange{group, n}));
    Value diff = arith::SubFOp::create(b, loc, q, zeroPoint(b, loc, group, n));
    return arith::MulFOp::create(b, loc, diff, scale);
  }

private:
  static Value toF32(OpBuilder &b, Location loc, Value v) {
    if (v.getType().isF32())
      return v;
    return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
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
    Value zero = reader.packedZero(b, loc, zeros, group, n);
    if (scheme.getGptqV1()) {
      Value one = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 1);
      zero = arith::AddIOp::create(b, loc, zero, one);
    }
    return arith::UIToFPOp::create(b, loc, f32, zero);
  }

  QuantSchemeAttr scheme;
  int64_t groupSize;
  PackedValueReader reader;
  Value qweight, scales, zeros, gIdx;
};

/// A linalg.generic filling every element of a tensor of `sizes` and
/// `elementType` with `element(indices)`.
static Value buildElementwise(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes, Type elementType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> element) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, elementType);
  int64_t rank = sizes.size();
  auto generic = linalg::GenericOp::create(
      b, loc, empty.getType(), ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc, element(nb, nloc, indices));
      });
  return generic.getResult(0);
}

/// buildElementwise for a statically shaped `type`.
static Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ValueRange)> element) {
  return buildElementwise(
      b, loc, getAsIndexOpFoldResult(b.getContext(), type.getShape()),
      type.getElementType(), element);
}

/// Returns a [K, N] tensor of `elementType` holding the dequantized weights.
template <typename OpTy>
static Value buildDequantizedWeights(OpBuilder &b, Location loc, OpTy op,
                                     Type elementType) {
  WeightElementBuilder weights(b, loc, op.getScheme(), op.getK(),
                               op.getQweight(), op.getScales(), op.getZeros(),
                               op.getGIdx());
  return buildElementwise(
      b, loc, RankedTensorType::get({op.getK(), op.getN()}, elementType),
      [&](OpBuilder &nb, Location nloc, ValueRange indices) {
        Value w = weights.build(nb, nloc, indices[0], indices[1]);
        if (elementType != w.getType())
          w = arith::TruncFOp::create(nb, nloc, elementType, w);
        return w;
      });
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

/// An i32 word of 8 nibbles: nibble j is the 4-bit value `valueAt(j)`
/// placed at the bit offset `shiftOf(j)`.
static Value packNibbles(OpBuilder &b, Location loc,
                         function_ref<Value(int64_t)> valueAt,
                         function_ref<int64_t(int64_t)> shiftOf) {
  Value word = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
  for (int64_t j = 0; j < ::w4a16::kValuesPerWord; ++j) {
    Value shift =
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), shiftOf(j));
    word = arith::OrIOp::create(
        b, loc, word, arith::ShLIOp::create(b, loc, valueAt(j), shift));
  }
  return word;
}

/// An i32 word holding the 8 values `valueAt(j)` at positions j = 0..7 along
/// its packed dimension, in GPTQ order (weights along K, zeros along N).
static Value packGptqWord(OpBuilder &b, Location loc,
                          function_ref<Value(int64_t)> valueAt) {
  return packNibbles(b, loc, valueAt, [](int64_t j) {
    return ::w4a16::nibbleShift(::w4a16::PackedLayout::Gptq, j);
  });
}

/// The GPTQ-order word packing positions 8 * wordIndex + j, j = 0..7, of the
/// packed dimension, the value at position p being `valueAt(p)`.
static Value packGptqWordAt(OpBuilder &b, Location loc, Value wordIndex,
                            function_ref<Value(Value)> valueAt) {
  Value first = arith::MulIOp::create(
      b, loc, wordIndex, indexConstant(b, loc, ::w4a16::kValuesPerWord));
  return packGptqWord(b, loc, [&](int64_t j) {
    return valueAt(
        arith::AddIOp::create(b, loc, first, indexConstant(b, loc, j)));
  });
}

/// Builds each word of the result from the 8 source weights that the target
/// layout places in it: GPTQ word (r, n) holds rows 8r..8r+7 of column n,
/// fragment words follow the fragment tables.
struct LowerRepack : OpConversionPattern<RepackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RepackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getResult().getType();
    PackedValueReader source(rewriter, loc, op.getFrom());
    Value packed = adaptor.getSource();
    if (op.getTo() == WeightLayout::Gptq) {
      rewriter.replaceOp(
          op, buildElementwise(
                  rewriter, loc, type,
                  [&](OpBuilder &b, Location nloc, ValueRange indices) {
                    return packGptqWordAt(b, nloc, indices[0], [&](Value row) {
                      return source.weight(b, nloc, packed, row, indices[1]);
                    });
                  }));
      return success();
    }
    FragmentBlockTables tables;
    int64_t nibbleShape[] = {FragmentBlockTables::kWords,
                             FragmentBlockTables::kNibbles};
    Value rows = tableConstant(rewriter, loc, nibbleShape, tables.rowOfNibble);
    Value cols = tableConstant(rewriter, loc, nibbleShape, tables.colOfNibble);
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, type,
                [&](OpBuilder &b, Location nloc, ValueRange indices) {
                  Value blockK = arith::MulIOp::create(
                      b, nloc, indices[0],
                      indexConstant(b, nloc, FragmentBlockTables::kRows));
                  Value blockN = arith::MulIOp::create(
                      b, nloc, indices[1],
                      indexConstant(b, nloc, FragmentBlockTables::kCols));
                  auto weightOfNibble = [&](int64_t j) {
                    Value nibble = indexConstant(b, nloc, j);
                    Value k = arith::AddIOp::create(
                        b, nloc, blockK,
                        lookUpIndex(b, nloc, rows, {indices[2], nibble}));
                    Value n = arith::AddIOp::create(
                        b, nloc, blockN,
                        lookUpIndex(b, nloc, cols, {indices[2], nibble}));
                    return source.weight(b, nloc, packed, k, n);
                  };
                  return packNibbles(b, nloc, weightOfNibble, [](int64_t j) {
                    return j * ::w4a16::kBitsPerValue;
                  });
                }));
    return success();
  }
};

/// Word (g, c) gathers the zeros of columns 8c..8c+7, read in the source
/// order, into GPTQ order.
struct LowerRepackZeros : OpConversionPattern<RepackZerosOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RepackZerosOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PackedValueReader source(rewriter, loc, op.getFrom());
    Value zeros = adaptor.getSource();
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, op.getResult().getType(),
                [&](OpBuilder &b, Location nloc, ValueRange indices) {
                  return packGptqWordAt(b, nloc, indices[1], [&](Value column) {
                    return source.packedZero(b, nloc, zeros, indices[0],
                                             column);
                  });
                }));
    return success();
  }
};

/// Counting sort of K by group: row k goes to slot g * G + (rows of group g
/// before it). Every index is clamped into range, so a g_idx with groups of
/// the wrong size cannot write out of bounds; the final check (every group
/// has G rows) then fails the cf.assert.
struct LowerActOrderPerm : OpConversionPattern<ActOrderPermOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ActOrderPermOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getResult().getType();
    int64_t k = type.getDimSize(0), groupSize = op.getGroupSize();
    int64_t groups = k / groupSize;
    Type i32 = rewriter.getI32Type();
    auto countsType = RankedTensorType::get({groups}, i32);
    Value counts = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(countsType, rewriter.getI32IntegerAttr(0)));
    Value perm = tensor::EmptyOp::create(rewriter, loc, type.getShape(), i32);
    Value lastGroup = indexConstant(rewriter, loc, groups - 1);
    Value lastRow = indexConstant(rewriter, loc, k - 1);
    Value size = indexConstant(rewriter, loc, groupSize);
    auto sort = scf::ForOp::create(
        rewriter, loc, indexConstant(rewriter, loc, 0),
        indexConstant(rewriter, loc, k), indexConstant(rewriter, loc, 1),
        ValueRange{perm, counts},
        [&](OpBuilder &b, Location nloc, Value row, ValueRange state) {
          Value group = arith::MinUIOp::create(
              b, nloc, lookUpIndex(b, nloc, adaptor.getGIdx(), {row}),
              lastGroup);
          Value before = tensor::ExtractOp::create(b, nloc, state[1], group);
          Value slot = arith::MinUIOp::create(
              b, nloc,
              arith::AddIOp::create(b, nloc,
                                    arith::MulIOp::create(b, nloc, group, size),
                                    arith::IndexCastOp::create(
                                        b, nloc, b.getIndexType(), before)),
              lastRow);
          Value newPerm = tensor::InsertOp::create(
              b, nloc, arith::IndexCastOp::create(b, nloc, i32, row), state[0],
              slot);
          Value one = arith::ConstantIntOp::create(b, nloc, i32, 1);
          Value newCounts = tensor::InsertOp::create(
              b, nloc, arith::AddIOp::create(b, nloc, before, one), state[1],
              group);
          scf::YieldOp::create(b, nloc, ValueRange{newPerm, newCounts});
        });
    Value expected =
        arith::ConstantIntOp::create(rewriter, loc, i32, groupSize);
    auto check = scf::ForOp::create(
        rewriter, loc, indexConstant(rewriter, loc, 0),
        indexConstant(rewriter, loc, groups), indexConstant(rewriter, loc, 1),
        ValueRange{arith::ConstantIntOp::create(rewriter, loc, 1, 1)},
        [&](OpBuilder &b, Location nloc, Value group, ValueRange valid) {
          Value count =
              tensor::ExtractOp::create(b, nloc, sort.getResult(1), group);
          Value full = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                             count, expected);
          scf::YieldOp::create(
              b, nloc,
              ValueRange{arith::AndIOp::create(b, nloc, valid[0], full)});
        });
    cf::AssertOp::create(rewriter, loc, check.getResult(0),
                         ("w4a16.act_order_perm: g_idx must put exactly " +
                          Twine(groupSize) + " rows in each group")
                             .str());
    rewriter.replaceOp(op, sort.getResult(0));
    return success();
  }
};

/// Activations: result[..., k] = source[..., perm[k]]. Packed weights: each
/// result word gathers its 8 rows from the permuted source rows.
struct LowerPermuteK : OpConversionPattern<PermuteKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PermuteKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value source = adaptor.getSource(), perm = adaptor.getPerm();
    auto type = cast<RankedTensorType>(source.getType());
    bool weights = op.permutesWeights();
    PackedValueReader reader(rewriter, loc, WeightLayout::Gptq);
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, tensor::getMixedSizes(rewriter, loc, source),
                type.getElementType(),
                [&](OpBuilder &b, Location nloc, ValueRange indices) -> Value {
                  if (!weights) {
                    SmallVector<Value> permuted(indices);
                    permuted.back() =
                        lookUpIndex(b, nloc, perm, {indices.back()});
                    return tensor::ExtractOp::create(b, nloc, source, permuted);
                  }
                  return packGptqWordAt(b, nloc, indices[0], [&](Value row) {
                    return reader.weight(b, nloc, source,
                                         lookUpIndex(b, nloc, perm, {row}),
                                         indices[1]);
                  });
                }));
    return success();
  }
};

struct ConvertW4A16ToLinalgPass
    : mlir::w4a16::impl::ConvertW4A16ToLinalgPassBase<
          ConvertW4A16ToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<W4A16Dialect>();
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           linalg::LinalgDialect, scf::SCFDialect,
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
  patterns.add<LowerDequant, LowerMatmul, LowerRepack, LowerRepackZeros,
               LowerActOrderPerm, LowerPermuteK>(patterns.getContext());
}
