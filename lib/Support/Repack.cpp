//===- Repack.cpp - GPTQ <-> fragment-native weight layout ----------------===//

#include "w4a16/Support/Repack.h"

#include <vector>

namespace w4a16 {

namespace {
enum class Direction { ToFragment, ToGptq };

/// Moves every nibble between the two layouts; both directions share the
/// position arithmetic so that they cannot disagree.
bool moveNibbles(const uint32_t *src, int64_t k, int64_t n, uint32_t *dst,
                 Direction direction) {
  if (!isFragmentLayoutShape(k, n))
    return false;
  for (int64_t i = 0; i < k * n / kValuesPerWord; ++i)
    dst[i] = 0;
  for (int64_t row = 0; row < k; ++row) {
    for (int64_t col = 0; col < n; ++col) {
      const PackedPosition gptq = weightPosition(PackedLayout::Gptq, row, col);
      const FragmentPosition frag = fragmentWeightPosition(row, col, n);
      const int64_t gptqWord = gptq.row * n + gptq.col;
      if (direction == Direction::ToFragment)
        dst[frag.word] |= extractNibble(src[gptqWord], gptq.shift)
                          << frag.shift;
      else
        dst[gptqWord] |= extractNibble(src[frag.word], frag.shift)
                         << gptq.shift;
    }
  }
  return true;
}
} // namespace

bool repackGptqToFragmentLayout(const uint32_t *gptq, int64_t k, int64_t n,
                                uint32_t *fragment) {
  return moveNibbles(gptq, k, n, fragment, Direction::ToFragment);
}

bool repackFragmentToGptqLayout(const uint32_t *fragment, int64_t k, int64_t n,
                                uint32_t *gptq) {
  return moveNibbles(fragment, k, n, gptq, Direction::ToGptq);
}

namespace {
/// Writes every value (row, col) of a rows x n matrix from its position
/// `from(row, col)` in `src` to `to(row, col)` in `dst` (rows of
/// srcWordsPerRow and dstWordsPerRow words, dst holding `dstWords`).
template <typename FromPosition, typename ToPosition>
void moveValues(const uint32_t *src, int64_t srcWordsPerRow, FromPosition from,
                uint32_t *dst, int64_t dstWordsPerRow, int64_t dstWords,
                ToPosition to, int64_t rows, int64_t n) {
  for (int64_t i = 0; i < dstWords; ++i)
    dst[i] = 0;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t col = 0; col < n; ++col) {
      const PackedPosition source = from(row, col);
      const PackedPosition target = to(row, col);
      dst[target.row * dstWordsPerRow + target.col] |=
          extractNibble(src[source.row * srcWordsPerRow + source.col],
                        source.shift)
          << target.shift;
    }
  }
}
} // namespace

bool repackAwqToGptq(const uint32_t *awq, int64_t k, int64_t n,
                     uint32_t *gptq) {
  if (k <= 0 || n <= 0 || k % kValuesPerWord != 0 || n % kValuesPerWord != 0)
    return false;
  moveValues(
      awq, n / kValuesPerWord,
      [](int64_t row, int64_t col) {
        return weightPosition(PackedLayout::Awq, row, col);
      },
      gptq, n, k * n / kValuesPerWord,
      [](int64_t row, int64_t col) {
        return weightPosition(PackedLayout::Gptq, row, col);
      },
      k, n);
  return true;
}

bool repackAwqZerosToGptq(const uint32_t *awq, int64_t groups, int64_t n,
                          uint32_t *gptq) {
  if (groups <= 0 || n <= 0 || n % kValuesPerWord != 0)
    return false;
  const int64_t wordsPerRow = n / kValuesPerWord;
  moveValues(
      awq, wordsPerRow,
      [](int64_t group, int64_t col) {
        return zeroPosition(PackedLayout::Awq, group, col);
      },
      gptq, wordsPerRow, groups * wordsPerRow,
      [](int64_t group, int64_t col) {
        return zeroPosition(PackedLayout::Gptq, group, col);
      },
      groups, n);
  return true;
}

bool repackAwqToFragmentLayout(const uint32_t *awq, int64_t k, int64_t n,
                               uint32_t *fragment) {
  if (!isFragmentLayoutShape(k, n))
    return false;
  std::vector<uint32_t> gptq(k * n / kValuesPerWord);
  return repackAwqToGptq(awq, k, n, gptq.data()) &&
         repackGptqToFragmentLayout(gptq.data(), k, n, fragment);
}

} // namespace w4a16
