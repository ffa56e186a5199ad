//===- Passes.td - w4a16 conversion passes -----------------*- tablegen -*-===//

#ifndef W4A16_CONVERSION_PASSES_TD
#define W4A16_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertW4A16ToLinalgPass : Pass<"convert-w4a16-to-linalg"> {
  let summary = "Lower w4a16 ops to linalg and arith on tensors (the reference semantics)";
  let description = [{
    Rewrites `w4a16.dequant` into a `linalg.generic` that unpacks every
    weight, subtracts its zero point and multiplies by its scale in f32, and
    `w4a16.matmul` into that dequantization (kept in f32) followed by a
    `linalg.matmul` accumulating in f32 into the extended init, rounded once
    to the result type. Leading batch dimensions are collapsed into M. This
    is the semantic definition every faster lowering is tested against.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // W4A16_CONVERSION_PASSES_TD
