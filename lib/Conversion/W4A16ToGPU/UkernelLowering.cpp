//===- UkernelLowering.cpp - Main kernels that call the HIP microkernels --===//
//
// The microkernel backend of the GPU conversion. The generated kernel owns the
// grid, split-K, bounds, the reduction and the epilogue (the SplitKLowering
// skeleton); its inner K loop is one call to an entry point of
// lib/Microkernels (w4a16_uk.h), declared as an llvm.func in the gpu.module and
// linked as bitcode by the GPU pipeline, which inlines it.
//   decode: w4a16_uk_gemv_<T>_m<R>. Each wave takes a K range of the split,
//     lane l the 4 columns n0 + 4 l; the waves are summed through LDS.
//   small_batch, prefill: w4a16_uk_wmma_<T>_<layout>_n<16 T>. Each wave takes
//     16 x 16 T output tiles over a K range; the accumulators (gfx11 C layout)
//     go to the workspace, summed through LDS first when waves share a tile.
// What the microkernels do not cover (the preconditions of
// lib/Microkernels/README.md) gets a remark and the MLIR lowering.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Support/PackedFormat.h"
#include "w4a16/Support/Repack.h"
#include "w4a16/Target/WmmaLayout.h"
#include "w4a16_uk.h"

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {

/// The entry points of w4a16_uk.h, with the C names of their element type
/// and weight layout.
struct GemvEntry {
  StringLiteral name, element;
  int64_t rows;
};
constexpr GemvEntry kGemvEntries[] = {
#define W4A16_GEMV_ENTRY(name, T, rows) {#name, #T, rows},
    W4A16_UK_FOR_EACH_GEMV(W4A16_GEMV_ENTRY)
#undef W4A16_GEMV_ENTRY
};
struct WmmaEntry {
  StringLiteral name, element, layout;
  int64_t tiles;
};
constexpr WmmaEntry kWmmaEntries[] = {
#define W4A16_WMMA_ENTRY(name, T, layout, tiles) {#name, #T, #layout, tiles},
    W4A16_UK_FOR_EACH_WMMA(W4A16_WMMA_ENTRY)
#undef W4A16_WMMA_ENTRY
};

StringRef getElementName(Type activation) {
  return activation.isF16() ? "_Float16" : "__bf16";
}

StringRef getLayoutName(WeightLayout layout) {
  return layout == WeightLayout::Fragment ? "Fragment" : "Gptq";
}

/// The gemv family's lane reads one 16-byte load of each packed row.
using ::w4a16::kColumnsPerLoad;
/// The WMMA family walks K in steps of one fragment-layout block.
constexpr int64_t kWmmaStepK = ::w4a16::kFragmentBlockK;
constexpr int64_t kWmmaTile = gfx11::kWmmaSize;
constexpr int64_t kValuesPerWord = ::w4a16::kValuesPerWord;
/// Kernel buffers are global, allocas private (AMDGPU) or local (NVPTX):
/// the same numbers on both; the entry points take generic pointers.
constexpr unsigned kGlobalAddressSpace = 1;
constexpr unsigned kPrivateAddressSpace = 5;

/// Where a lane works: its lane and (scalar) wave index, the split-K slice
/// (grid y) and the first column of the workgroup's tile (grid x).
struct LanePosition {
  Value lane, wave, split, tileColumn;
};

/// The ABI of every entry point (W4A16_UK_PARAMS).
struct UkernelCall {
  Value a, rowsValid, column, kBegin, kEnd, acc;
};

class UkernelLowering : public SplitKLowering {
public:
  using SplitKLowering::SplitKLowering;

  /// Why the microkernels cannot lower the op (empty when they can).
  virtual std::string getUnsupportedReason() = 0;

protected:
  /// getUnsupportedReason has vetted the op before `lower` runs.
  LogicalResult checkSupported() override { return success(); }
  /// The entry point is chosen for the op's layout (gptq or fragment).
  WeightLayout getWeightLayout() const override { return scheme.getLayout(); }

  std::string getCommonUnsupportedReason();
  int64_t getGroupSize() { return scheme.getEffectiveGroupSize(k); }
  /// Rows of K per split (K is split at group or word boundaries).
  int64_t getSplitRows() { return k / tiling.getSplitK(); }

  LLVM::LLVMFuncOp declareEntry(ImplicitLocOpBuilder &b, StringRef name);
  /// A generic pointer to byte `byteOffset` of a kernel buffer.
  Value pointerTo(ImplicitLocOpBuilder &b, Value memref,
                  Value byteOffset = Value());
  /// A private array of `floats` f32 for a lane's accumulators, as a generic
  /// pointer (promoted to registers once the entry point is inlined).
  Value allocateAcc(ImplicitLocOpBuilder &b, int64_t floats);
  /// Calls `entry` with `acc` zeroed and returns the accumulators as
  /// vector<floats x f32>.
  Value callEntry(ImplicitLocOpBuilder &b, LLVM::LLVMFuncOp entry,
                  const MainKernelArgs &args, const UkernelCall &call,
                  int64_t floats);
  LanePosition getLanePosition(ImplicitLocOpBuilder &b);
  /// [k_begin, k_end) of part `part` of `parts` of the K rows of `split`,
  /// cut at multiples of `unit` rows (empty for parts past the end).
  std::pair<Value, Value> getKRange(ImplicitLocOpBuilder &b, Value split,
                                    int64_t parts, Value part, int64_t unit);
  Value toI64(ImplicitLocOpBuilder &b, Value index);
};

std::string UkernelLowering::getCommonUnsupportedReason() {
  if (!activation.isF16() && !activation.isBF16())
    return "activations must be f16 or bf16";
  if (op.getScales().getType().getElementType() != activation)
    return "scales must have the activation type";
  if (scheme.getLayout() == WeightLayout::Awq)
    return "awq weights must be repacked to gptq first (--w4a16-repack-awq)";
  if (scheme.getZeroPoint() == ZeroPointKind::Float)
    return "float zero points are not covered";
  if (op.getGIdx())
    return "act-order (g_idx) weights must be permuted at load time";
  return "";
}

LLVM::LLVMFuncOp UkernelLowering::declareEntry(ImplicitLocOpBuilder &b,
                                               StringRef name) {
  if (auto existing = kernels.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(kernels.getBody());
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  Type i64 = b.getI64Type();
  // W4A16_UK_PARAMS: a, lda, rows_valid, qweight, ldq, scales, ld_scales,
  // qzeros, ld_zeros, zero_kind, column, k_begin, k_end, group_size, acc.
  auto type =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                  {ptr, i64, i64, ptr, i64, ptr, i64, ptr, i64,
                                   b.getI32Type(), i64, i64, i64, i64, ptr});
  return LLVM::LLVMFuncOp::create(b, name, type);
}

Value UkernelLowering::toI64(ImplicitLocOpBuilder &b, Value index) {
  return arith::IndexCastOp::create(b, b.getI64Type(), index);
}

Value UkernelLowering::pointerTo(ImplicitLocOpBuilder &b, Value memref,
                                 Value byteOffset) {
  Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, memref);
  if (byteOffset)
    address = arith::AddIOp::create(b, address, byteOffset);
  // Global first, so that address-space inference gives global loads.
  Value global = LLVM::IntToPtrOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext(), kGlobalAddressSpace),
      toI64(b, address));
  return LLVM::AddrSpaceCastOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext()), global);
}

