//===- KernelLowering.cpp - Shared skeleton of the w4a16 GPU kernels ------===//

#include "KernelLowering.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "w4a16/Support/PackedFormat.h"
#include "w4a16/Support/Repack.h"
#include "w4a16/Target/NoL1Load.h"
#include "w4a16/Target/WmmaLayout.h"
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::w4a16;
using namespace mlir::w4a16::gpukernels;

namespace {
/// Threads per workgroup of the one-thread-per-element kernels (reduce,
/// permute).
constexpr int64_t kElementwiseWorkgroupSize = 256;
/// The widest access to memory a kernel makes (16-byte vectors).
constexpr int64_t kMaxAccessBytes = 16;
} // namespace

Value gpukernels::cIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value gpukernels::splatI32(ImplicitLocOpBuilder &b, VectorType type,
                           uint32_t v) {
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getI32IntegerAttr(v)));
}

/// The kernel argument type of a host tensor.
static MemRefType memrefOf(RankedTensorType type) {
  return MemRefType::get(type.getShape(), type.getElementType());
}

MemRefType gpukernels::workgroupMemrefOf(ArrayRef<int64_t> shape,
                                         Type element) {
  return MemRefType::get(
      shape, element, MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(element.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace()));
}

SplitKLowering::SplitKLowering(MatmulOp op, TilingAttr tiling,
                               gpu::GPUModuleOp kernels, StringRef name,
                               const TargetInfo &target)
    : op(op), tiling(tiling), kernels(kernels), name(name), target(target),
      scheme(op.getScheme()), k(op.getK()), n(op.getN()),
      activation(op.getInput().getType().getElementType()),
      waves(tiling.getWorkgroupSize() / target.waveSize) {}

SplitKLowering::~SplitKLowering() = default;

std::string SplitKLowering::getKernelName() const {
  return ("the " + stringifyTilingStrategy(tiling.getStrategy()) + " kernel")
      .str();
}

LogicalResult SplitKLowering::checkSupported() {
  if (failed(verifyTiledWeights(op)))
    return failure();
  if (scheme.getLayout() != getWeightLayout()) {
    InFlightDiagnostic diag = op.emitOpError()
                              << getKernelName() << " reads "
                              << stringifyWeightLayout(getWeightLayout())
                              << " weights, got "
                              << stringifyWeightLayout(scheme.getLayout());
    if (getWeightLayout() != WeightLayout::Fragment)
      return diag;
    if (!::w4a16::isFragmentLayoutShape(k, n))
      return diag << "; K = " << k << " x N = " << n << " is not whole "
                  << ::w4a16::kFragmentBlockK << " x "
                  << ::w4a16::kFragmentBlockN
                  << " blocks of that layout (decode reads any shape)";
    return diag << " (run --w4a16-repack-weights)";
  }
  if (scheme.getZeroPoint() == ZeroPointKind::Float && !supportsFloatZeros())
    return op.emitOpError() << getKernelName()
                            << " has no float zero points (only "
                               "decode_kernel = dot has)";
  return success();
}

int64_t SplitKLowering::getLoopWeightsPerLane() {
  return tiling.getTileK() * tiling.getTileN() / tiling.getWorkgroupSize();
}

LogicalResult SplitKLowering::lower() {
  if (failed(checkSupported()))
    return failure();
  gpu::GPUFuncOp main = buildMainKernel();
  buildLaunches(main, hasSplit() ? buildReduceKernel() : gpu::GPUFuncOp());
  return success();
}

MemRefType SplitKLowering::getOutType() {
  return MemRefType::get({ShapedType::kDynamic, n},
                         op.getInit().getType().getElementType());
}

MemRefType SplitKLowering::getWorkspaceType() {
  return MemRefType::get({tiling.getSplitK(), ShapedType::kDynamic, n},
                         Float32Type::get(op.getContext()));
}

