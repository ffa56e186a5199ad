//===- PermuteActOrder.cpp - Act-order matmuls to contiguous groups -------===//
//
// A matmul with g_idx reads the K rows of each group scattered over K. With
// perm = the stable argsort of g_idx, x[..., perm] @ W[perm, :] = x @ W and
// the permuted rows have contiguous groups, so the matmul becomes one
// without g_idx: the weights are permuted once (at compile time when they are
// constants, else as a load-time step) and the activations gathered per
// call.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16PERMUTEACTORDERPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

/// Rewrites `op` to read permuted activations and weights without g_idx.
static LogicalResult permuteActOrder(IRRewriter &rewriter, MatmulOp op) {
  QuantSchemeAttr scheme = op.getScheme();
  if (scheme.getLayout() != WeightLayout::Gptq)
    return op.emitOpError()
           << "act-order permutation needs gptq weights, got layout = "
           << stringifyWeightLayout(scheme.getLayout());
  Value gIdx = op.getGIdx();
  int64_t groupSize = scheme.getEffectiveGroupSize(op.getK());
  rewriter.setInsertionPoint(op);
  // Folds to the constant permutation when g_idx is a valid constant.
  Value perm = rewriter.createOrFold<ActOrderPermOp>(
      op.getLoc(), gIdx.getType(), gIdx, groupSize);
  if (matchPattern(gIdx, m_Constant()) && !matchPattern(perm, m_Constant()))
    return op.emitOpError()
           << "g_idx must put exactly " << groupSize << " rows in each of the "
           << scheme.getNumGroups(op.getK())
           << " groups to be permuted into contiguous groups";
  Value weights = rewriter.createOrFold<PermuteKOp>(
      op.getLoc(), op.getQweight().getType(), op.getQweight(), perm);
  Value input = PermuteKOp::create(
      rewriter, op.getLoc(), op.getInput().getType(), op.getInput(), perm);
  rewriter.modifyOpInPlace(op, [&] {
    op.getInputMutable().assign(input);
    op.getQweightMutable().assign(weights);
    op.getGIdxMutable().clear();
  });
  return success();
}

namespace {
struct W4A16PermuteActOrderPass
    : mlir::w4a16::impl::W4A16PermuteActOrderPassBase<
          W4A16PermuteActOrderPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    WalkResult result = getOperation()->walk([&](MatmulOp op) {
      if (op.getGIdx() && failed(permuteActOrder(rewriter, op)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
