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

using ::w4a16::kColumnsPerLoad;

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
  constexpr WeightLayout kLayout = WeightLayout::Gptq;

  const T *rows[kRows];
#pragma unroll
  for (int r = 0; r < kRows; ++r)
    rows[r] = clampedRow(a, lda, r, rows_valid);
  // Weight loads address a wave-uniform packed row (SGPRs) plus this lane
  // offset, so the loop does no per-lane address arithmetic.
  const uint32_t columnBytes = static_cast<uint32_t>(column) * sizeof(uint32_t);
  const float sharedZero = sharedZeroPoint(zero_kind);

  forEachGroup(
      k_begin, k_end, group_size,
      [&](int64_t group, int64_t kStart, int64_t kStop) {
        ColumnQuant quant[kColumnsPerLoad];
#pragma unroll
        for (int c = 0; c < kColumnsPerLoad; ++c)
          quant[c] = loadColumnQuant(scales, ld_scales, qzeros, ld_zeros,
                                     zero_kind, group, column + c);

        // The activation sums are the same for every lane: the lanes share the
        // group's words and add up their parts.
        ActivationSums sums[kRows] = {};
        for (int64_t k = kStart + laneId() * kValuesPerWord; k < kStop;
             k += kWaveSize * kValuesPerWord)
#pragma unroll
          for (int r = 0; r < kRows; ++r)
            addWordSums<T, kLayout>(
                *reinterpret_cast<const Vec8 *>(rows[r] + k), sharedZero,
                zero_kind, sums[r]);
#pragma unroll
        for (int r = 0; r < kRows; ++r)
          sums[r] = laneGroupSum<kWaveSize>(sums[r], zero_kind);

        float dot[kRows][kColumnsPerLoad] = {};
        const uint32_t *packedRow = qweight + (kStart / kValuesPerWord) * ldq;
        int64_t k = kStart;
        // Accumulates the next kWords words of the lane's columns.
        auto accumulate = [&](auto wordCount) {
          constexpr int kWords = decltype(wordCount)::value;
          // Opaque, so that loop strength reduction cannot fold the lane offset
          // into per-load 64-bit VGPR addresses.
          const uint32_t laneBytes = opaque(columnBytes);
#pragma unroll
          for (int i = 0; i < kWords; ++i) {
            const uint32_t *row = packedRow + i * ldq;
            if constexpr (kWords > 1)
              row = opaqueUniform(row);
            const uint4v words = loadGlobal(reinterpret_cast<const uint4v *>(
                reinterpret_cast<const char *>(row) + laneBytes));
            Pair act[kRows][4];
#pragma unroll
            for (int r = 0; r < kRows; ++r) {
              const Vec8 x = toPairOrder<kLayout>(
                  loadUniform(reinterpret_cast<const Vec8 *>(
                      rows[r] + k + i * kValuesPerWord)));
              __builtin_memcpy(act[r], &x, sizeof(x));
            }
#pragma unroll
            for (int c = 0; c < kColumnsPerLoad; ++c) {
              Pair w[4];
              Traits::dequantWord(words[c], w);
#pragma unroll
              for (int r = 0; r < kRows; ++r)
#pragma unroll
                for (int j = 0; j < 4; ++j)
                  dot[r][c] = dot2(act[r][j], w[j], dot[r][c]);
            }
          }
          packedRow += kWords * ldq;
          k += kWords * kValuesPerWord;
        };
        // The main loop first, then single words for groups of 8, 16 or 24 K.
        // 32-bit trip counts keep the loop control on the scalar unit.
        constexpr int kUnroll = gemvUnroll(kRows);
        const int32_t words =
            static_cast<int32_t>((kStop - kStart) / kValuesPerWord);
        for (int32_t i = 0; i < words / kUnroll; ++i)
          accumulate(WordCount<kUnroll>{});
        for (int32_t i = 0; i < words % kUnroll; ++i)
          accumulate(WordCount<1>{});

#pragma unroll
        for (int r = 0; r < kRows; ++r)
#pragma unroll
          for (int c = 0; c < kColumnsPerLoad; ++c) {
            float &out = acc[r * kColumnsPerLoad + c];
            out = __builtin_fmaf(
                dot[r][c] - biasCorrection(sums[r], quant[c].zero, zero_kind),
                quant[c].scale, out);
          }
      });
}

} // namespace
} // namespace w4a16::uk

#define W4A16_UK_DEFINE_GEMV(name, T, rows)                                    \
  W4A16_UK_EXPORT void name(W4A16_UK_PARAMS(T)) {                              \
    W4A16_UK_FORWARD_WITH_CONSTANT_ZERO_KIND((w4a16::uk::gemv<T, rows>));      \
  }
W4A16_UK_FOR_EACH_GEMV(W4A16_UK_DEFINE_GEMV)
