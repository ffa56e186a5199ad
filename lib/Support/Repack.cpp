//===- Repack.cpp - GPTQ <-> fragment-native weight layout ----------------===//

#include "w4a16/Support/Repack.h"

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

} // namespace w4a16
