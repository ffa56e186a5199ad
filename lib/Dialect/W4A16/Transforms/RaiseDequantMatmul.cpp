//===- RaiseDequantMatmul.cpp - Raise dequant + matmul to w4a16.matmul ----===//
//
// Finds contractions whose weight operand is a 4-bit group-quantized weight
// dequantized in upstream dialects and replaces them by w4a16.matmul.
//
// The weight operand is followed back one element at a time. An element is
// described at canonical coordinates (k, n, rows...) by affine index maps,
// across reshapes, transposes, broadcasts and into the bodies of elementwise
// linalg.generic producers, down to reads of "leaf" tensors. The scalar
// computation found there is matched against (q - z) * s, and every index
// relation and shift is then checked exhaustively over K and N against the
// definitions in PackedFormat.h; only then is anything rewritten.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Support/PackedFormat.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_RAISEDEQUANTMATMULPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

/// Canonical coordinates of a weight element: K row, N column; the
/// contraction's row (batch and M) dimensions follow and must not matter.
constexpr unsigned kDimK = 0;
constexpr unsigned kDimN = 1;
constexpr unsigned kNumWeightDims = 2;
constexpr int64_t kPerWord = ::w4a16::kValuesPerWord;
constexpr int64_t kNibbleMask = (int64_t(1) << ::w4a16::kBitsPerValue) - 1;

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

/// Value of a quasi-affine expression without symbols at integer `dims`.
int64_t evaluate(AffineExpr expr, ArrayRef<int64_t> dims) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return constant.getValue();
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dims[dim.getPosition()];
  auto binary = cast<AffineBinaryOpExpr>(expr);
  int64_t lhs = evaluate(binary.getLHS(), dims);
  int64_t rhs = evaluate(binary.getRHS(), dims);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return lhs + rhs;
  case AffineExprKind::Mul:
    return lhs * rhs;
  case AffineExprKind::FloorDiv:
    return llvm::divideFloorSigned(lhs, rhs);
  case AffineExprKind::CeilDiv:
    return llvm::divideCeilSigned(lhs, rhs);
  case AffineExprKind::Mod:
    return lhs - rhs * llvm::divideFloorSigned(lhs, rhs);
  default:
    llvm_unreachable("maps built here have no symbols");
  }
}

SmallVector<int64_t> evaluate(AffineMap map, ArrayRef<int64_t> dims) {
  return llvm::map_to_vector(
      map.getResults(), [&](AffineExpr expr) { return evaluate(expr, dims); });
}

/// Bit mask of the dimensions `expr` depends on.
uint64_t usedDims(AffineExpr expr) {
  uint64_t mask = 0;
  expr.walk([&](AffineExpr sub) {
    if (auto dim = dyn_cast<AffineDimExpr>(sub))
      mask |= uint64_t(1) << dim.getPosition();
  });
  return mask;
}

bool isStaticNonEmpty(RankedTensorType type) {
  return type.hasStaticShape() && type.getNumElements() > 0;
}

/// Indices of the dims in `group` of `shape` whose linear index is `linear`.
SmallVector<AffineExpr> delinearize(AffineExpr linear, ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> group) {
  SmallVector<AffineExpr> indices;
  int64_t stride = 1;
  for (int64_t dim : group)
    stride *= shape[dim];
  for (auto [i, dim] : llvm::enumerate(group)) {
    stride /= shape[dim];
    AffineExpr index = linear.floorDiv(stride);
    indices.push_back(i == 0 ? index : index % shape[dim]);
  }
  return indices;
}

/// Linear index, over the dims in `group` of `shape`, of `indices`.
AffineExpr linearize(ArrayRef<AffineExpr> indices, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> group) {
  AffineExpr linear;
  for (int64_t dim : group)
    linear = linear ? linear * shape[dim] + indices[dim] : indices[dim];
  return linear;
}

//===----------------------------------------------------------------------===//
// Following weight elements back through the IR
//===----------------------------------------------------------------------===//

/// An element of a tensor nothing elementwise produced (an argument, a
/// constant, the result of some other op): canonical dims -> its indices.
struct TensorRead {
  Value tensor;
  AffineMap indices;

  RankedTensorType getType() const {
    return cast<RankedTensorType>(tensor.getType());
  }
};

/// A scalar of the traced computation: either a value computed in the body
/// of an elementwise linalg.generic (or defined outside any body) whose loop
/// indices are `loops` of the canonical dims, or a leaf tensor read.
struct Element {
  Value value;
  AffineMap loops;
  TensorRead read;

  bool isRead() const { return !value; }
  template <typename OpTy> OpTy getDefiningOp() const {
    return value ? value.getDefiningOp<OpTy>() : OpTy();
  }
  Element getOperand(unsigned i) const {
    return {value.getDefiningOp()->getOperand(i), loops, {}};
  }
};

/// The loops (as a map from result indices) of an elementwise generic's
/// result `resultNumber`, if that result is computed element by element.
std::optional<AffineMap> elementwiseLoops(linalg::GenericOp generic,
                                          unsigned resultNumber) {
  if (generic.getNumReductionLoops() != 0 || !generic.hasPureTensorSemantics())
    return std::nullopt;
  OpOperand *init = generic.getDpsInitOperand(resultNumber);
  if (!generic.getMatchingBlockArgument(init).use_empty())
    return std::nullopt;
  AffineMap map = generic.getMatchingIndexingMap(init);
  if (!map.isPermutation())
    return std::nullopt;
  return inversePermutation(map);
}

class ElementTracer {
public:
  /// The element of `tensor` at `indices`, followed back through shape-only
  /// ops and into elementwise producers.
  Element readTensor(Value tensor, AffineMap indices);

  /// `element` with block arguments of generic inputs replaced by what they
  /// read.
  Element follow(Element element);

