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

bool repackAwqToGptq(const uint32_t *awq, int64_t k, int64_t n,
                     uint32_t *gptq) {
  if (k <= 0 || n <= 0 || k % kValuesPerWord != 0 || n % kValuesPerWord != 0)
    return false;
  for (int64_t i = 0; i < k * n / kValuesPerWord; ++i)
    gptq[i] = 0;
  const int64_t awqWordsPerRow = n / kValuesPerWord;
  for (int64_t row = 0; row < k; ++row) {
    for (int64_t col = 0; col < n; ++col) {
      const PackedPosition from = weightPosition(PackedLayout::Awq, row, col);
      const PackedPosition to = weightPosition(PackedLayout::Gptq, row, col);
      gptq[to.row * n + to.col] |=
          extractNibble(awq[from.row * awqWordsPerRow + from.col], from.shift)
          << to.shift;
    }
  }
  return true;
}

bool repackAwqZerosToGptq(const uint32_t *awq, int64_t groups, int64_t n,
                          uint32_t *gptq) {
  if (groups <= 0 || n <= 0 || n % kValuesPerWord != 0)
    return false;
  const int64_t wordsPerRow = n / kValuesPerWord;
  for (int64_t i = 0; i < groups * wordsPerRow; ++i)
    gptq[i] = 0;
  for (int64_t group = 0; group < groups; ++group) {
    for (int64_t col = 0; col < n; ++col) {
      const PackedPosition from = zeroPosition(PackedLayout::Awq, group, col);
      const PackedPosition to = zeroPosition(PackedLayout::Gptq, group, col);
      gptq[to.row * wordsPerRow + to.col] |=
          extractNibble(awq[from.row * wordsPerRow + from.col], from.shift)
          << to.shift;
    }
  }
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
