//===- W4A16ToGPU.cpp - w4a16.matmul to gpu.module kernels and launches ---===//
//
// Each tiled w4a16.matmul becomes kernels in one `gpu.module` and
// `gpu.launch_func`s on memrefs. The decode kernel (dot2 GEMV) reads each
// packed row once with 16-byte loads (4 columns x 8 K per lane), dequantizes
// exactly in the activation type (0x6400 | q is 1024 + q in f16, 0x4300 | q
// is 128 + q in bf16; subtracting the equally biased zero gives the exact
// q - z), accumulates dot2 products in f32, applies the group scale in f32,
// reduces the waves of a workgroup through LDS and writes f32 split-K
// partials; a second kernel adds the partials to the init in a fixed order
// and rounds once.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Target/TargetInfo.h"
#include <numeric>

namespace mlir::w4a16 {
#define GEN_PASS_DEF_CONVERTW4A16TOGPUPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

constexpr StringLiteral kKernelModuleName = "w4a16_kernels";
/// Columns (packed words) per 16-byte weight load.
constexpr int64_t kColumnsPerLoad = 4;
constexpr int64_t kRowsPerWord = ::w4a16::kValuesPerWord;
constexpr int64_t kReduceWorkgroupSize = 256;

/// The exponent bits that make a 4-bit integer q read as bias + q in the
/// activation type, and that bias.
struct MagicBias {
  uint32_t pairBits; // two 16-bit lanes
  int64_t bias;
};
MagicBias getMagicBias(Type activation) {
  using namespace ::w4a16;
  return activation.isF16() ? MagicBias{pairOf(kF16MagicBits), kF16MagicBias}
                            : MagicBias{pairOf(kBf16MagicBits), kBf16MagicBias};
}

StringRef getDot2Intrinsic(Type activation) {
  return activation.isF16() ? "llvm.amdgcn.fdot2"
                            : "llvm.amdgcn.fdot2.f32.bf16";
}

/// Builds the kernels of one matmul and their launches.
class DecodeLowering {
public:
  DecodeLowering(MatmulOp op, TilingAttr tiling, gpu::GPUModuleOp kernels,
                 StringRef name, int64_t waveSize)
      : op(op), tiling(tiling), kernels(kernels), name(name),
        waveSize(waveSize), scheme(op.getScheme()), k(op.getK()), n(op.getN()),
        activation(op.getInput().getType().getElementType()),
        waves(tiling.getWorkgroupSize() / waveSize) {}

  LogicalResult checkSupported() {
    if (scheme.getLayout() != WeightLayout::Gptq)
      return op.emitOpError("GPU lowering of the awq layout is not "
                            "implemented yet");
    if (scheme.getZeroPoint() == ZeroPointKind::Float)
      return op.emitOpError("GPU lowering of float zero points is not "
                            "implemented yet");
    if (op.getGIdx())
      return op.emitOpError("GPU lowering needs act-order weights permuted "
                            "at load time; g_idx is not supported yet");
    if (tiling.getTileN() % (waveSize * kColumnsPerLoad) != 0)
      return op.emitOpError()
             << "decode tile_n = " << tiling.getTileN()
             << " must be a multiple of " << waveSize * kColumnsPerLoad
             << " (one 16-byte load per lane)";
    if (tiling.getTileK() != waves * kRowsPerWord)
      return op.emitOpError() << "decode tile_k = " << tiling.getTileK()
                              << " must be one packed row per wave ("
                              << waves * kRowsPerWord << ")";
    return success();
  }

  gpu::GPUFuncOp buildMainKernel();
  gpu::GPUFuncOp buildReduceKernel();
  void buildLaunches(gpu::GPUFuncOp main, gpu::GPUFuncOp reduce);

private:
  Value dequantZeros(ImplicitLocOpBuilder &b, Value zeros, Value group,
                     Value column);
  Value dot2(ImplicitLocOpBuilder &b, Value x, Value w, Value acc);
  Value loadColumns(ImplicitLocOpBuilder &b, VectorType type, Value memref,
                    Value row, Value column);

