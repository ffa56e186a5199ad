//===- EmulateAMDGPU.cpp - AMD-specific kernel ops to portable ops --------===//
//
// Makes kernels lowered for gfx11 run on another wave32/warp32 GPU without
// changing anything else about them (tiling, lane mapping, dequant), so
// that running them proves the gfx11 lowering. dot2 becomes two exact f32
// FMAs; a WMMA becomes, per lane, the documented gfx11 lane semantics of
// Target/WmmaLayout.h built from subgroup shuffles and f32 FMAs, plus a
// check of the half-wave duplication gfx11 requires.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/AMDGPUToPortable/EmulateAMDGPU.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "w4a16/Target/WmmaLayout.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16EMULATEAMDGPUPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

constexpr StringLiteral kAmdgcnPrefix = "llvm.amdgcn.";
constexpr StringLiteral kDot2F16 = "llvm.amdgcn.fdot2";
constexpr StringLiteral kDot2Bf16 = "llvm.amdgcn.fdot2.f32.bf16";
/// The canonical copy of the duplicated A/B operands: lanes 0-15.
constexpr int64_t kHalfWave = gfx11::kWaveLanes / 2;

bool isDot2(LLVM::CallIntrinsicOp op) {
  StringRef name = op.getIntrin();
  return name == kDot2F16 || name == kDot2Bf16;
}

/// Whether the emulation must rewrite `op`: it is AMD-specific.
bool isAmdSpecific(Operation *op) {
  if (isa<amdgpu::AMDGPUDialect, ROCDL::ROCDLDialect>(op->getDialect()))
    return true;
  auto call = dyn_cast<LLVM::CallIntrinsicOp>(op);
  return call && call.getIntrin().starts_with(kAmdgcnPrefix);
}

Value constI32(ImplicitLocOpBuilder &b, int64_t value) {
  return arith::ConstantIntOp::create(b, b.getI32Type(), value);
}

/// `gpu.subgroup_broadcast` (which only the ROCDL lowering handles) becomes
/// a shuffle from the lane it names. w4a16 kernels broadcast only in
/// convergent code with every lane of the wave active, so the first active
/// lane is lane 0.
LogicalResult emulateBroadcast(gpu::SubgroupBroadcastOp op) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  Value value = op.getSrc();
  Type type = value.getType();
  if (!type.isIndex() && !type.isInteger(32))
    return op.emitOpError("emulation handles index and i32 broadcasts only");
  Value lane = op.getLane() ? op.getLane() : constI32(b, 0);
  if (type.isIndex())
    value = arith::IndexCastOp::create(b, b.getI32Type(), value);
  Value shuffled =
      gpu::ShuffleOp::create(b, value, lane, constI32(b, gfx11::kWaveLanes),
                             gpu::ShuffleMode::IDX)
          .getShuffleResult();
  if (type.isIndex())
    shuffled = arith::IndexCastOp::create(b, type, shuffled);
  op.replaceAllUsesWith(shuffled);
  op.erase();
  return success();
}

Value toF32(ImplicitLocOpBuilder &b, Value value) {
  return arith::ExtFOp::create(b, b.getF32Type(), value);
}

/// a0 * b0 + a1 * b1 + c in f32.
LogicalResult emulateDot2(LLVM::CallIntrinsicOp op) {
  OperandRange args = op.getArgs();
  auto pairType =
      args.size() == 4 ? dyn_cast<VectorType>(args[0].getType()) : VectorType();
  if (!pairType || pairType.getNumElements() != 2 ||
      args[1].getType() != pairType || !args[2].getType().isF32() ||
      op.getNumResults() != 1 || !op.getResult(0).getType().isF32())
    return op.emitOpError("emulation expects ")
           << op.getIntrin() << "(vector<2xT>, vector<2xT>, f32, i1) -> f32";
  if (!matchPattern(args[3], m_Zero()))
    return op.emitOpError("emulation supports ")
           << op.getIntrin() << " only with the clamp operand false";
  ImplicitLocOpBuilder b(op.getLoc(), op);
  Value acc = args[2];
  for (int64_t i = 0; i < 2; ++i)
    acc = LLVM::FMAOp::create(
        b, toF32(b, vector::ExtractOp::create(b, args[0], i)),
        toF32(b, vector::ExtractOp::create(b, args[1], i)), acc);
  op.getResult(0).replaceAllUsesWith(acc);
  op.erase();
  return success();
}

/// For each K index, the element of a lane's A (B) operand that holds it,
/// read from the gfx11 layout maps.
struct KOrder {
  SmallVector<int64_t> aElementOfK, bElementOfK;
};

