//===- MaterializeTiling.cpp - A tiled w4a16.matmul as its tile loops -----===//
//
// Rewrites each tiled w4a16.matmul into the loops its GPU kernels run, with
// the geometry of Utils/TilingGeometry.h (shared with the kernels) and the
// kernels' arithmetic, but no thread ids, LDS or matrix instruction: the MMA
// step is a linalg.matmul on f32 tile buffers. Lowered to the host it runs,
// so the tiling, masking and dequant are proven by execution on the CPU.
// What is left to the GPU lowering is the work split inside a workgroup
// (waves, lanes) and the instruction that multiplies a tile.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"
#include "w4a16/Target/TargetInfo.h"
#include <numeric>

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16MATERIALIZETILINGPASS
#include "w4a16/Dialect/W4A16/Transforms/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

using ::w4a16::kBitsPerValue;
using ::w4a16::kValuesPerWord;

Value cIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value splat(ImplicitLocOpBuilder &b, VectorType type, Attribute value) {
  return arith::ConstantOp::create(b, DenseElementsAttr::get(type, value));
}

/// An scf.for over [lb, ub) by `step` without loop-carried values.
void forLoop(ImplicitLocOpBuilder &b, Value lb, Value ub, int64_t step,
             function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
  scf::ForOp::create(
      b, lb, ub, cIndex(b, step), ValueRange{},
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange) {
        ImplicitLocOpBuilder lb(loc, nested);
        body(lb, iv);
        scf::YieldOp::create(lb);
      });
}

void ifThen(ImplicitLocOpBuilder &b, Value condition,
            function_ref<void(ImplicitLocOpBuilder &)> body) {
  scf::IfOp::create(b, condition, [&](OpBuilder &nested, Location loc) {
    ImplicitLocOpBuilder lb(loc, nested);
    body(lb);
    scf::YieldOp::create(lb);
  });
}

Value extendToF32(ImplicitLocOpBuilder &b, Value value) {
  Type f32 = b.getF32Type();
  if (auto vector = dyn_cast<VectorType>(value.getType())) {
    if (vector.getElementType().isF32())
      return value;
    return arith::ExtFOp::create(b, vector.clone(f32), value);
  }
  return value.getType().isF32() ? value : arith::ExtFOp::create(b, f32, value);
}

/// The tile loops of one matmul with one tiling.
class TileLoops {
public:
  TileLoops(MatmulOp op, TilingAttr tiling, int64_t waves, int64_t splitSkew)
      : op(op), tiling(tiling), scheme(op.getScheme()), k(op.getK()),
        n(op.getN()), activation(op.getInput().getType().getElementType()),
        kPerSplit(getKPerSplit(tiling, k)),
        segmentK(getSegmentK(tiling, scheme, k, waves)),
        kStep(std::gcd(tiling.getTileK(), segmentK)), splitSkew(splitSkew) {}

  /// Replaces `op` by the loops.
  void build();

private:
  /// Decode (its dot2 formula) and bf16 (its row-sum WMMA) subtract
  /// (bias + z) sum(x) per segment; f16 WMMA subtracts bias + z from each
  /// weight, exactly in f16.
  bool subtractsZerosFromSums() const {
    return tiling.getStrategy() == TilingStrategy::Decode ||
           activation.isBF16();
  }
  VectorType rowType(Type element) const {
    return VectorType::get({tiling.getTileN()}, element);
  }
  /// Reads `tile_n` elements of row `row` of `memref` from `column`; columns
  /// past N read as zero.
  Value readColumns(ImplicitLocOpBuilder &b, Value memref, Value row,
                    Value column) {
    Type element = cast<MemRefType>(memref.getType()).getElementType();
    Value zero = arith::ConstantOp::create(b, b.getZeroAttr(element));
    return vector::TransferReadOp::create(b, rowType(element), memref,
                                          ValueRange{row, column}, zero,
                                          ArrayRef<bool>{false});
  }
  /// bias + z of the tile's columns in `group`, f32.
  Value loadBiasedZeros(ImplicitLocOpBuilder &b, Value group, Value column);
  /// Fills `bTile` with the dequantized K rows [kBegin, kBegin + kStep) of
  /// the tile's columns: bias + q, minus bias + z (`biasedZeros`) unless
  /// the zeros are subtracted from the sums.
  void dequantTile(ImplicitLocOpBuilder &b, Value kBegin, Value column,
                   Value biasedZeros);
  /// Fills `aTile` with rows rowBegin.. of x (clamped to M), K rows
  /// [kBegin, kBegin + kStep), and adds their sums to `sums`.
  void loadActivations(ImplicitLocOpBuilder &b, Value rowBegin, Value kBegin);
  /// One segment: accumulate from zero, then apply the group's scale (and
  /// zeros) into `total`.
  void buildSegment(ImplicitLocOpBuilder &b, Value rowBegin, Value column,
                    Value segmentBegin);
  /// The fixed-order split-K reduction with the init, rounded once.
  Value buildReduction(ImplicitLocOpBuilder &b, Value init);

