//===- MmaSync.cpp - PTX mma.sync m16n8k16 operands -----------------------===//
//
// The operand builders both mma.sync kernels share (MmaSync.h).
//
//===----------------------------------------------------------------------===//

#include "MmaSync.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

Value gpukernels::slicePair(ImplicitLocOpBuilder &b, Value vector,
                            int64_t first) {
  return vector::ShuffleOp::create(b, vector, vector,
                                   ArrayRef<int64_t>{first, first + 1});
}

Value gpukernels::buildFragment(ImplicitLocOpBuilder &b, VectorType type,
                                ArrayRef<Value> rows) {
  Value fragment = arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getZeroAttr(type.getElementType())));
  for (auto [r, row] : llvm::enumerate(rows))
    fragment =
        vector::InsertOp::create(b, row, fragment, static_cast<int64_t>(r));
  return fragment;
}

SmallVector<Value> gpukernels::dequantWord(ImplicitLocOpBuilder &b, Value word,
                                           Value zeroTerm, Type activation) {
  auto halvesType = VectorType::get({2}, activation);
  Value words = vector::BroadcastOp::create(
      b, VectorType::get({1}, b.getI32Type()), word);
  Value one = arith::ConstantOp::create(
      b, DenseElementsAttr::get(halvesType, b.getFloatAttr(activation, 1.0)));
  SmallVector<Value> pairs =
      createBiasedNibblePairs(b, words, activation, /*oddPairsInPlace=*/false);
  // (bias + q) * 1 - (bias + z): exact, one packed FMA.
  for (Value &pair : pairs)
    pair = vector::FMAOp::create(b, pair, one, zeroTerm);
  return pairs;
}

Value gpukernels::addScaledRow(ImplicitLocOpBuilder &b, Value total,
                               Value partial, int64_t row, Value scale) {
  return vector::InsertOp::create(
      b,
      vector::FMAOp::create(b, vector::ExtractOp::create(b, partial, row),
                            scale, vector::ExtractOp::create(b, total, row)),
      total, row);
}
