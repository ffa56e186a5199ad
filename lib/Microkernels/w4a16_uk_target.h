//===- w4a16_uk_target.h - The only per-vendor code of the microkernels ---===//
//
// The microkernels are written once, against gfx11 (RDNA3) semantics: wave32,
// v_dot2_f32_{f16,bf16} and the gfx11 16x16x16 WMMA fragment layout. This
// header maps those few operations onto the device being compiled for:
//   - AMDGPU gfx11: the native instructions (clang builtins only, no ROCm
//     headers, built with -nogpuinc -nogpulib);
//   - NVIDIA (clang CUDA mode, sm_80+): equivalents with the same observable
//     results, so that the same sources can be checked on an NVIDIA GPU.
// Any other target is a compile error: a microkernel must never silently
// compile to nothing.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_UK_TARGET_H
#define W4A16_UK_TARGET_H

#include "w4a16/Support/Gfx11WmmaLayout.h"

#include <cstdint>

#if defined(__AMDGCN__)
#if !defined(__GFX11__)
#error                                                                         \
    "w4a16 microkernels implement gfx11 (RDNA3) semantics only; gfx12 has a different WMMA layout and other chips lack it"
#endif
#if defined(__AMDGCN_WAVEFRONT_SIZE) && __AMDGCN_WAVEFRONT_SIZE != 32
#error "w4a16 microkernels require wave32"
#endif
#elif defined(__NVPTX__)
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ < 800
#error                                                                         \
    "the NVIDIA build of the w4a16 microkernels needs sm_80 or newer (mma.sync m16n8k16)"
#endif
#else
#error "w4a16 microkernels are device code: compile for gfx11 or NVIDIA sm_80+"
#endif

#define W4A16_UK_DEVICE __attribute__((device, always_inline))
#define W4A16_UK_EXPORT                                                        \
  extern "C" __attribute__((device, always_inline, visibility("default")))

