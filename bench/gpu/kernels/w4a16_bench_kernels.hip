//===- w4a16_bench_kernels.hip - Full matmul kernels around the microkernels =//
//
// Whole W4A16 matmuls C[M, N] = A[M, K] * W[K, N] built from the microkernel
// entry points of lib/Microkernels (declared in w4a16_uk.h, linked as bitcode
// and inlined), for timing them on an NVIDIA GPU (clang CUDA mode). The
// kernels own what the MLIR pipeline owns on gfx11: the grid over column
// tiles, M tiles, split-K inside the block (warps) and across blocks (f32
// partials reduced by a second kernel), and the epilogue.
//
// gemv kernels (M <= 8 per microkernel call): 256 threads = 8 warps, each warp
// 128 columns (4 per lane) over its own K piece; the 8 pieces are summed in
// shared memory. Grid (N / 128, splits, row blocks); a block loops over
// `tilesPerBlock` row tiles of ROWS rows so the weights it re-reads for the
// later tiles come from L1/L2.
//
// wmma kernels (16-row tiles): 128 threads = 4 warps, each warp 16 rows x 64
// columns (`_n64`) over a K piece; `warpsK` of the 4 warps split K (summed in
// shared memory), the others take further row tiles. Grid (row blocks,
// N / 64, splits).
//
// With splits > 1 each block writes f32 partials [splits, M, N] and
// w4a16_bench_reduce_{f16,bf16} sums them and rounds once.
//
//===----------------------------------------------------------------------===//

#include "w4a16_uk.h"
#include "w4a16_uk_target.h"

namespace {
using namespace w4a16::uk;

constexpr int kGemvWarps = 8;
constexpr int kGemvColumns = 4 * kWaveSize;
constexpr int kWmmaWarps = 4;
constexpr int kWmmaTiles = 4;
constexpr int kWmmaColumns = 16 * kWmmaTiles;
constexpr int kWmmaValues = 8 * kWmmaTiles;

__attribute__((device)) inline void barrier() { __nvvm_bar_sync(0); }

using float4v = float __attribute__((ext_vector_type(4)));

/// The problem and its partition, as every kernel below receives it.
struct Problem {
  int64_t m, n, k, groupSize;
  int32_t zeroKind;
  int64_t kPiece; // K per warp-level piece, a multiple of 8 (gemv) / 32
  int32_t splits; // blocks along K; > 1 writes f32 partials
  int32_t tilesPerBlock;
  int32_t warpsK; // wmma: warps of a block that split K (1, 2 or 4)
};

template <typename T>
__attribute__((device)) inline void store(T *out, float *partial,
                                          const Problem &p, int64_t split,
                                          int64_t row, int64_t col, float v) {
  if (p.splits == 1)
    out[row * p.n + col] = (T)v;
  else
    partial[(split * p.m + row) * p.n + col] = v;
}

template <typename T, int kRows, typename Microkernel>
__attribute__((device)) void gemvMatmul(Microkernel microkernel, const T *a,
                                        const uint32_t *qweight,
                                        const T *scales, const uint32_t *qzeros,
                                        T *out, float *partial, Problem p) {
  // [warp][row][column of the block]: lanes store 4 consecutive floats and
  // the reduction reads consecutive columns, both without bank conflicts.
  __attribute__((shared)) float sums[kGemvWarps][kRows][kGemvColumns];
  const GridPosition pos = gridPosition();
  const uint32_t lane = laneId(), warp = pos.wave;
  const int64_t split = __nvvm_read_ptx_sreg_ctaid_y();
  const int64_t rowBlock = __nvvm_read_ptx_sreg_ctaid_z();
  const int64_t column0 = pos.blockX * kGemvColumns;
  const int64_t kBegin = (split * kGemvWarps + warp) * p.kPiece;
  const int64_t kEnd = __builtin_elementwise_min(kBegin + p.kPiece, p.k);

  for (int32_t tile = 0; tile < p.tilesPerBlock; ++tile) {
    const int64_t row0 = (rowBlock * p.tilesPerBlock + tile) * kRows;
    if (row0 >= p.m)
      break;
    float acc[kRows * 4] = {};
    if (kBegin < kEnd)
      microkernel(a + row0 * p.k, p.k, p.m - row0, qweight, p.n, scales, p.n,
                  qzeros, p.n / 8, p.zeroKind, column0 + 4 * lane, kBegin, kEnd,
                  p.groupSize, acc);
#pragma unroll
    for (int r = 0; r < kRows; ++r)
      *reinterpret_cast<float4v *>(&sums[warp][r][4 * lane]) =
          float4v{acc[r * 4], acc[r * 4 + 1], acc[r * 4 + 2], acc[r * 4 + 3]};
    barrier();
    for (int idx = __nvvm_read_ptx_sreg_tid_x(); idx < kRows * kGemvColumns;
         idx += kGemvWarps * kWaveSize) {
      const int r = idx / kGemvColumns, c = idx % kGemvColumns;
      float v = 0;
#pragma unroll
      for (int w = 0; w < kGemvWarps; ++w)
        v += sums[w][r][c];
      if (row0 + r < p.m)
        store(out, partial, p, split, row0 + r, column0 + c, v);
    }
    barrier();
  }
}

template <typename T, typename Microkernel>
__attribute__((device)) void wmmaMatmul(Microkernel microkernel, const T *a,
                                        const uint32_t *qweight,
                                        const T *scales, const uint32_t *qzeros,
                                        T *out, float *partial, Problem p) {
  // [warp][value][lane], summed over the warps of one row tile.
  __attribute__((shared)) float sums[kWmmaWarps][kWmmaValues][kWaveSize];
  const GridPosition pos = gridPosition();
  const uint32_t lane = laneId(), warp = pos.wave;
  const int64_t column0 = __nvvm_read_ptx_sreg_ctaid_y() * kWmmaColumns;
  const int64_t split = __nvvm_read_ptx_sreg_ctaid_z();
  const int32_t rowTilesPerBlock = kWmmaWarps / p.warpsK;
  const int32_t kSlot = warp % p.warpsK;
  const int64_t rowTile = pos.blockX * rowTilesPerBlock + warp / p.warpsK;
  const int64_t row0 = rowTile * 16;
  const int64_t kBegin = (split * p.warpsK + kSlot) * p.kPiece;
  const int64_t kEnd = __builtin_elementwise_min(kBegin + p.kPiece, p.k);

  float acc[kWmmaValues] = {};
  // row0 is warp-uniform, so the microkernel stays convergent per warp.
  if (row0 < p.m && kBegin < kEnd)
    microkernel(a + row0 * p.k, p.k, p.m - row0, qweight, p.n, scales, p.n,
                qzeros, p.n / 8, p.zeroKind, column0, kBegin, kEnd, p.groupSize,
                acc);
  if (p.warpsK > 1) {
#pragma unroll
    for (int v = 0; v < kWmmaValues; ++v)
      sums[warp][v][lane] = acc[v];
    barrier();
    if (kSlot != 0)
      return;
#pragma unroll
    for (int v = 0; v < kWmmaValues; ++v)
      for (int w = 1; w < p.warpsK; ++w)
        acc[v] += sums[warp + w][v][lane];
  }
#pragma unroll
  for (int t = 0; t < kWmmaTiles; ++t)
#pragma unroll
    for (int v = 0; v < 8; ++v) {
      const int64_t row = row0 + 2 * v + lane / 16;
      if (row < p.m)
        store(out, partial, p, split, row, column0 + 16 * t + lane % 16,
              acc[t * 8 + v]);
    }
}

/// out[i] = sum over splits of partial[split][i], rounded once to T.
template <typename T>
__attribute__((device)) void reducePartials(const float *partial, T *out,
                                            int64_t elements, int32_t splits) {
  const GridPosition pos = gridPosition();
  const int64_t i = (int64_t)pos.blockX * 256 + __nvvm_read_ptx_sreg_tid_x();
  if (i >= elements)
    return;
  float v = 0;
  for (int32_t s = 0; s < splits; ++s)
    v += partial[s * elements + i];
  out[i] = (T)v;
}
} // namespace

