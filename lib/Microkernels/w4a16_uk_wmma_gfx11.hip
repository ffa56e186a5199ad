//===- w4a16_uk_wmma_gfx11.hip - W4A16 microkernel on gfx11 WMMA ---------===//
//
// A 16-row tile of A times 16 x TILES columns, one v_wmma_f32_16x16x16 per
// 16 K per column tile. Lane l loads A row l % 16 and dequantizes B column
// l % 16 for all 16 K in registers (lanes 16-31 duplicate lanes 0-15, as gfx11
// requires). Per group, the exact (q - z) products are accumulated, then
// scaled in fp32. See README.md for the ABI and why the duplicated half-wave
// dequantizes instead of exchanging through v_permlanex16.
//
//===----------------------------------------------------------------------===//

#include "w4a16_uk_dequant.h"

namespace w4a16::uk {
namespace {

constexpr int kTileN = 16;
constexpr int kStepK = 16;

/// The four words of 32 K from row k of the lane's column of tile
/// `tileColumn` (a multiple of 16): a wave-uniform address (SGPRs) plus
/// the lane's byte offset `laneBytes` (laneColumnBytes).
template <WeightLayout L>
W4A16_UK_DEVICE inline uint4v
loadColumnWords(const uint32_t *qweight, int64_t ldq, int64_t k,
                int64_t tileColumn, uint32_t laneBytes) {
  if constexpr (L == WeightLayout::Fragment)
    return loadGlobal(reinterpret_cast<const uint4v *>(
        reinterpret_cast<const char *>(qweight +
                                       fragmentColumnWord(k, tileColumn, ldq)) +
        laneBytes));
  const char *word = reinterpret_cast<const char *>(
                         qweight + (k / kValuesPerWord) * ldq + tileColumn) +
                     laneBytes;
  const int64_t rowBytes = ldq * sizeof(uint32_t);
  return {loadGlobal(reinterpret_cast<const uint32_t *>(word)),
          loadGlobal(reinterpret_cast<const uint32_t *>(word + rowBytes)),
          loadGlobal(reinterpret_cast<const uint32_t *>(word + 2 * rowBytes)),
          loadGlobal(reinterpret_cast<const uint32_t *>(word + 3 * rowBytes))};
}

/// Byte offset of column c (0..15) of a tile from the tile's first column:
/// GPTQ columns are adjacent words; fragment-layout columns own
/// kFragmentWordsPerColumn adjacent words of their block.
template <WeightLayout L> constexpr uint32_t laneColumnBytes(uint32_t c) {
  return c * sizeof(uint32_t) *
         (L == WeightLayout::Fragment ? kFragmentWordsPerColumn : 1);
}

template <typename T, WeightLayout L, int kTiles>
W4A16_UK_DEVICE inline void wmma(W4A16_UK_PARAMS(T)) {
  using Traits = ElementTraits<T>;
  using Pair = typename Traits::Pair;
  using Vec8 = typename Traits::Vec8;
  using Frag = typename Traits::Frag;
  static_assert(kFragmentBlockK == 2 * kStepK && kFragmentBlockN == kTileN,
                "one fragment-layout load feeds two WMMA steps of one tile");
  static_assert(fragmentColumnWord(0, 1, kTileN) ==
                    fragmentColumnWord(0, 0, kTileN) + kFragmentWordsPerColumn,
                "laneColumnBytes: a block's columns are adjacent");

  const uint32_t lane = laneId();
  const uint32_t operandIndex = gfx11::operandIndexOfLane(lane);
  // A row operandIndex of the tile and the lane's B column, as byte offsets
  // from wave-uniform addresses: the loop does no per-lane address arithmetic.
  const uint32_t aRowBytes = static_cast<uint32_t>(
      (clampedRow(a, lda, operandIndex, rows_valid) - a) * sizeof(T));
  const uint32_t bColumnBytes = laneColumnBytes<L>(operandIndex);
  const float sharedZero = sharedZeroPoint(zero_kind);

  forEachGroup(
      k_begin, k_end, group_size,
      [&](int64_t group, int64_t kStart, int64_t kStop) {
        ColumnQuant quant[kTiles];
#pragma unroll
        for (int t = 0; t < kTiles; ++t)
          quant[t] =
              loadColumnQuant(scales, ld_scales, qzeros, ld_zeros, zero_kind,
                              group, column + t * kTileN + operandIndex);

        // Activation sums of the rows of the lane's accumulator values, the 16
        // lanes of each half-wave sharing the group's words.
        ActivationSums rowSums[8] = {};
        for (int64_t k = kStart + operandIndex * kValuesPerWord; k < kStop;
             k += kTileN * kValuesPerWord)
#pragma unroll
          for (int v = 0; v < 8; ++v)
            addWordSums<T, L>(
                *reinterpret_cast<const Vec8 *>(
                    clampedRow(a, lda, gfx11::accF32Row(lane, v), rows_valid) +
                    k),
                sharedZero, zero_kind, rowSums[v]);
#pragma unroll
        for (int v = 0; v < 8; ++v)
          rowSums[v] = laneGroupSum<kTileN>(rowSums[v], zero_kind);

        // Each tile starts the group at minus its bias correction, so the WMMAs
        // of biased weights leave sum_k a (q - z).
        float8 dot[kTiles];
#pragma unroll
        for (int t = 0; t < kTiles; ++t)
#pragma unroll
          for (int v = 0; v < 8; ++v)
            dot[t][v] = -biasCorrection(rowSums[v], quant[t].zero, zero_kind);

        int64_t k = kStart;
        const int32_t blocks =
            static_cast<int32_t>((kStop - kStart) / kFragmentBlockK);
        for (int32_t block = 0; block < blocks; ++block, k += kFragmentBlockK) {
          // Opaque, so that loop strength reduction cannot fold the lane
          // offsets into per-load 64-bit VGPR addresses.
          const uint32_t aLaneBytes = opaque(aRowBytes);
          const uint32_t bLaneBytes = opaque(bColumnBytes);
          Frag aFrag[2];
#pragma unroll
          for (int s = 0; s < 2; ++s) {
            const Vec8 *src = reinterpret_cast<const Vec8 *>(
                reinterpret_cast<const char *>(a + k + s * kStepK) +
                aLaneBytes);
            aFrag[s] = __builtin_shufflevector(
                toPairOrder<L>(loadGlobal(src)),
                toPairOrder<L>(loadGlobal(src + 1)), 0, 1, 2, 3, 4, 5, 6, 7, 8,
                9, 10, 11, 12, 13, 14, 15);
          }
#pragma unroll
          for (int t = 0; t < kTiles; ++t) {
            const uint4v words = loadColumnWords<L>(
                qweight, ldq, k, column + t * kTileN, bLaneBytes);
#pragma unroll
            for (int s = 0; s < 2; ++s) {
              Pair b[8];
              Traits::dequantWord(words[2 * s], b);
              Traits::dequantWord(words[2 * s + 1], b + 4);
              dot[t] = mma16x16x16(aFrag[s], bits<Frag>(b), dot[t]);
            }
          }
#pragma unroll
          for (int i = 0; i < 2 * kTiles; ++i)
            scheduleValuThenWmma<2 * Traits::kDequantValuPerWord>();
        }

#pragma unroll
        for (int t = 0; t < kTiles; ++t)
#pragma unroll
          for (int v = 0; v < 8; ++v) {
            float &out = acc[t * 8 + v];
            out = __builtin_fmaf(dot[t][v], quant[t].scale, out);
          }
      });
}

} // namespace
} // namespace w4a16::uk

#define W4A16_UK_DEFINE_WMMA(name, T, layout, tiles)                           \
  W4A16_UK_EXPORT void name(W4A16_UK_PARAMS(T)) {                              \
    W4A16_UK_FORWARD_WITH_CONSTANT_ZERO_KIND(                                  \
        (w4a16::uk::wmma<T, w4a16::uk::WeightLayout::layout, tiles>));         \
  }
W4A16_UK_FOR_EACH_WMMA(W4A16_UK_DEFINE_WMMA)
