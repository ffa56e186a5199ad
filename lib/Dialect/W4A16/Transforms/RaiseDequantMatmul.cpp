//===- RaiseDequantMatmul.cpp - Raise dequant + matmul to w4a16.matmul ----===//
//
// Finds contractions whose weight operand is a 4-bit group-quantized weight
// dequantized in upstream dialects and replaces them by w4a16.matmul.
//
// Recognition and proofs are in DequantMatcher; this file finds the
// contractions, maps their loops to canonical coordinates and rewrites.
//
//===----------------------------------------------------------------------===//

#include "DequantMatcher.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Support/Pack.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_RAISEDEQUANTMATMULPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::raising;

namespace {

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
/// (t)) of read.tensor, as `elementType` (null: the same type; else an
/// integer type the read's integer is truncated or sign-extended to): the
/// tensor itself when that is the identity, a gathering linalg.generic
/// otherwise.
Value gather(OpBuilder &b, Location loc, const TensorRead &read,
             ArrayRef<int64_t> shape, AffineMap toCanonical,
             Type elementType = {}) {
  Type readElement = read.getType().getElementType();
  if (!elementType)
    elementType = readElement;
  AffineMap indices = simplifyAffineMap(read.indices.compose(toCanonical));
  bool identity =
      read.getType().getShape() == shape && elementType == readElement;
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
               if (elementType.getIntOrFloatBitWidth() <
                   readElement.getIntOrFloatBitWidth())
                 element =
                     arith::TruncIOp::create(nb, nloc, elementType, element);
               else if (elementType != readElement)
                 element =
                     arith::ExtSIOp::create(nb, nloc, elementType, element);
               linalg::YieldOp::create(nb, nloc, element);
             })
      .getResult(0);
}

/// The canonical point of weight (k, n).
SmallVector<int64_t> weightPoint(int64_t k, int64_t n, unsigned numDims) {
  SmallVector<int64_t> point(numDims, 0);
  point[kDimK] = k;
  point[kDimN] = n;
  return point;
}