  MatmulOp op;
  TilingAttr tiling;
  gpu::GPUModuleOp kernels;
  std::string name;
  int64_t waveSize;
  QuantSchemeAttr scheme;
  int64_t k, n;
  Type activation;
  int64_t waves;
};

Value cIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value splatI32(ImplicitLocOpBuilder &b, VectorType type, uint32_t v) {
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getI32IntegerAttr(v)));
}

MemRefType memrefOf(RankedTensorType type) {
  return MemRefType::get(type.getShape(), type.getElementType());
}

/// Returns (biased zero of column c, same) for the 4 columns of a load as
/// vector<8 x activation>: packed zeros nibble-extracted, or the symmetric
/// zero 8, or 0.
Value DecodeLowering::dequantZeros(ImplicitLocOpBuilder &b, Value zeros,
                                   Value group, Value column) {
  MagicBias magic = getMagicBias(activation);
  auto pairType = VectorType::get({2 * kColumnsPerLoad}, activation);
  if (!zeros) {
    int64_t zero = scheme.getZeroPoint() == ZeroPointKind::Symmetric ? 8 : 0;
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(
               pairType, b.getFloatAttr(activation, magic.bias + zero)));
  }
  // Packed zeros: columns c..c+3 are nibbles c%8.. of word c/8 (c % 4 == 0).
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  Value lastWord = cIndex(b, n / kRowsPerWord - 1);
  Value wordIndex = arith::MinUIOp::create(
      b, arith::DivUIOp::create(b, column, cIndex(b, kRowsPerWord)), lastWord);
  Value word = memref::LoadOp::create(b, zeros, ValueRange{group, wordIndex});
  Value firstNibble = arith::IndexCastOp::create(
      b, b.getI32Type(),
      arith::RemUIOp::create(b, column, cIndex(b, kRowsPerWord)));
  Value shifts = arith::AddIOp::create(
      b, vector::BroadcastOp::create(b, wordsType, firstNibble),
      arith::ConstantOp::create(
          b, DenseElementsAttr::get(wordsType, ArrayRef<int32_t>{0, 1, 2, 3})));
  shifts = arith::MulIOp::create(b, shifts, splatI32(b, wordsType, 4));
  Value nibbles = arith::AndIOp::create(
      b,
      arith::ShRUIOp::create(b, vector::BroadcastOp::create(b, wordsType, word),
                             shifts),
      splatI32(b, wordsType, 0xF));
  if (scheme.getGptqV1())
    nibbles = arith::AddIOp::create(b, nibbles, splatI32(b, wordsType, 1));
  // Both halves of each word: (bias + z, bias + z), exact integers.
  Value pairs = arith::OrIOp::create(
      b, arith::MulIOp::create(b, nibbles, splatI32(b, wordsType, 0x10001)),
      splatI32(b, wordsType, magic.pairBits));
  return vector::BitCastOp::create(b, pairType, pairs);
}

/// Loads `type` from memref[row, column...]; columns past N are masked off
/// (read as zero) unless every tile is whole.
Value DecodeLowering::loadColumns(ImplicitLocOpBuilder &b, VectorType type,
                                  Value memref, Value row, Value column) {
  if (n % tiling.getTileN() == 0)
    return vector::LoadOp::create(b, type, memref, ValueRange{row, column});
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
                                      mask, zero);
}

Value DecodeLowering::dot2(ImplicitLocOpBuilder &b, Value x, Value w,
                           Value acc) {
  Value noClamp =
      LLVM::ConstantOp::create(b, b.getI1Type(), b.getBoolAttr(false));
  return LLVM::CallIntrinsicOp::create(
             b, b.getF32Type(), b.getStringAttr(getDot2Intrinsic(activation)),
             ValueRange{x, w, acc, noClamp})
      .getResult(0);
}

