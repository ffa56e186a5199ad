//===- W4A16Ops.cpp - w4a16 operations ------------------------------------===//

#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "w4a16/Support/ActOrder.h"
#include "w4a16/Support/Repack.h"

using namespace mlir;
using namespace mlir::w4a16;

/// Formats a shape as `[a, b]` with `?` for dynamic sizes.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return result;
}

/// Checks that `type` is statically shaped and of `rank`; `what` names the
/// operand and `expected` its layout in the diagnostic.
static LogicalResult verifyStaticTensor(Operation *op, RankedTensorType type,
                                        int64_t rank, StringRef what,
                                        StringRef expected) {
  if (type.getRank() == rank && type.hasStaticShape())
    return success();
  return op->emitOpError() << what << " must be a static " << expected
                           << " tensor, got " << formatShape(type.getShape());
}

/// Checks that `value` is a tensor of exactly `expected` shape.
static LogicalResult verifyShape(Operation *op, Value value, StringRef what,
                                 ArrayRef<int64_t> expected,
                                 StringRef meaning) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == expected)
    return success();
  return op->emitOpError() << what << " must have shape "
                           << formatShape(expected) << " (" << meaning
                           << "), got " << formatShape(type.getShape());
}

SmallVector<int64_t> mlir::w4a16::getPackedWeightShape(WeightLayout layout,
                                                       int64_t k, int64_t n) {
  constexpr int64_t kPack = ::w4a16::kValuesPerWord;
  switch (layout) {
  case WeightLayout::Gptq:
    return {k / kPack, n};
  case WeightLayout::Awq:
    return {k, n / kPack};
  case WeightLayout::Fragment:
    return {k / ::w4a16::kFragmentBlockK, n / ::w4a16::kFragmentBlockN,
            ::w4a16::kFragmentBlockN * ::w4a16::kFragmentWordsPerColumn};
  }
  llvm_unreachable("unknown weight layout");
}

/// The packed weight shape of `layout` in words, for diagnostics.
static StringRef describePackedWeightShape(WeightLayout layout) {
  switch (layout) {
  case WeightLayout::Gptq:
    return "K/8 x N for the gptq layout";
  case WeightLayout::Awq:
    return "K x N/8 for the awq layout";
  case WeightLayout::Fragment:
    return "K/32 x N/16 x 64 for the fragment layout";
  }
  llvm_unreachable("unknown weight layout");
}

/// Checks that a K x N matrix (K a multiple of 8) can be stored in `layout`
/// and that `qweight` has the shape of that layout.
static LogicalResult verifyPackedWeights(Operation *op, WeightLayout layout,
                                         int64_t k, int64_t n, Value qweight) {
  if (layout == WeightLayout::Awq && n % ::w4a16::kValuesPerWord != 0)
    return op->emitOpError()
           << "N = " << n << " must be a multiple of 8 for the awq layout";
  if (layout == WeightLayout::Fragment && !::w4a16::isFragmentLayoutShape(k, n))
    return op->emitOpError()
           << "the fragment layout needs K a multiple of "
           << ::w4a16::kFragmentBlockK << " and N a multiple of "
           << ::w4a16::kFragmentBlockN << ", got K = " << k << ", N = " << n;
  return verifyShape(op, qweight, "packed weights",
                     getPackedWeightShape(layout, k, n),
                     describePackedWeightShape(layout));
}