  MatmulOp op;
  TilingAttr tiling;
  QuantSchemeAttr scheme;
  int64_t k, n;
  Type activation;
  int64_t kPerSplit, segmentK, kStep, splitSkew;
  // Buffers of the operands, the workspace and the tile scratch.
  Value x, qweight, scales, zeros, m, lastRow, workspace;
  Value aTile, bTile, segmentAcc, sums, total, zeroPoints;
};

} // namespace

Value TileLoops::loadBiasedZeros(ImplicitLocOpBuilder &b, Value group,
                                 Value column) {
  Type f32 = b.getF32Type();
  VectorType type = rowType(f32);
  double bias = getMagicBias(activation).bias;
  switch (scheme.getZeroPoint()) {
  case ZeroPointKind::None:
    return splat(b, type, b.getF32FloatAttr(bias));
  case ZeroPointKind::Symmetric:
    return splat(b, type,
                 b.getF32FloatAttr(bias + ::w4a16::kSymmetricZeroPoint));
  case ZeroPointKind::Float:
    return arith::AddFOp::create(
        b, extendToF32(b, readColumns(b, zeros, group, column)),
        splat(b, type, b.getF32FloatAttr(bias)));
  case ZeroPointKind::Packed:
    break;
  }
  // Packed along N in GPTQ order: the word of each column and its shift
  // (from PackedFormat's zeroPosition); columns past N read the last word.
  SmallVector<int32_t> shiftTable;
  for (int64_t i = 0; i < kValuesPerWord; ++i)
    shiftTable.push_back(
        ::w4a16::zeroPosition(::w4a16::PackedLayout::Gptq, 0, i).shift);
  auto shiftsType = VectorType::get({kValuesPerWord}, b.getI32Type());
  Value shifts = arith::ConstantOp::create(
      b, DenseElementsAttr::get(shiftsType, ArrayRef(shiftTable)));
  Type i32 = b.getI32Type();
  forLoop(
      b, cIndex(b, 0), cIndex(b, tiling.getTileN()), 1,
      [&](ImplicitLocOpBuilder &lb, Value c) {
        Value columnC = arith::AddIOp::create(lb, column, c);
        Value word = memref::LoadOp::create(
            lb, zeros,
            ValueRange{group, arith::MinUIOp::create(
                                  lb,
                                  arith::DivUIOp::create(
                                      lb, columnC, cIndex(lb, kValuesPerWord)),
                                  cIndex(lb, n / kValuesPerWord - 1))});
        Value shift = vector::ExtractOp::create(
            lb, shifts,
            OpFoldResult(arith::RemUIOp::create(lb, columnC,
                                                cIndex(lb, kValuesPerWord))));
        Value point = arith::AndIOp::create(
            lb, arith::ShRUIOp::create(lb, word, shift),
            arith::ConstantIntOp::create(lb, i32, (1 << kBitsPerValue) - 1));
        memref::StoreOp::create(lb, point, zeroPoints, ValueRange{c});
      });
  Value points = vector::LoadOp::create(b, rowType(i32), zeroPoints,
                                        ValueRange{cIndex(b, 0)});
  int64_t offset = bias + (scheme.getGptqV1() ? 1 : 0);
  return arith::AddFOp::create(b, arith::UIToFPOp::create(b, type, points),
                               splat(b, type, b.getF32FloatAttr(offset)));
}

