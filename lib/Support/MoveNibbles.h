//===- MoveNibbles.h - Moving 4-bit values between packed words -*- C++ -*-===//
//
// Private to lib/Support: the one loop behind every host repack and
// permutation. It reads each value where one layout puts it and writes it
// where another does; the layouts themselves come from PackedFormat.h and
// Repack.h.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_LIB_SUPPORT_MOVENIBBLES_H
#define W4A16_LIB_SUPPORT_MOVENIBBLES_H

#include "w4a16/Support/PackedFormat.h"

#include <algorithm>
#include <cstdint>

namespace w4a16::detail {

/// A 4-bit value's place in a flat array of words.
struct WordAndShift {
  int64_t word;
  int64_t shift;
};

/// `pos` in a row-major packed tensor of `wordsPerRow` words per row.
constexpr WordAndShift flatten(PackedPosition pos, int64_t wordsPerRow) {
  return {pos.row * wordsPerRow + pos.col, pos.shift};
}

/// Writes every value (row, col) of a rows x cols matrix from `from(row, col)`
/// in `src` to `to(row, col)` in `dst` (rows * cols / 8 words, all written).
template <typename From, typename To>
void moveNibbles(const uint32_t *src, From from, uint32_t *dst, To to,
                 int64_t rows, int64_t cols) {
  std::fill_n(dst, rows * cols / kValuesPerWord, 0u);
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t col = 0; col < cols; ++col) {
      const WordAndShift source = from(row, col);
      const WordAndShift target = to(row, col);
      dst[target.word] |= extractNibble(src[source.word], source.shift)
                          << target.shift;
    }
  }
}

} // namespace w4a16::detail

#endif // W4A16_LIB_SUPPORT_MOVENIBBLES_H