Value UkernelLowering::allocateAcc(ImplicitLocOpBuilder &b, int64_t floats) {
  Value one = LLVM::ConstantOp::create(b, b.getI32Type(), 1);
  Value slot = LLVM::AllocaOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext(), kPrivateAddressSpace),
      VectorType::get({floats}, b.getF32Type()), one, /*alignment=*/16);
  return LLVM::AddrSpaceCastOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext()), slot);
}

Value UkernelLowering::callEntry(ImplicitLocOpBuilder &b,
                                 LLVM::LLVMFuncOp entry,
                                 const MainKernelArgs &args,
                                 const UkernelCall &call, int64_t floats) {
  auto accType = VectorType::get({floats}, b.getF32Type());
  LLVM::StoreOp::create(
      b,
      arith::ConstantOp::create(
          b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0))),
      call.acc);
  int32_t zeroKind = W4A16_UK_ZERO_NONE;
  if (scheme.getZeroPoint() == ZeroPointKind::Symmetric)
    zeroKind = W4A16_UK_ZERO_SYMMETRIC;
  else if (scheme.getZeroPoint() == ZeroPointKind::Packed)
    zeroKind = scheme.getGptqV1() ? W4A16_UK_ZERO_PACKED_PLUS_ONE
                                  : W4A16_UK_ZERO_PACKED;
  auto i64 = [&](int64_t v) {
    return LLVM::ConstantOp::create(b, b.getI64Type(), v);
  };
  Value zeros =
      args.zeros
          ? pointerTo(b, args.zeros)
          : LLVM::ZeroOp::create(b, LLVM::LLVMPointerType::get(b.getContext()));
  LLVM::CallOp::create(
      b, entry,
      ValueRange{call.a, i64(k), toI64(b, call.rowsValid),
                 pointerTo(b, args.qweight), i64(n), pointerTo(b, args.scales),
                 i64(n), zeros, i64(n / kValuesPerWord),
                 LLVM::ConstantOp::create(b, b.getI32Type(), zeroKind),
                 toI64(b, call.column), toI64(b, call.kBegin),
                 toI64(b, call.kEnd), i64(getGroupSize()), call.acc});
  return LLVM::LoadOp::create(b, accType, call.acc);
}

