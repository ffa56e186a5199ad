//===- ActOrder.cpp - Load-time permutation of act-order weights ----------===//

#include "w4a16/Support/ActOrder.h"
#include "MoveNibbles.h"

#include <vector>

namespace w4a16 {

bool actOrderPermutation(const int32_t *gIdx, int64_t k, int64_t groupSize,
                         int32_t *perm) {
  if (k <= 0 || groupSize <= 0 || k % groupSize != 0)
    return false;
  const int64_t groups = k / groupSize;
  std::vector<int64_t> rows(groups, 0);
  for (int64_t row = 0; row < k; ++row) {
    if (gIdx[row] < 0 || gIdx[row] >= groups)
      return false;
    ++rows[gIdx[row]];
  }
  for (int64_t count : rows)
    if (count != groupSize)
      return false;
  // Rows of group g fill slots g * G.. in K order: a stable sort.
  for (int64_t g = 0; g < groups; ++g)
    rows[g] = g * groupSize;
  for (int64_t row = 0; row < k; ++row)
    perm[rows[gIdx[row]]++] = static_cast<int32_t>(row);
  return true;
}

bool isPermutation(const int32_t *perm, int64_t k) {
  std::vector<bool> seen(k, false);
  for (int64_t i = 0; i < k; ++i) {
    if (perm[i] < 0 || perm[i] >= k || seen[perm[i]])
      return false;
    seen[perm[i]] = true;
  }
  return true;
}

bool permuteGptqRows(const uint32_t *gptq, int64_t k, int64_t n,
                     const int32_t *perm, uint32_t *permuted) {
  if (k <= 0 || n <= 0 || k % kValuesPerWord != 0 || !isPermutation(perm, k))
    return false;
  auto fromPermutedRow = [n, perm](int64_t row, int64_t col) {
    return detail::flatten(weightPosition(PackedLayout::Gptq, perm[row], col),
                           n);
  };
  auto toRow = [n](int64_t row, int64_t col) {
    return detail::flatten(weightPosition(PackedLayout::Gptq, row, col), n);
  };
  detail::moveNibbles(gptq, fromPermutedRow, permuted, toRow, k, n);
  return true;
}

} // namespace w4a16