  /// Producers the traced elements went through, nearest the consumer first.
  ArrayRef<Operation *> getTraversed() const { return traversed.getArrayRef(); }

private:
  void visit(Operation *op) { traversed.insert(op); }

  llvm::SetVector<Operation *> traversed;
};

Element ElementTracer::readTensor(Value tensor, AffineMap indices) {
  MLIRContext *context = tensor.getContext();
  while (Operation *producer = tensor.getDefiningOp()) {
    SmallVector<AffineExpr> sourceIndices;
    Value source;
    if (auto castOp = dyn_cast<tensor::CastOp>(producer)) {
      source = castOp.getSource();
      if (!isa<RankedTensorType>(source.getType()))
        break;
      llvm::append_range(sourceIndices, indices.getResults());
    } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(producer)) {
      if (!isStaticNonEmpty(collapse.getSrcType()))
        break;
      source = collapse.getSrc();
      for (auto [group, index] : llvm::zip_equal(
               collapse.getReassociationIndices(), indices.getResults()))
        llvm::append_range(
            sourceIndices,
            delinearize(index, collapse.getSrcType().getShape(), group));
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(producer)) {
      if (!isStaticNonEmpty(expand.getResultType()))
        break;
      source = expand.getSrc();
      for (ReassociationIndices group : expand.getReassociationIndices())
        sourceIndices.push_back(linearize(
            indices.getResults(), expand.getResultType().getShape(), group));
    } else if (auto transpose = dyn_cast<linalg::TransposeOp>(producer)) {
      if (!transpose.hasPureTensorSemantics())
        break;
      source = transpose.getInput();
      // Dim i of the result is dim permutation[i] of the input.
      sourceIndices.resize(indices.getNumResults());
      for (auto [i, inputDim] : llvm::enumerate(transpose.getPermutation()))
        sourceIndices[inputDim] = indices.getResult(i);
    } else if (auto broadcast = dyn_cast<linalg::BroadcastOp>(producer)) {
      if (!broadcast.hasPureTensorSemantics())
        break;
      source = broadcast.getInput();
      for (auto [i, index] : llvm::enumerate(indices.getResults()))
        if (!llvm::is_contained(broadcast.getDimensions(), int64_t(i)))
          sourceIndices.push_back(index);
    } else if (auto generic = dyn_cast<linalg::GenericOp>(producer)) {
      unsigned resultNumber = cast<OpResult>(tensor).getResultNumber();
      std::optional<AffineMap> loops = elementwiseLoops(generic, resultNumber);
      if (!loops)
        break;
      visit(producer);
      Value yielded =
          generic.getBody()->getTerminator()->getOperand(resultNumber);
      return follow({yielded, loops->compose(indices), {}});
    } else {
      break;
    }
    visit(producer);
    tensor = source;
    indices = simplifyAffineMap(
        AffineMap::get(indices.getNumDims(), 0, sourceIndices, context));
  }
  return {Value(), AffineMap(), {tensor, indices}};
}

Element ElementTracer::follow(Element element) {
  if (element.isRead())
    return element;
  auto arg = dyn_cast<BlockArgument>(element.value);
  if (!arg)
    return element;
  auto generic = dyn_cast<linalg::GenericOp>(arg.getOwner()->getParentOp());
  if (!generic || arg.getArgNumber() >= generic.getNumDpsInputs())
    return element;
  OpOperand *input = generic.getDpsInputOperand(arg.getArgNumber());
  return readTensor(input->get(), generic.getMatchingIndexingMap(input).compose(
                                      element.loops));
}

//===----------------------------------------------------------------------===//
// Integer elements that must be compile-time functions of (k, n)
//===----------------------------------------------------------------------===//

/// An integer element (a shift amount) as a function of canonical
/// coordinates, compiled once from the IR so that it can be checked at
/// every K or N.
using IntegerFn = std::function<std::optional<int64_t>(ArrayRef<int64_t>)>;

/// Compiles `element` if it is built from integer constants, loop indices,
/// constant tensors and integer arithmetic; `dims` receives the canonical
/// dims it depends on.
FailureOr<IntegerFn> compileInteger(ElementTracer &tracer, Element element,
                                    uint64_t &dims) {
  element = tracer.follow(element);
  if (element.isRead()) {
    DenseIntElementsAttr data;
    if (!matchPattern(element.read.tensor, m_Constant(&data)))
      return failure();
    AffineMap indices = element.read.indices;
    for (AffineExpr index : indices.getResults())
      dims |= usedDims(index);
    SmallVector<int64_t> strides = computeStrides(data.getType().getShape());
    return IntegerFn([=](ArrayRef<int64_t> point) -> std::optional<int64_t> {
      int64_t linear = 0;
      for (auto [index, size, stride] : llvm::zip_equal(
               evaluate(indices, point), data.getType().getShape(), strides)) {
        if (index < 0 || index >= size)
          return std::nullopt;
        linear += index * stride;
      }
      return (*(data.value_begin<APInt>() + linear)).getSExtValue();
    });
  }
  APInt constant;
  if (matchPattern(element.value, m_ConstantInt(&constant))) {
    int64_t value = constant.getSExtValue();
    return IntegerFn([=](ArrayRef<int64_t>) { return value; });
  }
  if (auto index = element.getDefiningOp<linalg::IndexOp>()) {
    AffineExpr loop = element.loops.getResult(index.getDim());
    dims |= usedDims(loop);
    return IntegerFn([=](ArrayRef<int64_t> point) -> std::optional<int64_t> {
      return evaluate(loop, point);
    });
  }
  Operation *op = element.value.getDefiningOp();
  if (!op ||
      !isa<arith::IndexCastOp, arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
           arith::AddIOp, arith::SubIOp, arith::MulIOp>(op))
    return failure();
  SmallVector<IntegerFn> operands;
  for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i) {
    FailureOr<IntegerFn> operand =
        compileInteger(tracer, element.getOperand(i), dims);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  // Results stay exact only while they fit the result type: check it.
  Type resultType = op->getResult(0).getType();
  unsigned width = resultType.isIndex()
                       ? 63
                       : std::min(resultType.getIntOrFloatBitWidth(), 63u);
  bool unsignedOperand = isa<arith::ExtUIOp>(op);
  auto combine = [op](int64_t lhs, int64_t rhs) {
    if (isa<arith::AddIOp>(op))
      return lhs + rhs;
    if (isa<arith::SubIOp>(op))
      return lhs - rhs;
    return lhs * rhs;
  };
  return IntegerFn([=](ArrayRef<int64_t> point) -> std::optional<int64_t> {
    std::optional<int64_t> result = operands[0](point);
    if (operands.size() == 2) {
      std::optional<int64_t> rhs = operands[1](point);
      if (!result || !rhs)
        return std::nullopt;
      result = combine(*result, *rhs);
    }
    if (!result || (unsignedOperand && *result < 0) ||
        !llvm::isIntN(width, *result))
      return std::nullopt;
    return result;
  });
}

