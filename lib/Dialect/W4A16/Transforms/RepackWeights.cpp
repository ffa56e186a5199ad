//===- RepackWeights.cpp - GPTQ matmul weights to the fragment layout -----===//
//
// The load-time weight repack of the gfx11 WMMA microkernels as a rewrite:
// matmuls whose GPTQ weights fit the fragment layout read repacked weights,
// and constant weights fold into repacked constants.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Support/Repack.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16REPACKWEIGHTSPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

/// Whether the op's weights can move to the fragment layout: GPTQ, a shape
/// the layout covers, and no act-order (the microkernels walk groups in K
/// order). A tiled op moves only when one of its kernels runs matrix
/// instructions (the dot2 decode kernel reads GPTQ).
static bool canUseFragmentLayout(MatmulOp op) {
  if (auto tilings = op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName()))
    if (llvm::none_of(tilings, [](Attribute attr) {
          auto tiling = dyn_cast<TilingAttr>(attr);
          return tiling && tiling.usesMatrixInstructions();
        }))
      return false;
  return op.getScheme().getLayout() == WeightLayout::Gptq && !op.getGIdx() &&
         ::w4a16::isFragmentLayoutShape(op.getK(), op.getN());
}

namespace {
struct W4A16RepackWeightsPass
    : mlir::w4a16::impl::W4A16RepackWeightsPassBase<W4A16RepackWeightsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](MatmulOp op) {
      if (!canUseFragmentLayout(op))
        return;
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
          &getContext(), WeightLayout::Fragment, scheme.getBits(),
          scheme.getGroupSize(), scheme.getZeroPoint(), scheme.getGptqV1());
      rewriter.modifyOpInPlace(op, [&] {
        op.setSchemeAttr(fragmentScheme);
        op.getQweightMutable().assign(fragment);
      });
    });
  }
};
} // namespace