LanePosition UkernelLowering::getLanePosition(ImplicitLocOpBuilder &b) {
  LanePosition position;
  position.lane =
      arith::RemUIOp::create(b, gpu::ThreadIdOp::create(b, gpu::Dimension::x),
                             cIndex(b, target.waveSize));
  // The entry points need wave-uniform arguments for their scalar loads.
  position.wave = getUniformWave(b);
  position.split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  position.tileColumn =
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            cIndex(b, tiling.getTileN()));
  return position;
}

std::pair<Value, Value> UkernelLowering::getKRange(ImplicitLocOpBuilder &b,
                                                   Value split, int64_t parts,
                                                   Value part, int64_t unit) {
  int64_t splitRows = getSplitRows();
  int64_t partRows = llvm::alignTo(llvm::divideCeil(splitRows, parts), unit);
  Value splitBegin = arith::MulIOp::create(b, split, cIndex(b, splitRows));
  auto kAt = [&](Value index) -> Value {
    return arith::AddIOp::create(
        b, splitBegin,
        arith::MinUIOp::create(
            b, arith::MulIOp::create(b, index, cIndex(b, partRows)),
            cIndex(b, splitRows)));
  };
  return {kAt(part), kAt(arith::AddIOp::create(b, part, cIndex(b, 1)))};
}

/// decode: w4a16_uk_gemv_<T>_m<R>, R the smallest entry with R >= tile_m.
class GemvUkernelLowering : public UkernelLowering {
public:
  using UkernelLowering::UkernelLowering;

  std::string getUnsupportedReason() override {
    std::string common = getCommonUnsupportedReason();
    if (!common.empty())
      return common;
    if (tiling.getDecodeKernel() != DecodeKernel::Dot)
      return "the gemv microkernel is a dot kernel, the tiling asks for "
             "decode_kernel = " +
             stringifyDecodeKernel(tiling.getDecodeKernel()).str();
    if (scheme.getLayout() != WeightLayout::Gptq)
      return "the gemv microkernel reads the gptq layout";
    if (!getEntry())
      return "tile_m = " + std::to_string(tiling.getTileM()) +
             " exceeds the largest gemv microkernel";
    if (n % kColumnsPerLoad != 0)
      return "N = " + std::to_string(n) + " is not a multiple of 4";
    if (getGroupSize() % kValuesPerWord != 0)
      return "the group size must be a multiple of 8";
    return "";
  }

  /// The hot loop is the microkernel's: W4A16_UK_GEMV_WORDS_PER_ITERATION
  /// words of 4 columns per lane.
  int64_t getLoopWeightsPerLane() override {
    int64_t rows = getEntry()->rows;
    return W4A16_UK_GEMV_WORDS_PER_ITERATION(rows) * kValuesPerWord *
           kColumnsPerLoad;
  }

protected:
  SmallVector<Type> getWorkgroupBuffers(Builder &b) override {
    return {getWorkgroupSumType(b)};
  }

