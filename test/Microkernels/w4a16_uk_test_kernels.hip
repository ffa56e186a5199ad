//===- w4a16_uk_test_kernels.hip - Kernels that call each microkernel -----===//
//
// One kernel per tested microkernel, computing C[M, N] = A[M, K] * W[K, N]
// over the whole K (no split-K) and rounding to the activation type. The
// same source is compiled for gfx11 (ISA tests, static report) and for
// NVIDIA (the CUDA correctness harness in cuda/).
//
// Launch: gemv kernels 256 threads (8 waves x 128 columns), grid
// (N / 1024, ceil(M / rows)); wmma kernels 128 threads (4 waves x 64
// columns), grid (N / 256, M / 16).
//
//===----------------------------------------------------------------------===//

#include "w4a16_uk.h"
#include "w4a16_uk_target.h"

namespace {
using namespace w4a16::uk;

constexpr int kGemvThreads = 256;
constexpr int kWmmaThreads = 128;

/// The problem, as the kernels below receive it (plain scalars, so that any
/// launcher can pass them).
struct TestArgs {
  int64_t m, n, k, groupSize;
  int32_t zeroKind;
};

template <typename T, int kRows, typename Microkernel>
__attribute__((device)) void
runGemv(Microkernel microkernel, const T *a, const uint32_t *qweight,
        const T *scales, const uint32_t *qzeros, T *c, TestArgs args) {
  const GridPosition pos = gridPosition();
  const int64_t wave = pos.blockX * (kGemvThreads / kWaveSize) + pos.wave;
  const int64_t column = wave * 128 + 4 * laneId();
  const int64_t row0 = pos.blockY * kRows;
  float acc[kRows * 4] = {};
  microkernel(a + row0 * args.k, args.k, args.m - row0, qweight, args.n, scales,
              args.n, qzeros, args.n / 8, args.zeroKind, column, 0, args.k,
              args.groupSize, acc);
  for (int r = 0; r < kRows; ++r)
    if (row0 + r < args.m)
      for (int j = 0; j < 4; ++j)
        c[(row0 + r) * args.n + column + j] = (T)acc[r * 4 + j];
}

template <typename T, int kTiles, typename Microkernel>
__attribute__((device)) void
runWmma(Microkernel microkernel, const T *a, const uint32_t *qweight,
        const T *scales, const uint32_t *qzeros, T *c, TestArgs args) {
  const GridPosition pos = gridPosition();
  const int64_t wave = pos.blockX * (kWmmaThreads / kWaveSize) + pos.wave;
  const int64_t column0 = wave * 16 * kTiles;
  const int64_t row0 = pos.blockY * 16;
  const uint32_t lane = laneId();
  float acc[kTiles * 8] = {};
  microkernel(a + row0 * args.k, args.k, args.m - row0, qweight, args.n, scales,
              args.n, qzeros, args.n / 8, args.zeroKind, column0, 0, args.k,
              args.groupSize, acc);
  for (int t = 0; t < kTiles; ++t)
    for (int v = 0; v < 8; ++v) {
      const int64_t row = row0 + 2 * v + lane / 16;
      if (row < args.m)
        c[row * args.n + column0 + 16 * t + lane % 16] = (T)acc[t * 8 + v];
    }
}
} // namespace

#define W4A16_TEST_KERNEL(name, T, threads, run, shape)                        \
  extern "C" __attribute__((global, launch_bounds(threads))) void test_##name( \
      const T *a, const uint32_t *qweight, const T *scales,                    \
      const uint32_t *qzeros, T *c, int64_t m, int64_t n, int64_t k,           \
      int64_t groupSize, int32_t zeroKind) {                                   \
    run<T, shape>(name, a, qweight, scales, qzeros, c,                         \
                  {m, n, k, groupSize, zeroKind});                             \
  }
#define W4A16_TEST_GEMV(name, T, rows)                                         \
  W4A16_TEST_KERNEL(name, T, kGemvThreads, runGemv, rows)
#define W4A16_TEST_WMMA(name, T, layout, tiles)                                \
  W4A16_TEST_KERNEL(name, T, kWmmaThreads, runWmma, tiles)
W4A16_UK_FOR_EACH_GEMV(W4A16_TEST_GEMV)
W4A16_UK_FOR_EACH_WMMA(W4A16_TEST_WMMA)
