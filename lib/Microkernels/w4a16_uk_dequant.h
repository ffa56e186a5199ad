//===- w4a16_uk_dequant.h - Dequant and group logic shared by microkernels
//-===//
//
// The exact magic-number dequant of one packed word into four pairs of
// 16-bit values, per element type, and the walk over quantization groups
// that both microkernel families share. Layout facts come from
// w4a16/Support/PackedFormat.h and w4a16/Support/Repack.h, never restated.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_UK_DEQUANT_H
#define W4A16_UK_DEQUANT_H

#include "w4a16_uk.h"
#include "w4a16_uk_target.h"

#include "w4a16/Support/PackedFormat.h"
#include "w4a16/Support/Repack.h"

/// The parameter names of W4A16_UK_PARAMS, to forward them.
#define W4A16_UK_ARGS                                                          \
  a, lda, rows_valid, qweight, ldq, scales, ld_scales, qzeros, ld_zeros,       \
      zero_kind, column, k_begin, k_end, group_size, acc

namespace w4a16::uk {

/// Weight layouts the microkernels read.
enum class WeightLayout { Gptq, Fragment };

/// K row (0..7 inside its word) held by nibble slot `nibble` of a word.
template <WeightLayout L> constexpr int kRowOfNibble(int nibble) {
  for (int row = 0; row < kValuesPerWord; ++row) {
    const int64_t slot =
        L == WeightLayout::Gptq
            ? nibbleShift(PackedLayout::Gptq, row) / kBitsPerValue
            : kFragmentNibbleOfRow[row];
    if (slot == nibble)
      return row;
  }
  return -1;
}

/// The dequant below turns a word into pairs j = (nibble j, nibble j + 4).
/// Element e of a dequantized word is therefore the K row
/// kRowOfPairElement<L>(e); activations are permuted the same way.
template <WeightLayout L> constexpr int kRowOfPairElement(int e) {
  return kRowOfNibble<L>(e / 2 + 4 * (e % 2));
}

template <WeightLayout L, typename Vec8>
W4A16_UK_DEVICE inline Vec8 toPairOrder(Vec8 x) {
  return __builtin_shufflevector(
      x, x, kRowOfPairElement<L>(0), kRowOfPairElement<L>(1),
      kRowOfPairElement<L>(2), kRowOfPairElement<L>(3), kRowOfPairElement<L>(4),
      kRowOfPairElement<L>(5), kRowOfPairElement<L>(6),
      kRowOfPairElement<L>(7));
}

template <typename To, typename From>
W4A16_UK_DEVICE inline To bits(const From &x) {
  return __builtin_bit_cast(To, x);
}

inline constexpr uint32_t kLowNibbles = 0x000F000Fu;
inline constexpr uint32_t kHighNibbles = 0x00F000F0u;

/// The vectors of one element type: a dot2 pair, the 8 K of a packed word,
/// a 16-element WMMA fragment.
template <typename T> struct ElementVectors {
  using Pair = T __attribute__((ext_vector_type(2)));
  using Vec8 = T __attribute__((ext_vector_type(8)));
  using Frag = T __attribute__((ext_vector_type(16)));
};

template <typename T> struct ElementTraits;

/// fp16: 0x6400 | q is 1024 + q. Adding the exact -(1024 + z) gives q - z
/// exactly; nibbles in bits 4..7 give 1024 + 16q, and one fma by 1/16 with
/// -(64 + z) gives q - z exactly as well (one rounding of an exact integer).
/// The dot of exact (q - z) is then scaled in fp32 after the group.
template <> struct ElementTraits<_Float16> : ElementVectors<_Float16> {
  static constexpr bool kNeedsActivationSum = false;
  static constexpr uint32_t kOnePairBits = 0x3C003C00u;
  struct Zero {
    Pair minus1024MinusZ;
    Pair minus64MinusZ;
  };

  W4A16_UK_DEVICE static Zero zero(uint32_t z) {
    // Sign, exponent of 1024 (ulp 1) / 64 (ulp 1/16), z in the mantissa.
    const uint32_t low = kF16SignBit | kF16MagicBits | z;
    const uint32_t high = 0xD400u | (z << 4);
    return {bits<Pair>(low | low << 16), bits<Pair>(high | high << 16)};
  }

  W4A16_UK_DEVICE static void dequantWord(uint32_t word, Zero zero,
                                          Pair out[4]) {
    constexpr uint32_t kMagic1024 = pairOf(kF16MagicBits);
    const Pair kSixteenth = {0.0625f16, 0.0625f16};
    const uint32_t upper = word >> 8;
    out[0] =
        bits<Pair>((word & kLowNibbles) | kMagic1024) + zero.minus1024MinusZ;
    out[1] = __builtin_elementwise_fma(
        bits<Pair>((word & kHighNibbles) | kMagic1024), kSixteenth,
        zero.minus64MinusZ);
    out[2] =
        bits<Pair>((upper & kLowNibbles) | kMagic1024) + zero.minus1024MinusZ;
    out[3] = __builtin_elementwise_fma(
        bits<Pair>((upper & kHighNibbles) | kMagic1024), kSixteenth,
        zero.minus64MinusZ);
  }

  W4A16_UK_DEVICE static float finishGroup(float dot, Zero, float) {
    return dot;
  }
};

/// bf16: 0x4300 | q is 128 + q. gfx11 has no packed bf16 arithmetic, so the
/// pairs stay 128 + q and the group's dot is corrected in fp32 by
/// (128 + z) * sum(a): every product is exact in fp32 (8 x 8 bits), so the only
/// error is fp32 accumulation, far below bf16 rounding (README.md).
template <> struct ElementTraits<__bf16> : ElementVectors<__bf16> {
  static constexpr bool kNeedsActivationSum = true;
  static constexpr uint32_t kOnePairBits = 0x3F803F80u;
  struct Zero {
    float offsetPlusZ;
  };

  W4A16_UK_DEVICE static Zero zero(uint32_t z) {
    return {static_cast<float>(kBf16MagicBias + z)};
  }

  W4A16_UK_DEVICE static void dequantWord(uint32_t word, Zero, Pair out[4]) {
    constexpr uint32_t kMagic128 = pairOf(kBf16MagicBits);
#pragma unroll
    for (int j = 0; j < 4; ++j)
      out[j] = bits<Pair>(((word >> (4 * j)) & kLowNibbles) | kMagic128);
  }

  W4A16_UK_DEVICE static float finishGroup(float dot, Zero zero,
                                           float activationSum) {
    return __builtin_fmaf(-zero.offsetPlusZ, activationSum, dot);
  }
};

/// Zero point and scale of one column in one group.
template <typename T> struct ColumnQuant {
  typename ElementTraits<T>::Zero zero;
  float scale;
};

template <typename T>
W4A16_UK_DEVICE inline ColumnQuant<T>
loadColumnQuant(const T *scales, int64_t ldScales, const uint32_t *qzeros,
                int64_t ldZeros, int32_t zeroKind, int64_t group, int64_t col) {
  uint32_t z = zeroKind == W4A16_UK_ZERO_SYMMETRIC ? kSymmetricZeroPoint : 0;
  if (zeroKind == W4A16_UK_ZERO_PACKED ||
      zeroKind == W4A16_UK_ZERO_PACKED_PLUS_ONE) {
    const PackedPosition pos = zeroPosition(PackedLayout::Gptq, group, col);
    z = extractNibble(qzeros[pos.row * ldZeros + pos.col], pos.shift) +
        (zeroKind == W4A16_UK_ZERO_PACKED_PLUS_ONE);
  }
  return {ElementTraits<T>::zero(z), (float)scales[group * ldScales + col]};
}

/// Calls body(group, kStart, kStop) for each quantization group met in
/// [kBegin, kEnd); kStop - kStart is the part of the group inside the range.
template <typename Body>
W4A16_UK_DEVICE inline void forEachGroup(int64_t kBegin, int64_t kEnd,
                                         int64_t groupSize, Body body) {
  // One division per call, none per group.
  int64_t group = kBegin / groupSize;
  for (int64_t k = kBegin; k < kEnd; ++group) {
    const int64_t stop =
        __builtin_elementwise_min((group + 1) * groupSize, kEnd);
    body(group, k, stop);
    k = stop;
  }
}

/// Row `row` of A, with rows past the valid ones reading the last valid row so
/// that padded rows never read out of bounds.
template <typename T>
W4A16_UK_DEVICE inline const T *clampedRow(const T *a, int64_t lda, int64_t row,
                                           int64_t rowsValid) {
  return a + __builtin_elementwise_min(row, rowsValid - 1) * lda;
}

} // namespace w4a16::uk

#endif // W4A16_UK_DEQUANT_H