void TileLoops::dequantTile(ImplicitLocOpBuilder &b, Value kBegin, Value column,
                            Value biasedZeros) {
  Value firstWord =
      arith::DivUIOp::create(b, kBegin, cIndex(b, kValuesPerWord));
  for (int64_t r = 0; r < kStep / kValuesPerWord; ++r) {
    Value words = readColumns(
        b, qweight, arith::AddIOp::create(b, firstWord, cIndex(b, r)), column);
    SmallVector<Value> pairs = createBiasedNibblePairs(
        b, words, activation, /*oddPairsInPlace=*/false);
    for (int64_t j = 0; j < kGptqPairsPerWord; ++j) {
      // Halves (bias + q_j, bias + q_{j+4}).
      Value halves = extendToF32(b, pairs[j]);
      // Even halves are row j, odd halves row j + kGptqPairsPerWord.
      auto rows = vector::DeinterleaveOp::create(b, halves);
      for (auto [weights, row] :
           {std::make_pair(Value(rows.getRes1()), j),
            std::make_pair(Value(rows.getRes2()), j + kGptqPairsPerWord)}) {
        if (!subtractsZerosFromSums())
          weights = arith::SubFOp::create(b, weights, biasedZeros);
        vector::StoreOp::create(
            b, weights, bTile,
            ValueRange{cIndex(b, r * kValuesPerWord + row), cIndex(b, 0)});
      }
    }
  }
}

void TileLoops::loadActivations(ImplicitLocOpBuilder &b, Value rowBegin,
                                Value kBegin) {
  auto xType = VectorType::get({kStep}, activation);
  for (int64_t i = 0; i < tiling.getTileM(); ++i) {
    Value row = createClampedRow(
        b, arith::AddIOp::create(b, rowBegin, cIndex(b, i)), lastRow);
    Value values = extendToF32(
        b, vector::LoadOp::create(b, xType, x, ValueRange{row, kBegin}));
    vector::StoreOp::create(b, values, aTile,
                            ValueRange{cIndex(b, i), cIndex(b, 0)});
    if (!subtractsZerosFromSums())
      continue;
    Value sum = arith::AddFOp::create(
        b, memref::LoadOp::create(b, sums, ValueRange{cIndex(b, i)}),
        vector::ReductionOp::create(b, vector::CombiningKind::ADD, values));
    memref::StoreOp::create(b, sum, sums, ValueRange{cIndex(b, i)});
  }
}

void TileLoops::buildSegment(ImplicitLocOpBuilder &b, Value rowBegin,
                             Value column, Value segmentBegin) {
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
  Value group = arith::DivUIOp::create(
      b, segmentBegin, cIndex(b, scheme.getEffectiveGroupSize(k)));
  Value scale = extendToF32(b, readColumns(b, scales, group, column));
  Value biasedZeros = loadBiasedZeros(b, group, column);
  linalg::FillOp::create(b, ValueRange{zero}, ValueRange{segmentAcc});
  linalg::FillOp::create(b, ValueRange{zero}, ValueRange{sums});
  forLoop(b, segmentBegin,
          arith::AddIOp::create(b, segmentBegin, cIndex(b, segmentK)), kStep,
          [&](ImplicitLocOpBuilder &lb, Value kBegin) {
            loadActivations(lb, rowBegin, kBegin);
            dequantTile(lb, kBegin, column, biasedZeros);
            // The target-independent MMA step, in f32.
            linalg::MatmulOp::create(lb, ValueRange{aTile, bTile},
                                     ValueRange{segmentAcc});
          });
  VectorType accType = rowType(b.getF32Type());
  Value negZeros = arith::NegFOp::create(b, biasedZeros);
  for (int64_t i = 0; i < tiling.getTileM(); ++i) {
    SmallVector<Value> at = {cIndex(b, i), cIndex(b, 0)};
    Value partial = vector::LoadOp::create(b, accType, segmentAcc, at);
    if (subtractsZerosFromSums())
      partial = vector::FMAOp::create(
          b, negZeros,
          vector::BroadcastOp::create(
              b, accType,
              memref::LoadOp::create(b, sums, ValueRange{cIndex(b, i)})),
          partial);
    vector::StoreOp::create(
        b,
        vector::FMAOp::create(b, partial, scale,
                              vector::LoadOp::create(b, accType, total, at)),
        total, at);
  }
}