  StringRef getKernelSuffix() const override { return "decode_ukernel"; }

  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override {
    const GemvEntry &entry = *getEntry();
    int64_t floats = entry.rows * kColumnsPerLoad;
    Value acc = allocateAcc(b, floats);
    LLVM::LLVMFuncOp callee = declareEntry(b, entry.name);

    LanePosition position = getLanePosition(b);
    Value lane = position.lane, wave = position.wave, split = position.split,
          tileColumn = position.tileColumn;
    Value laneColumn =
        arith::MulIOp::create(b, lane, cIndex(b, kColumnsPerLoad));
    // The microkernel does not mask: lanes past N read the last 4 columns
    // and their sums are dropped by storeWorkgroupSum.
    Value column = arith::MinUIOp::create(
        b, arith::AddIOp::create(b, tileColumn, laneColumn),
        cIndex(b, n - kColumnsPerLoad));
    // The waves split the split's K rows in whole words.
    auto [kBegin, kEnd] = getKRange(b, split, waves, wave, kValuesPerWord);
    // This workgroup's rows start at tileRowBegin (any M: rows past M are
    // read as the last row and dropped by storeWorkgroupSum).
    Value tileRowBegin = getTileRowBegin(b);
    int64_t rowBytes = k * activation.getIntOrFloatBitWidth() / 8;
    UkernelCall call;
    call.a = pointerTo(
        b, args.x, arith::MulIOp::create(b, tileRowBegin, cIndex(b, rowBytes)));
    call.rowsValid = arith::SubIOp::create(b, args.m, tileRowBegin);
    call.column = column;
    call.kBegin = kBegin;
    call.kEnd = kEnd;
    call.acc = acc;
    Value sums = callEntry(b, callee, args, call, floats);

    SmallVector<Value> rows;
    for (int64_t mi = 0; mi < tiling.getTileM(); ++mi) {
      SmallVector<int64_t> columns;
      for (int64_t c = 0; c < kColumnsPerLoad; ++c)
        columns.push_back(mi * kColumnsPerLoad + c);
      rows.push_back(vector::ShuffleOp::create(b, sums, sums, columns));
    }
    storeWorkgroupSum(b, func.getWorkgroupAttributions().front(), rows, wave,
                      laneColumn, tileColumn, tileRowBegin, split, args);
  }

private:
  const GemvEntry *getEntry() {
    const GemvEntry *best = nullptr;
    for (const GemvEntry &entry : kGemvEntries)
      if (entry.element == getElementName(activation) &&
          entry.rows >= tiling.getTileM() && (!best || entry.rows < best->rows))
        best = &entry;
    return best;
  }
};

/// small_batch and prefill: w4a16_uk_wmma_<T>_<layout>_n<16 T>, 4 tiles of 16
/// columns where N and tile_n allow, else 1.
class WmmaUkernelLowering : public UkernelLowering {
public:
  WmmaUkernelLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                      StringRef name, const TargetInfo &target)
      : UkernelLowering(op, tiling, kernels, name, target) {
    for (int64_t tiles : {4, 1})
      if (n % (kWmmaTile * tiles) == 0 &&
          tiling.getTileN() % (kWmmaTile * tiles) == 0) {
        entry = findEntry(tiles);
        break;
      }
    if (!entry)
      return;
    // Output tiles of one wave call in the workgroup; several waves share a
    // tile's K range when there are fewer tiles than waves.
    tilesN = tiling.getTileN() / (kWmmaTile * entry->tiles);
    slots = tiling.getTileM() / kWmmaTile * tilesN;
    kWays = slots >= waves ? 1 : waves / slots;
    slotsPerWave = slots >= waves ? slots / waves : 1;
  }

  std::string getUnsupportedReason() override {
    std::string common = getCommonUnsupportedReason();
    if (!common.empty())
      return common;
    if (!entry)
      return "N = " + std::to_string(n) +
             " and tile_n = " + std::to_string(tiling.getTileN()) +
             " must be multiples of 16 for the WMMA microkernel";
    if (getGroupSize() % kWmmaStepK != 0)
      return "group size " + std::to_string(getGroupSize()) +
             " is not a multiple of 32 (the WMMA microkernel steps 32 K)";
    if (getSplitRows() % kWmmaStepK != 0)
      return "the K rows of a split are not a multiple of 32";
    if (tiling.getTileM() % kWmmaTile != 0 ||
        (slots >= waves ? slots % waves : waves % slots) != 0)
      return "the workgroup's 16-row tiles do not divide among its waves";
    return "";
  }

  /// One microkernel iteration: 32 K of 16 x tiles columns per wave.
  int64_t getLoopWeightsPerLane() override {
    return kWmmaStepK * kWmmaTile * entry->tiles / target.waveSize;
  }
  /// A call multiplies its weights with one 16-row A tile.
  int64_t getLoopRows() override { return kWmmaTile; }

