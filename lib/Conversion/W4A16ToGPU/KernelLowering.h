//===- KernelLowering.h - Shared skeleton of the w4a16 GPU kernels -*- C++
//-*-===//
//
// Every strategy lowers one tiled w4a16.matmul to the same skeleton: a main
// kernel that writes deterministic f32 split-K partials into a workspace
// [split_k, M, N], a reduce kernel that adds them to the init in a fixed
// order and rounds once, and the host launches. Without a split (split_k =
// 1) the main kernel adds the init and rounds itself: no workspace, no
// reduce kernel. A strategy supplies the main kernel's body and grid; this
// class owns the argument list, the workspace, the reduce kernel and the
// launch descriptions read by the compile driver.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_LIB_CONVERSION_W4A16TOGPU_KERNELLOWERING_H
#define W4A16_LIB_CONVERSION_W4A16TOGPU_KERNELLOWERING_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"
#include "w4a16/Support/PackedFormat.h"
#include "w4a16/Target/TargetInfo.h"
#include <memory>

namespace mlir::w4a16::gpukernels {

Value cIndex(ImplicitLocOpBuilder &b, int64_t v);
Value splatI32(ImplicitLocOpBuilder &b, VectorType type, uint32_t v);
/// A workgroup (LDS) memref.
MemRefType workgroupMemrefOf(ArrayRef<int64_t> shape, Type element);

/// Where the packed zero points of `count` consecutive columns lie: their
/// word along N and their bit offsets in it (vector<count x i32>). Both
/// depend on the column only, so a kernel locates them once, outside its K
/// loops. Empty without packed zeros.
struct ZeroPointLocation {
  Value word, shifts;
  int64_t count;
};

/// The main kernel's arguments, in ABI order (docs/ABI.md):
/// x [M, K], qweight, scales, zeros (if any), then workspace [split_k, M, N]
/// with a split, else init and out [M, N]; M.
struct MainKernelArgs {
  Value x, qweight, scales, zeros, workspace, init, out, m;
};

class SplitKLowering {
public:
  SplitKLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                 StringRef name, const TargetInfo &target);
  virtual ~SplitKLowering();