/// Verifies the packed weights, scales, zeros and g_idx of an op over a
/// [K, N] weight matrix. K and N come from the op's other operands.
static LogicalResult verifyQuantizedWeights(Operation *op,
                                            QuantSchemeAttr scheme, int64_t k,
                                            int64_t n, Value qweight,
                                            Value scales, Value zeros,
                                            Value gIdx) {
  if (ShapedType::isDynamic(k))
    return op->emitOpError("requires a static reduction size K");
  if (ShapedType::isDynamic(n))
    return op->emitOpError("requires a static output size N");
  // Empty weights quantize nothing (and K = 0 is an empty per-channel
  // group).
  if (k == 0 || n == 0)
    return op->emitOpError()
           << "K = " << k << " x N = " << n << " weights must not be empty";
  constexpr int64_t kPack = ::w4a16::kValuesPerWord;
  if (k % kPack != 0)
    return op->emitOpError() << "K = " << k << " must be a multiple of 8";
  int64_t groupSize = scheme.getEffectiveGroupSize(k);
  if (k % groupSize != 0)
    return op->emitOpError()
           << "K = " << k << " is not divisible by the group size "
           << groupSize;
  int64_t groups = scheme.getNumGroups(k);

  if (failed(verifyPackedWeights(op, scheme.getLayout(), k, n, qweight)))
    return failure();

  if (failed(verifyShape(op, scales, "scales", {groups, n}, "groups x N")))
    return failure();

  ZeroPointKind zeroKind = scheme.getZeroPoint();
  if (scheme.hasZerosOperand() && !zeros)
    return op->emitOpError()
           << "zero_point = " << stringifyZeroPointKind(zeroKind)
           << " requires a zeros operand";
  if (!scheme.hasZerosOperand() && zeros)
    return op->emitOpError() << "a zeros operand is not allowed with "
                                "zero_point = "
                             << stringifyZeroPointKind(zeroKind);
  if (zeros) {
    Type zeroElement = getElementTypeOrSelf(zeros.getType());
    if (zeroKind == ZeroPointKind::Packed) {
      if (!zeroElement.isInteger(32))
        return op->emitOpError()
               << "packed zeros must be i32, got " << zeroElement;
      if (n % kPack != 0)
        return op->emitOpError()
               << "N = " << n << " must be a multiple of 8 for packed zeros";
      if (failed(verifyShape(op, zeros, "packed zeros", {groups, n / kPack},
                             "groups x N/8")))
        return failure();
    } else {
      if (!isa<FloatType>(zeroElement))
        return op->emitOpError()
               << "float zeros must be f16, bf16 or f32, got " << zeroElement;
      if (failed(
              verifyShape(op, zeros, "float zeros", {groups, n}, "groups x N")))
        return failure();
    }
  }

  if (gIdx) {
    if (scheme.isPerChannel())
      return op->emitOpError(
          "g_idx (act-order) requires grouped quantization, not per-channel");
    if (failed(
            verifyShape(op, gIdx, "g_idx", {k}, "one group index per K row")))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DequantOp
//===----------------------------------------------------------------------===//

int64_t DequantOp::getK() { return getResult().getType().getDimSize(0); }
int64_t DequantOp::getN() { return getResult().getType().getDimSize(1); }

LogicalResult DequantOp::verify() {
  if (getResult().getType().getRank() != 2)
    return emitOpError() << "result must be a 2-D [K, N] tensor, got rank "
                         << getResult().getType().getRank();
  return verifyQuantizedWeights(*this, getScheme(), getK(), getN(),
                                getQweight(), getScales(), getZeros(),
                                getGIdx());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

int64_t MatmulOp::getK() { return getInput().getType().getShape().back(); }
int64_t MatmulOp::getN() { return getInit().getType().getShape().back(); }

LogicalResult MatmulOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType initType = getInit().getType();
  if (inputType.getRank() < 2)
    return emitOpError() << "input must be [B..., M, K] with rank >= 2, got "
                            "rank "
                         << inputType.getRank();
  if (initType.getRank() != inputType.getRank())
    return emitOpError() << "init must have the rank of the input ("
                         << inputType.getRank() << "), got rank "
                         << initType.getRank();
  if (getResult().getType() != initType)
    return emitOpError() << "result type " << getResult().getType()
                         << " must equal the init type " << initType;
  // Batch dimensions and M must agree wherever both are static.
  for (int64_t dim = 0, e = inputType.getRank() - 1; dim < e; ++dim) {
    int64_t in = inputType.getDimSize(dim), out = initType.getDimSize(dim);
    if (!ShapedType::isDynamic(in) && !ShapedType::isDynamic(out) && in != out)
      return emitOpError() << "dimension " << dim << " of the input (" << in
                           << ") and of the init (" << out << ") differ";
  }
  return verifyQuantizedWeights(*this, getScheme(), getK(), getN(),
                                getQweight(), getScales(), getZeros(),
                                getGIdx());
}

OpFoldResult MatmulOp::fold(FoldAdaptor) {
  // No rows: nothing is added to the init.
  if (llvm::is_contained(getInput().getType().getShape().drop_back(), 0))
    return getInit();
  return {};
}

//===----------------------------------------------------------------------===//
// RepackOp
//===----------------------------------------------------------------------===//

/// Whether `op` repacks weights from `from` to `to`.
static bool isSupportedRepack(WeightLayout from, WeightLayout to) {
  return (from == WeightLayout::Gptq && to == WeightLayout::Fragment) ||
         (from == WeightLayout::Awq &&
          (to == WeightLayout::Gptq || to == WeightLayout::Fragment));
}

// The verifier accepts only 2-D gptq [K/8, N] and awq [K, N/8] sources.
int64_t RepackOp::getK() {
  int64_t rows = getSource().getType().getDimSize(0);
  return getFrom() == WeightLayout::Gptq ? rows * ::w4a16::kValuesPerWord
                                         : rows;
}
int64_t RepackOp::getN() {
  int64_t cols = getSource().getType().getDimSize(1);
  return getFrom() == WeightLayout::Awq ? cols * ::w4a16::kValuesPerWord : cols;
}

LogicalResult RepackOp::verify() {
  if (!isSupportedRepack(getFrom(), getTo()))
    return emitOpError() << "repack from " << stringifyWeightLayout(getFrom())
                         << " to " << stringifyWeightLayout(getTo())
                         << " is not supported (supported: gptq to fragment, "
                            "awq to gptq, awq to fragment)";
  RankedTensorType sourceType = getSource().getType();
  if (sourceType.getRank() != 2)
    return emitOpError() << "source must be a 2-D "
                         << stringifyWeightLayout(getFrom())
                         << " tensor, got rank " << sourceType.getRank();
  if (!sourceType.hasStaticShape())
    return emitOpError() << "requires a static source shape, got "
                         << formatShape(sourceType.getShape());
  // awq [K, N/8] gives any K; the gptq layout packs 8 rows per word.
  if (getK() % ::w4a16::kValuesPerWord != 0)
    return emitOpError() << "K = " << getK()
                         << " must be a multiple of 8 for the "
                         << stringifyWeightLayout(getTo()) << " layout";
  return verifyPackedWeights(*this, getTo(), getK(), getN(), getResult());
}

/// The words of an i32 constant, or nothing if `attr` is not one.
static std::optional<SmallVector<uint32_t>> getConstantWords(Attribute attr) {
  if (auto dense = dyn_cast_or_null<DenseIntElementsAttr>(attr))
    return llvm::to_vector(dense.getValues<uint32_t>());
  if (auto resource = dyn_cast_or_null<DenseI32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<int32_t>> words = resource.tryGetAsArrayRef();
    if (!words)
      return std::nullopt;
    return SmallVector<uint32_t>(words->begin(), words->end());
  }
  return std::nullopt;
}

/// The folded `words` of `type`, a resource when `source` was one: large
/// weights are kept out of the IR text.
static Attribute makeWordsAttr(Attribute source, RankedTensorType type,
                               StringRef resourceName,
                               ArrayRef<uint32_t> words) {
  if (isa<DenseResourceElementsAttr>(source))
    return DenseResourceElementsAttr::get(
        type, resourceName,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(words));
  return DenseElementsAttr::get(type, words);
}

OpFoldResult RepackOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<uint32_t>> source =
      getConstantWords(adaptor.getSource());
  if (!source) {
    // repack(repack(x, a -> b), b -> c) = repack(x, a -> c), in place.
    auto inner = getSource().getDefiningOp<RepackOp>();
    if (!inner || !isSupportedRepack(inner.getFrom(), getTo()))
      return {};
    getSourceMutable().assign(inner.getSource());
    setFrom(inner.getFrom());
    return getResult();
  }
  SmallVector<uint32_t> result(source->size());
  // The same host repacks loaders call: the compile-time repack is the
  // load-time one.
  bool repacked = false;
  if (getFrom() == WeightLayout::Gptq)
    repacked = ::w4a16::repackGptqToFragmentLayout(source->data(), getK(),
                                                   getN(), result.data());
  else if (getTo() == WeightLayout::Gptq)
    repacked =
        ::w4a16::repackAwqToGptq(source->data(), getK(), getN(), result.data());
  else
    repacked = ::w4a16::repackAwqToFragmentLayout(source->data(), getK(),
                                                  getN(), result.data());
  if (!repacked)
    return {};
  return makeWordsAttr(adaptor.getSource(), getResult().getType(),
                       "w4a16_" + stringifyWeightLayout(getTo()).str(), result);
}

//===----------------------------------------------------------------------===//
// RepackZerosOp
//===----------------------------------------------------------------------===//

LogicalResult RepackZerosOp::verify() {
  if (getFrom() != WeightLayout::Awq || getTo() != WeightLayout::Gptq)
    return emitOpError() << "repack of zeros from "
                         << stringifyWeightLayout(getFrom()) << " to "
                         << stringifyWeightLayout(getTo())
                         << " is not supported (supported: awq to gptq)";
  return verifyStaticTensor(*this, getSource().getType(), 2, "source",
                            "packed zeros [groups, N/8]");
}

OpFoldResult RepackZerosOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<uint32_t>> source =
      getConstantWords(adaptor.getSource());
  if (!source)
    return {};
  RankedTensorType type = getSource().getType();
  SmallVector<uint32_t> result(source->size());
  if (!::w4a16::repackAwqZerosToGptq(
          source->data(), type.getDimSize(0),
          type.getDimSize(1) * ::w4a16::kValuesPerWord, result.data()))
    return {};
  return makeWordsAttr(adaptor.getSource(), type, "w4a16_gptq_zeros", result);
}