/// GPTQ int32 words [K/8, N] packing the values weight.read.tensor
/// [weight.read.indices(k, n)] & 15: a constant packed here when the values
/// are, a linalg.generic otherwise.
Value packUnpackedWeights(OpBuilder &b, Location loc,
                          const UnpackedWeight &weight, int64_t k, int64_t n,
                          unsigned numCanonicalDims) {
  constexpr auto gptq = ::w4a16::PackedLayout::Gptq;
  const TensorRead &read = weight.read;
  Type i32 = b.getI32Type();
  auto packedType = RankedTensorType::get({k / kPerWord, n}, i32);
  if (weight.constant) {
    SmallVector<int64_t> strides = computeStrides(read.getType().getShape());
    auto values = weight.constant.getValues<APInt>();
    std::vector<uint8_t> nibbles(k * n);
    for (int64_t row = 0; row < k; ++row)
      for (int64_t col = 0; col < n; ++col) {
        int64_t linear = linearize(
            evaluate(read.indices, weightPoint(row, col, numCanonicalDims)),
            strides);
        nibbles[row * n + col] = values[linear].getZExtValue() &
                                 ((1u << ::w4a16::kBitsPerValue) - 1);
      }
    std::vector<uint32_t> words(k * n / kPerWord);
    bool packed =
        ::w4a16::packWeights(gptq, nibbles.data(), k, n, words.data());
    assert(packed && "masked values of a K multiple of 8 always pack");
    (void)packed;
    SmallVector<APInt> elements = llvm::map_to_vector(
        words, [](uint32_t word) { return APInt(32, word); });
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(packedType, elements));
  }
  Value empty = tensor::EmptyOp::create(b, loc, packedType.getShape(), i32);
  unsigned width = read.getType().getElementTypeBitWidth();
  return linalg::GenericOp::create(
             b, loc, packedType, ValueRange{}, ValueRange{empty},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(2)},
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange) {
               Value loops[] = {linalg::IndexOp::create(nb, nloc, 0),
                                linalg::IndexOp::create(nb, nloc, 1)};
               AffineExpr row = nb.getAffineDimExpr(0);
               AffineExpr col = nb.getAffineDimExpr(1);
               Value mask = arith::ConstantIntOp::create(
                   nb, nloc, i32, (1 << ::w4a16::kBitsPerValue) - 1);
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
                 // Only the low 4 bits are the weight (the matcher proved it).
                 if (width < 32)
                   value = arith::ExtUIOp::create(nb, nloc, i32, value);
                 else if (width > 32)
                   value = arith::TruncIOp::create(nb, nloc, i32, value);
                 Value shifted = arith::ShLIOp::create(
                     nb, nloc, arith::AndIOp::create(nb, nloc, value, mask),
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
  unsigned numCanonical = kNumFixedDims + roles.rowLoops.size();
  SmallVector<AffineExpr> loops(op.getNumLoops());
  loops[roles.nLoop] = getAffineDimExpr(kDimN, context);
  for (auto [i, loop] : llvm::enumerate(roles.rowLoops))
    loops[loop] = getAffineDimExpr(kNumFixedDims + i, context);
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
  // A gather reads its table from inside its body.
  auto inChain = [&](Operation *user) {
    for (; user; user = user->getParentOp())
      if (chain.contains(user))
        return true;
    return false;
  };
  for (Operation *producer : tracer.getTraversed())
    for (Operation *user : producer->getUsers())
      if (user != op.getOperation() && !inChain(user)) {
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
  AffineExpr zero = b.getAffineConstantExpr(0);
  auto toCanonical = [&](AffineExpr kExpr, AffineExpr nExpr,
                         AffineExpr groupExpr) {
    SmallVector<AffineExpr> canonical(numCanonical, zero);
    canonical[kDimK] = kExpr;
    canonical[kDimN] = nExpr;
    canonical[kDimGroup] = groupExpr;
    return AffineMap::get(2, 0, canonical, context);
  };
  Value qweight;
  if (match.unpackedWeight)
    qweight =
        packUnpackedWeights(b, loc, *match.unpackedWeight, k, n, numCanonical);
  else if (scheme->getLayout() == WeightLayout::Gptq)
    qweight = gather(b, loc, match.packedWeight->word, {k / kPerWord, n},
                     toCanonical(t0 * kPerWord, t1, zero));
  else
    qweight = gather(b, loc, match.packedWeight->word, {k, n / kPerWord},
                     toCanonical(t0, t1 * kPerWord, zero));
  // Scales and zeros of group t0: at its first K row, or at g = t0 when they
  // are gathered by g_idx.
  bool actOrder = prover.getGroupedDim() == kDimGroup;
  auto groupToCanonical = [&](AffineExpr nExpr) {
    return actOrder ? toCanonical(zero, nExpr, t0)
                    : toCanonical(t0 * groupRows, nExpr, zero);
  };
  Value scales = gather(b, loc, match.scale, {groups, n}, groupToCanonical(t1));
  Value zeros;
  if (match.packedZero)
    zeros = gather(b, loc, match.packedZero->word, {groups, n / kPerWord},
                   groupToCanonical(t1 * kPerWord));
  else if (match.floatZero)
    zeros = gather(b, loc, *match.floatZero, {groups, n}, groupToCanonical(t1));
  else if (match.constantZero)
    zeros = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({groups, n}, b.getF32Type()),
            b.getF32FloatAttr(*match.constantZero)));
  Value gIdx;
  if (actOrder)
    gIdx = gather(
        b, loc, *tracer.getGroupIndex(), {k},
        AffineMap::get(1, 0, toCanonical(t0, zero, zero).getResults(), context),
        b.getI32Type());

  unsigned numRows = roles->rowLoops.size();
  Value input = toMatrixOperand(b, loc, activation, numRows);
  Value matmulInit = toMatrixOperand(b, loc, init, numRows);
  Value result = MatmulOp::create(b, loc, matmulInit.getType(), input, *scheme,
                                  qweight, scales, zeros, gIdx, matmulInit);
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