//===----------------------------------------------------------------------===//
// Matching (q - z) * s
//===----------------------------------------------------------------------===//

/// A 4-bit value taken from an int32 word: (word >> shift) & 15.
struct PackedNibble {
  TensorRead word;
  Element shift;
};

/// What the dequantized weight element was recognised as.
struct DequantMatch {
  /// Exactly one of: nibbles of int32 words, or narrow (i4) values in any
  /// layout.
  std::optional<PackedNibble> packedWeight;
  std::optional<TensorRead> narrowWeight;

  ZeroPointKind zeroPoint = ZeroPointKind::None;
  std::optional<PackedNibble> packedZero;
  bool gptqV1 = false;
  std::optional<TensorRead> floatZero;
  /// A constant zero point other than 0 or 8.
  std::optional<double> constantZero;

  TensorRead scale;
};

/// Whether `read` has an element type w4a16 accepts for scales and zeros.
bool isOperandFloat(const TensorRead &read) {
  Type element = read.getType().getElementType();
  return element.isF16() || element.isBF16() || element.isF32();
}

/// Remembers why the last step failed, for the pass's `explain` remarks.
class FailureReason {
public:
  StringRef getReason() const { return reason; }

protected:
  LogicalResult fail(const Twine &why) {
    reason = why.str();
    return failure();
  }

  std::string reason;
};

class DequantMatcher : public FailureReason {
public:
  explicit DequantMatcher(ElementTracer &tracer) : tracer(tracer) {}

  /// Matches the element of the weight operand as (q - z) * s.
  LogicalResult matchWeight(Element weight);

  const DequantMatch &getMatch() const { return match; }
  /// Whether the weight was a product with a quantized factor (the failure,
  /// if any, is then about the details).
  bool looksQuantized() const { return foundQuantizedFactor; }

private:
  Element follow(Element element) { return tracer.follow(element); }
  /// Skips exact widenings and, with `allowRounding`, roundings of floats.
  Element skipFloatCasts(Element element, bool allowRounding);
  /// Whether `element` (after extensions) converts an integer to float.
  bool isIntToFloat(Element element);

  LogicalResult matchDifference(Element difference);
  LogicalResult matchQuantized(Element quantized);
  LogicalResult matchPackedNibble(Element nibble, PackedNibble &result,
                                  StringRef what);
  LogicalResult matchZero(Element zero);
  LogicalResult matchScale(Element scale);
  LogicalResult setConstantZero(double value);

  ElementTracer &tracer;
  DequantMatch match;
  bool foundQuantizedFactor = false;
};

Element DequantMatcher::skipFloatCasts(Element element, bool allowRounding) {
  while (true) {
    element = follow(element);
    if (auto ext = element.getDefiningOp<arith::ExtFOp>()) {
      element = element.getOperand(0);
      continue;
    }
    if (allowRounding && element.getDefiningOp<arith::TruncFOp>()) {
      element = element.getOperand(0);
      continue;
    }
    return element;
  }
}

bool DequantMatcher::isIntToFloat(Element element) {
  element = skipFloatCasts(element, /*allowRounding=*/false);
  return element.getDefiningOp<arith::UIToFPOp>() ||
         element.getDefiningOp<arith::SIToFPOp>() ||
         element.getDefiningOp<arith::SubFOp>();
}

LogicalResult DequantMatcher::matchWeight(Element weight) {
  weight = skipFloatCasts(weight, /*allowRounding=*/true);
  auto mul = weight.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return fail("the operand is not a product (q - z) * s");
  // The quantized factor is the one built from an integer.
  unsigned quantizedSide = isIntToFloat(weight.getOperand(0)) ? 0 : 1;
  if (!isIntToFloat(weight.getOperand(quantizedSide)))
    return fail("neither factor of the product is (q - z) or q");
  foundQuantizedFactor = true;
  if (failed(matchDifference(weight.getOperand(quantizedSide))))
    return failure();
  return matchScale(weight.getOperand(1 - quantizedSide));
}

LogicalResult DequantMatcher::matchDifference(Element difference) {
  difference = skipFloatCasts(difference, /*allowRounding=*/false);
  if (!difference.getDefiningOp<arith::SubFOp>())
    return matchQuantized(difference);
  if (failed(matchQuantized(difference.getOperand(0))))
    return fail("the minuend of (q - z) is not the quantized value: " + reason);
  return matchZero(difference.getOperand(1));
}

