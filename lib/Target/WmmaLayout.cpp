//===- WmmaLayout.cpp - gfx11 WMMA operand lane layout --------------------===//

#include "w4a16/Target/WmmaLayout.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::w4a16;

static AffineMap
makeLaneMap(MLIRContext *context,
            function_ref<std::pair<AffineExpr, AffineExpr>(AffineExpr lane,
                                                           AffineExpr element)>
                body) {
  AffineExpr lane = getAffineDimExpr(0, context);
  AffineExpr element = getAffineDimExpr(1, context);
  auto [row, column] = body(lane, element);
  return AffineMap::get(2, 0, {row, column}, context);
}

AffineMap gfx11::getAOperandMap(MLIRContext *context) {
  return makeLaneMap(context, [](AffineExpr lane, AffineExpr element) {
    return std::make_pair(lane % kWmmaSize, element);
  });
}

AffineMap gfx11::getBOperandMap(MLIRContext *context) {
  return makeLaneMap(context, [](AffineExpr lane, AffineExpr element) {
    return std::make_pair(element, lane % kWmmaSize);
  });
}

AffineMap gfx11::getAccF32Map(MLIRContext *context) {
  return makeLaneMap(context, [](AffineExpr lane, AffineExpr value) {
    return std::make_pair(value * 2 + lane.floorDiv(kWmmaSize),
                          lane % kWmmaSize);
  });
}

AffineMap gfx11::getAccF16Map(MLIRContext *context) {
  // Half h holds accumulator value h / 2 (of the f32 layout).
  return makeLaneMap(context, [](AffineExpr lane, AffineExpr half) {
    return std::make_pair(half.floorDiv(2) * 2 + lane.floorDiv(kWmmaSize),
                          lane % kWmmaSize);
  });
}

bool gfx11::isAccF16Element(int64_t half, int64_t subwordOffset) {
  return half % 2 == subwordOffset;
}

std::pair<int64_t, int64_t> gfx11::evaluate(AffineMap layout, int64_t lane,
                                            int64_t element) {
  SmallVector<int64_t> coords = layout.compose({lane, element});
  return {coords[0], coords[1]};
}

std::pair<OpFoldResult, OpFoldResult>
gfx11::emitCoordinates(OpBuilder &builder, Location loc, AffineMap layout,
                       OpFoldResult lane, OpFoldResult element) {
  SmallVector<OpFoldResult> operands = {lane, element};
  return {affine::makeComposedFoldedAffineApply(
              builder, loc, layout.getSubMap({0}), operands),
          affine::makeComposedFoldedAffineApply(
              builder, loc, layout.getSubMap({1}), operands)};
}
