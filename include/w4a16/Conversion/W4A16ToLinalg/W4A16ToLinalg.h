//===- W4A16ToLinalg.h - w4a16 to linalg lowering ---------------*- C++ -*-===//

#ifndef W4A16_CONVERSION_W4A16TOLINALG_W4A16TOLINALG_H
#define W4A16_CONVERSION_W4A16TOLINALG_W4A16TOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace w4a16 {

#define GEN_PASS_DECL_CONVERTW4A16TOLINALGPASS
#include "w4a16/Conversion/Passes.h.inc"

/// Patterns lowering w4a16.dequant and w4a16.matmul to linalg on tensors.
void populateW4A16ToLinalgPatterns(RewritePatternSet &patterns);

} // namespace w4a16
} // namespace mlir

#endif // W4A16_CONVERSION_W4A16TOLINALG_W4A16TOLINALG_H
