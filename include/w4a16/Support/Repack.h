//===- Repack.h - Fragment-native weight layout and its repack --*- C++ -*-===//
//
// Also the load-time repack of AWQ checkpoints into GPTQ words (weights and
// zero order), through which AWQ reaches the GPTQ and fragment kernels.
//
// The fragment-native layout that the gfx11 WMMA microkernels read: one
// 16-byte load per lane gives exactly the packed weights of its B-fragment
// column for 32 K values, with nibbles ordered so that the magic-number
// dequant yields pairs of consecutive K. Scales and zeros keep their GPTQ
// layout ([K/G, N] and [K/G, N/8]): the 16 columns of a tile are already
// adjacent there.
//
// Layout of a K x N matrix (K % 32 == 0, N % 16 == 0), in 32-bit words:
//   block (kb, nt) = K rows 32kb..32kb+31, columns 16nt..16nt+15, 64 words at
//   word (kb * N/16 + nt) * 64; inside it, column c owns words 4c..4c+3, word j
//   holding K rows 8j..8j+7 of that column, row i of the word in nibble
//   kFragmentNibbleOfRow[i].
//
// This header is plain constexpr C++ so that device code can include it too;
// the repack functions themselves are host code (lib/Support/Repack.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_SUPPORT_REPACK_H
#define W4A16_SUPPORT_REPACK_H

#include "w4a16/Support/PackedFormat.h"

#include <cstdint>

namespace w4a16 {

/// K rows and N columns of one fragment-layout block.
inline constexpr int64_t kFragmentBlockK = 32;
inline constexpr int64_t kFragmentBlockN = 16;
/// Words per column of a block: one 16-byte load.
inline constexpr int64_t kFragmentWordsPerColumn =
    kFragmentBlockK / kValuesPerWord;

/// Nibble that holds row i (0..7) of a fragment-layout word: rows 2j and 2j+1
/// sit in nibbles j and j+4 (bits 4j and 16+4j), so that masking a word with
/// 0x000F000F << 4j gives two consecutive K values, one per 16-bit half.
inline constexpr int64_t kFragmentNibbleOfRow[kValuesPerWord] = {0, 4, 1, 5,
                                                                 2, 6, 3, 7};

/// True when a K x N weight matrix can be stored in the fragment layout.
constexpr bool isFragmentLayoutShape(int64_t k, int64_t n) {
  return k > 0 && n > 0 && k % kFragmentBlockK == 0 && n % kFragmentBlockN == 0;
}

/// Index of the first of the kFragmentWordsPerColumn words that hold column n
/// for the block of rows that contains k.
constexpr int64_t fragmentColumnWord(int64_t k, int64_t n, int64_t numCols) {
  const int64_t block =
      (k / kFragmentBlockK) * (numCols / kFragmentBlockN) + n / kFragmentBlockN;
  return (block * kFragmentBlockN + n % kFragmentBlockN) *
         kFragmentWordsPerColumn;
}

/// Location of the weight (k, n) in a fragment-layout tensor: flat word index
/// and bit offset.
struct FragmentPosition {
  int64_t word;
  int64_t shift;
};

constexpr FragmentPosition fragmentWeightPosition(int64_t k, int64_t n,
                                                  int64_t numCols) {
  return {fragmentColumnWord(k, n, numCols) +
              (k % kFragmentBlockK) / kValuesPerWord,
          kBitsPerValue * kFragmentNibbleOfRow[k % kValuesPerWord]};
}

/// Rewrites a GPTQ qweight (int32 [K/8, N]) into the fragment layout
/// (K*N/8 words). Returns false, writing nothing, when the shape is not a
/// fragment-layout shape.
bool repackGptqToFragmentLayout(const uint32_t *gptq, int64_t k, int64_t n,
                                uint32_t *fragment);

/// The inverse of repackGptqToFragmentLayout.
bool repackFragmentToGptqLayout(const uint32_t *fragment, int64_t k, int64_t n,
                                uint32_t *gptq);

/// Rewrites an AWQ qweight (int32 [K, N/8]) into a GPTQ one (int32
/// [K/8, N]) holding the same K x N values. Returns false, writing nothing,
/// unless K and N are positive multiples of 8.
bool repackAwqToGptq(const uint32_t *awq, int64_t k, int64_t n, uint32_t *gptq);

/// Rewrites AWQ packed zeros (int32 [groups, N/8], AWQ nibble order) into
/// GPTQ zero order, same shape, so that GPTQ and fragment schemes read them.
/// Returns false, writing nothing, unless N is a positive multiple of 8.
bool repackAwqZerosToGptq(const uint32_t *awq, int64_t groups, int64_t n,
                          uint32_t *gptq);

/// AWQ qweight to the fragment layout: repackAwqToGptq, then
/// repackGptqToFragmentLayout. Returns false, writing nothing, when the shape
/// is not a fragment-layout shape.
bool repackAwqToFragmentLayout(const uint32_t *awq, int64_t k, int64_t n,
                               uint32_t *fragment);

} // namespace w4a16

#endif // W4A16_SUPPORT_REPACK_H