gpu::GPUFuncOp SplitKLowering::buildMainKernel() {
  ImplicitLocOpBuilder b(op.getLoc(), op.getContext());
  b.setInsertionPointToEnd(kernels.getBody());
  auto inputType = MemRefType::get({ShapedType::kDynamic, k}, activation);
  SmallVector<Type> argTypes = {inputType, memrefOf(op.getQweight().getType()),
                                memrefOf(op.getScales().getType())};
  if (op.getZeros())
    argTypes.push_back(memrefOf(op.getZeros().getType()));
  if (hasSplit())
    argTypes.push_back(getWorkspaceType());
  else
    argTypes.append({getOutType(), getOutType()});
  argTypes.push_back(b.getIndexType());
  auto func = gpu::GPUFuncOp::create(b, name + "_" + getKernelSuffix().str(),
                                     b.getFunctionType(argTypes, {}),
                                     getWorkgroupBuffers(b));
  // The kernels access workgroup memory in up to 16-byte pieces (vector
  // loads, cp.async), so every buffer starts 16-byte aligned.
  for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
    func.setWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                                     b.getI64IntegerAttr(kMaxAccessBytes));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(tiling.getWorkgroupSize()), 1, 1}));
  Block &body = func.getBody().front();
  b.setInsertionPointToStart(&body);
  MainKernelArgs args;
  args.x = body.getArgument(0);
  args.qweight = body.getArgument(1);
  args.scales = body.getArgument(2);
  args.zeros = op.getZeros() ? body.getArgument(3) : Value();
  if (hasSplit()) {
    args.workspace = body.getArgument(argTypes.size() - 2);
  } else {
    args.init = body.getArgument(argTypes.size() - 3);
    args.out = body.getArgument(argTypes.size() - 2);
  }
  args.m = body.getArgument(argTypes.size() - 1);
  // The reduce kernel may be scheduled from here on: it waits for this
  // kernel's results, and its workgroups start as this grid drains.
  if (hasSplit() && target.hasDependentLaunch)
    NVVM::GriddepcontrolOp::create(b,
                                   NVVM::GridDepActionKind::launch_dependents);
  buildMainKernelBody(b, func, args);
  gpu::ReturnOp::create(b);
  return func;
}

gpu::KernelDim3 SplitKLowering::getMainGrid(ImplicitLocOpBuilder &b, Value m) {
  return {cIndex(b, getColumnTileCount(tiling, n)),
          cIndex(b, tiling.getSplitK()), createRowTileCount(b, tiling, m)};
}

Value SplitKLowering::getTileRowBegin(ImplicitLocOpBuilder &b) {
  return arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::z),
                               cIndex(b, tiling.getTileM()));
}

Value SplitKLowering::getUniformWave(ImplicitLocOpBuilder &b) {
  Value wave =
      arith::DivUIOp::create(b, gpu::ThreadIdOp::create(b, gpu::Dimension::x),
                             cIndex(b, target.waveSize));
  return gpu::SubgroupBroadcastOp::create(
      b, wave, /*lane=*/Value(), gpu::BroadcastType::first_active_lane);
}

/// Loads `type` from memref[row, column...]; columns past N are masked off
/// (read as zero) unless every tile is whole. `column` is a multiple of the
/// vector length, so with N one too the vector is aligned to its size (the
/// ABI's buffers are 16-byte aligned): NVPTX then emits one wide load
/// instead of one per element.
Value SplitKLowering::loadColumns(ImplicitLocOpBuilder &b, VectorType type,
                                  Value memref, Value row, Value column) {
  int64_t elements = type.getNumElements();
  llvm::MaybeAlign alignment;
  if (n % elements == 0)
    alignment = llvm::Align(elements * type.getElementTypeBitWidth() / 8);
  if (hasWholeTiles())
    return vector::LoadOp::create(b, type, memref, ValueRange{row, column},
                                  /*nontemporal=*/false, alignment);
  // Lane i of the vector is column + i: inside while i < N - column.
  auto offsetsType = VectorType::get(type.getShape(), b.getI32Type());
  Value columnsLeft = arith::IndexCastOp::create(
      b, b.getI32Type(), arith::SubIOp::create(b, cIndex(b, n), column));
  SmallVector<int32_t> offsets(type.getNumElements());
  std::iota(offsets.begin(), offsets.end(), 0);
  Value mask = arith::CmpIOp::create(
      b, arith::CmpIPredicate::slt,
      arith::ConstantOp::create(
          b, DenseElementsAttr::get(offsetsType, ArrayRef(offsets))),
      vector::BroadcastOp::create(b, offsetsType, columnsLeft));
  Value zero = arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getZeroAttr(type.getElementType())));
  return vector::MaskedLoadOp::create(b, type, memref, ValueRange{row, column},
                                      mask, zero, alignment);
}