LogicalResult DequantMatcher::matchQuantized(Element quantized) {
  quantized = skipFloatCasts(quantized, /*allowRounding=*/false);
  if (!quantized.getDefiningOp<arith::UIToFPOp>() &&
      !quantized.getDefiningOp<arith::SIToFPOp>())
    return fail("not an integer converted to float");
  Element integer = follow(quantized.getOperand(0));
  if (integer.getDefiningOp<arith::ExtUIOp>()) {
    Element narrow = follow(integer.getOperand(0));
    if (!narrow.isRead() || !narrow.read.getType().getElementType().isInteger(
                                ::w4a16::kBitsPerValue))
      return fail("the zero-extended weight is not read from an i4 tensor");
    match.narrowWeight = narrow.read;
    return success();
  }
  PackedNibble nibble;
  if (failed(matchPackedNibble(integer, nibble, "weight")))
    return failure();
  match.packedWeight = nibble;
  return success();
}

LogicalResult DequantMatcher::matchPackedNibble(Element nibble,
                                                PackedNibble &result,
                                                StringRef what) {
  nibble = follow(nibble);
  if (!nibble.getDefiningOp<arith::AndIOp>())
    return fail(what + " is not (word >> shift) & 15");
  // The mask may be either operand.
  for (unsigned maskSide : {1, 0}) {
    Element mask = follow(nibble.getOperand(maskSide));
    APInt maskValue;
    if (mask.isRead() || !matchPattern(mask.value, m_ConstantInt(&maskValue)))
      continue;
    if (maskValue != kNibbleMask)
      return fail(what + " mask is " + Twine(maskValue.getSExtValue()) +
                  ", not 15");
    Element shifted = follow(nibble.getOperand(1 - maskSide));
    if (!shifted.getDefiningOp<arith::ShRSIOp>() &&
        !shifted.getDefiningOp<arith::ShRUIOp>())
      return fail(what + " is masked but not shifted right");
    Element word = follow(shifted.getOperand(0));
    if (!word.isRead() || !word.read.getType().getElementType().isInteger(32))
      return fail(what + " is not shifted out of an int32 tensor");
    result = {word.read, shifted.getOperand(1)};
    return success();
  }
  return fail(what + " is masked by a value that is not a constant");
}

LogicalResult DequantMatcher::setConstantZero(double value) {
  if (value == 0.0)
    match.zeroPoint = ZeroPointKind::None;
  else if (value == double(::w4a16::kSymmetricZeroPoint))
    match.zeroPoint = ZeroPointKind::Symmetric;
  else {
    match.zeroPoint = ZeroPointKind::Float;
    match.constantZero = value;
  }
  return success();
}

LogicalResult DequantMatcher::matchZero(Element zero) {
  zero = skipFloatCasts(zero, /*allowRounding=*/false);
  if (zero.isRead()) {
    if (!isOperandFloat(zero.read))
      return fail("the zero point is read from a tensor that is not f16, "
                  "bf16 or f32");
    SplatElementsAttr splat;
    if (matchPattern(zero.read.tensor, m_Constant(&splat)))
      return setConstantZero(splat.getSplatValue<APFloat>().convertToDouble());
    match.zeroPoint = ZeroPointKind::Float;
    match.floatZero = zero.read;
    return success();
  }
  FloatAttr floatConstant;
  if (matchPattern(zero.value, m_Constant(&floatConstant)))
    return setConstantZero(floatConstant.getValueAsDouble());
  if (!zero.getDefiningOp<arith::UIToFPOp>() &&
      !zero.getDefiningOp<arith::SIToFPOp>())
    return fail("the zero point is not a constant, a float tensor or an "
                "unpacked integer");
  Element integer = follow(zero.getOperand(0));
  APInt intConstant;
  if (!integer.isRead() &&
      matchPattern(integer.value, m_ConstantInt(&intConstant)))
    return setConstantZero(double(intConstant.getSExtValue()));
  if (integer.getDefiningOp<arith::AddIOp>()) {
    // GPTQ v1 checkpoints store zero - 1.
    for (unsigned oneSide : {1, 0}) {
      Element one = follow(integer.getOperand(oneSide));
      if (!one.isRead() && matchPattern(one.value, m_One())) {
        match.gptqV1 = true;
        integer = integer.getOperand(1 - oneSide);
        break;
      }
    }
    if (!match.gptqV1)
      return fail("the zero point adds something other than 1");
  }
  PackedNibble nibble;
  if (failed(matchPackedNibble(integer, nibble, "zero point")))
    return failure();
  match.zeroPoint = ZeroPointKind::Packed;
  match.packedZero = nibble;
  return success();
}

LogicalResult DequantMatcher::matchScale(Element scale) {
  scale = skipFloatCasts(scale, /*allowRounding=*/false);
  if (!scale.isRead() || !isOperandFloat(scale.read))
    return fail("the scale is not read from an f16, bf16 or f32 tensor");
  match.scale = scale.read;
  return success();
}

//===----------------------------------------------------------------------===//
// Proving the match equal to the dialect's definition
//===----------------------------------------------------------------------===//

/// Checks a match against w4a16 semantics for a K x N weight, by evaluating
/// every index relation at every K and every N. Reads may depend on k or n
/// per index but not on both, which keeps this O(K + N).
class SchemeProver : public FailureReason {
public:
  SchemeProver(ElementTracer &tracer, int64_t k, int64_t n,
               unsigned numCanonicalDims)
      : tracer(tracer), extents{k, n}, numDims(numCanonicalDims) {}

  /// Derives the scheme of `match`, or fails with the reason.
  FailureOr<QuantSchemeAttr> prove(MLIRContext *context,
                                   const DequantMatch &match);

