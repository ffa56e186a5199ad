//===- W4A16Dialect.td - w4a16 dialect definition ----------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16DIALECT_TD
#define W4A16_DIALECT_W4A16_IR_W4A16DIALECT_TD

include "mlir/IR/OpBase.td"

def W4A16_Dialect : Dialect {
  let name = "w4a16";
  let cppNamespace = "::mlir::w4a16";
  let summary = "Group-quantized 4-bit-weight matmuls (GPTQ and AWQ)";
  let description = [{
    The `w4a16` dialect represents matrix multiplications whose weights are
    4-bit integers packed into int32 words, with per-group scales and
    optional zero points, and whose activations are f16 or bf16. It covers
    the GPTQ (`[K/8, N]`, packed along K) and AWQ (`[K, N/8]`, packed along
    N with the `0 2 4 6 1 3 5 7` interleave) checkpoint layouts, symmetric
    and asymmetric zero points, any group size that is a multiple of 8 (or
    one group over all of K), and act-order (`g_idx`). A third layout,
    `fragment`, is the one the gfx11 WMMA microkernels load;
    `w4a16.repack` converts GPTQ weights to it.

    The dequantized weight is `w[k, n] = (q[k, n] - z[g(k), n]) * s[g(k), n]`
    with `g(k) = k / group_size`, or `g_idx[k]` under act-order.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Folding w4a16.repack of a constant materializes an arith.constant.
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class W4A16_Op<string mnemonic, list<Trait> traits = []>
    : Op<W4A16_Dialect, mnemonic, traits>;

#endif // W4A16_DIALECT_W4A16_IR_W4A16DIALECT_TD
