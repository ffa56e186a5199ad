//===- Passes.h - w4a16 dialect transforms ----------------------*- C++ -*-===//

#ifndef W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_H
#define W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Dialect.h"

namespace mlir::w4a16 {

/// --w4a16-tile-matmul's decode-kernel: the chip's rule, or the
/// #w4a16.tiling decode_kernel every decode range gets.
enum class DecodeKernelRequest { Auto, Dot, Matrix };

#define GEN_PASS_DECL
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"

} // namespace mlir::w4a16

#endif // W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_H
