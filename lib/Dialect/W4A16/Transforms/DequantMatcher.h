//===- DequantMatcher.h - Recognising (q - z) * s in linalg -----*- C++ -*-===//
//
// Private to the raising pass. The weight operand of a contraction is
// followed back one element at a time: an element is described at canonical
// coordinates (k, n, g, rows...) by affine index maps, across reshapes,
// transposes, broadcasts, gathers and into the bodies of elementwise
// linalg.generic producers, down to reads of "leaf" tensors. The scalar
// computation found there is matched against (q - z) * s (DequantMatcher),
// and every index relation, shift and value range is then checked
// exhaustively against the definitions in PackedFormat.h (SchemeProver).
//
// The canonical dim g stands for g_idx[k] (act-order): a read of a tensor
// at an index computed from the value of another tensor's element.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_LIB_DIALECT_W4A16_TRANSFORMS_DEQUANTMATCHER_H
#define W4A16_LIB_DIALECT_W4A16_TRANSFORMS_DEQUANTMATCHER_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "w4a16/Support/PackedFormat.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::w4a16::raising {

/// Canonical coordinates of a weight element: K row, N column, the group
/// g_idx[k] of an act-order gather; the contraction's row (batch and M)
/// dimensions follow and must not matter.
constexpr unsigned kDimK = 0;
constexpr unsigned kDimN = 1;
constexpr unsigned kDimGroup = 2;
constexpr unsigned kNumFixedDims = 3;
constexpr int64_t kPerWord = ::w4a16::kValuesPerWord;

/// Value of a quasi-affine expression without symbols at integer `dims`.
int64_t evaluate(AffineExpr expr, ArrayRef<int64_t> dims);
SmallVector<int64_t> evaluate(AffineMap map, ArrayRef<int64_t> dims);

/// Indices of the dims in `group` of `shape` whose linear index is `linear`.
SmallVector<AffineExpr> delinearize(AffineExpr linear, ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> group);

/// An element of a tensor nothing elementwise produced (an argument, a
/// constant, the result of some other op): canonical dims -> its indices.
struct TensorRead {
  Value tensor;
  AffineMap indices;

  RankedTensorType getType() const {
    return cast<RankedTensorType>(tensor.getType());
  }
  bool operator==(const TensorRead &other) const {
    return tensor == other.tensor && indices == other.indices;
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

class ElementTracer {
public:
  /// The element of `tensor` at `indices`, followed back through shape-only
  /// ops and into elementwise producers.
  Element readTensor(Value tensor, AffineMap indices);

  /// `element` with block arguments of generic inputs replaced by what they
  /// read, and tensor.extract at affine or gathered indices by the read.
  Element follow(Element element);

  /// Producers the traced elements went through, nearest the consumer first.
  ArrayRef<Operation *> getTraversed() const { return traversed.getArrayRef(); }

  /// The integer element whose value the canonical dim g stands for, if a
  /// gather was followed.
  const std::optional<TensorRead> &getGroupIndex() const { return groupIndex; }
  /// Set when two gathers index by different elements.
  StringRef getGatherConflict() const { return gatherConflict; }

private:
  void visit(Operation *op) { traversed.insert(op); }
  /// The canonical expression of an index operand of tensor.extract.
  std::optional<AffineExpr> indexExpr(Element index);

  llvm::SetVector<Operation *> traversed;
  std::optional<TensorRead> groupIndex;
  std::string gatherConflict;
};

/// A 4-bit value taken from an int32 word: (word >> shift) & 15.
struct PackedNibble {
  TensorRead word;
  Element shift;
};

/// A weight stored one value per integer element, 4-bit by its type, by a
/// mask on the way, or by the values of a constant.
struct UnpackedWeight {
  TensorRead read;
  /// The values, when `read.tensor` is a constant.
  DenseIntElementsAttr constant;
};

/// What the dequantized weight element was recognised as.
struct DequantMatch {
  /// Exactly one of: nibbles of int32 words, or one value per element.
  std::optional<PackedNibble> packedWeight;
  std::optional<UnpackedWeight> unpackedWeight;

  ZeroPointKind zeroPoint = ZeroPointKind::None;
  std::optional<PackedNibble> packedZero;
  bool gptqV1 = false;
  std::optional<TensorRead> floatZero;
  /// A constant zero point other than 0 or 8.
  std::optional<double> constantZero;

  TensorRead scale;
};

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

/// Matches the scalar computation of a weight element as (q - z) * s, with
/// the subtraction in floats or in integers.
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
  /// Matches the integer `integer` as a 4-bit weight or zero point;
  /// `signedUse`: its user reads it as signed.
  LogicalResult matchFourBits(Element integer, bool signedUse, StringRef what,
                              std::optional<PackedNibble> &packed,
                              std::optional<UnpackedWeight> &unpacked);
  LogicalResult matchZero(Element zero);
  /// Matches a zero point subtracted in integers or converted to float.
  LogicalResult matchIntegerZero(Element integer, bool signedUse);
  LogicalResult matchScale(Element scale);
  LogicalResult setConstantZero(double value);

  ElementTracer &tracer;
  DequantMatch match;
  bool foundQuantizedFactor = false;
};

/// Checks a match against w4a16 semantics for a K x N weight, by evaluating
/// every index relation at every K and every N (every group for gathered
/// reads). Reads may depend on k or n per index but not on both, which keeps
/// this O(K + N).
class SchemeProver : public FailureReason {
public:
  SchemeProver(ElementTracer &tracer, int64_t k, int64_t n,
               unsigned numCanonicalDims)
      : tracer(tracer), extents{k, n, 0}, numDims(numCanonicalDims) {}

  /// Derives the scheme of `match`, or fails with the reason.
  FailureOr<QuantSchemeAttr> prove(MLIRContext *context,
                                   const DequantMatch &match);

  /// K rows per group (K when per-channel), valid after prove().
  int64_t getGroupRows() const { return groupRows; }
  /// The dim (k, or g with act-order) that scales and zeros are indexed by.
  unsigned getGroupedDim() const { return groupedDim; }

private:
  /// Each index of `read` depends on at most one of k, n and g, and on no
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
  /// Groups of contiguous K rows: sets groupRows from the reads.
  LogicalResult proveGroups(ArrayRef<const TensorRead *> grouped);
  /// Act-order: the reads are indexed by g = g_idx[k]; sets groupRows.
  LogicalResult proveGather(ArrayRef<const TensorRead *> grouped);

  SmallVector<int64_t> point(unsigned dim, int64_t x) const {
    SmallVector<int64_t> coordinates(numDims, 0);
    coordinates[dim] = x;
    return coordinates;
  }

  ElementTracer &tracer;
  int64_t extents[kNumFixedDims];
  unsigned numDims;
  int64_t groupRows = 0;
  unsigned groupedDim = kDimK;
};

} // namespace mlir::w4a16::raising

#endif // W4A16_LIB_DIALECT_W4A16_TRANSFORMS_DEQUANTMATCHER_H
