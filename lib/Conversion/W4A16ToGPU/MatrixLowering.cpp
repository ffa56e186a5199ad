//===- MatrixLowering.cpp - What the matrix-instruction kernels share -----===//

#include "MatrixLowering.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

scf::ForOp gpukernels::buildGroupedLoop(
    ImplicitLocOpBuilder &b, int64_t upper, int64_t step,
    ArrayRef<SmallVector<Value>> groups,
    function_ref<void(ImplicitLocOpBuilder &, Value,
                      MutableArrayRef<SmallVector<Value>>)>
        body) {
  SmallVector<Value> inits;
  for (const SmallVector<Value> &group : groups)
    llvm::append_range(inits, group);
  return scf::ForOp::create(
      b, cIndex(b, 0), cIndex(b, upper), cIndex(b, step), inits,
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange carried) {
        ImplicitLocOpBuilder lb(loc, nested);
        SmallVector<SmallVector<Value>> current;
        for (const SmallVector<Value> &group : groups) {
          current.emplace_back(carried.take_front(group.size()));
          carried = carried.drop_front(group.size());
        }
        body(lb, iv, current);
        SmallVector<Value> results;
        for (const SmallVector<Value> &group : current)
          llvm::append_range(results, group);
        scf::YieldOp::create(lb, results);
      });
}

namespace {
constexpr uint64_t kStageAlignment = 16;
} // namespace

LogicalResult MatrixLowering::checkSupported() {
  if (failed(SplitKLowering::checkSupported()))
    return failure();
  StringRef strategy = stringifyTilingStrategy(tiling.getStrategy());
  if (!((activation.isF16() && target.mmaF16) ||
        (activation.isBF16() && target.mmaBf16)))
    return op.emitOpError()
           << "the " << strategy
           << " kernels take f16 or bf16 activations, got " << activation;
  if (op.getScales().getType().getElementType() != activation)
    return op.emitOpError()
           << "the " << strategy
           << " kernels need scales of the activation type " << activation;
  int64_t tileN = tiling.getTileN(), tileM = tiling.getTileM();
  if (tileN % kWaveColumns != 0 || waves % wavesN() != 0 ||
      tileM % (wavesM() * kWaveRowMultiple) != 0)
    return op.emitOpError()
           << strategy << " tile " << tileM << " x " << tileN << " with "
           << waves << " waves: each wave needs " << kWaveColumns
           << " columns and a multiple of " << kWaveRowMultiple << " rows";
  int64_t group = scheme.getEffectiveGroupSize(k);
  if (group % kBlockK != 0)
    return op.emitOpError()
           << "the " << strategy << " kernels need a group size that is a "
           << "multiple of " << kBlockK << ", got " << group;
  if (failed(verifySplitKGeometry(op, tiling)))
    return failure();
  if (tiling.getTileK() % kBlockK != 0 ||
      segmentRows() % tiling.getTileK() != 0)
    return op.emitOpError()
           << strategy << " tile_k = " << tiling.getTileK()
           << " must be a multiple of " << kBlockK
           << " (fragment-layout blocks) dividing the " << segmentRows()
           << " rows between two scale applications";
  if (stagesAInLds() &&
      tileM * kStageUnitsPerRow % tiling.getWorkgroupSize() != 0)
    return op.emitOpError()
           << "prefill A tile " << tileM << " x " << kBlockK
           << " does not split evenly over " << tiling.getWorkgroupSize()
           << " threads in 16-byte loads";
  return checkLdsBytes();
}

LogicalResult MatrixLowering::checkLdsBytes() {
  if (!stagesAInLds()) {
    if (tiling.getLdsBytes() != 0)
      return op.emitOpError()
             << "small_batch lds_bytes = " << tiling.getLdsBytes()
             << ", the kernel uses no workgroup memory";
    return success();
  }
  int64_t ldsBytes =
      getStageType().getNumElements() * activation.getIntOrFloatBitWidth() / 8;
  if (tiling.getLdsBytes() != ldsBytes)
    return op.emitOpError()
           << "prefill lds_bytes = " << tiling.getLdsBytes()
           << ", the kernel's double-buffered A tile takes " << ldsBytes;
  return success();
}

SmallVector<Type> MatrixLowering::getWorkgroupBuffers(Builder &b) {
  if (!stagesAInLds())
    return {};
  return {getStageType()};
}

