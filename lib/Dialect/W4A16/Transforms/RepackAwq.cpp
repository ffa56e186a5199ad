//===- RepackAwq.cpp - AWQ matmuls to GPTQ-layout matmuls -----------------===//
//
// The GPU kernels read GPTQ words (and the fragment layout made from them).
// An AWQ matmul becomes the same matmul on weights repacked to GPTQ and
// packed zeros moved to the GPTQ nibble order: a load-time step, folded at
// compile time when the weights are constants.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16REPACKAWQPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

/// Makes `op` read GPTQ weights (and GPTQ-order zeros) repacked from AWQ.
static void repackAwqToGptq(RewriterBase &rewriter, MatmulOp op) {
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  auto gptqType = RankedTensorType::get(
      getPackedWeightShape(WeightLayout::Gptq, op.getK(), op.getN()),
      rewriter.getI32Type());
  Value weights = rewriter.createOrFold<RepackOp>(
      loc, gptqType, op.getQweight(), WeightLayout::Awq, WeightLayout::Gptq);
  QuantSchemeAttr scheme = op.getScheme();
  Value zeros = op.getZeros();
  if (scheme.getZeroPoint() == ZeroPointKind::Packed)
    zeros = rewriter.createOrFold<RepackZerosOp>(
        loc, zeros.getType(), zeros, WeightLayout::Awq, WeightLayout::Gptq);
  auto gptqScheme = QuantSchemeAttr::get(
      op.getContext(), WeightLayout::Gptq, scheme.getBits(),
      scheme.getGroupSize(), scheme.getZeroPoint(), /*gptqV1=*/false);
  rewriter.modifyOpInPlace(op, [&] {
    op.setSchemeAttr(gptqScheme);
    op.getQweightMutable().assign(weights);
    if (zeros)
      op.getZerosMutable().assign(zeros);
  });
}

namespace {
struct W4A16RepackAwqPass
    : mlir::w4a16::impl::W4A16RepackAwqPassBase<W4A16RepackAwqPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](MatmulOp op) {
      if (op.getScheme().getLayout() == WeightLayout::Awq)
        repackAwqToGptq(rewriter, op);
    });
  }
};
} // namespace