ZeroPointLocation SplitKLowering::locateZeroPoints(ImplicitLocOpBuilder &b,
                                                   Value column,
                                                   int64_t count) {
  using ::w4a16::kValuesPerWord;
  ZeroPointLocation location{Value(), Value(), count};
  if (scheme.getZeroPoint() != ZeroPointKind::Packed)
    return location;
  auto shiftsType = VectorType::get({count}, b.getI32Type());
  // The shifts of the columns from nibble `first` on: the kernels read
  // GPTQ-ordered zeros (--w4a16-repack-awq reorders AWQ ones).
  auto shiftsFrom = [&](int64_t first) -> Value {
    SmallVector<int32_t> shifts;
    for (int64_t i = 0; i < count; ++i)
      shifts.push_back(
          ::w4a16::zeroPosition(::w4a16::PackedLayout::Gptq, 0, first + i)
              .shift);
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(shiftsType, ArrayRef(shifts)));
  };
  Value first = arith::RemUIOp::create(b, column, cIndex(b, kValuesPerWord));
  location.shifts = shiftsFrom(0);
  for (int64_t offset = count; offset < kValuesPerWord; offset += count)
    location.shifts = arith::SelectOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, first,
                              cIndex(b, offset)),
        shiftsFrom(offset), location.shifts);
  location.word = arith::MinUIOp::create(
      b, arith::DivUIOp::create(b, column, cIndex(b, kValuesPerWord)),
      cIndex(b, n / kValuesPerWord - 1));
  return location;
}

Value SplitKLowering::loadZeroPoints(ImplicitLocOpBuilder &b, Value zeros,
                                     Value group,
                                     const ZeroPointLocation &location) {
  return unpackZeroPoints(b, loadZeroWord(b, zeros, group, location), location);
}

Value SplitKLowering::loadZeroWord(ImplicitLocOpBuilder &b, Value zeros,
                                   Value group,
                                   const ZeroPointLocation &location) {
  return location.word ? memref::LoadOp::create(
                             b, zeros, ValueRange{group, location.word})
                       : Value();
}

Value SplitKLowering::unpackZeroPoints(ImplicitLocOpBuilder &b, Value word,
                                       const ZeroPointLocation &location) {
  auto pointsType = VectorType::get({location.count}, b.getI32Type());
  if (!word)
    return splatI32(b, pointsType,
                    scheme.getZeroPoint() == ZeroPointKind::Symmetric
                        ? ::w4a16::kSymmetricZeroPoint
                        : 0);
  Value points = arith::AndIOp::create(
      b,
      arith::ShRUIOp::create(
          b, vector::BroadcastOp::create(b, pointsType, word), location.shifts),
      splatI32(b, pointsType, (1u << ::w4a16::kBitsPerValue) - 1));
  if (scheme.getGptqV1())
    points = arith::AddIOp::create(b, points, splatI32(b, pointsType, 1));
  return points;
}

/// Stores `value` (a scalar, or a vector of consecutive columns) at
/// `indices` of `memref`.
static void storeValue(ImplicitLocOpBuilder &b, Value value, Value memref,
                       ValueRange indices) {
  if (isa<VectorType>(value.getType()))
    vector::StoreOp::create(b, value, memref, indices);
  else
    memref::StoreOp::create(b, value, memref, indices);
}

/// out[row, column...] = init + terms[0] + terms[1] + ..., summed in f32 in
/// that order and rounded once. The terms are f32 (or vectors of f32 for
/// consecutive columns); the same thread reads init and writes out, so they
/// may alias.
static void storeInitPlus(ImplicitLocOpBuilder &b, ValueRange terms, Value init,
                          Value out, Value row, Value column) {
  Type termType = terms.front().getType();
  Type outElement = cast<MemRefType>(out.getType()).getElementType();
  auto vectorType = dyn_cast<VectorType>(termType);
  Type outType = vectorType ? Type(vectorType.clone(outElement)) : outElement;
  Value sum =
      vectorType
          ? Value(vector::LoadOp::create(b, cast<VectorType>(outType), init,
                                         ValueRange{row, column}))
          : Value(memref::LoadOp::create(b, init, ValueRange{row, column}));
  if (outType != termType)
    sum = arith::ExtFOp::create(b, termType, sum);
  for (Value term : terms)
    sum = arith::AddFOp::create(b, sum, term);
  if (outType != termType)
    sum = arith::TruncFOp::create(b, outType, sum);
  storeValue(b, sum, out, ValueRange{row, column});
}

void SplitKLowering::storeResult(ImplicitLocOpBuilder &b, Value value,
                                 Value split, Value row, Value column,
                                 const MainKernelArgs &args) {
  if (hasSplit())
    return storeValue(b, value, args.workspace, ValueRange{split, row, column});
  storeInitPlus(b, value, args.init, args.out, row, column);
}

MemRefType SplitKLowering::getWorkgroupSumType(Builder &b) const {
  return workgroupMemrefOf({waves, tiling.getTileM(), tiling.getTileN()},
                           b.getF32Type());
}

