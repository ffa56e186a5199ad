//===- Passes.td - w4a16 dialect transformations -----------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
#define W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RaiseDequantMatmulPass : Pass<"w4a16-raise-dequant-matmul"> {
  let summary = "Raise group-quantized 4-bit matmuls written in linalg to w4a16.matmul";
  let description = [{
    Finds contractions (`linalg.matmul` with or without transposing
    `indexing_maps`, `linalg.batch_matmul`, `linalg.matvec`, or a
    `linalg.generic` multiply-accumulate such as torch-mlir's 5-D lowering
    of `quant.matmul_rhs_group_quant`) whose weight operand is computed
    elementwise, through reshapes, transposes and broadcasts, as
    `(q - z) * s` with

    - `q` a 4-bit value: `(word >> shift) & 15` of an int32 tensor whose
      shift order is exactly the GPTQ or AWQ one (`nibbleShift`), or one
      value per integer element (any layout; packed to GPTQ) that is
      provably 4-bit: an `i4` tensor, an `andi 15` or `trunci` to `i4` on
      the way, or a constant whose values are all below 16 (packed at
      compile time);
    - `z` absent, a constant (8 gives `symmetric`), a float tensor, or a
      packed int32 nibble in the layout's zero order (`+ 1`: GPTQ v1),
      subtracted in floats or, as AutoGPTQ does, in integers of at least 6
      bits before `sitofp`;
    - `s` a float tensor constant over groups of K rows (a multiple of 8
      dividing K) or over all of K, or, with act-order, `s` and `z` both
      gathered (`tensor.extract` at `g_idx[k]`) by the same element of one
      `[K]` index tensor, which becomes the `g_idx` operand.

    Every index relation and shift is checked exhaustively over K and N
    against the dialect's definition before anything is rewritten. The
    contraction is replaced by `w4a16.matmul` whose operands are the
    original tensors when their layout already matches, or gathers into
    that layout otherwise; casts and bias adds around the contraction stay.
    The w4a16 op accumulates in f32 and does not round the dequantized
    weight, so results can only become more precise than an f16/bf16
    dequantization or accumulation. Anything that does not match is left
    exactly as it was; a dequantized weight with another user is not raised.

    Example: `linalg.matmul ins(%x, %w : tensor<?x4096xf16>, tensor<4096x4096xf16>)`
    with `%w` unpacked from `tensor<512x4096xi32>` becomes
    `w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ...`.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark at each contraction that was not raised, saying why">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::w4a16::W4A16Dialect",
  ];
}