  /// K rows per group (K when per-channel), valid after prove().
  int64_t getGroupRows() const { return groupRows; }

private:
  /// Each index of `read` depends on at most one of k and n, and on no
  /// contraction row.
  LogicalResult checkSeparable(const TensorRead &read, StringRef what);
  /// Whether every index of `read` that depends on `dim` is the same at x
  /// and at block * floor(x / block), for every x along `dim`.
  bool isBlockConstant(const TensorRead &read, unsigned dim, int64_t block);
  /// The smallest x > 0 along k where some index of `read` changes.
  int64_t firstChangeAlongK(const TensorRead &read);
  /// Whether `nibble`'s word and shift place value x along `dim` exactly as
  /// `layout` packs position x % 8 of a word.
  LogicalResult provePacking(const PackedNibble &nibble,
                             ::w4a16::PackedLayout layout, unsigned dim,
                             StringRef what);

  SmallVector<int64_t> point(unsigned dim, int64_t x) const {
    SmallVector<int64_t> coordinates(numDims, 0);
    coordinates[dim] = x;
    return coordinates;
  }

  ElementTracer &tracer;
  int64_t extents[kNumWeightDims];
  unsigned numDims;
  int64_t groupRows = 0;
};

LogicalResult SchemeProver::checkSeparable(const TensorRead &read,
                                           StringRef what) {
  for (AffineExpr index : read.indices.getResults()) {
    uint64_t dims = usedDims(index);
    if (dims >> kNumWeightDims)
      return fail(what + " varies along a batch or row dimension");
    if (dims == ((1u << kDimK) | (1u << kDimN)))
      return fail(what + " has an index mixing K and N");
  }
  return success();
}

bool SchemeProver::isBlockConstant(const TensorRead &read, unsigned dim,
                                   int64_t block) {
  for (AffineExpr index : read.indices.getResults()) {
    if (!(usedDims(index) & (uint64_t(1) << dim)))
      continue;
    for (int64_t x = 0; x < extents[dim]; ++x)
      if (evaluate(index, point(dim, x)) !=
          evaluate(index, point(dim, x / block * block)))
        return false;
  }
  return true;
}

int64_t SchemeProver::firstChangeAlongK(const TensorRead &read) {
  SmallVector<int64_t> first = evaluate(read.indices, point(kDimK, 0));
  for (int64_t x = 1; x < extents[kDimK]; ++x)
    if (evaluate(read.indices, point(kDimK, x)) != first)
      return x;
  return extents[kDimK];
}

LogicalResult SchemeProver::provePacking(const PackedNibble &nibble,
                                         ::w4a16::PackedLayout layout,
                                         unsigned dim, StringRef what) {
  if (extents[dim] % kPerWord != 0)
    return fail(what + " packs a dimension that is not a multiple of 8");
  uint64_t shiftDims = 0;
  FailureOr<IntegerFn> shift = compileInteger(tracer, nibble.shift, shiftDims);
  if (failed(shift))
    return fail(what + " shift is not a compile-time function of (k, n)");
  if (shiftDims & ~(uint64_t(1) << dim))
    return fail(what + " shift varies along the wrong dimension");
  for (int64_t x = 0; x < extents[dim]; ++x) {
    std::optional<int64_t> amount = (*shift)(point(dim, x));
    if (amount != ::w4a16::nibbleShift(layout, x % kPerWord))
      return fail(what + " shift order is not the " +
                  stringifyWeightLayout(static_cast<WeightLayout>(layout)) +
                  " one");
  }
  if (!isBlockConstant(nibble.word, dim, kPerWord))
    return fail(what + " word changes inside a group of 8 packed values");
  return success();
}

FailureOr<QuantSchemeAttr> SchemeProver::prove(MLIRContext *context,
                                               const DequantMatch &match) {
  int64_t k = extents[kDimK];
  ::w4a16::PackedLayout layout = ::w4a16::PackedLayout::Gptq;
  if (match.packedWeight) {
    if (failed(checkSeparable(match.packedWeight->word, "the packed weight")))
      return failure();
    // GPTQ packs along K, AWQ along N: the shift decides which it can be.
    if (failed(provePacking(*match.packedWeight, ::w4a16::PackedLayout::Gptq,
                            kDimK, "the weight"))) {
      std::string gptqReason = reason;
      if (failed(provePacking(*match.packedWeight, ::w4a16::PackedLayout::Awq,
                              kDimN, "the weight")))
        return fail(gptqReason + "; " + reason);
      layout = ::w4a16::PackedLayout::Awq;
    }
  } else if (failed(checkSeparable(*match.narrowWeight, "the weight"))) {
    return failure();
  }

  // Scales and zeros share the group: the finest change along K sets it.
  SmallVector<const TensorRead *> grouped = {&match.scale};
  if (match.packedZero)
    grouped.push_back(&match.packedZero->word);
  if (match.floatZero)
    grouped.push_back(&*match.floatZero);
  groupRows = k;
  for (const TensorRead *read : grouped) {
    if (failed(checkSeparable(*read, "a scale or zero point")))
      return failure();
    groupRows = std::min(groupRows, firstChangeAlongK(*read));
  }
  if (groupRows % kPerWord != 0 || k % groupRows != 0)
    return fail("scales or zero points change every " + Twine(groupRows) +
                " K rows, which is not a group size (a multiple of 8 "
                "dividing K = " +
                Twine(k) + ")");
  for (const TensorRead *read : grouped)
    if (!isBlockConstant(*read, kDimK, groupRows))
      return fail("a scale or zero point is not constant over groups of " +
                  Twine(groupRows) + " K rows");
  if (match.packedZero) {
    if (failed(
            provePacking(*match.packedZero, layout, kDimN, "the zero point")))
      return failure();
  }
  if (match.gptqV1 && layout != ::w4a16::PackedLayout::Gptq)
    return fail("a zero point stored minus one is only defined for gptq");

  // One group over all of K is per-channel.
  int64_t groupSize = groupRows == k ? QuantSchemeAttr::kPerChannel : groupRows;
  return QuantSchemeAttr::get(context, static_cast<WeightLayout>(layout),
                              ::w4a16::kBitsPerValue, groupSize,
                              match.zeroPoint, match.gptqV1);
}

