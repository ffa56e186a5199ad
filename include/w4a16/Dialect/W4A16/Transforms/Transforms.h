//===- Transforms.h - w4a16 rewrites shared by passes -----------*- C++ -*-===//

#ifndef W4A16_DIALECT_W4A16_TRANSFORMS_TRANSFORMS_H
#define W4A16_DIALECT_W4A16_TRANSFORMS_TRANSFORMS_H

#include "mlir/IR/PatternMatch.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"

namespace mlir::w4a16 {

/// Whether `op`'s weights can move to the fragment layout: GPTQ, a shape the
/// layout covers, and no act-order (the WMMA kernels walk groups in K order).
bool canUseFragmentLayout(MatmulOp op);

/// Makes `op` read its weights through `w4a16.repack` to the fragment layout
/// (folded when the weights are a constant). `op` must satisfy
/// canUseFragmentLayout.
void repackToFragmentLayout(RewriterBase &rewriter, MatmulOp op);

} // namespace mlir::w4a16

#endif // W4A16_DIALECT_W4A16_TRANSFORMS_TRANSFORMS_H