def W4A16TileMatmulPass : Pass<"w4a16-tile-matmul"> {
  let summary = "Choose the GPU kernel strategy and tile sizes of each w4a16.matmul";
  let description = [{
    Attaches to every `w4a16.matmul` a `w4a16.tilings` array of
    `#w4a16.tiling` attributes, one per kernel, covering the M values the
    op can see: its static M, or for a dynamic M the `m-range` hint (or all
    M). M <= 8 gets a `decode` kernel (split-K until the chip holds enough
    waves: dot2 GEMV, or on chips with a matrix decode from
    `TargetInfo::matrixDecodeMinRows` rows `decode_kernel = matrix`, the
    weights as the matrix instruction's A), 8 < M <= 64 `small_batch`
    (matrix instructions, B dequantized in registers, split-K) and M > 64
    `prefill` (matrix instruction tiles sharing A through LDS). The matrix
    kernels read the fragment layout: weights whose K or N it does not
    cover (32-row, 16-column blocks) are decoded at every M, past M = 8 by
    one kernel in 8-row tiles.
    Explicit tile options override the choice and are checked against the
    op and the chip; `decode-kernel` picks the decode ranges' kernel (and
    its tile sizes) and is an error where that kernel cannot serve the op.
    A tiling already on an op is checked, not replaced.
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
    Option<"decodeKernel", "decode-kernel",
           "::mlir::w4a16::DecodeKernelRequest",
           /*default=*/"::mlir::w4a16::DecodeKernelRequest::Auto",
           "Kernel of the decode ranges: auto, dot or matrix",
           [{::llvm::cl::values(
             clEnumValN(::mlir::w4a16::DecodeKernelRequest::Auto, "auto",
                        "the chip's rule"),
             clEnumValN(::mlir::w4a16::DecodeKernelRequest::Dot, "dot",
                        "dot products (dot2 on gfx11)"),
             clEnumValN(::mlir::w4a16::DecodeKernelRequest::Matrix, "matrix",
                        "the weights as the matrix instruction's A"))}]>,
  ];
  let dependentDialects = ["::mlir::w4a16::W4A16Dialect"];
}

def W4A16MaterializeTilingPass : Pass<"w4a16-materialize-tiling"> {
  let summary = "Rewrite each tiled w4a16.matmul into the tile loops its GPU kernels run, target independent";
  let description = [{
    Rewrites each `w4a16.matmul` with a `w4a16.tilings` attribute into
    explicit loops over exactly the tiles of that tiling, with the
    arithmetic of the GPU kernels and the MMA step left target independent
    (`linalg.matmul` on f32 tile buffers), so that the result runs on the
    host (`--w4a16-cpu-pipeline="tiling-chipset=..."`) and proves the
    tiling, masking and dequant by execution:

    - row tiles of `tile_m` rows for any run-time M (rows past M re-read row
      M - 1 and are dropped at the store), column tiles of `tile_n` (columns
      past N read as zero and are dropped);
    - `split_k` slices of K, each walked in segments inside one group
      (`Utils/TilingGeometry.h`, the boundaries the kernels use), `tile_k`
      rows (or the segment, if shorter) per MMA step;
    - the exact magic-bias dequant (`0x6400 | q` = 1024 + q in f16,
      `0x4300 | q` = 128 + q in bf16, nibbles j and j + 4 of a word as one
      pair); decode and bf16 subtract `(bias + z) sum x` from the segment's
      sums, the f16 matrix strategies `bias + z` from each weight (exact);
      then the group's f32 scale multiplies the segment into the total;
    - f32 partials in a workspace `[split_k, M, N]`, summed with the init in
      slice order and rounded once.

    Several tilings (a dynamic M) become the run-time `scf.if` chain on M
    of `--convert-w4a16-to-gpu`. Matmuls without tilings are left alone.
    The weights must be gptq (run `--w4a16-repack-awq` first) without
    `g_idx` (run `--w4a16-permute-act-order` first); float zero points only
    in decode tilings, as in the kernels.
  }];
  let options = [
    Option<"testSplitSkew", "test-split-skew", "int64_t", /*default=*/"0",
           "Test only: start slice s at s * (K / split_k - skew) rows, a "
           "wrong split boundary the execution tests must catch">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def W4A16RepackWeightsPass : Pass<"w4a16-repack-weights"> {
  let summary = "Repack GPTQ matmul weights into the microkernels' fragment layout";
  let description = [{
    Rewrites each `w4a16.matmul` whose scheme has `layout = gptq`, no
    `g_idx` (act-order) and K a multiple of 32, N a multiple of 16 into
    `w4a16.repack ... from gptq to fragment` and the same matmul with
    `layout = fragment`. Constant weights fold into the repacked constant
    on the spot: the load-time repack happens at compile time. A matmul
    already tiled (`w4a16.tilings`) moves only if one of its kernels uses
    matrix instructions (small_batch, prefill); decode kernels read GPTQ.
    Every other matmul is left as it is.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def W4A16RepackAwqPass : Pass<"w4a16-repack-awq"> {
  let summary = "Rewrite AWQ matmuls into matmuls on weights repacked to GPTQ";
  let description = [{
    Rewrites each `w4a16.matmul` whose scheme has `layout = awq` into
    `w4a16.repack ... from awq to gptq` of its weights, for `zero_point =
    packed` `w4a16.repack_zeros ... from awq to gptq` of its zeros (AWQ
    zeros are in the AWQ nibble order, GPTQ kernels read GPTQ order), and
    the same matmul with `layout = gptq`: the GPU kernels, which read GPTQ
    weights (or the fragment layout `--w4a16-repack-weights` makes from
    them), then accept AWQ checkpoints. Values, scales, g_idx and results
    are unchanged.

    Constant weights and zeros fold: the repack happens at compile time, by
    the host functions loaders use (`w4a16/Support/Repack.h`); otherwise it
    is a load-time step. A later repack to the fragment layout folds into
    one `from awq to fragment`.
  }];
  let dependentDialects = ["::mlir::w4a16::W4A16Dialect"];
}

def W4A16PermuteActOrderPass : Pass<"w4a16-permute-act-order"> {
  let summary = "Turn act-order (g_idx) matmuls into permuted matmuls with contiguous groups";
  let description = [{
    Rewrites each `w4a16.matmul` with `g_idx` (gptq layout) into
    `perm = w4a16.act_order_perm g_idx` (the stable argsort of g_idx),
    `w4a16.permute_k` of the packed weights and of the activations by
    `perm`, and the same matmul on those without `g_idx`: row k' of the
    permuted weights is in group k' / G, so kernels walk plain contiguous
    groups and no per-element gather is left in their K loop. Scales and
    zeros are indexed by group and stay as they are.

    Constant g_idx and weights fold: the permutation and the permuted weights
    are computed at compile time by the host functions loaders use
    (`w4a16/Support/ActOrder.h`). Otherwise the permutation and the weight
    permutation are load-time steps (docs/ABI.md) and the activation gather
    runs per call. Every group must have exactly G rows: a constant g_idx
    that does not is an error; a run-time one is checked when the
    permutation is computed. Other layouts with g_idx are an error.
  }];
  let dependentDialects = ["::mlir::w4a16::W4A16Dialect"];
}

#endif // W4A16_DIALECT_W4A16_TRANSFORMS_PASSES_TD
