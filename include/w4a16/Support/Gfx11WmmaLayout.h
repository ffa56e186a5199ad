//===- Gfx11WmmaLayout.h - gfx11 WMMA lane layout, on integers --*- C++ -*-===//
//
// The one definition of which lane of a wave32 holds which element of the
// operands of RDNA3 `v_wmma_*_16x16x16_*` (shared/notes/rdna3.md), as plain
// constexpr C++ so that the microkernels' device code includes it too:
//   A (M x K): lane l holds row l % 16, all 16 K values.
//   B (K x N): lane l holds column l % 16, all 16 K values.
//   Lanes 16-31 hold the same A and B data as lanes 0-15.
//   C/D f32 (8 values): value v of lane l is D[2v + l / 16][l % 16].
// The affine maps of Target/WmmaLayout.h, which IR emitters use, are unit
// tested against these functions.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_SUPPORT_GFX11WMMALAYOUT_H
#define W4A16_SUPPORT_GFX11WMMALAYOUT_H

#include <cstdint>

namespace w4a16::gfx11 {

/// M, N and K of one WMMA step.
inline constexpr int64_t kWmmaTile = 16;

/// The A row / B column whose 16 K values lane `lane` holds.
constexpr int64_t operandIndexOfLane(int64_t lane) { return lane % kWmmaTile; }

/// Row of the f32 accumulator value `value` (0..7) held by lane `lane`.
constexpr int64_t accF32Row(int64_t lane, int64_t value) {
  return 2 * value + lane / kWmmaTile;
}

/// Column of every f32 accumulator value held by lane `lane`.
constexpr int64_t accF32Column(int64_t lane) { return lane % kWmmaTile; }

} // namespace w4a16::gfx11

#endif // W4A16_SUPPORT_GFX11WMMALAYOUT_H