protected:
  int64_t getAccFloats() const { return entry->tiles * gfx11::kAccF32Elements; }

  SmallVector<Type> getWorkgroupBuffers(Builder &b) override {
    if (kWays == 1)
      return {};
    return {workgroupMemrefOf({waves, target.waveSize, getAccFloats()},
                              b.getF32Type())};
  }

  StringRef getKernelSuffix() const override {
    return tiling.getStrategy() == TilingStrategy::Prefill
               ? "prefill_ukernel"
               : "small_batch_ukernel";
  }

  void buildMainKernelBody(ImplicitLocOpBuilder &b, gpu::GPUFuncOp func,
                           const MainKernelArgs &args) override;

private:
  const WmmaEntry *findEntry(int64_t tiles) {
    for (const WmmaEntry &candidate : kWmmaEntries)
      if (candidate.element == getElementName(activation) &&
          candidate.layout == getLayoutName(scheme.getLayout()) &&
          candidate.tiles == tiles)
        return &candidate;
    return nullptr;
  }

  /// Stores a wave's accumulators of the output tile at (row0, column0)
  /// into the workspace, rows < M and columns < N only.
  void storeTile(ImplicitLocOpBuilder &b, Value acc, Value lane, Value row0,
                 Value column0, Value split, const MainKernelArgs &args);

  const WmmaEntry *entry = nullptr;
  int64_t tilesN = 0, slots = 0, kWays = 1, slotsPerWave = 1;
};

void WmmaUkernelLowering::storeTile(ImplicitLocOpBuilder &b, Value acc,
                                    Value lane, Value row0, Value column0,
                                    Value split, const MainKernelArgs &args) {
  for (int64_t t = 0; t < entry->tiles; ++t)
    storeAccumulatorTile(
        b, acc, t * gfx11::kAccF32Elements, lane, row0,
        arith::AddIOp::create(b, column0, cIndex(b, t * kWmmaTile)), split,
        args);
}