gpu::GPUFuncOp DecodeLowering::buildMainKernel() {
  MLIRContext *ctx = op.getContext();
  ImplicitLocOpBuilder b(op.getLoc(), ctx);
  b.setInsertionPointToEnd(kernels.getBody());

  int64_t tileM = tiling.getTileM(), tileN = tiling.getTileN();
  auto inputType = MemRefType::get({ShapedType::kDynamic, k}, activation);
  auto workspaceType = MemRefType::get(
      {tiling.getSplitK(), ShapedType::kDynamic, n}, b.getF32Type());
  SmallVector<Type> argTypes = {inputType, memrefOf(op.getQweight().getType()),
                                memrefOf(op.getScales().getType())};
  if (op.getZeros())
    argTypes.push_back(memrefOf(op.getZeros().getType()));
  argTypes.append({workspaceType, b.getIndexType()});
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto ldsType = MemRefType::get({waves, tileM, tileN}, b.getF32Type(),
                                 MemRefLayoutAttrInterface(), workgroup);
  auto func = gpu::GPUFuncOp::create(
      b, name + "_decode", b.getFunctionType(argTypes, {}), TypeRange{ldsType});
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(tiling.getWorkgroupSize()), 1, 1}));
  Block &body = func.getBody().front();
  b.setInsertionPointToStart(&body);
  Value x = body.getArgument(0), qweight = body.getArgument(1),
        scales = body.getArgument(2);
  Value zeros = op.getZeros() ? body.getArgument(3) : Value();
  Value workspace = body.getArgument(argTypes.size() - 2);
  Value m = body.getArgument(argTypes.size() - 1);
  Value lds = func.getWorkgroupAttributions().front();

  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, tid, cIndex(b, waveSize));
  Value wave = arith::DivUIOp::create(b, tid, cIndex(b, waveSize));
  Value tileIndex = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value split = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  Value laneColumn = arith::MulIOp::create(b, lane, cIndex(b, kColumnsPerLoad));
  Value column = arith::AddIOp::create(
      b, arith::MulIOp::create(b, tileIndex, cIndex(b, tileN)), laneColumn);
  int64_t rowsPerSplit = k / kRowsPerWord / tiling.getSplitK();
  Value splitBegin = arith::MulIOp::create(b, split, cIndex(b, rowsPerSplit));
  Value rowBegin = arith::AddIOp::create(b, splitBegin, wave);
  Value rowEnd = arith::AddIOp::create(b, splitBegin, cIndex(b, rowsPerSplit));
  Value lastRow = arith::SubIOp::create(b, m, cIndex(b, 1));

  auto accType = VectorType::get({kColumnsPerLoad}, b.getF32Type());
  auto wordsType = VectorType::get({kColumnsPerLoad}, b.getI32Type());
  auto pairsType = VectorType::get({2 * kColumnsPerLoad}, activation);
  auto rowType = VectorType::get({kRowsPerWord}, activation);
  auto scalesElement = op.getScales().getType().getElementType();
  auto scalesType = VectorType::get({kColumnsPerLoad}, scalesElement);
  Value zeroAcc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  SmallVector<Value> inits(tileM, zeroAcc);
  int64_t groupRows = scheme.getEffectiveGroupSize(k);
  MagicBias magic = getMagicBias(activation);

  auto loop = scf::ForOp::create(
      b, rowBegin, rowEnd, cIndex(b, waves), inits,
      [&](OpBuilder &nested, Location loc, Value row, ValueRange accs) {
        ImplicitLocOpBuilder lb(loc, nested);
        Value words = loadColumns(lb, wordsType, qweight, row, column);
        Value group = arith::DivUIOp::create(
            lb, arith::MulIOp::create(lb, row, cIndex(lb, kRowsPerWord)),
            cIndex(lb, groupRows));
        Value scaleVec = loadColumns(lb, scalesType, scales, group, column);
        if (!scalesElement.isF32())
          scaleVec = arith::ExtFOp::create(lb, accType, scaleVec);
        Value biasedZeros = dequantZeros(lb, zeros, group, column);
        // Nibble j and j+4 of every word as (bias + q) pairs, minus
        // (bias + z): exact q - z, paired with x[j], x[j + 4].
        SmallVector<Value> weights;
        for (int64_t j = 0; j < kRowsPerWord / 2; ++j) {
          Value bits = arith::OrIOp::create(
              lb,
              arith::AndIOp::create(
                  lb,
                  arith::ShRUIOp::create(lb, words,
                                         splatI32(lb, wordsType, 4 * j)),
                  splatI32(lb, wordsType, 0x000F000F)),
              splatI32(lb, wordsType, magic.pairBits));
          weights.push_back(arith::SubFOp::create(
              lb, vector::BitCastOp::create(lb, pairsType, bits), biasedZeros));
        }
        SmallVector<Value> results;
        Value kOffset =
            arith::MulIOp::create(lb, row, cIndex(lb, kRowsPerWord));
        for (int64_t mi = 0; mi < tileM; ++mi) {
          // Rows past M re-read the last row; their results are dropped.
          Value xRow = arith::MinUIOp::create(lb, cIndex(lb, mi), lastRow);
          Value xv =
              vector::LoadOp::create(lb, rowType, x, ValueRange{xRow, kOffset});
          SmallVector<Value> xPairs;
          for (int64_t j = 0; j < kRowsPerWord / 2; ++j)
            xPairs.push_back(vector::ShuffleOp::create(
                lb, xv, xv, ArrayRef<int64_t>{j, j + kRowsPerWord / 2}));
          Value rowDots = zeroAcc;
          for (int64_t c = 0; c < kColumnsPerLoad; ++c) {
            Value acc = arith::ConstantOp::create(lb, lb.getF32FloatAttr(0));
            for (int64_t j = 0; j < kRowsPerWord / 2; ++j)
              acc = dot2(lb, xPairs[j],
                         vector::ShuffleOp::create(
                             lb, weights[j], weights[j],
                             ArrayRef<int64_t>{2 * c, 2 * c + 1}),
                         acc);
            rowDots = vector::InsertOp::create(lb, acc, rowDots, c);
          }
          results.push_back(
              vector::FMAOp::create(lb, rowDots, scaleVec, accs[mi]));
        }
        scf::YieldOp::create(lb, results);
      });

  // Sum the waves of the workgroup through LDS, then one thread per output.
  for (int64_t mi = 0; mi < tileM; ++mi)
    vector::StoreOp::create(b, loop.getResult(mi), lds,
                            ValueRange{wave, cIndex(b, mi), laneColumn});
  gpu::BarrierOp::create(b);
  int64_t outputs = tileM * tileN;
  scf::ForOp::create(
      b, tid, cIndex(b, outputs), cIndex(b, tiling.getWorkgroupSize()),
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
        Value globalColumn = arith::AddIOp::create(
            lb, arith::MulIOp::create(lb, tileIndex, cIndex(lb, tileN)),
            localColumn);
        Value inside = arith::AndIOp::create(
            lb, arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, mi, m),
            arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, globalColumn,
                                  cIndex(lb, n)));
        scf::IfOp::create(lb, inside, [&](OpBuilder &thenBuilder, Location) {
          memref::StoreOp::create(thenBuilder, loc, sum, workspace,
                                  ValueRange{split, mi, globalColumn});
          scf::YieldOp::create(thenBuilder, loc);
        });
        scf::YieldOp::create(lb);
      });
  gpu::ReturnOp::create(b);
  return func;
}

