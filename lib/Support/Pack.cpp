//===- Pack.cpp - Packing 4-bit values into GPTQ / AWQ words --------------===//

#include "w4a16/Support/Pack.h"

namespace w4a16 {

bool packWeights(PackedLayout layout, const uint8_t *values, int64_t k,
                 int64_t n, uint32_t *packed) {
  const int64_t packedExtent = packsAlongK(layout) ? k : n;
  if (k <= 0 || n <= 0 || packedExtent % kValuesPerWord != 0)
    return false;
  for (int64_t i = 0; i < k * n; ++i)
    if (values[i] >> kBitsPerValue)
      return false;
  const int64_t words = k * n / kValuesPerWord;
  const int64_t wordsPerRow = packsAlongK(layout) ? n : n / kValuesPerWord;
  for (int64_t i = 0; i < words; ++i)
    packed[i] = 0;
  for (int64_t row = 0; row < k; ++row) {
    for (int64_t col = 0; col < n; ++col) {
      const PackedPosition pos = weightPosition(layout, row, col);
      packed[pos.row * wordsPerRow + pos.col] |= uint32_t(values[row * n + col])
                                                 << pos.shift;
    }
  }
  return true;
}

} // namespace w4a16