//===----------------------------------------------------------------------===//
// Building the operands of w4a16.matmul
//===----------------------------------------------------------------------===//

/// Index values of a linalg.generic body for `map` of its loop indices.
SmallVector<Value> applyIndices(OpBuilder &b, Location loc, AffineMap map,
                                ValueRange loops) {
  return llvm::map_to_vector(map.getResults(), [&](AffineExpr expr) -> Value {
    return affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), loops);
  });
}

/// A tensor of `shape` whose element at t is element read.indices(toCanonical
/// (t)) of read.tensor: the tensor itself when that is the identity, a
/// gathering linalg.generic otherwise.
Value gather(OpBuilder &b, Location loc, const TensorRead &read,
             ArrayRef<int64_t> shape, AffineMap toCanonical) {
  AffineMap indices = simplifyAffineMap(read.indices.compose(toCanonical));
  bool identity = read.getType().getShape() == shape;
  for (auto [dim, index] : llvm::enumerate(indices.getResults())) {
    if (!identity)
      break;
    SmallVector<int64_t> target(shape.size(), 0);
    for (int64_t x = 0; identity && x < shape[dim]; ++x) {
      target[dim] = x;
      identity = evaluate(index, target) == x;
    }
  }
  if (identity)
    return read.tensor;

  Type elementType = read.getType().getElementType();
  Value empty = tensor::EmptyOp::create(b, loc, shape, elementType);
  unsigned rank = shape.size();
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{}, ValueRange{empty},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange) {
               SmallVector<Value> loops;
               for (unsigned d = 0; d < rank; ++d)
                 loops.push_back(linalg::IndexOp::create(nb, nloc, d));
               Value element = tensor::ExtractOp::create(
                   nb, nloc, read.tensor,
                   applyIndices(nb, nloc, indices, loops));
               linalg::YieldOp::create(nb, nloc, element);
             })
      .getResult(0);
}