gpu::GPUFuncOp DecodeLowering::buildReduceKernel() {
  MLIRContext *ctx = op.getContext();
  ImplicitLocOpBuilder b(op.getLoc(), ctx);
  b.setInsertionPointToEnd(kernels.getBody());
  Type outElement = op.getInit().getType().getElementType();
  auto workspaceType = MemRefType::get(
      {tiling.getSplitK(), ShapedType::kDynamic, n}, b.getF32Type());
  auto outType = MemRefType::get({ShapedType::kDynamic, n}, outElement);
  auto func = gpu::GPUFuncOp::create(
      b, name + "_splitk_reduce",
      b.getFunctionType({workspaceType, outType, outType, b.getIndexType()},
                        {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(kReduceWorkgroupSize), 1, 1}));
  Block &body = func.getBody().front();
  b.setInsertionPointToStart(&body);
  Value workspace = body.getArgument(0), init = body.getArgument(1),
        out = body.getArgument(2), m = body.getArgument(3);
  Value index = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            cIndex(b, kReduceWorkgroupSize)),
      gpu::ThreadIdOp::create(b, gpu::Dimension::x));
  Value total = arith::MulIOp::create(b, m, cIndex(b, n));
  Value inside =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, index, total);
  scf::IfOp::create(b, inside, [&](OpBuilder &nested, Location loc) {
    ImplicitLocOpBuilder lb(loc, nested);
    Value row = arith::DivUIOp::create(lb, index, cIndex(lb, n));
    Value column = arith::RemUIOp::create(lb, index, cIndex(lb, n));
    Value sum = memref::LoadOp::create(lb, init, ValueRange{row, column});
    if (!outElement.isF32())
      sum = arith::ExtFOp::create(lb, lb.getF32Type(), sum);
    for (int64_t s = 0; s < tiling.getSplitK(); ++s)
      sum = arith::AddFOp::create(
          lb, sum,
          memref::LoadOp::create(lb, workspace,
                                 ValueRange{cIndex(lb, s), row, column}));
    if (!outElement.isF32())
      sum = arith::TruncFOp::create(lb, outElement, sum);
    memref::StoreOp::create(lb, sum, out, ValueRange{row, column});
    scf::YieldOp::create(lb);
  });
  gpu::ReturnOp::create(b);
  return func;
}

