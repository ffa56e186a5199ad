//===- ActOrder.h - Load-time permutation of act-order weights --*- C++ -*-===//
//
// Host code: act-order (GPTQ desc_act) checkpoints scatter the K rows of each
// group over K (g_idx). Sorting K by group (a stable argsort of g_idx) makes
// the groups contiguous again; the weights' K rows are permuted once at load
// time and the activations gathered with the same permutation per call, so
// x @ W is unchanged and the kernels see plain grouped weights.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_SUPPORT_ACTORDER_H
#define W4A16_SUPPORT_ACTORDER_H

#include <cstdint>

namespace w4a16 {

/// Writes perm[K], the stable argsort of g_idx: perm[k'] is the k'-th row in
/// (group, row) order, so row k' of the permuted weights is in group
/// k' / groupSize. Returns false, writing nothing, unless every one of the
/// K / groupSize groups has exactly groupSize rows.
bool actOrderPermutation(const int32_t *gIdx, int64_t k, int64_t groupSize,
                         int32_t *perm);

/// Whether perm[K] holds each of 0..K-1 exactly once.
bool isPermutation(const int32_t *perm, int64_t k);

/// Permutes the K rows of GPTQ-packed weights (int32 [K/8, N]): weight row k
/// of `permuted` is weight row perm[k] of `gptq`. Returns false, writing
/// nothing, when K is not a multiple of 8 or perm is not a permutation.
bool permuteGptqRows(const uint32_t *gptq, int64_t k, int64_t n,
                     const int32_t *perm, uint32_t *permuted);

} // namespace w4a16

#endif // W4A16_SUPPORT_ACTORDER_H