  /// Checks what the strategy supports (with a diagnostic on `op`), then
  /// builds both kernels and replaces `op` by the launches.
  LogicalResult lower();

protected:
  /// Diagnoses operand kinds and tile shapes the strategy cannot lower.
  virtual LogicalResult checkSupported();
  /// Whether the strategy applies float (unquantized) zero points.
  virtual bool supportsFloatZeros() const { return false; }
  /// The kernel as diagnostics name it: "the <strategy> kernel".
  virtual std::string getKernelName() const;
  /// The packed weight layout the main kernel reads.
  virtual WeightLayout getWeightLayout() const { return WeightLayout::Gptq; }
  /// Fills the body of `func` (created by `lower` with the common arguments
  /// and `getWorkgroupBuffers()`); `b` is at the start of the body.
  virtual void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                                   const MainKernelArgs &args) = 0;
  /// Workgroup (LDS) buffers of the main kernel.
  virtual SmallVector<Type> getWorkgroupBuffers(Builder &b) = 0;
  /// The main kernel's grid for `m` rows: x the column tiles, y the split-K
  /// slices, z the row tiles (getTileRowBegin), which cover every row for
  /// any M, also M above the tiling's m_max (the last range of a run-time
  /// dispatch serves every larger M).
  gpu::KernelDim3 getMainGrid(ImplicitLocOpBuilder &b, Value m);
  /// Suffix of the main kernel's symbol (e.g. "decode").
  virtual StringRef getKernelSuffix() const = 0;
  /// Weights per lane that one iteration of the main kernel's innermost K
  /// loop consumes (recorded on the launch for the static report); default:
  /// one tile_k step of the workgroup.
  virtual int64_t getLoopWeightsPerLane();
  /// Output rows those weights meet per iteration (recorded for the static
  /// model); default: the workgroup's tile_m.
  virtual int64_t getLoopRows() { return tiling.getTileM(); }

  /// Stores `value` (f32, or vector<C x f32> of columns column ..
  /// column + C - 1) of output row `row`: into the workspace at `split`, or
  /// without a split as init + value, rounded once, into out (the same
  /// thread reads init and writes out: they may alias).
  void storeResult(ImplicitLocOpBuilder &b, Value value, Value split, Value row,
                   Value column, const MainKernelArgs &args);

  /// The `lds` buffer of storeWorkgroupSum.
  MemRefType getWorkgroupSumType(Builder &b) const;
  /// Sums the waves' partial results through `lds` ([waves, tile_m,
  /// tile_n] f32) and writes the rows < M and columns < N of the sum into
  /// the workspace at `split`. `rowPartials[r]` is the calling lane's
  /// vector<C x f32> of row r at tile columns laneColumn .. laneColumn + C;
  /// the workgroup's columns start at tileColumn. Row r of the tile is row
  /// tileRowBegin + r of the output.
  void storeWorkgroupSum(ImplicitLocOpBuilder &b, Value lds,
                         ValueRange rowPartials, Value wave, Value laneColumn,
                         Value tileColumn, Value tileRowBegin, Value split,
                         const MainKernelArgs &args);
  /// The second half of storeWorkgroupSum, for kernels that lay their
  /// partials out in `lds` themselves: after a barrier, sums the waves'
  /// partials and stores the rows < M and columns < N.
  void sumWorkgroupPartials(ImplicitLocOpBuilder &b, Value lds,
                            Value tileColumn, Value tileRowBegin, Value split,
                            const MainKernelArgs &args);

  /// Writes the 16 x 16 output tile at (row0, column0) of a gfx11 f32
  /// accumulator (values firstValue .. firstValue + 7 of the lane's `acc`)
  /// into the workspace at `split`, rows < M and columns < N only.
  void storeAccumulatorTile(ImplicitLocOpBuilder &b, Value acc,
                            int64_t firstValue, Value lane, Value row0,
                            Value column0, Value split,
                            const MainKernelArgs &args);

  /// Inside the main kernel: the first row of this workgroup's row tile
  /// (block id z times tile_m).
  Value getTileRowBegin(ImplicitLocOpBuilder &b);
  /// The wave index of the thread, said to be wave-uniform (a
  /// gpu.subgroup_broadcast of the first lane): the rows, activations and
  /// loop control it drives stay in scalar registers.
  Value getUniformWave(ImplicitLocOpBuilder &b);

  /// Locates the packed zero points of columns column .. column + count - 1
  /// (`column` a multiple of `count`, which divides 8); columns past N read
  /// the last word.
  ZeroPointLocation locateZeroPoints(ImplicitLocOpBuilder &b, Value column,
                                     int64_t count);
  /// The integer zero points (vector<count x i32>) of `group` at `location`:
  /// the packed ones (plus one for gptq_v1), else the scheme's implicit zero.
  /// Float zero points are the strategy's to read.
  Value loadZeroPoints(ImplicitLocOpBuilder &b, Value zeros, Value group,
                       const ZeroPointLocation &location);
  /// The packed word of `group` at `location`, or null without packed zeros.
  Value loadZeroWord(ImplicitLocOpBuilder &b, Value zeros, Value group,
                     const ZeroPointLocation &location);
  /// The same from the packed word at `location` (null without packed
  /// zeros), read by the caller.
  Value unpackZeroPoints(ImplicitLocOpBuilder &b, Value word,
                         const ZeroPointLocation &location);

  /// Whether N is a whole number of tiles, so no load needs a column mask.
  bool hasWholeTiles() const { return n % tiling.getTileN() == 0; }
  /// Loads `type` from memref[row, column...]; columns past N are masked off
  /// (read as zero) unless every tile is whole.
  Value loadColumns(ImplicitLocOpBuilder &b, VectorType type, Value memref,
                    Value row, Value column);

  MatmulOp op;
  TilingAttr tiling;
  gpu::GPUModuleOp kernels;
  std::string name;
  const TargetInfo &target;
  QuantSchemeAttr scheme;
  int64_t k, n;
  Type activation;
  int64_t waves;

private:
  bool hasSplit() const { return tiling.getSplitK() > 1; }
  /// The [M, N] type of init and out, and the [split_k, M, N] f32 type of
  /// the workspace.
  MemRefType getOutType();
  MemRefType getWorkspaceType();
  gpu::GPUFuncOp buildMainKernel();
  gpu::GPUFuncOp buildReduceKernel();
  /// The kernel gathering x[:, perm] for a w4a16.permute_k input (act-order).
  gpu::GPUFuncOp buildPermuteKernel(PermuteKOp permute);
  /// The launches; `reduce` is null without a split.
  void buildLaunches(gpu::GPUFuncOp main, gpu::GPUFuncOp reduce);
};

/// What the decode kernels (dot2: DecodeLowering.cpp; mma.sync with the
/// weights as A: MmaSyncDecodeLowering.cpp) share: each wave walks segments
/// of packed rows inside one group, loading rowsPerIteration() rows per
/// iteration of its row loop, and the waves' sums meet in LDS
/// (storeWorkgroupSum).
class DecodeKernelLowering : public SplitKLowering {
public:
  using SplitKLowering::SplitKLowering;

protected:
  /// The split-K geometry, iterations that divide a segment (the tiling's
  /// verifier gives each wave whole packed rows), and lds_bytes
  /// (getDecodeLdsBytes).
  LogicalResult checkSupported() override;
  SmallVector<Type> getWorkgroupBuffers(Builder &b) override {
    return {getWorkgroupSumType(b)};
  }
  StringRef getKernelSuffix() const override { return "decode"; }

