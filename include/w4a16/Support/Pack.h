//===- Pack.h - Packing 4-bit values into GPTQ / AWQ words ------*- C++ -*-===//
//
// Host code: packs one-value-per-element 4-bit weights into the int32 words
// of a packed layout, placing each value where PackedFormat.h says.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_SUPPORT_PACK_H
#define W4A16_SUPPORT_PACK_H

#include "w4a16/Support/PackedFormat.h"

#include <cstdint>

namespace w4a16 {

/// Packs K x N values (row-major, each below 16) into the int32 words of
/// `layout`, row-major: GPTQ [K/8, N], AWQ [K, N/8]. Returns false, writing
/// nothing, when a value is 16 or more or the packed dimension is not a
/// multiple of 8.
bool packWeights(PackedLayout layout, const uint8_t *values, int64_t k,
                 int64_t n, uint32_t *packed);

} // namespace w4a16

#endif // W4A16_SUPPORT_PACK_H