//===----------------------------------------------------------------------===//
// ActOrderPermOp
//===----------------------------------------------------------------------===//

LogicalResult ActOrderPermOp::verify() {
  RankedTensorType type = getGIdx().getType();
  if (failed(verifyStaticTensor(*this, type, 1, "g_idx", "1-D [K]")))
    return failure();
  int64_t k = type.getDimSize(0);
  if (k % getGroupSize() != 0)
    return emitOpError() << "K = " << k
                         << " is not divisible by the group size "
                         << getGroupSize();
  return success();
}

OpFoldResult ActOrderPermOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<uint32_t>> gIdx =
      getConstantWords(adaptor.getGIdx());
  if (!gIdx)
    return {};
  SmallVector<int32_t> perm(gIdx->size());
  // The host function loaders call; it rejects groups of the wrong size.
  if (!::w4a16::actOrderPermutation(
          reinterpret_cast<const int32_t *>(gIdx->data()), gIdx->size(),
          getGroupSize(), perm.data()))
    return {};
  return DenseElementsAttr::get(getResult().getType(), ArrayRef(perm));
}

//===----------------------------------------------------------------------===//
// PermuteKOp
//===----------------------------------------------------------------------===//

bool PermuteKOp::permutesWeights() {
  return getSource().getType().getElementType().isInteger(32);
}