/// Reads the K order from the layout maps and checks what the emulation
/// relies on: within lanes 0-15, lane i holds A row i and B column i, so a
/// row or column is gathered from the lane of that number.
FailureOr<KOrder> readLayout(MLIRContext *ctx) {
  AffineMap aMap = gfx11::getAOperandMap(ctx);
  AffineMap bMap = gfx11::getBOperandMap(ctx);
  constexpr int64_t n = gfx11::kWmmaSize;
  KOrder order{SmallVector<int64_t>(n, -1), SmallVector<int64_t>(n, -1)};
  auto place = [&](SmallVector<int64_t> &table, int64_t k, int64_t element) {
    if (k < 0 || k >= n || table[k] != -1)
      return false;
    table[k] = element;
    return true;
  };
  for (int64_t e = 0; e < gfx11::kOperandElements; ++e)
    if (!place(order.aElementOfK, gfx11::evaluate(aMap, 0, e).second, e) ||
        !place(order.bElementOfK, gfx11::evaluate(bMap, 0, e).first, e))
      return failure();
  for (int64_t lane = 0; lane < kHalfWave; ++lane)
    if (gfx11::evaluate(aMap, lane, 0).first != lane ||
        gfx11::evaluate(bMap, lane, 0).second != lane)
      return failure();
  return order;
}

class WmmaEmulator {
public:
  WmmaEmulator(const KOrder &order, memref::GlobalOp errorFlag)
      : order(order), errorFlag(errorFlag) {}

  LogicalResult emulate(amdgpu::WMMAOp op);

private:
  /// The operand's 32-bit words (two 16-bit elements each), which is what
  /// a shuffle moves.
  SmallVector<Value> words(ImplicitLocOpBuilder &b, Value operand);
  /// Sets the error flag unless every lane's words equal those of lane
  /// `lane % 16`.
  void checkDuplicated(ImplicitLocOpBuilder &b, ArrayRef<Value> operandWords);
  /// The 16 elements (in f32) of the operand whose words `from` holds in
  /// lane `sourceLane`, ordered by K through `elementOfK`.
  SmallVector<Value> gather(ImplicitLocOpBuilder &b, ArrayRef<Value> from,
                            Value sourceLane, VectorType operandType,
                            ArrayRef<int64_t> elementOfK);

  const KOrder &order;
  memref::GlobalOp errorFlag;
};

SmallVector<Value> WmmaEmulator::words(ImplicitLocOpBuilder &b, Value operand) {
  auto type = VectorType::get({gfx11::kOperandElements / 2}, b.getI32Type());
  Value packed = vector::BitCastOp::create(b, type, operand);
  SmallVector<Value> result;
  for (int64_t w = 0; w < type.getNumElements(); ++w)
    result.push_back(vector::ExtractOp::create(b, packed, w));
  return result;
}

void WmmaEmulator::checkDuplicated(ImplicitLocOpBuilder &b,
                                   ArrayRef<Value> operandWords) {
  Value width = constI32(b, gfx11::kWaveLanes);
  Value mismatch = arith::ConstantIntOp::create(b, b.getI1Type(), 0);
  for (Value word : operandWords) {
    Value partner =
        gpu::ShuffleOp::create(
            b, word, constI32(b, kHalfWave), width,
            gpu::ShuffleModeAttr::get(b.getContext(), gpu::ShuffleMode::XOR))
            .getShuffleResult();
    mismatch = arith::OrIOp::create(
        b, mismatch,
        arith::CmpIOp::create(b, arith::CmpIPredicate::ne, word, partner));
  }
  scf::IfOp::create(b, mismatch, [&](OpBuilder &nested, Location loc) {
    ImplicitLocOpBuilder tb(loc, nested);
    Value flag = memref::GetGlobalOp::create(tb, errorFlag.getType(),
                                             errorFlag.getSymName());
    memref::StoreOp::create(tb, constI32(tb, 1), flag, ValueRange{});
    scf::YieldOp::create(tb);
  });
}

SmallVector<Value> WmmaEmulator::gather(ImplicitLocOpBuilder &b,
                                        ArrayRef<Value> from, Value sourceLane,
                                        VectorType operandType,
                                        ArrayRef<int64_t> elementOfK) {
  Value width = constI32(b, gfx11::kWaveLanes);
  auto wordsType = VectorType::get({int64_t(from.size())}, b.getI32Type());
  Value packed = arith::ConstantOp::create(
      b, DenseElementsAttr::get(wordsType, b.getI32IntegerAttr(0)));
  for (auto [w, word] : llvm::enumerate(from)) {
    Value moved =
        gpu::ShuffleOp::create(
            b, word, sourceLane, width,
            gpu::ShuffleModeAttr::get(b.getContext(), gpu::ShuffleMode::IDX))
            .getShuffleResult();
    packed = vector::InsertOp::create(b, moved, packed, int64_t(w));
  }
  Value elements = vector::BitCastOp::create(b, operandType, packed);
  SmallVector<Value> result;
  for (int64_t e : elementOfK)
    result.push_back(toF32(b, vector::ExtractOp::create(b, elements, e)));
  return result;
}