  /// Packed rows a wave loads per iteration of its row loop.
  int64_t rowsPerIteration() const {
    return getDecodeRowsPerIteration(tiling, waves);
  }
  /// Packed rows a wave walks with one group's scales and zeros.
  int64_t segmentRows() const {
    return getSegmentK(tiling, scheme, k, waves) / ::w4a16::kValuesPerWord;
  }
  /// The global pointer of the packed weights where the decode kernels read
  /// them past L1 (TargetInfo::decodeWeightsSkipL1, w4a16/Target/NoL1Load.h):
  /// whole tiles, and every load of an iteration within `maxByteOffset` bytes
  /// (an immediate) of the iteration's address; else null.
  Value getNoL1WeightBase(ImplicitLocOpBuilder &b, Value qweight,
                          int64_t maxByteOffset);
  /// Bytes from a packed weight word to the one `rows` rows and `columns`
  /// columns further (row-major packed rows of N words).
  int64_t getPackedByteOffset(int64_t rows, int64_t columns) const {
    return (rows * n + columns) * static_cast<int64_t>(sizeof(int32_t));
  }
  /// The address of packed row `row`'s words at `column`, from that base.
  Value getNoL1Address(ImplicitLocOpBuilder &b, Value base, Value row,
                       Value column);
  /// The 4 words `byteOffset` bytes past `address`, loaded without
  /// allocating in L1.
  Value loadNoL1Words(ImplicitLocOpBuilder &b, Value address,
                      int64_t byteOffset);
  /// The wave's loop over the segments of the workgroup's split (segment
  /// wave, wave + waves, ...), carrying `inits`; returns their final values.
  /// `loadGroup` loads what a segment reads of its group (scales, zero
  /// points). Where a segment is one iteration of the row loop, the IR loads
  /// one segment ahead and carries the values. LLVM folds that phi of loads
  /// back into loads at the top of the next segment (InstCombine: a load of
  /// the phi'd address), so what reaches the PTX is the group's loads first
  /// in the segment, ahead of its weights; loaded inside the segment, ptxas
  /// sank the scale loads below the MMAs (H100, M = 3..6, G32: 11-16% slower
  /// on the large-N shapes). Where the row loop has several iterations,
  /// carrying the values cost registers (G128: 80 -> 90) and time. `body`
  /// builds one segment from its first packed row, the loaded values of its
  /// group and the carried values, and returns their new values.
  SmallVector<Value> buildSegmentLoop(
      ImplicitLocOpBuilder &b, ValueRange inits,
      function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value)> loadGroup,
      function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value, ValueRange,
                                      ValueRange)>
          body);
  /// The row loop over the segment starting at packed row `segmentBegin`,
  /// rowsPerIteration() rows per trip, carrying `inits`; `body` builds one
  /// iteration from its first row and yields. LLVM does not unroll it: one
  /// iteration's rows per trip, as the static report's accounting (tile_k)
  /// assumes, and short segments would otherwise unroll into their epilogue.
  scf::ForOp buildRowLoop(
      ImplicitLocOpBuilder &b, Value segmentBegin, ValueRange inits,
      function_ref<void(ImplicitLocOpBuilder &, Value, ValueRange)> body);
};

/// The lowering of `tiling`'s strategy, or null after a diagnostic on `op`
/// when the strategy has no GPU lowering.
std::unique_ptr<SplitKLowering> createLowering(MatmulOp op, TilingAttr tiling,
                                               gpu::GPUModuleOp kernels,
                                               StringRef name,
                                               const TargetInfo &target);

/// Strategy factories (one file each).
std::unique_ptr<SplitKLowering>
createDecodeLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                     StringRef name, const TargetInfo &target);
/// Decode tilings with decode_kernel = matrix: mma.sync with the weights as A
/// (MmaSyncDecodeLowering.cpp).
std::unique_ptr<SplitKLowering>
createMmaSyncDecodeLowering(MatmulOp op, TilingAttr tiling,
                            gpu::GPUModuleOp kernels, StringRef name,
                            const TargetInfo &target);
/// small_batch and prefill, on the gfx11 WMMA (WmmaLowering.cpp).
std::unique_ptr<SplitKLowering>
createWmmaLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                   StringRef name, const TargetInfo &target);

/// small_batch and prefill, on NVIDIA mma.sync m16n8k16 (MmaSyncLowering.cpp).
std::unique_ptr<SplitKLowering>
createMmaSyncLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                      StringRef name, const TargetInfo &target);

/// The lowering of `tiling`'s strategy whose main kernel calls a HIP
/// microkernel, or null when the microkernels do not cover the op (the
/// caller then uses createLowering), after a remark on `op` saying why unless
/// `quietFallback`.
std::unique_ptr<SplitKLowering>
createUkernelLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                      StringRef name, const TargetInfo &target,
                      bool quietFallback);

} // namespace mlir::w4a16::gpukernels

#endif // W4A16_LIB_CONVERSION_W4A16TOGPU_KERNELLOWERING_H