void SplitKLowering::storeWorkgroupSum(ImplicitLocOpBuilder &b, Value lds,
                                       ValueRange rowPartials, Value wave,
                                       Value laneColumn, Value tileColumn,
                                       Value tileRowBegin, Value split,
                                       const MainKernelArgs &args) {
  for (auto [mi, partial] : llvm::enumerate(rowPartials))
    vector::StoreOp::create(
        b, partial, lds,
        ValueRange{wave, cIndex(b, static_cast<int64_t>(mi)), laneColumn});
  sumWorkgroupPartials(b, lds, tileColumn, tileRowBegin, split, args);
}

void SplitKLowering::sumWorkgroupPartials(ImplicitLocOpBuilder &b, Value lds,
                                          Value tileColumn, Value tileRowBegin,
                                          Value split,
                                          const MainKernelArgs &args) {
  int64_t tileM = tiling.getTileM(), tileN = tiling.getTileN();
  gpu::BarrierOp::create(b);
  // One thread per output of the tile.
  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  scf::ForOp::create(
      b, tid, cIndex(b, tileM * tileN), cIndex(b, tiling.getWorkgroupSize()),
      ValueRange{},
      [&](OpBuilder &nested, Location loc, Value out, ValueRange) {
        ImplicitLocOpBuilder lb(loc, nested);
        Value mi = arith::DivUIOp::create(lb, out, cIndex(lb, tileN));
        Value localColumn = arith::RemUIOp::create(lb, out, cIndex(lb, tileN));
        Value sum = memref::LoadOp::create(
            lb, lds, ValueRange{cIndex(lb, 0), mi, localColumn});
        for (int64_t w = 1; w < waves; ++w)
          sum = arith::AddFOp::create(
              lb, sum,
              memref::LoadOp::create(
                  lb, lds, ValueRange{cIndex(lb, w), mi, localColumn}));
        Value globalColumn = arith::AddIOp::create(lb, tileColumn, localColumn);
        Value row = arith::AddIOp::create(lb, tileRowBegin, mi);
        Value inside = arith::AndIOp::create(
            lb,
            arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, row, args.m),
            arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, globalColumn,
                                  cIndex(lb, n)));
        scf::IfOp::create(lb, inside, [&](OpBuilder &thenBuilder, Location) {
          ImplicitLocOpBuilder tb(loc, thenBuilder);
          storeResult(tb, sum, split, row, globalColumn, args);
          scf::YieldOp::create(tb);
        });
        scf::YieldOp::create(lb);
      });
}

void SplitKLowering::storeAccumulatorTile(ImplicitLocOpBuilder &b, Value acc,
                                          int64_t firstValue, Value lane,
                                          Value row0, Value column0,
                                          Value split,
                                          const MainKernelArgs &args) {
  AffineMap layout = gfx11::getAccF32Map(b.getContext());
  for (int64_t v = 0; v < gfx11::kAccF32Elements; ++v) {
    auto [row, column] =
        gfx11::emitCoordinates(b, b.getLoc(), layout, lane, b.getIndexAttr(v));
    Value globalRow = arith::AddIOp::create(
        b, row0, getValueOrCreateConstantIndexOp(b, b.getLoc(), row));
    Value globalColumn = arith::AddIOp::create(
        b, column0, getValueOrCreateConstantIndexOp(b, b.getLoc(), column));
    Value inside = arith::AndIOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalRow, args.m),
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalColumn,
                              cIndex(b, n)));
    Value value = vector::ExtractOp::create(b, acc, firstValue + v);
    scf::IfOp::create(b, inside, [&](OpBuilder &nested, Location loc) {
      ImplicitLocOpBuilder tb(loc, nested);
      storeResult(tb, value, split, globalRow, globalColumn, args);
      scf::YieldOp::create(tb);
    });
  }
}

