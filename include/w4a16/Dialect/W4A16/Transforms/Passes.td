//===- Passes.td - w4a16 dialect transforms ----------------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
#define W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def W4A16TileMatmulPass : Pass<"w4a16-tile-matmul"> {
  let summary = "Choose the GPU kernel strategy and tile sizes of each w4a16.matmul";
  let description = [{
    Attaches to every `w4a16.matmul` a `w4a16.tilings` array of
    `#w4a16.tiling` attributes, one per kernel, covering the M values the
    op can see: its static M, or for a dynamic M the `m-range` hint (or all
    M). M <= 8 gets a `decode` kernel (dot2 GEMV, split-K until the chip
    holds >= 4 waves per SIMD), 8 < M <= 64 `small_batch` (matrix
    instructions, B dequantized in registers, split-K) and M > 64 `prefill`
    (matrix instruction tiles sharing A through double-buffered LDS).
    Explicit tile options override the choice and are checked against the
    op and the chip; a tiling already on an op is checked, not replaced.
  }];
  let options = [
    Option<"chipset", "chipset", "std::string", /*default=*/"\"gfx1100\"",
           "Target chip, e.g. gfx1100, gfx1151">,
    ListOption<"mRange", "m-range", "int64_t",
               "Run-time range of a dynamic M: min,max (max -1 = unbounded)">,
    Option<"tileM", "tile-m", "int64_t", /*default=*/"0",
           "Override the rows per workgroup (0 = choose)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"0",
           "Override the columns per workgroup (0 = choose)">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"0",
           "Override the K rows per main-loop iteration (0 = choose)">,
    Option<"splitK", "split-k", "int64_t", /*default=*/"0",
           "Override the number of K slices (0 = choose)">,
  ];
  let dependentDialects = ["::mlir::w4a16::W4A16Dialect"];
}

#endif // W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