// Plain scalar parameters (no struct), so that any launcher can pass them.
#define W4A16_BENCH_KERNEL(name, T, threads, body, ...)                        \
  extern "C" __attribute__((global, launch_bounds(threads))) void              \
  w4a16_bench_##name(const T *a, const uint32_t *qweight, const T *scales,     \
                     const uint32_t *qzeros, T *out, float *partial,           \
                     int64_t m, int64_t n, int64_t k, int64_t groupSize,       \
                     int32_t zeroKind, int64_t kPiece, int32_t splits,         \
                     int32_t tilesPerBlock, int32_t warpsK) {                  \
    body<T, ##__VA_ARGS__>(name, a, qweight, scales, qzeros, out, partial,     \
                           {m, n, k, groupSize, zeroKind, kPiece, splits,      \
                            tilesPerBlock, warpsK});                           \
  }
#define W4A16_BENCH_GEMV(name, T, rows)                                        \
  W4A16_BENCH_KERNEL(name, T, kGemvWarps *kWaveSize, gemvMatmul, rows)
#define W4A16_BENCH_WMMA(name, T, layout, tiles)                               \
  W4A16_BENCH_KERNEL(name, T, kWmmaWarps *kWaveSize, wmmaMatmul)
W4A16_UK_FOR_EACH_GEMV(W4A16_BENCH_GEMV)
W4A16_BENCH_WMMA(w4a16_uk_wmma_f16_gptq_n64, _Float16, Gptq, 4)
W4A16_BENCH_WMMA(w4a16_uk_wmma_bf16_gptq_n64, __bf16, Gptq, 4)

#define W4A16_BENCH_REDUCE(name, T)                                            \
  extern "C" __attribute__((global, launch_bounds(256))) void                  \
  w4a16_bench_reduce_##name(const float *partial, T *out, int64_t elements,    \
                            int32_t splits) {                                  \
    reducePartials<T>(partial, out, elements, splits);                         \
  }
W4A16_BENCH_REDUCE(f16, _Float16)
W4A16_BENCH_REDUCE(bf16, __bf16)