/// Names the launch's arguments and records the tiling it implements, for the
/// compile driver's manifest (see W4A16ToGPU.h).
void describeLaunch(gpu::LaunchFuncOp launch, TilingAttr tiling,
                    ArrayRef<StringRef> argNames) {
  Builder b(launch.getContext());
  launch->setAttr(kLaunchTilingAttrName, tiling);
  launch->setAttr(kLaunchArgNamesAttrName, b.getStrArrayAttr(argNames));
}

/// Collapses leading batch dimensions into M.
Value collapseToMatrix(ImplicitLocOpBuilder &b, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 2)
    return tensor;
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t i = 0; i + 1 < type.getRank(); ++i)
    groups[0].push_back(i);
  groups[1].push_back(type.getRank() - 1);
  return tensor::CollapseShapeOp::create(b, tensor, groups);
}

void DecodeLowering::buildLaunches(gpu::GPUFuncOp main, gpu::GPUFuncOp reduce) {
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
  Value input = collapseToMatrix(b, op.getInput());
  Value init = collapseToMatrix(b, op.getInit());
  Value m = tensor::DimOp::create(b, input, 0);
  ArrayRef<Type> mainTypes = main.getArgumentTypes();
  SmallVector<Value> mainArgs;
  SmallVector<Value> weightOperands = {input, op.getQweight(), op.getScales(),
                                       op.getZeros()};
  for (auto [i, tensor] : llvm::enumerate(weightOperands))
    if (tensor)
      mainArgs.push_back(toBuffer(tensor, mainTypes[i]));
  auto workspaceType =
      cast<MemRefType>(main.getArgumentTypes()[mainArgs.size()]);
  Value workspace = memref::AllocOp::create(b, workspaceType, ValueRange{m});
  mainArgs.append({workspace, m});
  Value one = cIndex(b, 1);
  int64_t tileN = tiling.getTileN();
  auto mainLaunch = gpu::LaunchFuncOp::create(
      b, main,
      gpu::KernelDim3{cIndex(b, (n + tileN - 1) / tileN),
                      cIndex(b, tiling.getSplitK()), one},
      gpu::KernelDim3{cIndex(b, tiling.getWorkgroupSize()), one, one}, Value(),
      mainArgs);
  SmallVector<StringRef> mainNames = {"x", "qweight", "scales"};
  if (op.getZeros())
    mainNames.push_back("zeros");
  mainNames.append({"workspace", "m"});
  describeLaunch(mainLaunch, tiling, mainNames);

  auto initType = cast<RankedTensorType>(init.getType());
  auto outType = cast<MemRefType>(reduce.getArgumentTypes()[1]);
  Value initBuffer = toBuffer(init, outType);
  Value out = memref::AllocOp::create(b, outType, ValueRange{m});
  Value blocks =
      arith::CeilDivUIOp::create(b, arith::MulIOp::create(b, m, cIndex(b, n)),
                                 cIndex(b, kReduceWorkgroupSize));
  auto reduceLaunch = gpu::LaunchFuncOp::create(
      b, reduce, gpu::KernelDim3{blocks, one, one},
      gpu::KernelDim3{cIndex(b, kReduceWorkgroupSize), one, one}, Value(),
      ValueRange{workspace, initBuffer, out, m});
  describeLaunch(reduceLaunch, tiling, {"workspace", "init", "out", "m"});
  memref::DeallocOp::create(b, workspace);
  auto dynamicInitType =
      RankedTensorType::get(outType.getShape(), outType.getElementType());
  Value result = bufferization::ToTensorOp::create(
      b, dynamicInitType, out, /*restrict=*/true, /*writable=*/true);
  if (dynamicInitType != initType)
    result = tensor::CastOp::create(b, initType, result);
  auto resultType = op.getResult().getType();
  if (resultType != initType)
    result = tensor::ExpandShapeOp::create(
        b, resultType, result,
        cast<tensor::CollapseShapeOp>(init.getDefiningOp())
            .getReassociationIndices(),
        tensor::getMixedSizes(b, b.getLoc(), op.getInit()));
  op.getResult().replaceAllUsesWith(result);
  op.erase();
}