namespace w4a16::uk {

using half2 = _Float16 __attribute__((ext_vector_type(2)));
using bf16x2 = __bf16 __attribute__((ext_vector_type(2)));
using half16 = _Float16 __attribute__((ext_vector_type(16)));
using bf16x16 = __bf16 __attribute__((ext_vector_type(16)));
using float8 = float __attribute__((ext_vector_type(8)));
using uint4v = uint32_t __attribute__((ext_vector_type(4)));

inline constexpr int kWaveSize = 32;

W4A16_UK_DEVICE inline uint32_t laneId() {
#if defined(__AMDGCN__)
  return __builtin_amdgcn_mbcnt_lo(~0u, 0u);
#else
  return __nvvm_read_ptx_sreg_laneid();
#endif
}

/// Grid coordinates (the wave of the thread in its block, x and y of the
/// block), for the kernels that call the microkernels in tests. The wave
/// index is wave-uniform (an SGPR on AMDGPU), as the microkernels' uniform
/// arguments must be; the generated kernels do the same.
struct GridPosition {
  uint32_t wave, blockX, blockY;
};

W4A16_UK_DEVICE inline GridPosition gridPosition() {
#if defined(__AMDGCN__)
  const uint32_t wave = __builtin_amdgcn_workitem_id_x() / kWaveSize;
  return {(uint32_t)__builtin_amdgcn_readfirstlane(wave),
          __builtin_amdgcn_workgroup_id_x(), __builtin_amdgcn_workgroup_id_y()};
#else
  return {(uint32_t)__nvvm_read_ptx_sreg_tid_x() / kWaveSize,
          (uint32_t)__nvvm_read_ptx_sreg_ctaid_x(),
          (uint32_t)__nvvm_read_ptx_sreg_ctaid_y()};
#endif
}

/// *ptr read through AMDGPU address space kAddressSpace (a plain load on
/// NVIDIA): the ABI's pointers are generic, the address space tells the
/// backend which load instruction applies.
template <unsigned kAddressSpace, typename T>
W4A16_UK_DEVICE inline T loadFrom(const T *ptr) {
#if defined(__AMDGCN__)
  return *reinterpret_cast<const __attribute__((address_space(kAddressSpace)))
                           T *>(reinterpret_cast<uintptr_t>(ptr));
#else
  return *ptr;
#endif
}

/// Loads data that every lane of the wave reads at the same address and that
/// nothing writes during the kernel. On AMDGPU the constant address space lets
/// the backend use scalar loads into SGPRs, which the VALU reads for free.
template <typename T> W4A16_UK_DEVICE inline T loadUniform(const T *ptr) {
  return loadFrom<4>(ptr);
}

/// Loads per-lane data from global memory. On AMDGPU the global address space
/// lets the backend use the scalar-base form of global loads (SGPR address +
/// 32-bit lane offset).
template <typename T> W4A16_UK_DEVICE inline T loadGlobal(const T *ptr) {
  return loadFrom<1>(ptr);
}

/// x of lane (lane ^ kMask), kMask a power of two below the wave size.
template <int kMask> W4A16_UK_DEVICE inline float laneXor(float x) {
  static_assert(kMask > 0 && kMask < kWaveSize && (kMask & (kMask - 1)) == 0);
#if defined(__AMDGCN__)
  if constexpr (kMask < 16) {
    // DPP row_xmask: a free operand modifier of the consuming add.
    constexpr int kRowXmask = 0x160;
    return __builtin_bit_cast(
        float, __builtin_amdgcn_mov_dpp(__builtin_bit_cast(int, x),
                                        kRowXmask | kMask, 0xF, 0xF, false));
  } else {
    // The same lane of the other half-wave.
    const uint32_t v = __builtin_bit_cast(uint32_t, x);
    return __builtin_bit_cast(
        float, __builtin_amdgcn_permlanex16(v, v, 0x76543210u, 0xfedcba98u,
                                            false, false));
  }
#else
  return __nvvm_shfl_sync_bfly_f32(0xffffffffu, x, kMask, 0x1f);
#endif
}

/// Scheduling hint, one call per WMMA of a loop body, in order: issue kValu
/// VALU instructions, then one WMMA. It keeps the AMDGPU scheduler from
/// dequantizing every B fragment of an iteration before the first WMMA
/// (all fragments live at once). No code, and nothing on NVIDIA.
template <int kValu> W4A16_UK_DEVICE inline void scheduleValuThenWmma() {
#if defined(__AMDGCN__)
  constexpr int kValuMask = 0x2, kWmmaMask = 0x8;
  __builtin_amdgcn_sched_group_barrier(kValuMask, kValu, 0);
  __builtin_amdgcn_sched_group_barrier(kWmmaMask, 1, 0);
#endif
}

/// Hides a bit pattern from the optimizer so that the magic-number dequant is
/// not folded back into float conversions.
W4A16_UK_DEVICE inline uint32_t opaque(uint32_t x) {
#if defined(__AMDGCN__)
  asm("" : "+v"(x));
#else
  asm("" : "+r"(x));
#endif
  return x;
}

/// A wave-uniform address the optimizer cannot see through, so that a row
/// offset too large for a load's offset field stays in the scalar base
/// (SGPRs) instead of becoming per-lane 64-bit address arithmetic. On
/// AMDGPU, readfirstlane of a value already in SGPRs costs no instruction.
template <typename T>
W4A16_UK_DEVICE inline const T *opaqueUniform(const T *ptr) {
#if defined(__AMDGCN__)
  return reinterpret_cast<const T *>(
      __builtin_amdgcn_readfirstlane(reinterpret_cast<uintptr_t>(ptr)));
#else
  asm("" : "+l"(ptr));
  return ptr;
#endif
}

/// c + a.x * b.x + a.y * b.y with fp32 accumulation: v_dot2_f32_f16 or
/// v_dot2_f32_bf16 (Pair is half2 or bf16x2).
template <typename Pair>
W4A16_UK_DEVICE inline float dot2(Pair a, Pair b, float c) {
#if defined(__AMDGCN__)
  if constexpr (__is_same(Pair, half2))
    return __builtin_amdgcn_fdot2(a, b, c, false);
  else
    return __builtin_amdgcn_fdot2_f32_bf16(a, b, c, false);
#else
  return __builtin_fmaf((float)a.y, (float)b.y,
                        __builtin_fmaf((float)a.x, (float)b.x, c));
#endif
}

#if defined(__NVPTX__)
/// Emulation of one gfx11 WMMA 16x16x16 step with two mma.sync m16n8k16.
/// Inputs and result use the gfx11 fragment layout (lane l: A row l % 16 and
/// B column l % 16 with all 16 K; result value v of lane l is
/// D[2v + l / 16][l % 16]); the shuffles move data between that layout and
/// the PTX one. Speed does not matter here: this path proves correctness.
namespace nv {
W4A16_UK_DEVICE inline uint32_t shfl(uint32_t x, uint32_t srcLane) {
  return __nvvm_shfl_sync_idx_i32(0xffffffffu, x, srcLane, 0x1f);
}

/// Returns word `want` of `words` (8 32-bit words) held by lane `srcLane`.
template <typename Words>
W4A16_UK_DEVICE inline uint32_t wordOfLane(const Words &words, uint32_t srcLane,
                                           uint32_t want) {
  uint32_t picked = 0;
#pragma unroll
  for (uint32_t j = 0; j < 8; ++j) {
    uint32_t w = shfl(words[j], srcLane);
    picked = j == want ? w : picked;
  }
  return picked;
}

struct Words8 {
  uint32_t w[8];
  W4A16_UK_DEVICE uint32_t operator[](uint32_t i) const { return w[i]; }
};

template <typename Frag> W4A16_UK_DEVICE inline Words8 toWords(Frag f) {
  Words8 words;
  __builtin_memcpy(&words, &f, sizeof(words));
  return words;
}

template <bool IsBf16>
W4A16_UK_DEVICE inline void mma16x8x16(const uint32_t a[4], const uint32_t b[2],
                                       float d[4]) {
  if constexpr (IsBf16)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%10,%10,%10};"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]), "f"(0.0f));
  else
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%10,%10,%10};"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]), "f"(0.0f));
}