/// GPTQ int32 words [K/8, N] packing the i4 values read.tensor[read.indices
/// (k, n)], built by a linalg.generic.
Value packNarrowWeights(OpBuilder &b, Location loc, const TensorRead &read,
                        int64_t k, int64_t n, unsigned numCanonicalDims) {
  constexpr auto gptq = ::w4a16::PackedLayout::Gptq;
  Type i32 = b.getI32Type();
  Value empty =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{k / kPerWord, n}, i32);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{}, ValueRange{empty},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(2)},
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange) {
               Value loops[] = {linalg::IndexOp::create(nb, nloc, 0),
                                linalg::IndexOp::create(nb, nloc, 1)};
               AffineExpr row = nb.getAffineDimExpr(0);
               AffineExpr col = nb.getAffineDimExpr(1);
               Value word = arith::ConstantIntOp::create(nb, nloc, i32, 0);
               for (int64_t i = 0; i < kPerWord; ++i) {
                 SmallVector<AffineExpr> canonical(
                     numCanonicalDims,
                     getAffineConstantExpr(0, b.getContext()));
                 canonical[kDimK] = row * kPerWord + i;
                 canonical[kDimN] = col;
                 AffineMap toCanonical =
                     AffineMap::get(2, 0, canonical, b.getContext());
                 Value value = tensor::ExtractOp::create(
                     nb, nloc, read.tensor,
                     applyIndices(nb, nloc, read.indices.compose(toCanonical),
                                  loops));
                 Value shifted = arith::ShLIOp::create(
                     nb, nloc, arith::ExtUIOp::create(nb, nloc, i32, value),
                     arith::ConstantIntOp::create(
                         nb, nloc, i32, ::w4a16::nibbleShift(gptq, i)));
                 word = arith::OrIOp::create(nb, nloc, word, shifted);
               }
               linalg::YieldOp::create(nb, nloc, word);
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// The contraction
//===----------------------------------------------------------------------===//

/// How the loops of a contraction map onto w4a16.matmul.
struct ContractionRoles {
  unsigned weightInput;
  /// Parallel loops of the activation and the result (batch and M), in the
  /// order of the result; they lead the result's dims, N comes last.
  SmallVector<unsigned> rowLoops;
  unsigned nLoop;
  /// Reduction loops, in the order of the activation's trailing dims.
  SmallVector<unsigned> kLoops;
  int64_t k = 1, n;
  /// Canonical (k, n, rows...) -> contraction loops.
  AffineMap canonicalToLoops;
};

/// Whether the body is out + a * b, with a and b the inputs, possibly
/// extended first.
bool isMultiplyAccumulate(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  Value yielded = body->getTerminator()->getOperand(0);
  auto add = yielded.getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body->getArgument(op.getNumDpsInputs());
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  auto inputIndex = [&](Value v) -> int64_t {
    if (auto ext = v.getDefiningOp<arith::ExtFOp>())
      v = ext.getIn();
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == body ? arg.getArgNumber() : -1;
  };
  int64_t lhs = inputIndex(mul.getLhs()), rhs = inputIndex(mul.getRhs());
  return (lhs == 0 && rhs == 1) || (lhs == 1 && rhs == 0);
}

FailureOr<ContractionRoles> analyzeContraction(linalg::LinalgOp op,
                                               unsigned weightInput,
                                               std::string &reason) {
  ContractionRoles roles;
  roles.weightInput = weightInput;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap weightMap = maps[weightInput];
  AffineMap activationMap = maps[1 - weightInput];
  AffineMap outMap = maps[2];
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto failWith = [&](const Twine &why) {
    reason = why.str();
    return failure();
  };

  auto loopOf = [](AffineExpr expr) -> std::optional<unsigned> {
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      return dim.getPosition();
    return std::nullopt;
  };
  auto uses = [](AffineMap map, unsigned loop) {
    return map.isFunctionOfDim(loop);
  };

  // The result is [rows..., N].
  if (outMap.getNumResults() == 0)
    return failWith("the result is a scalar");
  for (auto [i, expr] : llvm::enumerate(outMap.getResults())) {
    std::optional<unsigned> loop = loopOf(expr);
    if (!loop || iterators[*loop] != utils::IteratorType::parallel)
      return failWith("the result is not indexed by parallel loops");
    if (i + 1 < outMap.getNumResults())
      roles.rowLoops.push_back(*loop);
    else
      roles.nLoop = *loop;
  }
  if (uses(activationMap, roles.nLoop) || !uses(weightMap, roles.nLoop))
    return failWith("the last result dimension is not the weight's N");
  // The activation is [rows..., K dims...].
  if (activationMap.getNumResults() <= roles.rowLoops.size())
    return failWith("the activation has no reduction dimension");
  for (auto [i, expr] : llvm::enumerate(activationMap.getResults())) {
    std::optional<unsigned> loop = loopOf(expr);
    if (!loop)
      return failWith("the activation is not indexed by plain loops");
    if (i < roles.rowLoops.size()) {
      if (*loop != roles.rowLoops[i])
        return failWith("the activation's leading dimensions are not the "
                        "result's");
      continue;
    }
    if (iterators[*loop] != utils::IteratorType::reduction ||
        !uses(weightMap, *loop))
      return failWith("the activation's trailing dimensions are not "
                      "reductions shared with the weight");
    roles.kLoops.push_back(*loop);
  }
  if (roles.rowLoops.size() + 1 + roles.kLoops.size() != op.getNumLoops())
    return failWith("some loop is neither a row, N nor a reduction");
  if (ShapedType::isDynamic(ranges[roles.nLoop]))
    return failWith("N is dynamic");
  roles.n = ranges[roles.nLoop];
  for (unsigned loop : roles.kLoops) {
    if (ShapedType::isDynamic(ranges[loop]))
      return failWith("K is dynamic");
    roles.k *= ranges[loop];
  }
  if (roles.k == 0 || roles.n == 0)
    return failWith("the contraction is empty");

  MLIRContext *context = op.getContext();
  unsigned numCanonical = kNumWeightDims + roles.rowLoops.size();
  SmallVector<AffineExpr> loops(op.getNumLoops());
  loops[roles.nLoop] = getAffineDimExpr(kDimN, context);
  for (auto [i, loop] : llvm::enumerate(roles.rowLoops))
    loops[loop] = getAffineDimExpr(kNumWeightDims + i, context);
  SmallVector<int64_t> kShape = llvm::map_to_vector(
      roles.kLoops, [&](unsigned loop) { return ranges[loop]; });
  SmallVector<int64_t> kGroup =
      llvm::to_vector(llvm::seq<int64_t>(0, kShape.size()));
  for (auto [loop, index] : llvm::zip_equal(
           roles.kLoops,
           delinearize(getAffineDimExpr(kDimK, context), kShape, kGroup)))
    loops[loop] = index;
  roles.canonicalToLoops = AffineMap::get(numCanonical, 0, loops, context);
  return roles;
}

/// Collapses [rows..., K dims...] to [rows..., K], or expands [K] to [1, K]
/// when there are no rows (the same for [N] results).
Value toMatrixOperand(OpBuilder &b, Location loc, Value value,
                      unsigned numRows) {
  auto type = cast<RankedTensorType>(value.getType());
  if (numRows == 0) {
    if (type.getRank() > 1)
      value = tensor::CollapseShapeOp::create(
          b, loc, value,
          SmallVector<ReassociationIndices>{
              llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))});
    return tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({1, type.getNumElements()},
                              type.getElementType()),
        value, SmallVector<ReassociationIndices>{{0, 1}});
  }
  if (type.getRank() == numRows + 1)
    return value;
  SmallVector<ReassociationIndices> reassociation;
  for (unsigned i = 0; i < numRows; ++i)
    reassociation.push_back({i});
  reassociation.emplace_back(
      llvm::to_vector(llvm::seq<int64_t>(numRows, type.getRank())));
  return tensor::CollapseShapeOp::create(b, loc, value, reassociation);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct RaiseDequantMatmulPass
    : mlir::w4a16::impl::RaiseDequantMatmulPassBase<RaiseDequantMatmulPass> {
  using RaiseDequantMatmulPassBase::RaiseDequantMatmulPassBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 &&
          op.getNumReductionLoops() > 0)
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions) {
      std::string reason;
      if (failed(raise(op, reason)) && explain)
        op->emitRemark() << "not raised: " << reason;
    }
  }

  /// Replaces `op` by w4a16.matmul if one of its inputs is a dequantized
  /// 4-bit weight; otherwise leaves the IR unchanged and says why.
  LogicalResult raise(linalg::LinalgOp op, std::string &reason);
  LogicalResult raiseWithWeight(linalg::LinalgOp op, unsigned weightInput,
                                std::string &reason, bool &looksQuantized);
};

LogicalResult RaiseDequantMatmulPass::raise(linalg::LinalgOp op,
                                            std::string &reason) {
  if (!op.hasPureTensorSemantics()) {
    reason = "the contraction is not on tensors";
    return failure();
  }
  if (!isMultiplyAccumulate(op)) {
    reason = "the body is not a float multiply-accumulate of the inputs";
    return failure();
  }
  // The weight is usually the right-hand side; report the most specific
  // reason of the two attempts.
  bool looksQuantized = false;
  if (succeeded(raiseWithWeight(op, 1, reason, looksQuantized)))
    return success();
  std::string rhsReason = reason;
  bool rhsLooksQuantized = looksQuantized;
  if (succeeded(raiseWithWeight(op, 0, reason, looksQuantized)))
    return success();
  if (rhsLooksQuantized || !looksQuantized)
    reason = rhsReason;
  return failure();
}

