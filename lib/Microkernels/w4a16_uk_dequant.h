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

/// Body of an entry point: forwards its parameters to `kernel`, the zero kind
/// as a compile-time constant (withConstantZeroKind).
#define W4A16_UK_FORWARD_WITH_CONSTANT_ZERO_KIND(kernel)                       \
  w4a16::uk::withConstantZeroKind(zero_kind, [&](auto kind) {                  \
    const int32_t zero_kind = decltype(kind)::value;                           \
    kernel(W4A16_UK_ARGS);                                                     \
  })

namespace w4a16::uk {

/// Runs `kernel(kind)` with kind::value the zero kind as a compile-time
/// constant, so that each kind gets straight-line code (no branches on the
/// kind inside the loops) also where the caller passes it at run time.
template <int32_t kKind> struct ZeroKindConstant {
  static constexpr int32_t value = kKind;
};
template <typename Kernel>
W4A16_UK_DEVICE inline void withConstantZeroKind(int32_t zeroKind,
                                                 Kernel kernel) {
  switch (zeroKind) {
  case W4A16_UK_ZERO_NONE:
    return kernel(ZeroKindConstant<W4A16_UK_ZERO_NONE>{});
  case W4A16_UK_ZERO_SYMMETRIC:
    return kernel(ZeroKindConstant<W4A16_UK_ZERO_SYMMETRIC>{});
  case W4A16_UK_ZERO_PACKED:
    return kernel(ZeroKindConstant<W4A16_UK_ZERO_PACKED>{});
  default:
    return kernel(ZeroKindConstant<W4A16_UK_ZERO_PACKED_PLUS_ONE>{});
  }
}

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

/// fp16: a nibble in bits 0..3 of a half under 0x6400 reads as 1024 + q; a
/// nibble in bits 4..7 under 0x5400 (the exponent of 64, whose mantissa unit
/// is 1/16) reads as 64 + q. So a word gives its four pairs with four
/// v_and_or_b32 and one shift, in place, with no arithmetic: pair j holds
/// bias(j) + q, bias 1024 for even j and 64 for odd j. The bias is removed
/// once per group in fp32 (biasCorrection), as the generated decode kernel
/// does (docs/CodegenDesign.md).
template <> struct ElementTraits<_Float16> : ElementVectors<_Float16> {
  static constexpr uint32_t kOnePairBits = 0x3C003C00u;
  /// The 16-bit pattern and value of the bias of pair j of a word.
  static constexpr uint32_t kMagicOfPair[2] = {kF16MagicBits,
                                               kF16HighNibbleMagicBits};
  static constexpr float kBiasOfPair[2] = {kF16MagicBias,
                                           kF16HighNibbleMagicBias};
  static constexpr int kDequantValuPerWord = 5;

  W4A16_UK_DEVICE static void dequantWord(uint32_t word, Pair out[4]) {
    const uint32_t upper = word >> 8;
    out[0] = bits<Pair>((word & kLowNibbles) | pairOf(kMagicOfPair[0]));
    out[1] = bits<Pair>((word & kHighNibbles) | pairOf(kMagicOfPair[1]));
    out[2] = bits<Pair>((upper & kLowNibbles) | pairOf(kMagicOfPair[0]));
    out[3] = bits<Pair>((upper & kHighNibbles) | pairOf(kMagicOfPair[1]));
  }
};

/// bf16: 0x4300 | q is 128 + q. Seven mantissa bits leave no room for a
/// nibble in bits 4..7, so every pair is shifted down to bits 0..3.
template <> struct ElementTraits<__bf16> : ElementVectors<__bf16> {
  static constexpr uint32_t kOnePairBits = 0x3F803F80u;
  static constexpr float kBiasOfPair[2] = {kBf16MagicBias, kBf16MagicBias};
  static constexpr int kDequantValuPerWord = 7;

  W4A16_UK_DEVICE static void dequantWord(uint32_t word, Pair out[4]) {
#pragma unroll
    for (int j = 0; j < 4; ++j)
      out[j] = bits<Pair>(((word >> (4 * j)) & kLowNibbles) |
                          pairOf(kBf16MagicBits));
  }
};

/// Bias of the dequantized value of K row `row` (0..7 inside its word) in
/// layout L: dequantWord puts row kRowOfPairElement<L>(e) in element e, i.e.
/// in pair e / 2.
template <typename T, WeightLayout L> constexpr float biasOfRow(int row) {
  for (int e = 0; e < kValuesPerWord; ++e)
    if (kRowOfPairElement<L>(e) == row)
      return ElementTraits<T>::kBiasOfPair[(e / 2) % 2];
  return 0;
}

/// Whether the zero point varies per column (read from qzeros).
W4A16_UK_DEVICE inline bool hasPackedZeros(int32_t zeroKind) {
  return zeroKind == W4A16_UK_ZERO_PACKED ||
         zeroKind == W4A16_UK_ZERO_PACKED_PLUS_ONE;
}

/// The zero point all columns share (8 symmetric, 0 none), folded into the
/// activation sums; packed zeros are read per column on top of 0.
W4A16_UK_DEVICE inline float sharedZeroPoint(int32_t zeroKind) {
  return zeroKind == W4A16_UK_ZERO_SYMMETRIC ? kSymmetricZeroPoint : 0;
}

/// Zero point and scale of one column in one group.
struct ColumnQuant {
  float zero;
  float scale;
};

template <typename T>
W4A16_UK_DEVICE inline ColumnQuant
loadColumnQuant(const T *scales, int64_t ldScales, const uint32_t *qzeros,
                int64_t ldZeros, int32_t zeroKind, int64_t group, int64_t col) {
  float z = sharedZeroPoint(zeroKind);
  if (hasPackedZeros(zeroKind)) {
    const PackedPosition pos = zeroPosition(PackedLayout::Gptq, group, col);
    z = extractNibble(qzeros[pos.row * ldZeros + pos.col], pos.shift) +
        (zeroKind == W4A16_UK_ZERO_PACKED_PLUS_ONE);
  }
  return {z, (float)scales[group * ldScales + col]};
}

/// Sums of activations over a group, from which the dot of biased weights
/// is corrected: sum_k x_k (bias_k + q_k) - (biased + z * plain) is
/// sum_k x_k (q_k - z). A zero point shared by all columns (kinds none and
/// symmetric) is folded into `biased` (bias_k + z) and `plain` is not
/// needed. The products are exact; the fp32 sums spend about log2(bias) of
/// fp32's 24 bits, far below the output rounding.
struct ActivationSums {
  float biased;
  float plain;
};

/// What a group's dot of biased weights of a column with zero point `zero`
/// exceeds the exact sum_k x_k (q_k - z) by.
W4A16_UK_DEVICE inline float biasCorrection(ActivationSums sums, float zero,
                                            int32_t zeroKind) {
  return hasPackedZeros(zeroKind)
             ? __builtin_fmaf(zero, sums.plain, sums.biased)
             : sums.biased;
}

/// Accumulates the sums of x_k over the 8 K rows of one word (k % 8 == 0)
/// in layout L.
template <typename T, WeightLayout L>
W4A16_UK_DEVICE inline void addWordSums(typename ElementTraits<T>::Vec8 x,
                                        float sharedZero, int32_t zeroKind,
                                        ActivationSums &sums) {
  using Pair = typename ElementTraits<T>::Pair;
  Pair pairs[4];
  __builtin_memcpy(pairs, &x, sizeof(x));
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const Pair weight = {(T)(biasOfRow<T, L>(2 * j) + sharedZero),
                         (T)(biasOfRow<T, L>(2 * j + 1) + sharedZero)};
    sums.biased = dot2(pairs[j], weight, sums.biased);
    if (hasPackedZeros(zeroKind))
      sums.plain = dot2(pairs[j], bits<Pair>(ElementTraits<T>::kOnePairBits),
                        sums.plain);
  }
}

/// Sums each lane's partial sums over aligned groups of kLanes lanes (xor
/// butterfly: every lane of a group gets its group's total).
template <int kLanes>
W4A16_UK_DEVICE inline ActivationSums laneGroupSum(ActivationSums sums,
                                                   int32_t zeroKind) {
  if constexpr (kLanes > 1) {
    sums = laneGroupSum<kLanes / 2>(sums, zeroKind);
    sums.biased += laneXor<kLanes / 2>(sums.biased);
    if (hasPackedZeros(zeroKind))
      sums.plain += laneXor<kLanes / 2>(sums.plain);
  }
  return sums;
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