template <bool IsBf16, typename Frag>
W4A16_UK_DEVICE inline float8 mmaStep(Frag aFrag, Frag bFrag, float8 c) {
  const Words8 a = toWords(aFrag), b = toWords(bFrag);
  const uint32_t lane = laneId(), group = lane / 4, pairInGroup = lane % 4;
  // PTX A: rows group / group + 8, K pairs pairInGroup and pairInGroup + 4.
  const uint32_t aRegs[4] = {wordOfLane(a, group, pairInGroup),
                             wordOfLane(a, group + 8, pairInGroup),
                             wordOfLane(a, group, pairInGroup + 4),
                             wordOfLane(a, group + 8, pairInGroup + 4)};
  float d[2][4];
#pragma unroll
  for (uint32_t half = 0; half < 2; ++half) {
    // PTX B of columns 8 * half + group: K pairs pairInGroup, pairInGroup + 4.
    const uint32_t bRegs[2] = {
        wordOfLane(b, 8 * half + group, pairInGroup),
        wordOfLane(b, 8 * half + group, pairInGroup + 4)};
    mma16x8x16<IsBf16>(aRegs, bRegs, d[half]);
  }
  // PTX D of columns 8h..8h+7: d[h][2i + j] = D[group + 8i][8h + 2 *
  // pairInGroup + j]. Every lane fetches the four candidates from its source
  // lane and keeps the one for its column, so that no register array is indexed
  // at run time.
  const uint32_t col = gfx11::accF32Column(lane);
#pragma unroll
  for (uint32_t v = 0; v < 8; ++v) {
    const uint32_t row = gfx11::accF32Row(lane, v);
    const uint32_t src = (row % 8) * 4 + (col % 8) / 2;
    const uint32_t reg = (v / 4) * 2;
    uint32_t candidates[2][2];
#pragma unroll
    for (uint32_t h = 0; h < 2; ++h)
#pragma unroll
      for (uint32_t j = 0; j < 2; ++j)
        candidates[h][j] =
            shfl(__builtin_bit_cast(uint32_t, d[h][reg + j]), src);
    const uint32_t picked =
        col < 8 ? (col % 2 ? candidates[0][1] : candidates[0][0])
                : (col % 2 ? candidates[1][1] : candidates[1][0]);
    c[v] += __builtin_bit_cast(float, picked);
  }
  return c;
}
} // namespace nv
#endif

/// One gfx11 WMMA step, D = A * B + C, in the gfx11 fragment layout.
W4A16_UK_DEVICE inline float8 mma16x16x16(half16 a, half16 b, float8 c) {
#if defined(__AMDGCN__)
  return __builtin_amdgcn_wmma_f32_16x16x16_f16_w32(a, b, c);
#else
  return nv::mmaStep<false>(a, b, c);
#endif
}

W4A16_UK_DEVICE inline float8 mma16x16x16(bf16x16 a, bf16x16 b, float8 c) {
#if defined(__AMDGCN__)
  using short16 = short __attribute__((ext_vector_type(16)));
  return __builtin_amdgcn_wmma_f32_16x16x16_bf16_w32(
      __builtin_bit_cast(short16, a), __builtin_bit_cast(short16, b), c);
#else
  return nv::mmaStep<true>(a, b, c);
#endif
}

} // namespace w4a16::uk

#endif // W4A16_UK_TARGET_H
