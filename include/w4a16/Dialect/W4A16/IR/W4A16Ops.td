//===- W4A16Ops.td - w4a16 operations ----------------------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16OPS_TD
#define W4A16_DIALECT_W4A16_IR_W4A16OPS_TD

include "w4a16/Dialect/W4A16/IR/W4A16Dialect.td"
include "w4a16/Dialect/W4A16/IR/W4A16Attrs.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Operands every op over packed weights carries, and their printed form.
defvar W4A16_QuantizedWeightArgs = (ins
  W4A16_QuantSchemeAttr:$scheme,
  RankedTensorOf<[I32]>:$qweight,
  RankedTensorOf<[F16, BF16, F32]>:$scales,
  Optional<RankedTensorOf<[I32, F16, BF16, F32]>>:$zeros,
  Optional<RankedTensorOf<[I32]>>:$g_idx
);
defvar W4A16_OptionalOperandsFormat = [{
  (`zeros` `(` $zeros^ `:` type($zeros) `)`)?
  (`g_idx` `(` $g_idx^ `:` type($g_idx) `)`)?
}];
defvar W4A16_QuantizedWeightAccessors = [{
    /// The reduction size K and the output size N of the weights.
    int64_t getK();
    int64_t getN();
}];

def W4A16_DequantOp : W4A16_Op<"dequant", [Pure, AttrSizedOperandSegments]> {
  let summary = "Dequantize packed 4-bit weights to a dense [K, N] tensor";
  let description = [{
    Unpacks `qweight` according to `scheme` and computes, in f32,
    `w[k, n] = (q[k, n] - z[g(k), n]) * s[g(k), n]`, rounded once to the
    result element type. `zeros` is present exactly when the scheme's
    zero point is `packed` or `float`; `g_idx` (int32 `[K]`) gives the group
    of each K row under act-order.

    Example:

    ```mlir
    %w = w4a16.dequant #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed>
           ins(%qweight, %scales : tensor<512x4096xi32>, tensor<32x4096xf16>)
           zeros(%qzeros : tensor<32x512xi32>) -> tensor<4096x4096xf16>
    ```
  }];
  let arguments = W4A16_QuantizedWeightArgs;
  let results = (outs RankedTensorOf<[F16, BF16, F32]>:$result);
  let assemblyFormat = !strconcat(
    "qualified($scheme) `ins` `(` $qweight `,` $scales `:` type($qweight) `,` "
    "type($scales) `)` ", W4A16_OptionalOperandsFormat,
    " attr-dict `->` type($result)");
  let extraClassDeclaration = W4A16_QuantizedWeightAccessors;
  let hasVerifier = 1;
}