/// A kernel `symbol(args...)` with one thread per element of an [M, columns]
/// matrix (M the last argument, an index); `body` builds the work of element
/// (row, column), inside the bounds check.
static gpu::GPUFuncOp buildElementwiseKernel(
    ImplicitLocOpBuilder &b, StringRef symbol, TypeRange argTypes,
    int64_t columns,
    function_ref<void(ImplicitLocOpBuilder &, ValueRange, Value, Value)> body) {
  auto func =
      gpu::GPUFuncOp::create(b, symbol, b.getFunctionType(argTypes, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(kElementwiseWorkgroupSize), 1, 1}));
  Block &block = func.getBody().front();
  b.setInsertionPointToStart(&block);
  Value m = block.getArguments().back();
  Value index = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            cIndex(b, kElementwiseWorkgroupSize)),
      gpu::ThreadIdOp::create(b, gpu::Dimension::x));
  Value inside =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, index,
                            arith::MulIOp::create(b, m, cIndex(b, columns)));
  scf::IfOp::create(b, inside, [&](OpBuilder &nested, Location loc) {
    ImplicitLocOpBuilder lb(loc, nested);
    Value row = arith::DivUIOp::create(lb, index, cIndex(lb, columns));
    Value column = arith::RemUIOp::create(lb, index, cIndex(lb, columns));
    body(lb, block.getArguments(), row, column);
    scf::YieldOp::create(lb);
  });
  gpu::ReturnOp::create(b);
  return func;
}

/// The grid and workgroup of an elementwise kernel over [m, columns].
static std::pair<gpu::KernelDim3, gpu::KernelDim3>
getElementwiseLaunch(ImplicitLocOpBuilder &b, Value m, int64_t columns) {
  Value one = cIndex(b, 1);
  Value blocks = arith::CeilDivUIOp::create(
      b, arith::MulIOp::create(b, m, cIndex(b, columns)),
      cIndex(b, kElementwiseWorkgroupSize));
  return {gpu::KernelDim3{blocks, one, one},
          gpu::KernelDim3{cIndex(b, kElementwiseWorkgroupSize), one, one}};
}

gpu::GPUFuncOp SplitKLowering::buildReduceKernel() {
  ImplicitLocOpBuilder b(op.getLoc(), op.getContext());
  b.setInsertionPointToEnd(kernels.getBody());
  return buildElementwiseKernel(
      b, name + "_splitk_reduce",
      {getWorkspaceType(), getOutType(), getOutType(), b.getIndexType()}, n,
      [&](ImplicitLocOpBuilder &lb, ValueRange args, Value row, Value column) {
        // A dependent launch starts before the main kernel has finished.
        if (target.hasDependentLaunch)
          NVVM::GriddepcontrolOp::create(lb, NVVM::GridDepActionKind::wait);
        Value workspace = args[0], init = args[1], out = args[2];
        SmallVector<Value> partials;
        for (int64_t s = 0; s < tiling.getSplitK(); ++s)
          partials.push_back(memref::LoadOp::create(
              lb, workspace, ValueRange{cIndex(lb, s), row, column}));
        storeInitPlus(lb, partials, init, out, row, column);
      });
}

gpu::GPUFuncOp SplitKLowering::buildPermuteKernel(PermuteKOp permute) {
  ImplicitLocOpBuilder b(permute.getLoc(), op.getContext());
  b.setInsertionPointToEnd(kernels.getBody());
  auto inputType = MemRefType::get({ShapedType::kDynamic, k}, activation);
  auto permType = memrefOf(permute.getPerm().getType());
  // out[r, c] = x[r, perm[c]].
  return buildElementwiseKernel(
      b, name + "_permute_k",
      {inputType, permType, inputType, b.getIndexType()}, k,
      [&](ImplicitLocOpBuilder &lb, ValueRange args, Value row, Value column) {
        Value x = args[0], perm = args[1], out = args[2];
        Value source = arith::IndexCastUIOp::create(
            lb, lb.getIndexType(), memref::LoadOp::create(lb, perm, column));
        memref::StoreOp::create(lb,
                                memref::LoadOp::create(lb, x, {row, source}),
                                out, ValueRange{row, column});
      });
}

/// Names the launch's arguments and records the tiling it implements, for the
/// compile driver's manifest (see W4A16ToGPU.h).
static void describeLaunch(gpu::LaunchFuncOp launch, TilingAttr tiling,
                           ArrayRef<StringRef> argNames) {
  Builder b(launch.getContext());
  launch->setAttr(kLaunchTilingAttrName, tiling);
  launch->setAttr(kLaunchArgNamesAttrName, b.getStrArrayAttr(argNames));
}

