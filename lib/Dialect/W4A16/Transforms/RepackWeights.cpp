//===- RepackWeights.cpp - GPTQ matmul weights to the fragment layout -----===//
//
// The load-time weight repack of the gfx11 WMMA microkernels as a rewrite:
// matmuls whose GPTQ weights fit the fragment layout read repacked weights,
// and constant weights fold into repacked constants.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Dialect/W4A16/Transforms/Transforms.h"
#include "w4a16/Support/Repack.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16REPACKWEIGHTSPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

bool mlir::w4a16::canUseFragmentLayout(MatmulOp op) {
  return op.getScheme().getLayout() == WeightLayout::Gptq && !op.getGIdx() &&
         ::w4a16::isFragmentLayoutShape(op.getK(), op.getN());
}

void mlir::w4a16::repackToFragmentLayout(RewriterBase &rewriter, MatmulOp op) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  auto fragmentType = RankedTensorType::get(
      getPackedWeightShape(WeightLayout::Fragment, op.getK(), op.getN()),
      rewriter.getI32Type());
  // Folds to a constant when the weights are one.
  Value fragment = rewriter.createOrFold<RepackOp>(
      op.getLoc(), fragmentType, op.getQweight(), WeightLayout::Gptq,
      WeightLayout::Fragment);
  QuantSchemeAttr scheme = op.getScheme();
  auto fragmentScheme = QuantSchemeAttr::get(
      op.getContext(), WeightLayout::Fragment, scheme.getBits(),
      scheme.getGroupSize(), scheme.getZeroPoint(), scheme.getGptqV1());
  Operation *gptqSource = op.getQweight().getDefiningOp();
  rewriter.modifyOpInPlace(op, [&] {
    op.setSchemeAttr(fragmentScheme);
    op.getQweightMutable().assign(fragment);
  });
  // A repack from awq that the fragment repack absorbed.
  if (gptqSource && isOpTriviallyDead(gptqSource))
    rewriter.eraseOp(gptqSource);
}

/// A tiled op moves only when every kernel it gets runs matrix instructions
/// (the dot2 decode kernel reads GPTQ; with run-time dispatch over both, the
/// GPU conversion repacks the weights of the WMMA kernels only).
static bool allKernelsReadFragments(MatmulOp op) {
  auto tilings = op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName());
  return !tilings || llvm::all_of(tilings, [](Attribute attr) {
    auto tiling = dyn_cast<TilingAttr>(attr);
    return tiling && tiling.readsFragmentLayout();
  });
}

namespace {
struct W4A16RepackWeightsPass
    : mlir::w4a16::impl::W4A16RepackWeightsPassBase<W4A16RepackWeightsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](MatmulOp op) {
      if (canUseFragmentLayout(op) && allKernelsReadFragments(op))
        repackToFragmentLayout(rewriter, op);
    });
  }
};
} // namespace
