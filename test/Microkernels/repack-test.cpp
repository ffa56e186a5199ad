//===- repack-test.cpp - Host checks of the fragment-layout repack --------===//
//
// Random GPTQ weights, scales and zeros: dequantizing after the repack must
// equal dequantizing the GPTQ tensor, the inverse repack must restore every
// word, and unsupported shapes must be refused. Prints one line per check;
// returns non-zero on any mismatch.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Support/PackedFormat.h"
#include "w4a16/Support/Repack.h"

#include <cstdio>
#include <random>
#include <vector>

using namespace w4a16;

namespace {
/// (q - z) * s of weight (k, n), q read from either layout.
float dequant(uint32_t q, const std::vector<uint32_t> &zeros,
              const std::vector<float> &scales, int64_t k, int64_t n,
              int64_t cols, int64_t groupSize) {
  const int64_t group = k / groupSize;
  const PackedPosition zpos = zeroPosition(PackedLayout::Gptq, group, n);
  const uint32_t z = extractNibble(
      zeros[zpos.row * (cols / kValuesPerWord) + zpos.col], zpos.shift);
  return ((float)q - (float)z) * scales[group * cols + n];
}

int checkShape(int64_t rows, int64_t cols, int64_t groupSize,
               std::mt19937 &rng) {
  std::vector<uint32_t> gptq(rows * cols / kValuesPerWord);
  std::vector<uint32_t> zeros(rows / groupSize * cols / kValuesPerWord);
  std::vector<float> scales(rows / groupSize * cols);
  for (uint32_t &w : gptq)
    w = rng();
  for (uint32_t &w : zeros)
    w = rng();
  std::uniform_real_distribution<float> dist(0.001f, 0.02f);
  for (float &s : scales)
    s = dist(rng);

  std::vector<uint32_t> fragment(gptq.size()), back(gptq.size());
  if (!repackGptqToFragmentLayout(gptq.data(), rows, cols, fragment.data()) ||
      !repackFragmentToGptqLayout(fragment.data(), rows, cols, back.data())) {
    std::printf("FAIL %lldx%lld: repack refused a valid shape\n",
                (long long)rows, (long long)cols);
    return 1;
  }
  int64_t mismatches = 0, moved = 0;
  for (int64_t k = 0; k < rows; ++k)
    for (int64_t n = 0; n < cols; ++n) {
      const PackedPosition g = weightPosition(PackedLayout::Gptq, k, n);
      const FragmentPosition f = fragmentWeightPosition(k, n, cols);
      const uint32_t qGptq = extractNibble(gptq[g.row * cols + g.col], g.shift);
      const uint32_t qFrag = extractNibble(fragment[f.word], f.shift);
      mismatches += dequant(qGptq, zeros, scales, k, n, cols, groupSize) !=
                    dequant(qFrag, zeros, scales, k, n, cols, groupSize);
      moved += f.word != g.row * cols + g.col || f.shift != g.shift;
    }
  const bool inverseOk = back == gptq;
  std::printf(
      "%s %lldx%lld G%lld: %lld dequant mismatches, %lld weights moved, "
      "inverse %s\n",
      mismatches == 0 && inverseOk && moved > 0 ? "OK" : "FAIL",
      (long long)rows, (long long)cols, (long long)groupSize,
      (long long)mismatches, (long long)moved, inverseOk ? "exact" : "differs");
  return mismatches != 0 || !inverseOk || moved == 0;
}
} // namespace

int main() {
  std::mt19937 rng(20261124);
  int failures = checkShape(64, 48, 32, rng) + checkShape(256, 128, 128, rng) +
                 checkShape(32, 16, 32, rng);
  uint32_t dummy[64] = {};
  const bool refused = !repackGptqToFragmentLayout(dummy, 48, 16, dummy) &&
                       !repackGptqToFragmentLayout(dummy, 32, 8, dummy);
  std::printf("%s unsupported shapes refused\n", refused ? "OK" : "FAIL");
  return failures + !refused;
}
