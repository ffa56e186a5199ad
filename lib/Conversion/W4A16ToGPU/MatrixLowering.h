//===- MatrixLowering.h - What the matrix-instruction kernels share -*- C++
//-*-===//
//
// The small_batch and prefill strategies run on a matrix instruction: the
// gfx11 WMMA (WmmaLowering.cpp) or NVIDIA mma.sync (MmaSyncLowering.cpp).
// Both read fragment-layout weights (Repack.h), give each wave 32 columns
// and waveRows rows of the workgroup tile, scale each group's f32 partial
// once, and (prefill, unless mma.sync stages all operands of short steps)
// stage 32-K chunks of the workgroup's A rows in LDS, double buffered.
// This class holds that geometry, the checks and the
// staging; the subclasses own the lane mapping and the inner loop.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_LIB_CONVERSION_W4A16TOGPU_MATRIXLOWERING_H
#define W4A16_LIB_CONVERSION_W4A16TOGPU_MATRIXLOWERING_H

#include "KernelLowering.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "w4a16/Support/Repack.h"

namespace mlir::w4a16::gpukernels {

/// An scf.for over [0, `upper`) by `step` carrying `groups` (concatenated
/// in order); `body` updates the groups in place and the loop yields them
/// in the same order.
scf::ForOp
buildGroupedLoop(ImplicitLocOpBuilder &b, int64_t upper, int64_t step,
                 ArrayRef<SmallVector<Value>> groups,
                 function_ref<void(ImplicitLocOpBuilder &, Value,
                                   MutableArrayRef<SmallVector<Value>>)>
                     body);

class MatrixLowering : public SplitKLowering {
public:
  using SplitKLowering::SplitKLowering;

protected:
  /// Columns and rows (a multiple of) of one wave's part of the tile.
  static constexpr int64_t kWaveColumns = 32;
  static constexpr int64_t kWaveRowMultiple = 16;
  /// K of one fragment-layout block, and of one staged A chunk.
  static constexpr int64_t kBlockK = ::w4a16::kFragmentBlockK;
  /// Activations of one 16-byte load.
  static constexpr int64_t kStageElements = 8;
  static constexpr int64_t kStageUnitsPerRow = kBlockK / kStageElements;

  ::mlir::w4a16::WeightLayout getWeightLayout() const override {
    return WeightLayout::Fragment;
  }
  /// The checks both kernels need: activation and scale types, wave tiles,
  /// group and split-K slicing, the prefill A stage.
  LogicalResult checkSupported() override;
  /// Checks lds_bytes against the workgroup memory the kernel lays out (the
  /// prefill A stage, nothing for small batch); run last by checkSupported.
  virtual LogicalResult checkLdsBytes();
  SmallVector<Type> getWorkgroupBuffers(Builder &b) override;
  StringRef getKernelSuffix() const override {
    return stringifyTilingStrategy(tiling.getStrategy());
  }

  /// Whether the kernel double-buffers 32-K chunks of A in LDS: prefill,
  /// unless the subclass stages all operands its own way.
  virtual bool stagesAInLds() const {
    return tiling.getStrategy() == TilingStrategy::Prefill;
  }
  int64_t wavesN() const { return tiling.getTileN() / kWaveColumns; }
  int64_t wavesM() const { return waves / wavesN(); }
  int64_t waveRows() const { return tiling.getTileM() / wavesM(); }
  int64_t kPerSplit() const { return getKPerSplit(tiling, k); }
  /// K rows between two scale applications: a group, or the split when the
  /// split lies inside one group.
  int64_t segmentRows() const { return getSegmentK(tiling, scheme, k, waves); }
  /// Where the calling thread works: its lane, its split, the rows of its
  /// wave (waveRow from the workgroup's workgroupRow, firstRow in the
  /// output) and the wave's fragment-layout column tiles (kWaveColumns /
  /// kFragmentBlockN), as stored (tiles past N are dropped) and as read
  /// (clamped to the last tile).
  struct WaveOrigin {
    Value tid, lane, split, lastRow, workgroupRow, waveRow, firstRow;
    SmallVector<Value> storeTiles, nTiles;
  };
  WaveOrigin getWaveOrigin(ImplicitLocOpBuilder &b, Value m);

  /// Two buffers of tile_m rows x one 32-K chunk (a subclass may lay the
  /// same activations out its own way, with its own storeStage).
  virtual MemRefType getStageType() const {
    return workgroupMemrefOf({2, tiling.getTileM(), kBlockK}, activation);
  }

  /// Unit `r` of thread `tid` when the workgroup splits a tile of
  /// `unitsPerRow` units per row: unit tid + r x workgroup size, as its row
  /// in the tile and its index in that row.
  std::pair<Value, Value> getStageUnit(ImplicitLocOpBuilder &b, Value tid,
                                       int64_t r, int64_t unitsPerRow);

  /// Global 16-byte loads of thread `tid`'s share of a staged A chunk: unit
  /// u of row r (u < kStageUnitsPerRow) is x[r, unitColumn(u)] ..
  /// + kStageElements; rows past M re-read row M - 1 (`lastRow`).
  SmallVector<Value>
  loadStage(ImplicitLocOpBuilder &b, Value tid, Value workgroupRow,
            Value lastRow, Value x,
            function_ref<Value(ImplicitLocOpBuilder &, Value)> unitColumn);
  /// Stores what the subclass's ChunkLoader returned into `buffer` of the
  /// stage; here what loadStage returned, unit u of row r at columns
  /// kStageElements u ...
  virtual void storeStage(ImplicitLocOpBuilder &b, Value tid, Value stage,
                          Value buffer, ArrayRef<Value> values);

  /// The subclass's loadStage of one chunk (counted in 32-K units of K).
  using ChunkLoader =
      function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value chunk)>;
  /// The prefill A stage of the main kernel `func`, or null.
  Value getStage(gpu::GPUFuncOp func) const {
    return stagesAInLds() ? Value(func.getWorkgroupAttributions().front())
                          : Value();
  }
  /// Prefill prologue (nothing without a `stage`): chunk `first` in buffer
  /// 0 (and a barrier), chunk first + 1 loaded; returns its values, carried
  /// as `staged`.
  SmallVector<Value> startStage(ImplicitLocOpBuilder &b, Value tid, Value stage,
                                Value first, Value last, ChunkLoader loadChunk);
  /// Before the matrix instructions of `chunk`: chunk + 1 (`staged`) goes to
  /// the buffer every wave finished reading before the last barrier and
  /// chunk + 2 (at most `last`) starts loading into `staged`. Returns the
  /// buffer that holds `chunk`; the caller ends the chunk with a barrier.
  Value advanceStage(ImplicitLocOpBuilder &b, Value tid, Value stage,
                     Value chunk, Value first, Value last,
                     SmallVectorImpl<Value> &staged, ChunkLoader loadChunk);
};

} // namespace mlir::w4a16::gpukernels

#endif // W4A16_LIB_CONVERSION_W4A16TOGPU_MATRIXLOWERING_H