LogicalResult RaiseDequantMatmulPass::raiseWithWeight(linalg::LinalgOp op,
                                                      unsigned weightInput,
                                                      std::string &reason,
                                                      bool &looksQuantized) {
  looksQuantized = false;
  FailureOr<ContractionRoles> roles =
      analyzeContraction(op, weightInput, reason);
  if (failed(roles))
    return failure();
  Value activation = op.getDpsInputOperand(1 - weightInput)->get();
  Value init = op.getDpsInitOperand(0)->get();
  Type activationElement = getElementTypeOrSelf(activation.getType());
  Type resultElement = getElementTypeOrSelf(init.getType());
  if (!activationElement.isF16() && !activationElement.isBF16()) {
    reason = "the activation is not f16 or bf16";
    return failure();
  }
  if (!resultElement.isF16() && !resultElement.isBF16() &&
      !resultElement.isF32()) {
    reason = "the result is not f16, bf16 or f32";
    return failure();
  }

  ElementTracer tracer;
  OpOperand *weightOperand = op.getDpsInputOperand(weightInput);
  Element weight = tracer.readTensor(weightOperand->get(),
                                     op.getMatchingIndexingMap(weightOperand)
                                         .compose(roles->canonicalToLoops));
  DequantMatcher matcher(tracer);
  LogicalResult matched = matcher.matchWeight(weight);
  looksQuantized = matcher.looksQuantized();
  if (failed(matched)) {
    reason = matcher.getReason().str();
    return failure();
  }
  const DequantMatch &match = matcher.getMatch();
  unsigned numCanonical = roles->canonicalToLoops.getNumDims();
  SchemeProver prover(tracer, roles->k, roles->n, numCanonical);
  FailureOr<QuantSchemeAttr> scheme = prover.prove(op.getContext(), match);
  if (failed(scheme)) {
    reason = prover.getReason().str();
    return failure();
  }
  // Raising must remove the dequantization, not duplicate it.
  llvm::SmallPtrSet<Operation *, 16> chain(tracer.getTraversed().begin(),
                                           tracer.getTraversed().end());
  for (Operation *producer : tracer.getTraversed())
    for (Operation *user : producer->getUsers())
      if (user != op.getOperation() && !chain.contains(user)) {
        reason = "the dequantized weights have another user";
        return failure();
      }

  // Operands in the dialect's layouts, at target coordinates (t0, t1).
  OpBuilder b(op);
  Location loc = op.getLoc();
  MLIRContext *context = op.getContext();
  int64_t k = roles->k, n = roles->n, groupRows = prover.getGroupRows();
  int64_t groups = k / groupRows;
  AffineExpr t0 = b.getAffineDimExpr(0), t1 = b.getAffineDimExpr(1);
  auto toCanonical = [&](AffineExpr kExpr, AffineExpr nExpr) {
    SmallVector<AffineExpr> canonical(numCanonical, b.getAffineConstantExpr(0));
    canonical[kDimK] = kExpr;
    canonical[kDimN] = nExpr;
    return AffineMap::get(2, 0, canonical, context);
  };
  Value qweight;
  if (match.narrowWeight)
    qweight =
        packNarrowWeights(b, loc, *match.narrowWeight, k, n, numCanonical);
  else if (scheme->getLayout() == WeightLayout::Gptq)
    qweight = gather(b, loc, match.packedWeight->word, {k / kPerWord, n},
                     toCanonical(t0 * kPerWord, t1));
  else
    qweight = gather(b, loc, match.packedWeight->word, {k, n / kPerWord},
                     toCanonical(t0, t1 * kPerWord));
  AffineMap groupToCanonical = toCanonical(t0 * groupRows, t1);
  Value scales = gather(b, loc, match.scale, {groups, n}, groupToCanonical);
  Value zeros;
  if (match.packedZero)
    zeros = gather(b, loc, match.packedZero->word, {groups, n / kPerWord},
                   toCanonical(t0 * groupRows, t1 * kPerWord));
  else if (match.floatZero)
    zeros = gather(b, loc, *match.floatZero, {groups, n}, groupToCanonical);
  else if (match.constantZero)
    zeros = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({groups, n}, b.getF32Type()),
            b.getF32FloatAttr(*match.constantZero)));

  unsigned numRows = roles->rowLoops.size();
  Value input = toMatrixOperand(b, loc, activation, numRows);
  Value matmulInit = toMatrixOperand(b, loc, init, numRows);
  Value result = MatmulOp::create(b, loc, matmulInit.getType(), input, *scheme,
                                  qweight, scales, zeros,
                                  /*g_idx=*/Value(), matmulInit);
  if (numRows == 0)
    result = tensor::CollapseShapeOp::create(
        b, loc, init.getType(), result,
        SmallVector<ReassociationIndices>{{0, 1}});
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();

  // The dequantization is dead now, with the empty tensors it filled.
  llvm::SetVector<Operation *> dead(tracer.getTraversed().begin(),
                                    tracer.getTraversed().end());
  for (Operation *producer : tracer.getTraversed())
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(producer))
      for (Value initValue : dps.getDpsInits())
        if (Operation *empty = initValue.getDefiningOp<tensor::EmptyOp>())
          dead.insert(empty);
  SmallVector<Operation *> remaining = dead.takeVector();
  for (bool erased = true; erased;) {
    erased = false;
    for (Operation *&candidate : remaining)
      if (candidate && candidate->use_empty()) {
        candidate->erase();
        candidate = nullptr;
        erased = true;
      }
  }
  return success();
}

} // namespace