Value TileLoops::buildReduction(ImplicitLocOpBuilder &b, Value init) {
  Type outElement = cast<MemRefType>(init.getType()).getElementType();
  Value out = memref::AllocOp::create(
      b, MemRefType::get({ShapedType::kDynamic, n}, outElement), ValueRange{m});
  forLoop(b, cIndex(b, 0), m, 1, [&](ImplicitLocOpBuilder &rb, Value row) {
    forLoop(rb, cIndex(rb, 0), cIndex(rb, n), 1,
            [&](ImplicitLocOpBuilder &cb, Value column) {
              Value sum = extendToF32(
                  cb,
                  memref::LoadOp::create(cb, init, ValueRange{row, column}));
              for (int64_t s = 0; s < tiling.getSplitK(); ++s)
                sum = arith::AddFOp::create(
                    cb, sum,
                    memref::LoadOp::create(
                        cb, workspace, ValueRange{cIndex(cb, s), row, column}));
              if (!outElement.isF32())
                sum = arith::TruncFOp::create(cb, outElement, sum);
              memref::StoreOp::create(cb, sum, out, ValueRange{row, column});
            });
  });
  return out;
}

void TileLoops::build() {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  Type f32 = b.getF32Type();
  int64_t tileM = tiling.getTileM(), tileN = tiling.getTileN();
  auto toBuffer = [&](Value tensor) -> Value {
    if (!tensor)
      return Value();
    auto type = cast<RankedTensorType>(tensor.getType());
    return bufferization::ToBufferOp::create(
        b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
        /*read_only=*/true);
  };
  Value input = collapseToMatrix(b, op.getInput());
  Value initTensor = collapseToMatrix(b, op.getInit());
  m = tensor::DimOp::create(b, input, 0);
  lastRow = arith::SubIOp::create(b, m, cIndex(b, 1));
  x = toBuffer(input);
  qweight = toBuffer(op.getQweight());
  scales = toBuffer(op.getScales());
  zeros = toBuffer(op.getZeros());
  Value init = toBuffer(initTensor);
  workspace = memref::AllocOp::create(
      b, MemRefType::get({tiling.getSplitK(), ShapedType::kDynamic, n}, f32),
      ValueRange{m});
  aTile = memref::AllocaOp::create(b, MemRefType::get({tileM, kStep}, f32));
  bTile = memref::AllocaOp::create(b, MemRefType::get({kStep, tileN}, f32));
  segmentAcc =
      memref::AllocaOp::create(b, MemRefType::get({tileM, tileN}, f32));
  total = memref::AllocaOp::create(b, MemRefType::get({tileM, tileN}, f32));
  sums = memref::AllocaOp::create(b, MemRefType::get({tileM}, f32));
  zeroPoints =
      memref::AllocaOp::create(b, MemRefType::get({tileN}, b.getI32Type()));

  // Row tiles x column tiles x split-K slices x segments, as the kernels'
  // grid (z, x, y) and K loops.
  forLoop(
      b, cIndex(b, 0), createRowTileCount(b, tiling, m), 1,
      [&](ImplicitLocOpBuilder &rb, Value rowTile) {
        Value rowBegin = arith::MulIOp::create(rb, rowTile, cIndex(rb, tileM));
        forLoop(
            rb, cIndex(rb, 0), cIndex(rb, getColumnTileCount(tiling, n)), 1,
            [&](ImplicitLocOpBuilder &cb, Value columnTile) {
              Value column =
                  arith::MulIOp::create(cb, columnTile, cIndex(cb, tileN));
              forLoop(
                  cb, cIndex(cb, 0), cIndex(cb, tiling.getSplitK()), 1,
                  [&](ImplicitLocOpBuilder &sb, Value split) {
                    Value splitBegin = arith::MulIOp::create(
                        sb, split, cIndex(sb, kPerSplit - splitSkew));
                    linalg::FillOp::create(sb,
                                           ValueRange{arith::ConstantOp::create(
                                               sb, sb.getF32FloatAttr(0))},
                                           ValueRange{total});
                    forLoop(sb, cIndex(sb, 0), cIndex(sb, kPerSplit / segmentK),
                            1, [&](ImplicitLocOpBuilder &gb, Value segment) {
                              buildSegment(
                                  gb, rowBegin, column,
                                  arith::AddIOp::create(
                                      gb, splitBegin,
                                      arith::MulIOp::create(
                                          gb, segment, cIndex(gb, segmentK))));
                            });
                    // f32 partials: rows past M dropped, columns past N masked
                    // off.
                    for (int64_t i = 0; i < tileM; ++i) {
                      Value row =
                          arith::AddIOp::create(sb, rowBegin, cIndex(sb, i));
                      ifThen(sb,
                             arith::CmpIOp::create(
                                 sb, arith::CmpIPredicate::ult, row, m),
                             [&](ImplicitLocOpBuilder &wb) {
                               Value values = vector::LoadOp::create(
                                   wb, rowType(f32), total,
                                   ValueRange{cIndex(wb, i), cIndex(wb, 0)});
                               vector::TransferWriteOp::create(
                                   wb, values, workspace,
                                   ValueRange{split, row, column},
                                   ArrayRef<bool>{false});
                             });
                    }
                  });
            });
      });

  op.getResult().replaceAllUsesWith(
      createMatmulResult(b, op, initTensor, buildReduction(b, init)));
  op.erase();
}