int64_t PermuteKOp::getK() {
  int64_t inner = getSource().getType().getShape().back();
  return permutesWeights()
             ? getSource().getType().getDimSize(0) * ::w4a16::kValuesPerWord
             : inner;
}

LogicalResult PermuteKOp::verify() {
  RankedTensorType source = getSource().getType();
  RankedTensorType perm = getPerm().getType();
  if (failed(verifyStaticTensor(*this, perm, 1, "perm", "1-D [K]")))
    return failure();
  if (permutesWeights()) {
    if (failed(verifyStaticTensor(*this, source, 2, "packed weights",
                                  "gptq [K/8, N]")))
      return failure();
  } else if (source.getRank() < 1 ||
             ShapedType::isDynamic(source.getShape().back())) {
    return emitOpError() << "activations must be [B..., M, K] with a static "
                            "K, got "
                         << formatShape(source.getShape());
  }
  if (perm.getDimSize(0) != getK())
    return emitOpError() << "perm has " << perm.getDimSize(0)
                         << " entries, but the source has K = " << getK();
  return success();
}

OpFoldResult PermuteKOp::fold(FoldAdaptor adaptor) {
  if (!permutesWeights())
    return {};
  std::optional<SmallVector<uint32_t>> source =
      getConstantWords(adaptor.getSource());
  std::optional<SmallVector<uint32_t>> perm =
      getConstantWords(adaptor.getPerm());
  if (!source || !perm)
    return {};
  SmallVector<uint32_t> permuted(source->size());
  // The same host function loaders call: the compile-time permutation is the
  // load-time one.
  int64_t n = getSource().getType().getDimSize(1);
  if (!::w4a16::permuteGptqRows(source->data(), getK(), n,
                                reinterpret_cast<const int32_t *>(perm->data()),
                                permuted.data()))
    return {};
  return makeWordsAttr(adaptor.getSource(), getResult().getType(),
                       "w4a16_permuted", permuted);
}

#define GET_OP_CLASSES
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.cpp.inc"