MatrixLowering::WaveOrigin
MatrixLowering::getWaveOrigin(ImplicitLocOpBuilder &b, Value m) {
  WaveOrigin origin;
  origin.tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  origin.lane =
      arith::RemUIOp::create(b, origin.tid, cIndex(b, target.waveSize));
  Value wave =
      arith::DivUIOp::create(b, origin.tid, cIndex(b, target.waveSize));
  Value waveN = arith::RemUIOp::create(b, wave, cIndex(b, wavesN()));
  Value waveM = arith::DivUIOp::create(b, wave, cIndex(b, wavesN()));
  Value blockN = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  origin.split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  origin.lastRow = arith::SubIOp::create(b, m, cIndex(b, 1));
  origin.workgroupRow = getTileRowBegin(b);
  origin.waveRow = arith::MulIOp::create(b, waveM, cIndex(b, waveRows()));
  origin.firstRow =
      arith::AddIOp::create(b, origin.workgroupRow, origin.waveRow);
  constexpr int64_t kWaveTiles = kWaveColumns / ::w4a16::kFragmentBlockN;
  Value firstTile = arith::AddIOp::create(
      b,
      arith::MulIOp::create(
          b, blockN, cIndex(b, tiling.getTileN() / ::w4a16::kFragmentBlockN)),
      arith::MulIOp::create(b, waveN, cIndex(b, kWaveTiles)));
  Value lastTile = cIndex(b, n / ::w4a16::kFragmentBlockN - 1);
  for (int64_t t = 0; t < kWaveTiles; ++t) {
    Value tile = arith::AddIOp::create(b, firstTile, cIndex(b, t));
    origin.storeTiles.push_back(tile);
    // Tiles past N re-read the last one; their results are dropped.
    origin.nTiles.push_back(arith::MinUIOp::create(b, tile, lastTile));
  }
  return origin;
}

std::pair<Value, Value> MatrixLowering::getStageUnit(ImplicitLocOpBuilder &b,
                                                     Value tid, int64_t r,
                                                     int64_t unitsPerRow) {
  Value unit =
      arith::AddIOp::create(b, tid, cIndex(b, r * tiling.getWorkgroupSize()));
  return {arith::DivUIOp::create(b, unit, cIndex(b, unitsPerRow)),
          arith::RemUIOp::create(b, unit, cIndex(b, unitsPerRow))};
}

SmallVector<Value> MatrixLowering::loadStage(
    ImplicitLocOpBuilder &b, Value tid, Value workgroupRow, Value lastRow,
    Value x, function_ref<Value(ImplicitLocOpBuilder &, Value)> unitColumn) {
  auto unitType = VectorType::get({kStageElements}, activation);
  int64_t perThread =
      tiling.getTileM() * kStageUnitsPerRow / tiling.getWorkgroupSize();
  SmallVector<Value> values;
  for (int64_t r = 0; r < perThread; ++r) {
    auto [tileRow, unitInRow] = getStageUnit(b, tid, r, kStageUnitsPerRow);
    Value row = createClampedRow(
        b, arith::AddIOp::create(b, workgroupRow, tileRow), lastRow);
    Value column = unitColumn(b, unitInRow);
    values.push_back(vector::LoadOp::create(
        b, unitType, x, ValueRange{row, column},
        /*nontemporal=*/false, llvm::Align(kStageAlignment)));
  }
  return values;
}

void MatrixLowering::storeStage(ImplicitLocOpBuilder &b, Value tid, Value stage,
                                Value buffer, ArrayRef<Value> values) {
  for (auto [r, value] : llvm::enumerate(values)) {
    auto [row, unitInRow] = getStageUnit(b, tid, r, kStageUnitsPerRow);
    Value column =
        arith::MulIOp::create(b, unitInRow, cIndex(b, kStageElements));
    vector::StoreOp::create(b, value, stage, ValueRange{buffer, row, column},
                            /*nontemporal=*/false,
                            llvm::Align(kStageAlignment));
  }
}

SmallVector<Value> MatrixLowering::startStage(ImplicitLocOpBuilder &b,
                                              Value tid, Value stage,
                                              Value first, Value last,
                                              ChunkLoader loadChunk) {
  if (!stage)
    return {};
  storeStage(b, tid, stage, cIndex(b, 0), loadChunk(b, first));
  gpu::BarrierOp::create(b);
  return loadChunk(b,
                   arith::MinUIOp::create(
                       b, arith::AddIOp::create(b, first, cIndex(b, 1)), last));
}

Value MatrixLowering::advanceStage(ImplicitLocOpBuilder &b, Value tid,
                                   Value stage, Value chunk, Value first,
                                   Value last, SmallVectorImpl<Value> &staged,
                                   ChunkLoader loadChunk) {
  Value buffer = arith::RemUIOp::create(
      b, arith::SubIOp::create(b, chunk, first), cIndex(b, 2));
  storeStage(b, tid, stage, arith::SubIOp::create(b, cIndex(b, 1), buffer),
             staged);
  SmallVector<Value> next =
      loadChunk(b, arith::MinUIOp::create(
                       b, arith::AddIOp::create(b, chunk, cIndex(b, 2)), last));
  staged.assign(next.begin(), next.end());
  return buffer;
}