def W4A16_MatmulOp : W4A16_Op<"matmul", [
    Pure, AttrSizedOperandSegments,
    DestinationStyleOpInterface]> {
  let summary = "Matmul of f16/bf16 activations with packed 4-bit weights";
  let description = [{
    `result = init + input @ dequant(qweight, scales, zeros, g_idx)`, with
    the products and the sum taken in f32 (the dequantized weight is not
    rounded) and the result rounded once to its element type.

    `input` is `[B..., M, K]` in f16 or bf16; `init` and the result are
    `[B..., M, N]` in f16, bf16 or f32. K and N must be static; M and the
    batch dimensions may be dynamic. The weight operands are those of
    `w4a16.dequant`. A matmul of no rows (a static zero M or batch
    dimension) folds to its init.

    Example (Qwen3.6-27B MLP down projection, GPTQ, group size 32):

    ```mlir
    %y = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
           ins(%x, %qweight, %scales : tensor<?x17408xf16>, tensor<2176x5120xi32>, tensor<544x5120xf16>)
           outs(%init : tensor<?x5120xf16>) -> tensor<?x5120xf16>
    ```
  }];
  let arguments = !con((ins RankedTensorOf<[F16, BF16]>:$input),
                       W4A16_QuantizedWeightArgs,
                       (ins RankedTensorOf<[F16, BF16, F32]>:$init));
  let results = (outs RankedTensorOf<[F16, BF16, F32]>:$result);
  let assemblyFormat = !strconcat(
    "qualified($scheme) `ins` `(` $input `,` $qweight `,` $scales `:` type($input) `,` "
    "type($qweight) `,` type($scales) `)` ", W4A16_OptionalOperandsFormat,
    " `outs` `(` $init `:` type($init) `)` attr-dict `->` type($result)");
  let extraClassDeclaration = !strconcat(W4A16_QuantizedWeightAccessors, [{
    MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }]);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def W4A16_RepackOp : W4A16_Op<"repack", [Pure]> {
  let summary = "Rewrite packed 4-bit weights into another weight layout";
  let description = [{
    Moves every 4-bit weight of `source`, a packed tensor in layout `from`,
    to its place in layout `to`; the values and scales are unchanged, so a
    `w4a16.matmul` or `w4a16.dequant` whose scheme names `to` gives the same
    result on the repacked tensor as on `source` with `from`. Supported:
    `gptq` to `fragment` (the layout of the gfx11 WMMA microkernels, see
    `#w4a16.scheme`; K a multiple of 32 and N of 16), `awq` to `gptq` and
    `awq` to `fragment`. Packed zeros of awq weights are in the awq nibble
    order; gptq and fragment schemes read gptq order, so they move with
    `w4a16.repack_zeros`.

    A constant source folds to the repacked constant, computed by the host
    repack that loaders use (`w4a16/Support/Repack.h`), so constant weights
    are repacked at compile time. A repack of a repack becomes one repack
    (awq to gptq then gptq to fragment is awq to fragment).

    Example:

    ```mlir
    %f = w4a16.repack %qweight from gptq to fragment
           : tensor<512x4096xi32> -> tensor<128x256x64xi32>
    %g = w4a16.repack %awq from awq to gptq
           : tensor<4096x512xi32> -> tensor<512x4096xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32]>:$source,
                       W4A16_WeightLayout:$from, W4A16_WeightLayout:$to);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $source `from` $from `to` $to attr-dict `:` type($source) `->`
    type($result)
  }];
  let extraClassDeclaration = [{
    /// The reduction size K and the output size N of the weights.
    int64_t getK();
    int64_t getN();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def W4A16_RepackZerosOp : W4A16_Op<"repack_zeros", [Pure,
    AllTypesMatch<["source", "result"]>]> {
  let summary = "Rewrite packed zero points into the nibble order of another layout";
  let description = [{
    Packed zeros (int32 `[groups, N/8]`) are packed along N in the nibble
    order of their weights' layout: awq interleaves, gptq and fragment do
    not. Moves every zero point of `source`, in the order of `from`, to its
    place in the order of `to`; the shape is unchanged. Supported: `awq` to
    `gptq` (the zeros of weights moved by `w4a16.repack` from awq).

    A constant source folds to the repacked constant, computed by the host
    repack that loaders use (`w4a16::repackAwqZerosToGptq`).

    Example:

    ```mlir
    %z = w4a16.repack_zeros %qzeros from awq to gptq : tensor<32x512xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32]>:$source,
                       W4A16_WeightLayout:$from, W4A16_WeightLayout:$to);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $source `from` $from `to` $to attr-dict `:` type($source)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def W4A16_ActOrderPermOp : W4A16_Op<"act_order_perm", [Pure,
    AllTypesMatch<["g_idx", "result"]>]> {
  let summary = "The K permutation that makes act-order groups contiguous";
  let description = [{
    `result[k']` is the k'-th K row in (group, row) order: the stable
    argsort of `g_idx`. Reading K in that order, row k' is in group
    `k' / group_size`, provided every group has exactly `group_size` rows
    (the layout of GPTQ act-order checkpoints); `w4a16.permute_k` applies the
    permutation to the weights and the activations.

    A constant `g_idx` folds to the constant permutation, computed by the
    host function loaders use (`w4a16::actOrderPermutation`), which also
    checks the group sizes; it does not fold when they are wrong. Lowered,
    the op checks them at run time (`cf.assert`).

    Example:

    ```mlir
    %perm = w4a16.act_order_perm %g_idx group_size 128 : tensor<4096xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32]>:$g_idx,
                       ConfinedAttr<I64Attr, [IntPositive]>:$group_size);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $g_idx `group_size` $group_size attr-dict `:` type($g_idx)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def W4A16_PermuteKOp : W4A16_Op<"permute_k", [Pure,
    AllTypesMatch<["source", "result"]>]> {
  let summary = "Permute the K rows of activations or of GPTQ-packed weights";
  let description = [{
    Reorders the reduction dimension K of `source` by `perm` (i32 `[K]`, a
    permutation of 0..K-1): for activations (f16/bf16 `[B..., M, K]`)
    `result[..., k] = source[..., perm[k]]`; for GPTQ-packed weights (i32
    `[K/8, N]`) weight row k of the result is weight row `perm[k]` of the
    source. Permuting both by the same `perm` leaves `x @ W` unchanged.

    A constant weight source with a constant `perm` folds, through the host
    function loaders use (`w4a16::permuteGptqRows`): constant weights are
    permuted at compile time. The GPU conversion turns a permutation of a
    matmul's activations into a gather kernel launched before the matmul's.

    Example:

    ```mlir
    %qp = w4a16.permute_k %qweight by %perm : tensor<512x4096xi32>, tensor<4096xi32>
    %xp = w4a16.permute_k %x by %perm : tensor<?x4096xf16>, tensor<4096xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32, F16, BF16]>:$source,
                       RankedTensorOf<[I32]>:$perm);
  let results = (outs RankedTensorOf<[I32, F16, BF16]>:$result);
  let assemblyFormat = [{
    $source `by` $perm attr-dict `:` type($source) `,` type($perm)
  }];
  let extraClassDeclaration = [{
    /// Whether the source is packed weights (i32) rather than activations.
    bool permutesWeights();
    /// The reduction size K.
    int64_t getK();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // W4A16_DIALECT_W4A16_IR_W4A16OPS_TD