void SplitKLowering::buildLaunches(gpu::GPUFuncOp main, gpu::GPUFuncOp reduce) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  // Read-only buffers of the operands, cast to the kernel's (dynamic M) type.
  auto toBuffer = [&](Value tensor, Type kernelType) -> Value {
    auto type = cast<RankedTensorType>(tensor.getType());
    Value buffer = bufferization::ToBufferOp::create(b, memrefOf(type), tensor,
                                                     /*read_only=*/true);
    if (buffer.getType() != kernelType)
      buffer = memref::CastOp::create(b, kernelType, buffer);
    return buffer;
  };
  // An act-order activation permutation is a gather kernel launched first.
  auto permute = op.getInput().getDefiningOp<PermuteKOp>();
  Value input =
      collapseToMatrix(b, permute ? permute.getSource() : op.getInput());
  Value init = collapseToMatrix(b, op.getInit());
  Value m = tensor::DimOp::create(b, input, 0);
  Value one = cIndex(b, 1);
  ArrayRef<Type> mainTypes = main.getArgumentTypes();
  Value inputBuffer = toBuffer(input, mainTypes[0]);
  Value gathered;
  if (permute) {
    gpu::GPUFuncOp gather = buildPermuteKernel(permute);
    gathered = memref::AllocOp::create(b, cast<MemRefType>(mainTypes[0]),
                                       ValueRange{m});
    auto [grid, workgroup] = getElementwiseLaunch(b, m, k);
    auto gatherLaunch = gpu::LaunchFuncOp::create(
        b, gather, grid, workgroup, Value(),
        ValueRange{inputBuffer,
                   toBuffer(permute.getPerm(), gather.getArgumentTypes()[1]),
                   gathered, m});
    describeLaunch(gatherLaunch, tiling, {"x", "perm", "out", "m"});
    inputBuffer = gathered;
  }
  SmallVector<Value> mainArgs = {inputBuffer};
  SmallVector<Value> weightOperands = {op.getQweight(), op.getScales(),
                                       op.getZeros()};
  // Weights repacked from a run-time value are repacked by the host at load
  // time (docs/ABI.md): the kernel reads the source buffer as the repacked
  // layout, which has the same number of words.
  auto repack = op.getQweight().getDefiningOp<RepackOp>();
  bool hostRepacks = repack && !matchPattern(op.getQweight(), m_Constant());
  if (hostRepacks)
    weightOperands[0] = repack.getSource();
  for (auto [i, tensor] : llvm::enumerate(weightOperands)) {
    if (!tensor)
      continue;
    if (i == 0 && hostRepacks) {
      auto type = cast<MemRefType>(mainTypes[i + 1]);
      Value source = bufferization::ToBufferOp::create(
          b, memrefOf(cast<RankedTensorType>(tensor.getType())), tensor,
          /*read_only=*/true);
      mainArgs.push_back(memref::ReinterpretCastOp::create(
          b, type, source, 0, type.getShape(),
          computeSuffixProduct(type.getShape())));
      continue;
    }
    mainArgs.push_back(toBuffer(tensor, mainTypes[i + 1]));
  }
  SmallVector<StringRef> mainNames = {"x", "qweight", "scales"};
  if (op.getZeros())
    mainNames.push_back("zeros");
  Value initBuffer = toBuffer(init, getOutType());
  Value out = memref::AllocOp::create(b, getOutType(), ValueRange{m});
  Value workspace;
  if (hasSplit()) {
    workspace = memref::AllocOp::create(b, getWorkspaceType(), ValueRange{m});
    mainArgs.push_back(workspace);
    mainNames.push_back("workspace");
  } else {
    mainArgs.append({initBuffer, out});
    mainNames.append({"init", "out"});
  }
  mainArgs.push_back(m);
  mainNames.push_back("m");
  auto mainLaunch = gpu::LaunchFuncOp::create(
      b, main, getMainGrid(b, m),
      gpu::KernelDim3{cIndex(b, tiling.getWorkgroupSize()), one, one}, Value(),
      mainArgs);
  describeLaunch(mainLaunch, tiling, mainNames);
  mainLaunch->setAttr(kLaunchLoopWeightsAttrName,
                      b.getI64IntegerAttr(getLoopWeightsPerLane()));
  mainLaunch->setAttr(kLaunchLoopRowsAttrName,
                      b.getI64IntegerAttr(getLoopRows()));
  mainLaunch->setAttr(
      kLaunchWeightLayoutAttrName,
      b.getStringAttr(stringifyWeightLayout(getWeightLayout())));

  if (reduce) {
    auto [grid, workgroup] = getElementwiseLaunch(b, m, n);
    auto reduceLaunch =
        gpu::LaunchFuncOp::create(b, reduce, grid, workgroup, Value(),
                                  ValueRange{workspace, initBuffer, out, m});
    describeLaunch(reduceLaunch, tiling, {"workspace", "init", "out", "m"});
    if (target.hasDependentLaunch)
      reduceLaunch->setAttr(kLaunchWaitsForPreviousAttrName, b.getUnitAttr());
    memref::DeallocOp::create(b, workspace);
  }
  if (gathered)
    memref::DeallocOp::create(b, gathered);
  op.getResult().replaceAllUsesWith(createMatmulResult(b, op, init, out));
  op.erase();
  if (repack && repack->use_empty())
    repack.erase();
  // The last matmul (of a run-time dispatch's clones) reading the
  // permutation removes it.
  if (permute && permute->use_empty())
    permute.erase();
}

