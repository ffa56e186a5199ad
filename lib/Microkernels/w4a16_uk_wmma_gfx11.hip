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

/// The four words of 32 K that hold column `col` from row k.
template <WeightLayout L>
W4A16_UK_DEVICE inline uint4v loadColumnWords(const uint32_t *qweight,
                                              int64_t ldq, int64_t k,
                                              int64_t col) {
  if constexpr (L == WeightLayout::Fragment)
    return *reinterpret_cast<const uint4v *>(
        qweight + fragmentColumnWord(k, col, ldq));
  const uint32_t *word = qweight + (k / kValuesPerWord) * ldq + col;
  return {word[0], word[ldq], word[2 * ldq], word[3 * ldq]};
}

template <typename T, WeightLayout L, int kTiles>
W4A16_UK_DEVICE inline void wmma(W4A16_UK_PARAMS(T)) {
  using Traits = ElementTraits<T>;
  using Pair = typename Traits::Pair;
  using Vec8 = typename Traits::Vec8;
  using Frag = typename Traits::Frag;
  static_assert(kFragmentBlockK == 2 * kStepK && kFragmentBlockN == kTileN,
                "one fragment-layout load feeds two WMMA steps of one tile");

  const int64_t lane = laneId();
  const T *aRow = clampedRow(a, lda, gfx11::operandIndexOfLane(lane), rows_valid);
  using Words8 = uint32_t __attribute__((ext_vector_type(8)));
  const Frag ones = bits<Frag>((Words8)Traits::kOnePairBits);

  forEachGroup(k_begin, k_end, group_size, [&](int64_t group, int64_t kStart,
                                               int64_t kStop) {
    ColumnQuant<T> quant[kTiles];
#pragma unroll
    for (int t = 0; t < kTiles; ++t)
      quant[t] = loadColumnQuant(scales, ld_scales, qzeros, ld_zeros,
                                 zero_kind, group,
                                 column + t * kTileN + gfx11::operandIndexOfLane(lane));

    float8 dot[kTiles] = {};
    float8 activationSum = {};
    for (int64_t k = kStart; k < kStop; k += kFragmentBlockK) {
      Frag aFrag[2];
#pragma unroll
      for (int s = 0; s < 2; ++s) {
        const Vec8 *src =
            reinterpret_cast<const Vec8 *>(aRow + k + s * kStepK);
        aFrag[s] = __builtin_shufflevector(
            toPairOrder<L>(src[0]), toPairOrder<L>(src[1]), 0, 1, 2, 3, 4, 5,
            6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        if constexpr (Traits::kNeedsActivationSum)
          activationSum = mma16x16x16(aFrag[s], ones, activationSum);
      }
#pragma unroll
      for (int t = 0; t < kTiles; ++t) {
        const uint4v words = loadColumnWords<L>(
            qweight, ldq, k, column + t * kTileN + gfx11::operandIndexOfLane(lane));
#pragma unroll
        for (int s = 0; s < 2; ++s) {
          Pair b[8];
          Traits::dequantWord(words[2 * s], quant[t].zero, b);
          Traits::dequantWord(words[2 * s + 1], quant[t].zero, b + 4);
          dot[t] = mma16x16x16(aFrag[s], bits<Frag>(b), dot[t]);
        }
      }
    }

#pragma unroll
    for (int t = 0; t < kTiles; ++t)
#pragma unroll
      for (int v = 0; v < 8; ++v) {
        float &out = acc[t * 8 + v];
        out = __builtin_fmaf(Traits::finishGroup(dot[t][v], quant[t].zero,
                                                 activationSum[v]),
                             quant[t].scale, out);
      }
  });
}

} // namespace
} // namespace w4a16::uk

#define W4A16_UK_DEFINE_WMMA(name, T, layout, tiles)                           \
  W4A16_UK_EXPORT void name(W4A16_UK_PARAMS(T)) {                              \
    w4a16::uk::wmma<T, w4a16::uk::WeightLayout::layout, tiles>(W4A16_UK_ARGS); \
  }
W4A16_UK_FOR_EACH_WMMA(W4A16_UK_DEFINE_WMMA)
