//===- MmaSync.h - PTX mma.sync m16n8k16 operands ---------------*- C++ -*-===//
//
// What the two mma.sync kernels (MmaSyncLowering.cpp: small batch and
// prefill, activations as A; MmaSyncDecodeLowering.cpp: decode, weights as
// A) share: the instruction's shape, its lane mapping and the building of
// its operands from dequantized nibble pairs.
//
// In an m16n8k16 (PTX ISA, "mma.m16n8k16" fragments) lane 4g + t holds A
// rows g and g + 8 at K pairs (2t, 2t+1) and (2t+8, 2t+9), B column g at the
// same K, and C rows g, g + 8 at columns 2t, 2t+1. K is contracted, so a
// permutation of K applied to A and B alike is free.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_LIB_CONVERSION_W4A16TOGPU_MMASYNC_H
#define W4A16_LIB_CONVERSION_W4A16TOGPU_MMASYNC_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::w4a16::gpukernels {

/// The m16n8k16 shape.
constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 16;
/// Lanes sharing one A row or B column (t = 0..3).
constexpr int64_t kLanesPerColumn = 4;
/// Rows apart of a lane's two A (and C) rows: g and g + 8.
constexpr int64_t kRowHalf = kMmaM / 2;

/// Elements `first` and `first` + 1 of a 1-D vector.
Value slicePair(ImplicitLocOpBuilder &b, Value vector, int64_t first);

/// An mma.sync operand (vector<R x 2>) from its R pairs, row by row (the
/// NVVM lowering takes n-D vectors as arrays of rows, not shape casts).
Value buildFragment(ImplicitLocOpBuilder &b, VectorType type,
                    ArrayRef<Value> rows);

/// The 4 nibble pairs of a gptq `word` (i32) dequantized exactly as
/// activation pairs q - z: (bias + q) * 1 + `zeroTerm` (-(bias + z),
/// createNegatedZeroTerm), one packed FMA per pair. Pair j is the nibbles at
/// bits 4j and 16 + 4j (createBiasedNibblePairs): K rows j and j + 4 of a
/// gptq word, 2j and 2j + 1 of a fragment-layout word.
SmallVector<Value> dequantWord(ImplicitLocOpBuilder &b, Value word,
                               Value zeroTerm, Type activation);

/// `total` (an f32 accumulator, vector<2x2xf32>) with C row `row` (g or
/// g + 8) plus `scale` (vector<2xf32>, per column) times that row of
/// `partial`: one group's sum scaled into the total.
Value addScaledRow(ImplicitLocOpBuilder &b, Value total, Value partial,
                   int64_t row, Value scale);

} // namespace mlir::w4a16::gpukernels

#endif // W4A16_LIB_CONVERSION_W4A16TOGPU_MMASYNC_H
