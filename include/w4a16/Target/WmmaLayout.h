//===- WmmaLayout.h - gfx11 WMMA operand lane layout ------------*- C++ -*-===//
//
// The gfx11 WMMA lane layout (defined on integers in
// w4a16/Support/Gfx11WmmaLayout.h, against which these maps are unit tested)
// as affine maps for IR emitters:
//   A (16x16, M x K): lane l holds row l % 16, element e is column (k) e.
//   B (16x16, K x N): lane l holds column l % 16, element e is row (k) e.
//   Lanes 16-31 hold the same A and B data as lanes 0-15.
//   C/D f32 (8 values): value v of lane l is D[2v + l / 16][l % 16].
//   C/D f16 (16 halves): the same 8 values in the even (subword offset 0) or
//   odd (subword offset 1) halves.
// Each layout is an affine map (lane, element) -> (row, column), so the same
// object is evaluated on integers (unit tests, host-side packing) and emitted
// as IR (kernel emitters). Every WMMA emitter goes through these maps.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_TARGET_WMMALAYOUT_H
#define W4A16_TARGET_WMMALAYOUT_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/OpDefinition.h"
#include "w4a16/Support/Gfx11WmmaLayout.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir {
class OpBuilder;
namespace w4a16::gfx11 {

constexpr int64_t kWmmaSize = ::w4a16::gfx11::kWmmaTile;
constexpr int64_t kWaveLanes = 32;
/// Elements per lane of the A and B operands (vector<16xf16|bf16>).
constexpr int64_t kOperandElements = 16;
/// Elements per lane of an f32 accumulator (vector<8xf32>).
constexpr int64_t kAccF32Elements = 8;
/// Elements per lane of an f16 accumulator (vector<16xf16>).
constexpr int64_t kAccF16Elements = 16;

/// (lane, element) -> (m, k) of the A tile.
AffineMap getAOperandMap(MLIRContext *context);
/// (lane, element) -> (k, n) of the B tile.
AffineMap getBOperandMap(MLIRContext *context);
/// (lane, value) -> (m, n) of an f32 accumulator tile.
AffineMap getAccF32Map(MLIRContext *context);
/// (lane, half) -> (m, n) of an f16 accumulator tile; only halves for which
/// `isAccF16Element` holds carry data.
AffineMap getAccF16Map(MLIRContext *context);
bool isAccF16Element(int64_t half, int64_t subwordOffset);

/// Evaluates a layout map on integers: {row, column}.
std::pair<int64_t, int64_t> evaluate(AffineMap layout, int64_t lane,
                                     int64_t element);

/// Emits the (row, column) of `element` for `lane` (index values); constant
/// operands fold, so unrolled element loops cost nothing.
std::pair<OpFoldResult, OpFoldResult>
emitCoordinates(OpBuilder &builder, Location loc, AffineMap layout,
                OpFoldResult lane, OpFoldResult element);

} // namespace w4a16::gfx11
} // namespace mlir

#endif // W4A16_TARGET_WMMALAYOUT_H