void WmmaUkernelLowering::buildMainKernelBody(ImplicitLocOpBuilder &b,
                                              gpu::GPUFuncOp func,
                                              const MainKernelArgs &args) {
  int64_t floats = getAccFloats();
  auto accType = VectorType::get({floats}, b.getF32Type());
  Value acc = allocateAcc(b, floats);
  LLVM::LLVMFuncOp callee = declareEntry(b, entry->name);

  LanePosition position = getLanePosition(b);
  Value lane = position.lane, wave = position.wave, split = position.split,
        tileColumn = position.tileColumn;
  Value tileRow = getTileRowBegin(b);
  // Waves that share a tile take consecutive K ranges of the split.
  Value firstSlot = arith::RemUIOp::create(b, wave, cIndex(b, slots));
  Value kWay = arith::DivUIOp::create(b, wave, cIndex(b, slots));
  std::pair<Value, Value> kRange = getKRange(b, split, kWays, kWay, kWmmaStepK);
  int64_t waveColumns = kWmmaTile * entry->tiles;
  int64_t rowBytes =
      k * static_cast<int64_t>(activation.getIntOrFloatBitWidth() / 8);

  // Accumulators of the output tile in `slot` and that tile's origin.
  struct SlotResult {
    Value acc, row0, column0;
  };
  auto computeSlot = [&](ImplicitLocOpBuilder &lb, Value slot) {
    Value row0 = arith::AddIOp::create(
        lb, tileRow,
        arith::MulIOp::create(
            lb, arith::DivUIOp::create(lb, slot, cIndex(lb, tilesN)),
            cIndex(lb, kWmmaTile)));
    Value column0 = arith::AddIOp::create(
        lb, tileColumn,
        arith::MulIOp::create(
            lb, arith::RemUIOp::create(lb, slot, cIndex(lb, tilesN)),
            cIndex(lb, waveColumns)));
    // Wave-uniform: whole tiles past M or N are skipped.
    Value active = arith::AndIOp::create(
        lb, arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, row0, args.m),
        arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, column0,
                              cIndex(lb, n)));
    auto ifOp = scf::IfOp::create(
        lb, active,
        [&](OpBuilder &nested, Location loc) {
          ImplicitLocOpBuilder tb(loc, nested);
          UkernelCall call;
          call.a =
              pointerTo(tb, args.x,
                        arith::MulIOp::create(tb, row0, cIndex(tb, rowBytes)));
          call.rowsValid = arith::SubIOp::create(tb, args.m, row0);
          call.column = column0;
          call.kBegin = kRange.first;
          call.kEnd = kRange.second;
          call.acc = acc;
          scf::YieldOp::create(tb, callEntry(tb, callee, args, call, floats));
        },
        [&](OpBuilder &nested, Location loc) {
          scf::YieldOp::create(
              nested, loc,
              ValueRange{arith::ConstantOp::create(
                  nested, loc,
                  DenseElementsAttr::get(accType, nested.getF32FloatAttr(0)))});
        });
    return SlotResult{ifOp.getResult(0), row0, column0};
  };

  if (kWays == 1) {
    scf::ForOp::create(
        b, firstSlot, cIndex(b, slots), cIndex(b, waves), ValueRange{},
        [&](OpBuilder &nested, Location loc, Value slot, ValueRange) {
          ImplicitLocOpBuilder lb(loc, nested);
          SlotResult tile = computeSlot(lb, slot);
          storeTile(lb, tile.acc, lane, tile.row0, tile.column0, split, args);
          scf::YieldOp::create(lb);
        });
    return;
  }
  // Several waves per tile: the first of them sums the others' accumulators
  // in K order (deterministic) through LDS.
  SlotResult tile = computeSlot(b, firstSlot);
  Value lds = func.getWorkgroupAttributions().front();
  vector::StoreOp::create(b, tile.acc, lds,
                          ValueRange{wave, lane, cIndex(b, 0)});
  gpu::BarrierOp::create(b);
  Value first =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq, kWay, cIndex(b, 0));
  scf::IfOp::create(b, first, [&](OpBuilder &nested, Location loc) {
    ImplicitLocOpBuilder lb(loc, nested);
    Value sum = tile.acc;
    for (int64_t way = 1; way < kWays; ++way)
      sum = arith::AddFOp::create(
          lb, sum,
          vector::LoadOp::create(
              lb, accType, lds,
              ValueRange{
                  arith::AddIOp::create(lb, firstSlot, cIndex(lb, way * slots)),
                  lane, cIndex(lb, 0)}));
    storeTile(lb, sum, lane, tile.row0, tile.column0, split, args);
    scf::YieldOp::create(lb);
  });
}

} // namespace

std::unique_ptr<SplitKLowering> gpukernels::createUkernelLowering(
    MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels, StringRef name,
    const TargetInfo &target, bool quietFallback) {
  std::unique_ptr<UkernelLowering> lowering;
  if (tiling.getStrategy() == TilingStrategy::Decode)
    lowering = std::make_unique<GemvUkernelLowering>(op, tiling, kernels, name,
                                                     target);
  else
    lowering = std::make_unique<WmmaUkernelLowering>(op, tiling, kernels, name,
                                                     target);
  std::string reason = lowering->getUnsupportedReason();
  if (reason.empty())
    return lowering;
  if (!quietFallback)
    op.emitRemark() << "microkernel backend not used (" << reason
                    << "); using the MLIR lowering";
  return nullptr;
}
