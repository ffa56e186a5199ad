//===- Repack.cpp - GPTQ <-> fragment-native weight layout ----------------===//

#include "w4a16/Support/Repack.h"
#include "MoveNibbles.h"

#include <vector>

namespace w4a16 {

using detail::flatten;
using detail::WordAndShift;

static WordAndShift gptqWord(int64_t k, int64_t n, int64_t numCols) {
  return flatten(weightPosition(PackedLayout::Gptq, k, n), numCols);
}

static WordAndShift fragmentWord(int64_t k, int64_t n, int64_t numCols) {
  const FragmentPosition pos = fragmentWeightPosition(k, n, numCols);
  return {pos.word, pos.shift};
}

bool repackGptqToFragmentLayout(const uint32_t *gptq, int64_t k, int64_t n,
                                uint32_t *fragment) {
  if (!isFragmentLayoutShape(k, n))
    return false;
  auto fromGptq = [n](int64_t row, int64_t col) {
    return gptqWord(row, col, n);
  };
  auto toFragment = [n](int64_t row, int64_t col) {
    return fragmentWord(row, col, n);
  };
  detail::moveNibbles(gptq, fromGptq, fragment, toFragment, k, n);
  return true;
}

bool repackFragmentToGptqLayout(const uint32_t *fragment, int64_t k, int64_t n,
                                uint32_t *gptq) {
  if (!isFragmentLayoutShape(k, n))
    return false;
  auto fromFragment = [n](int64_t row, int64_t col) {
    return fragmentWord(row, col, n);
  };
  auto toGptq = [n](int64_t row, int64_t col) { return gptqWord(row, col, n); };
  detail::moveNibbles(fragment, fromFragment, gptq, toGptq, k, n);
  return true;
}

bool repackAwqToGptq(const uint32_t *awq, int64_t k, int64_t n,
                     uint32_t *gptq) {
  if (k <= 0 || n <= 0 || k % kValuesPerWord != 0 || n % kValuesPerWord != 0)
    return false;
  auto fromAwq = [n](int64_t row, int64_t col) {
    return flatten(weightPosition(PackedLayout::Awq, row, col),
                   n / kValuesPerWord);
  };
  auto toGptq = [n](int64_t row, int64_t col) { return gptqWord(row, col, n); };
  detail::moveNibbles(awq, fromAwq, gptq, toGptq, k, n);
  return true;
}

bool repackAwqZerosToGptq(const uint32_t *awq, int64_t groups, int64_t n,
                          uint32_t *gptq) {
  if (groups <= 0 || n <= 0 || n % kValuesPerWord != 0)
    return false;
  auto inOrder = [n](PackedLayout layout) {
    return [n, layout](int64_t group, int64_t col) {
      return flatten(zeroPosition(layout, group, col), n / kValuesPerWord);
    };
  };
  detail::moveNibbles(awq, inOrder(PackedLayout::Awq), gptq,
                      inOrder(PackedLayout::Gptq), groups, n);
  return true;
}

bool repackAwqToFragmentLayout(const uint32_t *awq, int64_t k, int64_t n,
                               uint32_t *fragment) {
  if (!isFragmentLayoutShape(k, n))
    return false;
  std::vector<uint32_t> gptq(k * n / kValuesPerWord);
  return repackAwqToGptq(awq, k, n, gptq.data()) &&
         repackGptqToFragmentLayout(gptq.data(), k, n, fragment);
}

} // namespace w4a16