namespace {

struct MaterializeTilingPass
    : public mlir::w4a16::impl::W4A16MaterializeTilingPassBase<
          MaterializeTilingPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<MatmulOp> matmuls;
    getOperation()->walk([&](MatmulOp op) {
      if (op->hasAttr(TilingAttr::getOpAttrName()))
        matmuls.push_back(op);
    });
    for (MatmulOp op : matmuls)
      if (failed(materialize(op)))
        return signalPassFailure();
  }

  /// Checks what the loops support: the GPU kernels' inputs.
  LogicalResult checkSupported(MatmulOp op, TilingAttr tiling, int64_t waves) {
    if (failed(verifyTiledWeights(op)))
      return failure();
    if (op.getScheme().getLayout() != WeightLayout::Gptq)
      return op.emitOpError()
             << "the tile loops read gptq weights, got "
             << stringifyWeightLayout(op.getScheme().getLayout());
    if (op.getScheme().getZeroPoint() == ZeroPointKind::Float &&
        tiling.getStrategy() != TilingStrategy::Decode)
      return op.emitOpError() << "float zero points have no "
                              << stringifyTilingStrategy(tiling.getStrategy())
                              << " kernel arithmetic (decode only)";
    if (testSplitSkew < 0 || testSplitSkew >= getKPerSplit(tiling, op.getK()) ||
        testSplitSkew % kValuesPerWord != 0)
      return op.emitOpError("test-split-skew must be a multiple of 8 below "
                            "the slice");
    return verifySplitKGeometry(op, tiling);
  }

  LogicalResult materialize(MatmulOp op) {
    FailureOr<SmallVector<TilingAttr>> ranges = getDispatchRanges(op);
    if (failed(ranges))
      return failure();
    SmallVector<int64_t> waves;
    for (TilingAttr tiling : *ranges) {
      auto target = lookupTarget(tiling.getChip());
      if (!target)
        return op.emitOpError() << llvm::toString(target.takeError());
      waves.push_back(tiling.getWorkgroupSize() / target->waveSize);
      if (failed(checkSupported(op, tiling, waves.back())))
        return failure();
    }
    SmallVector<MatmulOp> perRange;
    if (ranges->size() == 1) {
      perRange.push_back(op);
    } else {
      ImplicitLocOpBuilder b(op.getLoc(), op);
      Value result = buildMDispatch(b, op, createRowCount(b, op.getInput()),
                                    *ranges, perRange);
      op.getResult().replaceAllUsesWith(result);
      op.erase();
    }
    for (auto [clone, tiling, waveCount] : llvm::zip(perRange, *ranges, waves))
      TileLoops(clone, tiling, waveCount, testSplitSkew).build();
    return success();
  }
};

} // namespace
