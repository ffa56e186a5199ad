//===- w4a16_uk_gemv_gfx11.hip - Small-M W4A16 microkernel on v_dot2 -----===//
//
// M = 1..8 rows times 4 columns per lane of a GPTQ qweight. Every lane of the
// wave walks the same K rows, so activations are wave-uniform (scalar loads
// into SGPRs on gfx11, read by v_dot2 for free) and each lane's 16-byte weight
// load covers 4 columns x 8 K. See README.md for the ABI.
//
//===----------------------------------------------------------------------===//

#include "w4a16_uk_dequant.h"

namespace w4a16::uk {
namespace {

constexpr int kGemvColumnsPerLane = 4;

/// Words per lane per loop iteration: enough loads in flight, while the
/// uniform activations of one iteration (8 SGPRs per row and word) stay
/// within the SGPR budget instead of spilling into VGPR lanes.
constexpr int gemvUnroll(int rows) {
  return W4A16_UK_GEMV_WORDS_PER_ITERATION(rows);
}

template <int N> struct WordCount {
  static constexpr int value = N;
};

template <typename T, int kRows>
W4A16_UK_DEVICE inline void gemv(W4A16_UK_PARAMS(T)) {
  using Traits = ElementTraits<T>;
  using Pair = typename Traits::Pair;
  using Vec8 = typename Traits::Vec8;
  const Pair ones = bits<Pair>(Traits::kOnePairBits);

  const T *rows[kRows];
#pragma unroll
  for (int r = 0; r < kRows; ++r)
    rows[r] = clampedRow(a, lda, r, rows_valid);

  forEachGroup(k_begin, k_end, group_size, [&](int64_t group, int64_t kStart,
                                               int64_t kStop) {
    ColumnQuant<T> quant[kGemvColumnsPerLane];
#pragma unroll
    for (int c = 0; c < kGemvColumnsPerLane; ++c)
      quant[c] = loadColumnQuant(scales, ld_scales, qzeros, ld_zeros,
                                 zero_kind, group, column + c);

    float dot[kRows][kGemvColumnsPerLane] = {};
    float activationSum[kRows] = {};
    // Accumulates the words of K rows [k, k + 8 * kWords).
    auto accumulate = [&](int64_t k, auto wordCount) {
      constexpr int kWords = decltype(wordCount)::value;
#pragma unroll
      for (int i = 0; i < kWords; ++i, k += kValuesPerWord) {
        const uint4v words = *reinterpret_cast<const uint4v *>(
            qweight + (k / kValuesPerWord) * ldq + column);
        Pair act[kRows][4];
#pragma unroll
        for (int r = 0; r < kRows; ++r) {
          const Vec8 x = toPairOrder<WeightLayout::Gptq>(
              loadUniform(reinterpret_cast<const Vec8 *>(rows[r] + k)));
          __builtin_memcpy(act[r], &x, sizeof(x));
          if constexpr (Traits::kNeedsActivationSum) {
#pragma unroll
            for (int j = 0; j < 4; ++j)
              activationSum[r] = dot2(act[r][j], ones, activationSum[r]);
          }
        }
#pragma unroll
        for (int c = 0; c < kGemvColumnsPerLane; ++c) {
          Pair w[4];
          Traits::dequantWord(words[c], quant[c].zero, w);
#pragma unroll
          for (int r = 0; r < kRows; ++r)
#pragma unroll
            for (int j = 0; j < 4; ++j)
              dot[r][c] = dot2(act[r][j], w[j], dot[r][c]);
        }
      }
    };
    // The main loop first, then single words for groups of 8, 16 or 24 K.
    constexpr int kUnroll = gemvUnroll(kRows);
    int64_t k = kStart;
    for (; k + kUnroll * kValuesPerWord <= kStop; k += kUnroll * kValuesPerWord)
      accumulate(k, WordCount<kUnroll>{});
    for (; k < kStop; k += kValuesPerWord)
      accumulate(k, WordCount<1>{});

#pragma unroll
    for (int r = 0; r < kRows; ++r)
#pragma unroll
      for (int c = 0; c < kGemvColumnsPerLane; ++c) {
        float &out = acc[r * kGemvColumnsPerLane + c];
        out = __builtin_fmaf(
            Traits::finishGroup(dot[r][c], quant[c].zero, activationSum[r]),
            quant[c].scale, out);
      }
  });
}

} // namespace
} // namespace w4a16::uk

#define W4A16_UK_DEFINE_GEMV(name, T, rows)                                    \
  W4A16_UK_EXPORT void name(W4A16_UK_PARAMS(T)) {                              \
    w4a16::uk::gemv<T, rows>(W4A16_UK_ARGS);                                   \
  }
W4A16_UK_FOR_EACH_GEMV(W4A16_UK_DEFINE_GEMV)
