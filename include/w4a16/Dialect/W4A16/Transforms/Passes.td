//===- Passes.td - w4a16 dialect transforms ----------------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
#define W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def W4A16RepackWeightsPass : Pass<"w4a16-repack-weights"> {
  let summary = "Repack GPTQ matmul weights into the microkernels' fragment layout";
  let description = [{
    Rewrites each `w4a16.matmul` whose scheme has `layout = gptq`, no
    `g_idx` (act-order) and K a multiple of 32, N a multiple of 16 into
    `w4a16.repack ... from gptq to fragment` and the same matmul with
    `layout = fragment`. Constant weights fold into the repacked constant
    on the spot: the load-time repack happens at compile time. Every other
    matmul is left as it is.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