struct ConvertW4A16ToGPUPass
    : public mlir::w4a16::impl::ConvertW4A16ToGPUPassBase<
          ConvertW4A16ToGPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<MatmulOp> matmuls;
    module.walk([&](MatmulOp op) { matmuls.push_back(op); });
    if (matmuls.empty())
      return;
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(builder, module.getLoc(), kKernelModuleName);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    builder.getUnitAttr());
    for (auto [index, op] : llvm::enumerate(matmuls))
      if (failed(lowerMatmul(op, kernels, index)))
        return signalPassFailure();
  }

  LogicalResult lowerMatmul(MatmulOp op, gpu::GPUModuleOp kernels,
                            size_t index) {
    auto tilings = op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName());
    if (!tilings || tilings.empty())
      return op.emitOpError("has no tiling; run --w4a16-tile-matmul first");
    if (tilings.size() != 1)
      return op.emitOpError("run-time dispatch over several M ranges is not "
                            "implemented yet; give a static M or an m-range "
                            "within one strategy");
    auto tiling = cast<TilingAttr>(tilings[0]);
    if (tiling.getStrategy() != TilingStrategy::Decode)
      return op.emitOpError() << "GPU lowering of the "
                              << stringifyTilingStrategy(tiling.getStrategy())
                              << " strategy is not implemented yet";
    auto target = lookupTarget(tiling.getChip());
    if (!target)
      return op.emitOpError() << llvm::toString(target.takeError());
    DecodeLowering lowering(op, tiling, kernels,
                            ("matmul_" + Twine(index)).str(), target->waveSize);
    if (failed(lowering.checkSupported()))
      return failure();
    gpu::GPUFuncOp main = lowering.buildMainKernel();
    gpu::GPUFuncOp reduce = lowering.buildReduceKernel();
    lowering.buildLaunches(main, reduce);
    return success();
  }
};

} // namespace