LogicalResult WmmaEmulator::emulate(amdgpu::WMMAOp op) {
  auto aType = cast<VectorType>(op.getSourceA().getType());
  auto accType = cast<VectorType>(op.getDestC().getType());
  Type element = aType.getElementType();
  if (op.getM() != gfx11::kWmmaSize || op.getN() != gfx11::kWmmaSize ||
      op.getK() != gfx11::kWmmaSize ||
      aType.getNumElements() != gfx11::kOperandElements ||
      !(element.isF16() || element.isBF16()) ||
      op.getSourceB().getType() != aType ||
      accType.getNumElements() != gfx11::kAccF32Elements ||
      !accType.getElementType().isF32())
    return op.emitOpError(
        "emulation supports only the gfx11 16x16x16 form with f16 or bf16 "
        "vector<16xT> A/B and a vector<8xf32> accumulator");
  if (op.getUnsignedA() || op.getUnsignedB() || op.getClamp())
    return op.emitOpError("emulation does not support unsignedA, unsignedB "
                          "or clamp");

  ImplicitLocOpBuilder b(op.getLoc(), op);
  SmallVector<Value> aWords = words(b, op.getSourceA());
  SmallVector<Value> bWords = words(b, op.getSourceB());
  checkDuplicated(b, llvm::to_vector(llvm::concat<Value>(aWords, bWords)));

  Value lane = gpu::LaneIdOp::create(b, /*upperBound=*/nullptr);
  AffineMap accMap = gfx11::getAccF32Map(b.getContext());
  auto laneOf = [&](OpFoldResult index) -> Value {
    return arith::IndexCastOp::create(
        b, b.getI32Type(),
        getValueOrCreateConstantIndexOp(b, b.getLoc(), index));
  };
  Value result = op.getDestC();
  for (int64_t v = 0; v < gfx11::kAccF32Elements; ++v) {
    auto [row, column] =
        gfx11::emitCoordinates(b, b.getLoc(), accMap, lane, b.getIndexAttr(v));
    SmallVector<Value> aRow =
        gather(b, aWords, laneOf(row), aType, order.aElementOfK);
    SmallVector<Value> bColumn =
        gather(b, bWords, laneOf(column), aType, order.bElementOfK);
    Value acc = vector::ExtractOp::create(b, result, v);
    for (auto [x, y] : llvm::zip(aRow, bColumn))
      acc = LLVM::FMAOp::create(b, x, y, acc);
    result = vector::InsertOp::create(b, acc, result, v);
  }
  op.getResult().replaceAllUsesWith(result);
  op.erase();
  return success();
}

/// The module's error flag, created (initially 0) if missing.
memref::GlobalOp getOrCreateErrorFlag(gpu::GPUModuleOp module) {
  if (auto flag =
          module.lookupSymbol<memref::GlobalOp>(kEmulationErrorFlagName))
    return flag;
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto global = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Global);
  auto type =
      MemRefType::get({}, b.getI32Type(), MemRefLayoutAttrInterface(), global);
  return memref::GlobalOp::create(
      b, module.getLoc(), kEmulationErrorFlagName, b.getStringAttr("public"),
      type,
      DenseElementsAttr::get(RankedTensorType::get({}, b.getI32Type()),
                             b.getI32IntegerAttr(0)),
      /*constant=*/false, /*alignment=*/nullptr);
}

struct W4A16EmulateAMDGPUPass
    : public mlir::w4a16::impl::W4A16EmulateAMDGPUPassBase<
          W4A16EmulateAMDGPUPass> {
  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    SmallVector<LLVM::CallIntrinsicOp> dot2s;
    SmallVector<amdgpu::WMMAOp> wmmas;
    SmallVector<gpu::SubgroupBroadcastOp> broadcasts;
    module.walk([&](gpu::SubgroupBroadcastOp op) { broadcasts.push_back(op); });
    for (gpu::SubgroupBroadcastOp op : broadcasts)
      if (failed(emulateBroadcast(op)))
        return signalPassFailure();
    WalkResult walk = module.walk([&](Operation *op) {
      if (!isAmdSpecific(op))
        return WalkResult::advance();
      if (auto call = dyn_cast<LLVM::CallIntrinsicOp>(op); call && isDot2(call))
        dot2s.push_back(call);
      else if (auto wmma = dyn_cast<amdgpu::WMMAOp>(op))
        wmmas.push_back(wmma);
      else
        return op->emitOpError("is AMD-specific and has no portable "
                               "emulation"),
               WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    for (LLVM::CallIntrinsicOp op : dot2s)
      if (failed(emulateDot2(op)))
        return signalPassFailure();
    // The flag exists in every emulated module, so that a host can read it
    // whatever the kernels contain.
    memref::GlobalOp errorFlag = getOrCreateErrorFlag(module);
    if (wmmas.empty())
      return;
    FailureOr<KOrder> order = readLayout(module.getContext());
    if (failed(order)) {
      module.emitError("the gfx11 WMMA layout maps do not have lane i of "
                       "lanes 0-15 hold A row i and B column i, with each K "
                       "index once");
      return signalPassFailure();
    }
    WmmaEmulator emulator(*order, errorFlag);
    for (amdgpu::WMMAOp op : wmmas)
      if (failed(emulator.emulate(op)))
        return signalPassFailure();
  }
};

} // namespace
