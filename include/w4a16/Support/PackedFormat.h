//===- PackedFormat.h - GPTQ / AWQ 4-bit packing, defined once --*- C++ -*-===//
//
// The single definition of where a 4-bit value lives inside the int32 words
// of GPTQ and AWQ checkpoints. The MLIR reference lowering, the host-side
// repack, the microkernels' host tests and the Python package all use it.
// It depends on nothing but the C++ standard library on purpose.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_SUPPORT_PACKEDFORMAT_H
#define W4A16_SUPPORT_PACKEDFORMAT_H

#include <cstdint>

namespace w4a16 {

/// Number of 4-bit values in one packed int32 word.
inline constexpr int64_t kValuesPerWord = 8;
/// Bits per quantized value.
inline constexpr int64_t kBitsPerValue = 4;
/// The implicit zero point of symmetric (uint4b8) checkpoints.
inline constexpr int64_t kSymmetricZeroPoint = 8;
/// Words (columns) of a packed row that one 16-byte load reads: what a lane
/// of the decode kernels loads per packed row.
inline constexpr int64_t kColumnsPerLoad = 4;

/// How the packed int32 weight tensor is laid out.
enum class PackedLayout : uint32_t {
  /// GPTQ: int32 [K/8, N]; word (r, n) holds rows 8r..8r+7 of column n,
  /// row 8r+i in bits 4i..4i+3.
  Gptq = 0,
  /// AWQ: int32 [K, N/8]; nibble i of word (k, c) holds column
  /// 8c + kAwqNibbleToColumn[i].
  Awq = 1,
};

/// AWQ interleave: nibble i of a word holds column kAwqNibbleToColumn[i].
inline constexpr int64_t kAwqNibbleToColumn[kValuesPerWord] = {0, 2, 4, 6,
                                                               1, 3, 5, 7};
/// Inverse of kAwqNibbleToColumn: column j of a word is in nibble
/// kAwqColumnToNibble[j].
inline constexpr int64_t kAwqColumnToNibble[kValuesPerWord] = {0, 4, 1, 5,
                                                               2, 6, 3, 7};

/// Bit offset, inside its word, of the value at position `indexInWord` along
/// the packed dimension (K for GPTQ weights, N for AWQ weights and for all
/// packed zero points).
constexpr int64_t nibbleShift(PackedLayout layout, int64_t indexInWord) {
  return kBitsPerValue * (layout == PackedLayout::Awq
                              ? kAwqColumnToNibble[indexInWord]
                              : indexInWord);
}

/// Whether weights are packed along K (GPTQ) rather than along N (AWQ).
constexpr bool packsAlongK(PackedLayout layout) {
  return layout == PackedLayout::Gptq;
}

/// Location of the weight (k, n) in a packed weight tensor.
struct PackedPosition {
  int64_t row;
  int64_t col;
  int64_t shift;
};

constexpr PackedPosition weightPosition(PackedLayout layout, int64_t k,
                                        int64_t n) {
  if (packsAlongK(layout))
    return {k / kValuesPerWord, n, nibbleShift(layout, k % kValuesPerWord)};
  return {k, n / kValuesPerWord, nibbleShift(layout, n % kValuesPerWord)};
}

/// Location of the zero point of (group g, column n) in a packed zero tensor
/// [groups, N/8]. Zeros are packed along N in both layouts, with the same
/// nibble order as that layout's weights use along N (plain for GPTQ,
/// interleaved for AWQ).
constexpr PackedPosition zeroPosition(PackedLayout layout, int64_t g,
                                      int64_t n) {
  return {g, n / kValuesPerWord, nibbleShift(layout, n % kValuesPerWord)};
}

/// Magic-number dequantization (formats.md): OR-ing a 4-bit value q into the
/// low mantissa bits of these 16-bit patterns gives the float bias + q
/// exactly, in f16 (1024 + q) and in bf16 (128 + q).
inline constexpr uint32_t kF16MagicBits = 0x6400;
inline constexpr int64_t kF16MagicBias = 1024;
/// The f16 variant for a q in bits 4..7, read in place: 0x5400 is the
/// exponent of 64, whose mantissa unit is 1/16, so 0x5400 | 16q is 64 + q.
inline constexpr uint32_t kF16HighNibbleMagicBits = 0x5400;
inline constexpr int64_t kF16HighNibbleMagicBias = 64;
inline constexpr uint32_t kBf16MagicBits = 0x4300;
inline constexpr int64_t kBf16MagicBias = 128;
/// The sign bit of an f16 and of a bf16.
inline constexpr uint32_t kHalfSignBit = 0x8000;

/// A 16-bit pattern repeated in both halves of a 32-bit word (a packed pair).
constexpr uint32_t pairOf(uint32_t bits16) { return bits16 | bits16 << 16; }

/// Extracts the 4-bit value at `shift` from a packed word.
constexpr uint32_t extractNibble(uint32_t word, int64_t shift) {
  return (word >> shift) & 0xFu;
}

} // namespace w4a16

#endif // W4A16_SUPPORT_PACKEDFORMAT_H
