//===- TilingGeometry.h - Where the tiles of a tiled matmul lie -*- C++ -*-===//
//
// What a #w4a16.tiling means for one w4a16.matmul, defined once for every
// lowering of it: the GPU kernels (lib/Conversion/W4A16ToGPU) and the
// target-independent tile loops of --w4a16-materialize-tiling, which run on
// the host CPU and so prove this geometry and the dequant by execution.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_DIALECT_W4A16_UTILS_TILINGGEOMETRY_H
#define W4A16_DIALECT_W4A16_UTILS_TILINGGEOMETRY_H

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Support/PackedFormat.h"

namespace mlir::w4a16 {

//===----------------------------------------------------------------------===//
// Dequant
//===----------------------------------------------------------------------===//

/// The exponent bits that make a 4-bit integer q read as bias + q in the
/// activation type (0x6400 | q is 1024 + q in f16, 0x4300 | q is 128 + q in
/// bf16), as two 16-bit lanes of an i32, and that bias.
struct MagicBias {
  uint32_t pairBits;
  int64_t bias;
};
MagicBias getMagicBias(Type activation);
/// The nibble in bits 0..3 of both 16-bit halves of a word: masking a word
/// (shifted) with it, or with it << 4 for the nibbles read in place as 16 q,
/// gives the pair that the magic bias turns into two activations.
constexpr uint32_t kNibblePairMask =
    ::w4a16::pairOf((1u << ::w4a16::kBitsPerValue) - 1);
/// Pair j of a gptq word, (w >> 4j) & kNibblePairMask, holds K rows j and
/// j + kGptqPairsPerWord, one per 16-bit half.
constexpr int64_t kGptqPairsPerWord = ::w4a16::kValuesPerWord / 2;
static_assert(::w4a16::nibbleShift(::w4a16::PackedLayout::Gptq,
                                   kGptqPairsPerWord) == 16,
              "row j + kGptqPairsPerWord sits in the high half of pair j");
/// The kGptqPairsPerWord nibble pairs of every word of `words` (a vector of
/// i32), pair j (the nibbles at bits 4j and 16 + 4j: in a gptq word q_j and
/// q_{j+4}) as two halves bias + q of a vector of `activation`. With
/// `oddPairsInPlace` (f16 only) the odd pairs are masked one nibble up without
/// their own shift and read as bias + 16 q (the caller scales them by 1/16), so
/// one shift serves two pairs.
SmallVector<Value> createBiasedNibblePairs(ImplicitLocOpBuilder &b, Value words,
                                           Type activation,
                                           bool oddPairsInPlace);
/// The addend -(bias + z) that turns the pairs of createBiasedNibblePairs
/// into q - z, for an i32 zero point z (at most 16), splat over the
/// 2 x `words` halves of a vector of `activation`, built from exact bit
/// patterns (no int-to-float conversion): the sign bit and the magic bits
/// OR-ed with z, whose bits lie below the pattern's. With `inPlaceHigh` (f16
/// only) it is -(64 + z), the addend of a pair read in place as bias + 16 q
/// once scaled by 1/16.
Value createNegatedZeroTerm(ImplicitLocOpBuilder &b, Value zero,
                            Type activation, bool inPlaceHigh, int64_t words);

//===----------------------------------------------------------------------===//
// K: split-K slices and the segments between two scale applications
//===----------------------------------------------------------------------===//

/// K rows of one split-K slice; slice s covers [s, s + 1) times this.
int64_t getKPerSplit(TilingAttr tiling, int64_t k);
/// K rows of a split-K slice of `kPerSplit` rows inside one group of
/// `groupRows` (K for per-channel scales): the group, or the slice when it
/// lies inside one group. The tiler sizes tile_k with it before a tiling
/// exists; getSegmentK starts from it.
int64_t getGroupSpanK(int64_t groupRows, int64_t kPerSplit);
/// LDS bytes of a decode workgroup: the f32 sums of each of its `waves`
/// waves over the tile_m x tile_n outputs, added up once all are done.
int64_t getDecodeLdsBytes(int64_t waves, int64_t tileM, int64_t tileN);
/// Packed rows one decode wave loads per iteration of its row loop, all
/// before the first is used: tile_k spread over the `waves` waves.
int64_t getDecodeRowsPerIteration(TilingAttr tiling, int64_t waves);
/// K rows a kernel accumulates before applying one group's scale (and
/// zero): decode walks whole groups where each of its `waves` waves gets
/// one, else halves of them, never below the packed rows one wave loads per
/// iteration (tile_k / (waves * 8)); the matrix strategies a group, or the
/// slice when it lies inside one group. A segment never crosses a group.
int64_t getSegmentK(TilingAttr tiling, QuantSchemeAttr scheme, int64_t k,
                    int64_t waves);
/// Checks that the tiling's split-K cuts K into slices of whole packed words,
/// each whole groups or inside one group (a diagnostic on `op` otherwise);
/// segments then never cross a slice or a group.
LogicalResult verifySplitKGeometry(MatmulOp op, TilingAttr tiling);
/// Checks what every lowering of a tiling (the GPU kernels, the tile loops)
/// needs of the op's weights: gptq words (--w4a16-repack-awq moves awq ones)
/// in contiguous groups (--w4a16-permute-act-order removes g_idx).
LogicalResult verifyTiledWeights(MatmulOp op);

/// Workgroup memory of one stage of the matrix kernels' operand pipeline
/// (TargetInfo::operandCopyStages) for `waves` waves of 32 columns and a
/// `tileM`-row tile walking K in steps of `stepRows` rows (tile_k): per wave,
/// the packed weights of one step, one zero-point word and one pair of
/// 2-byte scales per lane; and the workgroup's A tile of the step (2-byte
/// activations). The tiler sizes lds_bytes with it; the mma.sync kernels
/// lay it out.
int64_t getOperandStageBytes(int64_t waves, int64_t tileM, int64_t stepRows);

//===----------------------------------------------------------------------===//
// M and N: row and column tiles
//===----------------------------------------------------------------------===//

/// Column tiles covering N (the last one masked when N % tile_n != 0).
int64_t getColumnTileCount(TilingAttr tiling, int64_t n);
/// Row tiles covering `m` rows (any M, also above the tiling's m_max).
Value createRowTileCount(ImplicitLocOpBuilder &b, TilingAttr tiling, Value m);
/// The row a tile reads for output row `row`: rows past M re-read the last
/// row M - 1 (`lastRow`); their results are dropped at the store.
Value createClampedRow(ImplicitLocOpBuilder &b, Value row, Value lastRow);

//===----------------------------------------------------------------------===//
// Host side: matrices and run-time dispatch on M
//===----------------------------------------------------------------------===//

/// Collapses the leading batch dimensions of a tensor into M.
Value collapseToMatrix(ImplicitLocOpBuilder &b, Value tensor);
/// The result of `op` from `out`, a memref<?xN> of its rows (collapsed as
/// `collapsedInit`): as a tensor, cast to the collapsed init's type and
/// expanded back to the batch dimensions.
Value createMatmulResult(ImplicitLocOpBuilder &b, MatmulOp op,
                         Value collapsedInit, Value out);
/// M: the product of the input's leading dimensions.
Value createRowCount(ImplicitLocOpBuilder &b, Value input);
/// The tilings of `op` sorted by m_min, or failure (after a diagnostic on
/// `op`) when it has none or their M ranges are not contiguous.
FailureOr<SmallVector<TilingAttr>> getDispatchRanges(MatmulOp op);
/// Nested scf.if on M (`m <= m_max` of each range but the last), one clone
/// of `op` per range (appended to `perRange` in range order, each with that
/// range's tiling only); returns the result.
Value buildMDispatch(ImplicitLocOpBuilder &b, MatmulOp op, Value m,
                     ArrayRef<TilingAttr> ranges,
                     SmallVectorImpl<MatmulOp> &perRange);

} // namespace mlir::w4a16

#endif // W4A16_DIALECT_W4A16_UTILS_TILINGGEOMETRY_H
