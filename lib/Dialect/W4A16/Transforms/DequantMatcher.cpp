//===- DequantMatcher.cpp - Recognising (q - z) * s in linalg -------------===//

#include "DequantMatcher.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::w4a16;

namespace mlir::w4a16::raising {

static constexpr int64_t kNibbleMask =
    (int64_t(1) << ::w4a16::kBitsPerValue) - 1;

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
static uint64_t usedDims(AffineExpr expr) {
  uint64_t mask = 0;
  expr.walk([&](AffineExpr sub) {
    if (auto dim = dyn_cast<AffineDimExpr>(sub))
      mask |= uint64_t(1) << dim.getPosition();
  });
  return mask;
}

static bool isStaticNonEmpty(RankedTensorType type) {
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
static AffineExpr linearize(ArrayRef<AffineExpr> indices,
                            ArrayRef<int64_t> shape, ArrayRef<int64_t> group) {
  AffineExpr linear;
  for (int64_t dim : group)
    linear = linear ? linear * shape[dim] + indices[dim] : indices[dim];
  return linear;
}

//===----------------------------------------------------------------------===//
// Following weight elements back through the IR
//===----------------------------------------------------------------------===//

/// The loops (as a map from result indices) of an elementwise generic's
/// result `resultNumber`, if that result is computed element by element.
static std::optional<AffineMap> elementwiseLoops(linalg::GenericOp generic,
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

std::optional<AffineExpr> ElementTracer::indexExpr(Element index) {
  MLIRContext *context = index.loops.getContext();
  index = follow(index);
  if (index.isRead())
    return std::nullopt;
  APInt constant;
  if (matchPattern(index.value, m_ConstantInt(&constant)))
    return getAffineConstantExpr(constant.getSExtValue(), context);
  if (auto loop = index.getDefiningOp<linalg::IndexOp>())
    return index.loops.getResult(loop.getDim());
  // A gather: the index is the value of an element of an integer tensor.
  if (!index.getDefiningOp<arith::IndexCastOp>() &&
      !index.getDefiningOp<arith::IndexCastUIOp>())
    return std::nullopt;
  Element value = follow(index.getOperand(0));
  while (value.getDefiningOp<arith::ExtSIOp>() ||
         value.getDefiningOp<arith::ExtUIOp>())
    value = follow(value.getOperand(0));
  if (!value.isRead() ||
      !isa<IntegerType>(value.read.getType().getElementType()))
    return std::nullopt;
  if (groupIndex && !(*groupIndex == value.read)) {
    gatherConflict = "scales and zero points are gathered by different "
                     "index elements";
    return std::nullopt;
  }
  groupIndex = value.read;
  return getAffineDimExpr(kDimGroup, context);
}

Element ElementTracer::follow(Element element) {
  if (element.isRead())
    return element;
  if (auto extract = element.getDefiningOp<tensor::ExtractOp>()) {
    SmallVector<AffineExpr> indices;
    for (unsigned i = 0, e = extract.getIndices().size(); i < e; ++i) {
      std::optional<AffineExpr> index = indexExpr(element.getOperand(1 + i));
      if (!index)
        return element;
      indices.push_back(*index);
    }
    return readTensor(extract.getTensor(),
                      AffineMap::get(element.loops.getNumDims(), 0, indices,
                                     element.value.getContext()));
  }
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
static FailureOr<IntegerFn> compileInteger(ElementTracer &tracer,
                                           Element element, uint64_t &dims) {
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

/// Whether `read` has an element type w4a16 accepts for scales and zeros.
static bool isOperandFloat(const TensorRead &read) {
  Type element = read.getType().getElementType();
  return element.isF16() || element.isBF16() || element.isF32();
}

/// The narrowest integer that holds q - (z + 1) for 4-bit q and z, signed.
static constexpr unsigned kMinDifferenceWidth = 6;

static unsigned integerWidth(Value value) {
  return value.getType().getIntOrFloatBitWidth();
}

namespace {
/// What is known of an integer on its way from a 4-bit source to its use.
enum class FourBits {
  /// The source value itself: 4-bit only if a constant shows it.
  Unknown,
  /// Held in an integer type of exactly 4 bits: q when read as unsigned.
  InNibbleType,
  /// q, in [0, 15], in a type wider than 4 bits.
  Bounded,
};
} // namespace

Element DequantMatcher::skipFloatCasts(Element element, bool allowRounding) {
  while (true) {
    element = follow(element);
    if (element.getDefiningOp<arith::ExtFOp>()) {
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
  LogicalResult matched =
      succeeded(matchDifference(weight.getOperand(quantizedSide))) &&
              succeeded(matchScale(weight.getOperand(1 - quantizedSide)))
          ? success()
          : failure();
  // A conflicting gather is why the other read did not match.
  if (!tracer.getGatherConflict().empty())
    return fail(tracer.getGatherConflict());
  return matched;
}

LogicalResult DequantMatcher::matchDifference(Element difference) {
  difference = skipFloatCasts(difference, /*allowRounding=*/false);
  if (!difference.getDefiningOp<arith::SubFOp>())
    return matchQuantized(difference);
  if (failed(matchQuantized(difference.getOperand(0))))
    return fail("the minuend of (q - z) is not the quantized value: " + reason);
  if (match.zeroPoint != ZeroPointKind::None)
    return fail("a zero point is subtracted twice, in integers and in floats");
  return matchZero(difference.getOperand(1));
}

LogicalResult DequantMatcher::matchQuantized(Element quantized) {
  quantized = skipFloatCasts(quantized, /*allowRounding=*/false);
  bool signedConversion = bool(quantized.getDefiningOp<arith::SIToFPOp>());
  if (!signedConversion && !quantized.getDefiningOp<arith::UIToFPOp>())
    return fail("not an integer converted to float");
  Element integer = follow(quantized.getOperand(0));
  Element difference = integer;
  while (difference.getDefiningOp<arith::ExtSIOp>())
    difference = follow(difference.getOperand(0));
  if (!difference.getDefiningOp<arith::SubIOp>())
    return matchFourBits(integer, signedConversion, "weight",
                         match.packedWeight, match.unpackedWeight);

  // (q - z) in integers, as AutoGPTQ computes it.
  if (!signedConversion)
    return fail("q - z in integers is converted to float as unsigned, but "
                "it can be negative");
  if (integerWidth(difference.value) < kMinDifferenceWidth)
    return fail("q - z in integers is computed in fewer than " +
                Twine(kMinDifferenceWidth) + " bits");
  if (failed(matchFourBits(difference.getOperand(0), /*signedUse=*/true,
                           "weight", match.packedWeight, match.unpackedWeight)))
    return fail("the minuend of (q - z) is not the quantized value: " + reason);
  return matchIntegerZero(difference.getOperand(1), /*signedUse=*/true);
}

LogicalResult
DequantMatcher::matchFourBits(Element integer, bool signedUse, StringRef what,
                              std::optional<PackedNibble> &packed,
                              std::optional<UnpackedWeight> &unpacked) {
  // Integer ops from the use down to the source.
  SmallVector<Operation *> path;
  Element source = follow(integer);
  while (true) {
    if (source.getDefiningOp<arith::ExtUIOp>() ||
        source.getDefiningOp<arith::ExtSIOp>() ||
        source.getDefiningOp<arith::TruncIOp>()) {
      path.push_back(source.value.getDefiningOp());
      source = follow(source.getOperand(0));
      continue;
    }
    if (!source.getDefiningOp<arith::AndIOp>())
      break;
    // The mask may be either operand.
    std::optional<unsigned> maskSide;
    for (unsigned side : {1, 0}) {
      Element mask = follow(source.getOperand(side));
      APInt maskValue;
      if (mask.isRead() || !matchPattern(mask.value, m_ConstantInt(&maskValue)))
        continue;
      if (maskValue != kNibbleMask)
        return fail(what + " mask is " + Twine(maskValue.getSExtValue()) +
                    ", not 15");
      maskSide = side;
      break;
    }
    if (!maskSide)
      return fail(what + " is masked by a value that is not a constant");
    path.push_back(source.value.getDefiningOp());
    source = follow(source.getOperand(1 - *maskSide));
  }

  // The source: an int32 word shifted right, or an integer tensor.
  std::optional<PackedNibble> nibble;
  FourBits state = FourBits::Unknown;
  if (source.getDefiningOp<arith::ShRSIOp>() ||
      source.getDefiningOp<arith::ShRUIOp>()) {
    Element word = follow(source.getOperand(0));
    if (!word.isRead() || !word.read.getType().getElementType().isInteger(32))
      return fail(what + " is not shifted out of an int32 tensor");
    nibble = PackedNibble{word.read, source.getOperand(1)};
  } else if (source.isRead() &&
             isa<IntegerType>(source.read.getType().getElementType())) {
    if (source.read.getType().getElementType().isInteger(
            ::w4a16::kBitsPerValue))
      state = FourBits::InNibbleType;
  } else {
    return fail(what + " is neither (word >> shift) & 15 nor read from an "
                       "integer tensor");
  }

  // What each op does to the value, from the source up. Every path keeps
  // the low 4 bits of the source; the state says whether that is all.
  for (Operation *op : llvm::reverse(path)) {
    unsigned width = integerWidth(op->getResult(0));
    if (isa<arith::AndIOp>(op)) {
      if (width > unsigned(::w4a16::kBitsPerValue))
        state = FourBits::Bounded;
    } else if (isa<arith::TruncIOp>(op)) {
      if (width < unsigned(::w4a16::kBitsPerValue))
        return fail(what + " is truncated to fewer than 4 bits");
      if (width == unsigned(::w4a16::kBitsPerValue))
        state = FourBits::InNibbleType;
    } else if (state == FourBits::InNibbleType) {
      if (isa<arith::ExtSIOp>(op))
        return fail(what + " is a 4-bit value sign-extended");
      state = FourBits::Bounded;
    }
  }
  if (state == FourBits::InNibbleType) {
    if (signedUse)
      return fail(what + " is a 4-bit value read as signed");
    state = FourBits::Bounded;
  }

  if (nibble) {
    if (state != FourBits::Bounded)
      return fail(what + " is shifted but not masked to 4 bits");
    packed = nibble;
    return success();
  }
  DenseIntElementsAttr values;
  matchPattern(source.read.tensor, m_Constant(&values));
  if (state != FourBits::Bounded) {
    // Only the values themselves can show that they fit in 4 bits.
    if (!values)
      return fail(what + " values are not provably below 16: " +
                  Twine(source.read.getType().getElementTypeBitWidth()) +
                  "-bit elements with no mask and no constant values");
    for (APInt value : values.getValues<APInt>())
      if (value.ugt(kNibbleMask))
        return fail(what +
                    " values are not all below 16: the constant "
                    "holds " +
                    Twine(value.getSExtValue()));
  }
  unpacked = UnpackedWeight{source.read, values};
  return success();
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
  bool signedConversion = bool(zero.getDefiningOp<arith::SIToFPOp>());
  if (!signedConversion && !zero.getDefiningOp<arith::UIToFPOp>())
    return fail("the zero point is not a constant, a float tensor or an "
                "unpacked integer");
  return matchIntegerZero(zero.getOperand(0), signedConversion);
}

LogicalResult DequantMatcher::matchIntegerZero(Element integer,
                                               bool signedUse) {
  integer = follow(integer);
  APInt intConstant;
  if (!integer.isRead() &&
      matchPattern(integer.value, m_ConstantInt(&intConstant)))
    return setConstantZero(double(intConstant.getSExtValue()));
  if (integer.getDefiningOp<arith::AddIOp>()) {
    // GPTQ v1 checkpoints store zero - 1.
    std::optional<unsigned> oneSide;
    for (unsigned side : {1, 0}) {
      Element one = follow(integer.getOperand(side));
      if (!one.isRead() && matchPattern(one.value, m_One())) {
        oneSide = side;
        break;
      }
    }
    if (!oneSide)
      return fail("the zero point adds something other than 1");
    if (integerWidth(integer.value) < kMinDifferenceWidth)
      return fail("the zero point + 1 is computed in fewer than " +
                  Twine(kMinDifferenceWidth) + " bits");
    match.gptqV1 = true;
    integer = integer.getOperand(1 - *oneSide);
    signedUse = true;
  }
  std::optional<UnpackedWeight> unpacked;
  if (failed(matchFourBits(integer, signedUse, "zero point", match.packedZero,
                           unpacked)))
    return failure();
  if (unpacked)
    return fail("the zero point is an integer tensor, not packed nibbles");
  match.zeroPoint = ZeroPointKind::Packed;
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

static constexpr uint64_t bit(unsigned dim) { return uint64_t(1) << dim; }

/// Whether some index of `read` depends on canonical dim `dim`.
static bool dependsOn(const TensorRead &read, unsigned dim) {
  return llvm::any_of(read.indices.getResults(), [&](AffineExpr index) {
    return usedDims(index) & bit(dim);
  });
}

LogicalResult SchemeProver::checkSeparable(const TensorRead &read,
                                           StringRef what) {
  for (AffineExpr index : read.indices.getResults()) {
    uint64_t dims = usedDims(index);
    if (dims >> kNumFixedDims)
      return fail(what + " varies along a batch or row dimension");
    if (llvm::popcount(dims) > 1)
      return fail(what + " has an index mixing K, N or g_idx[k]");
  }
  return success();
}

bool SchemeProver::isBlockConstant(const TensorRead &read, unsigned dim,
                                   int64_t block) {
  for (AffineExpr index : read.indices.getResults()) {
    if (!(usedDims(index) & bit(dim)))
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
  if (shiftDims & ~bit(dim))
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

LogicalResult SchemeProver::proveGroups(ArrayRef<const TensorRead *> grouped) {
  int64_t k = extents[kDimK];
  // Scales and zeros share the group: the finest change along K sets it.
  groupRows = k;
  for (const TensorRead *read : grouped)
    groupRows = std::min(groupRows, firstChangeAlongK(*read));
  if (groupRows % kPerWord != 0 || k % groupRows != 0)
    return fail("scales or zero points change every " + Twine(groupRows) +
                " K rows, which is not a group size (a multiple of 8 "
                "dividing K = " +
                Twine(k) + ")");
  for (const TensorRead *read : grouped)
    if (!isBlockConstant(*read, kDimK, groupRows))
      return fail("a scale or zero point is not constant over groups of " +
                  Twine(groupRows) + " K rows");
  return success();
}

LogicalResult SchemeProver::proveGather(ArrayRef<const TensorRead *> grouped) {
  int64_t k = extents[kDimK];
  // g stands for g_idx[k]: one element per K row of a [K] tensor.
  const TensorRead &gIdx = *tracer.getGroupIndex();
  bool perRow = gIdx.getType().getRank() == 1 &&
                gIdx.getType().getDimSize(0) == k &&
                gIdx.indices.getNumResults() == 1 &&
                usedDims(gIdx.indices.getResult(0)) == bit(kDimK);
  for (int64_t x = 0; perRow && x < k; ++x)
    perRow = evaluate(gIdx.indices, point(kDimK, x))[0] == x;
  if (!perRow)
    return fail("the gather index is not element k of a [K] tensor of group "
                "indices");
  // Every scale and zero is read at (g_idx[k], n), none at k.
  std::optional<int64_t> groups;
  for (const TensorRead *read : grouped) {
    if (dependsOn(*read, kDimK))
      return fail("a scale or zero point is indexed by k, not g_idx[k]");
    AffineExpr group = getAffineDimExpr(kDimGroup, read->indices.getContext());
    std::optional<int64_t> extent;
    for (auto [dim, index] : llvm::enumerate(read->indices.getResults()))
      if (index == group)
        extent = read->getType().getDimSize(dim);
    if (!extent || !dependsOn(*read, kDimGroup) ||
        llvm::count_if(read->indices.getResults(), [&](AffineExpr index) {
          return usedDims(index) & bit(kDimGroup);
        }) != 1)
      return fail("scales and zero points are not all indexed by g_idx[k]");
    if (groups && *groups != *extent)
      return fail("scales and zero points have different numbers of groups");
    groups = extent;
  }
  if (ShapedType::isDynamic(*groups) || *groups < 2 || k % *groups != 0)
    return fail("act-order needs a static number of groups (" + Twine(*groups) +
                ") above 1 dividing K = " + Twine(k));
  groupRows = k / *groups;
  groupedDim = kDimGroup;
  return success();
}

FailureOr<QuantSchemeAttr> SchemeProver::prove(MLIRContext *context,
                                               const DequantMatch &match) {
  int64_t k = extents[kDimK];
  ::w4a16::PackedLayout layout = ::w4a16::PackedLayout::Gptq;
  const TensorRead &weight = match.packedWeight ? match.packedWeight->word
                                                : match.unpackedWeight->read;
  if (failed(checkSeparable(weight, "the weight")))
    return failure();
  if (dependsOn(weight, kDimGroup))
    return fail("the weight is gathered by a group index");
  // GPTQ packs along K, AWQ along N: the shift decides which it can be.
  if (match.packedWeight &&
      failed(provePacking(*match.packedWeight, ::w4a16::PackedLayout::Gptq,
                          kDimK, "the weight"))) {
    std::string gptqReason = reason;
    if (failed(provePacking(*match.packedWeight, ::w4a16::PackedLayout::Awq,
                            kDimN, "the weight")))
      return fail(gptqReason + "; " + reason);
    layout = ::w4a16::PackedLayout::Awq;
  }

  SmallVector<const TensorRead *> grouped = {&match.scale};
  if (match.packedZero)
    grouped.push_back(&match.packedZero->word);
  if (match.floatZero)
    grouped.push_back(&*match.floatZero);
  for (const TensorRead *read : grouped)
    if (failed(checkSeparable(*read, "a scale or zero point")))
      return failure();
  if (failed(tracer.getGroupIndex() ? proveGather(grouped)
                                    : proveGroups(grouped)))
    return failure();
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

} // namespace mlir::w4a16::raising
