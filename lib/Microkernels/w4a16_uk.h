/*===- w4a16_uk.h - C ABI of the w4a16 gfx11 microkernels -----------------===*
 *
 * Declarations of every microkernel entry point, for callers written in HIP
 * or CUDA (test wrappers) and as the reference for callers that declare them
 * in MLIR (`llvm.func` / `func.func private` with `llvm.bareptr`).
 * README.md beside this file states what each lane computes and the
 * preconditions. All are device functions, called by every lane of a wave32
 * (convergently), with wave-uniform arguments except where a comment says
 * "per lane".
 *
 *===----------------------------------------------------------------------===*/

#ifndef W4A16_UK_H
#define W4A16_UK_H

#include <stdint.h>

/* Zero-point kinds (the zero_kind argument). */
enum w4a16_uk_zero_kind {
  W4A16_UK_ZERO_NONE = 0,            /* z = 0: weights are plain uint4 */
  W4A16_UK_ZERO_SYMMETRIC = 1,       /* z = 8 (GPTQ sym, uint4b8) */
  W4A16_UK_ZERO_PACKED = 2,          /* z from qzeros [K/G, N/8] (GPTQ v2) */
  W4A16_UK_ZERO_PACKED_PLUS_ONE = 3, /* z = qzeros + 1 (GPTQ v1 checkpoints) */
};

/* Arguments shared by all entry points. `column` is per lane for gemv (the
 * first of the lane's 4 columns) and wave-uniform for wmma (the first column
 * of the 16 * TILES column tile).
 *   gemv: rows 0..M-1 of A times columns column..column+3 of a GPTQ qweight
 *         [K/8, N] over K in [k_begin, k_end); acc (per lane): float[M][4].
 *   wmma: rows 0..15 of A times the 16 * TILES columns from `column` of a GPTQ
 *         ("gptq") or fragment-layout ("frag", w4a16/Support/Repack.h)
 *         qweight; acc (per lane): float[TILES][8], gfx11 WMMA C layout.
 * Both accumulate into acc (+=). */
#define W4A16_UK_PARAMS(T)                                                     \
  const T *a, int64_t lda, int64_t rows_valid, const uint32_t *qweight,        \
      int64_t ldq, const T *scales, int64_t ld_scales, const uint32_t *qzeros, \
      int64_t ld_zeros, int32_t zero_kind, int64_t column, int64_t k_begin,    \
      int64_t k_end, int64_t group_size, float *acc

/* X(name, element type, M rows) for every gemv entry point. */
#define W4A16_UK_FOR_EACH_GEMV(X)                                              \
  X(w4a16_uk_gemv_f16_m1, _Float16, 1)                                         \
  X(w4a16_uk_gemv_f16_m2, _Float16, 2)                                         \
  X(w4a16_uk_gemv_f16_m4, _Float16, 4)                                         \
  X(w4a16_uk_gemv_f16_m8, _Float16, 8)                                         \
  X(w4a16_uk_gemv_bf16_m1, __bf16, 1)                                          \
  X(w4a16_uk_gemv_bf16_m2, __bf16, 2)                                          \
  X(w4a16_uk_gemv_bf16_m4, __bf16, 4)                                          \
  X(w4a16_uk_gemv_bf16_m8, __bf16, 8)

/* X(name, element type, weight layout, tiles of 16 columns). */
#define W4A16_UK_FOR_EACH_WMMA(X)                                              \
  X(w4a16_uk_wmma_f16_gptq_n16, _Float16, Gptq, 1)                             \
  X(w4a16_uk_wmma_f16_gptq_n64, _Float16, Gptq, 4)                             \
  X(w4a16_uk_wmma_f16_frag_n16, _Float16, Fragment, 1)                         \
  X(w4a16_uk_wmma_f16_frag_n64, _Float16, Fragment, 4)                         \
  X(w4a16_uk_wmma_bf16_gptq_n16, __bf16, Gptq, 1)                              \
  X(w4a16_uk_wmma_bf16_gptq_n64, __bf16, Gptq, 4)                              \
  X(w4a16_uk_wmma_bf16_frag_n16, __bf16, Fragment, 1)                          \
  X(w4a16_uk_wmma_bf16_frag_n64, __bf16, Fragment, 4)

/* Packed words (8 K each) per lane in one iteration of the gemv main loop of
 * `rows` rows (w4a16_uk_gemv_gfx11.hip says why); host code reads it to
 * normalize loop statistics per weight. */
#define W4A16_UK_GEMV_WORDS_PER_ITERATION(rows) ((rows) <= 2 ? 4 : 8 / (rows))

/* The declarations are device code; host code includes this header for the
 * entry point lists and the zero kinds only. */
#if defined(__HIP__) || defined(__CUDA__)
#ifdef __cplusplus
extern "C" {
#endif
#define W4A16_UK_DECLARE_GEMV(name, T, rows)                                   \
  __attribute__((device)) void name(W4A16_UK_PARAMS(T));
#define W4A16_UK_DECLARE_WMMA(name, T, layout, tiles)                          \
  __attribute__((device)) void name(W4A16_UK_PARAMS(T));
W4A16_UK_FOR_EACH_GEMV(W4A16_UK_DECLARE_GEMV)
W4A16_UK_FOR_EACH_WMMA(W4A16_UK_DECLARE_WMMA)
#undef W4A16_UK_DECLARE_GEMV
#undef W4A16_UK_DECLARE_WMMA
#ifdef __cplusplus
}
#endif
#endif /* __HIP__ || __CUDA__ */

#endif /* W4A16_UK_H */