std::unique_ptr<SplitKLowering>
gpukernels::createLowering(MatmulOp op, TilingAttr tiling,
                           gpu::GPUModuleOp kernels, StringRef name,
                           const TargetInfo &target) {
  switch (tiling.getStrategy()) {
  case TilingStrategy::Decode:
    if (tiling.getDecodeKernel() == DecodeKernel::Matrix)
      return createMmaSyncDecodeLowering(op, tiling, kernels, name, target);
    return createDecodeLowering(op, tiling, kernels, name, target);
  case TilingStrategy::SmallBatch:
  case TilingStrategy::Prefill:
    if (target.mmaFamily == MmaFamily::NvidiaMmaSync)
      return createMmaSyncLowering(op, tiling, kernels, name, target);
    return createWmmaLowering(op, tiling, kernels, name, target);
  }
  llvm_unreachable("unknown tiling strategy");
}

/// Keeps LLVM from unrolling `loop`.
static void disableUnrolling(scf::ForOp loop) {
  MLIRContext *context = loop.getContext();
  auto noUnroll = LLVM::LoopAnnotationAttr::get(
      context, {}, {}, {},
      LLVM::LoopUnrollAttr::get(context, BoolAttr::get(context, true), {}, {},
                                {}, {}, {}, {}),
      {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
  // Named as llvm.br's own attribute: scf-to-cf copies it onto the back edge,
  // and the LLVM lowering of cf.br keeps it.
  loop->setAttr(LLVM::BrOp::getLoopAnnotationAttrName(
                    OperationName(LLVM::BrOp::getOperationName(), context)),
                noUnroll);
}

LogicalResult DecodeKernelLowering::checkSupported() {
  if (failed(SplitKLowering::checkSupported()) ||
      failed(verifySplitKGeometry(op, tiling)))
    return failure();
  if (segmentRows() % rowsPerIteration() != 0)
    return op.emitOpError()
           << "decode tile_k = " << tiling.getTileK() << " loads "
           << rowsPerIteration()
           << " packed rows per wave and iteration, which do not divide the "
           << segmentRows() << " rows a wave walks with one group's scales";
  int64_t ldsBytes =
      getDecodeLdsBytes(waves, tiling.getTileM(), tiling.getTileN());
  if (tiling.getLdsBytes() != ldsBytes)
    return op.emitOpError()
           << "decode lds_bytes = " << tiling.getLdsBytes()
           << ", the kernel's f32 sums of " << waves << " waves x "
           << tiling.getTileM() << " x " << tiling.getTileN()
           << " outputs take " << ldsBytes;
  return success();
}

Value DecodeKernelLowering::getNoL1WeightBase(ImplicitLocOpBuilder &b,
                                              Value qweight,
                                              int64_t maxByteOffset) {
  if (!target.decodeWeightsSkipL1 || !hasWholeTiles() ||
      maxByteOffset > std::numeric_limits<int32_t>::max() ||
      !cast<MemRefType>(qweight.getType()).getLayout().isIdentity())
    return {};
  Value address = arith::IndexCastOp::create(
      b, b.getI64Type(),
      memref::ExtractAlignedPointerAsIndexOp::create(b, qweight));
  Value generic = LLVM::IntToPtrOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext()), address);
  return LLVM::AddrSpaceCastOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext(), /*addressSpace=*/1),
      generic);
}

Value DecodeKernelLowering::getNoL1Address(ImplicitLocOpBuilder &b, Value base,
                                           Value row, Value column) {
  Value word = arith::AddIOp::create(
      b, arith::MulIOp::create(b, row, cIndex(b, n)), column);
  Value byteOffset = arith::IndexCastOp::create(
      b, b.getI64Type(),
      arith::MulIOp::create(b, word, cIndex(b, sizeof(int32_t))));
  return LLVM::GEPOp::create(b, base.getType(), b.getI8Type(), base,
                             ValueRange{byteOffset});
}

Value DecodeKernelLowering::loadNoL1Words(ImplicitLocOpBuilder &b,
                                          Value address, int64_t byteOffset) {
  Type i32 = b.getI32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(::w4a16::kColumnsPerLoad, i32));
  Value loaded = LLVM::InlineAsmOp::create(
                     b, resultType, ValueRange{address},
                     getNoL1LoadAsm(byteOffset), kNoL1LoadConstraints,
                     /*has_side_effects=*/false,
                     /*is_align_stack=*/false, LLVM::TailCallKind::None,
                     LLVM::AsmDialectAttr(), /*operand_attrs=*/ArrayAttr())
                     .getRes();
  SmallVector<Value> words;
  for (int64_t c = 0; c < ::w4a16::kColumnsPerLoad; ++c)
    words.push_back(LLVM::ExtractValueOp::create(b, loaded, c));
  return vector::FromElementsOp::create(
      b, VectorType::get({::w4a16::kColumnsPerLoad}, i32), words);
}

SmallVector<Value> DecodeKernelLowering::buildSegmentLoop(
    ImplicitLocOpBuilder &b, ValueRange inits,
    function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value)> loadGroup,
    function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value, ValueRange,
                                    ValueRange)>
        body) {
  using ::w4a16::kValuesPerWord;
  int64_t rowsPerSplit = getKPerSplit(tiling, k) / kValuesPerWord;
  int64_t groupRows = scheme.getEffectiveGroupSize(k) / kValuesPerWord;
  int64_t segments = rowsPerSplit / segmentRows();
  Value splitBegin = arith::MulIOp::create(
      b, gpu::BlockIdOp::create(b, gpu::Dimension::y), cIndex(b, rowsPerSplit));
  auto segmentBegin = [&](ImplicitLocOpBuilder &sb, Value segment) -> Value {
    return arith::AddIOp::create(
        sb, splitBegin,
        arith::MulIOp::create(sb, segment, cIndex(sb, segmentRows())));
  };
  auto loadSegmentGroup = [&](ImplicitLocOpBuilder &sb, Value segment) {
    return loadGroup(sb, arith::DivUIOp::create(sb, segmentBegin(sb, segment),
                                                cIndex(sb, groupRows)));
  };
  // Loads one segment ahead; a segment past the split (a wave's first when
  // it has none, the one after its last) loads the last segment's group
  // again, which is in bounds and never used.
  auto prefetchSegmentGroup = [&](ImplicitLocOpBuilder &sb, Value segment) {
    return loadSegmentGroup(
        sb, arith::MinUIOp::create(sb, segment, cIndex(sb, segments - 1)));
  };
  // Where a segment is one row-loop iteration nothing else hides its
  // group's loads, so they are made one segment ahead (in the PTX, first in
  // the segment: LLVM folds the carried loads, see the declaration).
  bool prefetch = segmentRows() == rowsPerIteration();
  Value wave = getUniformWave(b);
  SmallVector<Value> loopInits(inits);
  if (prefetch)
    llvm::append_range(loopInits, prefetchSegmentGroup(b, wave));
  size_t carried = inits.size();
  auto loop = scf::ForOp::create(
      b, wave, cIndex(b, segments), cIndex(b, waves), loopInits,
      [&](OpBuilder &nested, Location loc, Value segment, ValueRange values) {
        ImplicitLocOpBuilder sb(loc, nested);
        SmallVector<Value> loaded =
            prefetch ? llvm::to_vector(values.drop_front(carried))
                     : loadSegmentGroup(sb, segment);
        SmallVector<Value> next;
        if (prefetch)
          next = prefetchSegmentGroup(
              sb, arith::AddIOp::create(sb, segment, cIndex(sb, waves)));
        SmallVector<Value> results = body(sb, segmentBegin(sb, segment), loaded,
                                          values.take_front(carried));
        llvm::append_range(results, next);
        scf::YieldOp::create(sb, results);
      });
  return llvm::to_vector_of<Value>(loop.getResults().take_front(carried));
}

scf::ForOp DecodeKernelLowering::buildRowLoop(
    ImplicitLocOpBuilder &b, Value segmentBegin, ValueRange inits,
    function_ref<void(ImplicitLocOpBuilder &, Value, ValueRange)> body) {
  auto loop = scf::ForOp::create(
      b, segmentBegin,
      arith::AddIOp::create(b, segmentBegin, cIndex(b, segmentRows())),
      cIndex(b, rowsPerIteration()), inits,
      [&](OpBuilder &nested, Location loc, Value firstRow, ValueRange carried) {
        ImplicitLocOpBuilder lb(loc, nested);
        body(lb, firstRow, carried);
      });
  disableUnrolling(loop);
  return loop;
}
