//===- W4A16ToGPU.cpp - w4a16.matmul to gpu.module kernels and launches ---===//
//
// Each tiled w4a16.matmul becomes kernels in one `gpu.module` and
// `gpu.launch_func`s on memrefs; the kernels of each strategy are built by
// the lowerings declared in KernelLowering.h.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "KernelLowering.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Transforms.h"
#include "w4a16/Target/TargetInfo.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_CONVERTW4A16TOGPUPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

constexpr StringLiteral kKernelModuleName = "w4a16_kernels";

struct ConvertW4A16ToGPUPass
    : public mlir::w4a16::impl::ConvertW4A16ToGPUPassBase<
          ConvertW4A16ToGPUPass> {
  using Base::Base;

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

  /// Lowers `op` with its only tiling, or, with several (a run-time M that
  /// spans strategies), with one kernel set per tiling behind a host-side
  /// branch on M.
  LogicalResult lowerMatmul(MatmulOp op, gpu::GPUModuleOp kernels,
                            size_t index) {
    auto tilings = op->getAttrOfType<ArrayAttr>(TilingAttr::getOpAttrName());
    if (!tilings || tilings.empty())
      return op.emitOpError("has no tiling; run --w4a16-tile-matmul first");
    std::string name = ("matmul_" + Twine(index)).str();
    if (tilings.size() == 1)
      return lowerTiled(op, cast<TilingAttr>(tilings[0]), kernels, name);

    SmallVector<TilingAttr> ranges =
        llvm::to_vector(tilings.getAsRange<TilingAttr>());
    llvm::sort(ranges, [](TilingAttr a, TilingAttr b) {
      return a.getMMin() < b.getMMin();
    });
    for (auto [lower, upper] : llvm::zip(ranges, llvm::drop_begin(ranges)))
      if (upper.getMMin() != lower.getMMax() + 1)
        return op.emitOpError()
               << "the tilings' M ranges must be contiguous for run-time "
                  "dispatch; ["
               << lower.getMMin() << ", " << lower.getMMax() << "] is followed "
               << "by [" << upper.getMMin() << ", " << upper.getMMax() << "]";

    // if (M <= m_max of range 0) {range 0} else if (M <= ...) ... else {last}
    ImplicitLocOpBuilder b(op.getLoc(), op);
    Value m = getRowCount(b, op.getInput());
    SmallVector<MatmulOp> perRange;
    Value result = buildDispatch(b, op, m, ranges, perRange);
    op.getResult().replaceAllUsesWith(result);
    op.erase();
    // Each range's kernels read their own weight layout: the WMMA kernels'
    // clones read fragments (constant weights fold; argument weights are
    // repacked by the host at load time, per kernel, see docs/ABI.md).
    IRRewriter rewriter(op.getContext());
    for (auto [clone, tiling] : llvm::zip(perRange, ranges))
      if (tiling.usesMatrixInstructions() && canUseFragmentLayout(clone))
        repackToFragmentLayout(rewriter, clone);
    for (auto [i, clone] : llvm::enumerate(perRange))
      if (failed(lowerTiled(clone, ranges[i], kernels,
                            (name + "_m" + Twine(ranges[i].getMMin())).str())))
        return failure();
    return success();
  }

  /// M: the product of the input's leading dimensions.
  static Value getRowCount(ImplicitLocOpBuilder &b, Value input) {
    auto type = cast<RankedTensorType>(input.getType());
    Value m = arith::ConstantIndexOp::create(b, 1);
    for (int64_t d = 0; d + 1 < type.getRank(); ++d)
      m = arith::MulIOp::create(b, m, tensor::DimOp::create(b, input, d));
    return m;
  }

  /// Nested scf.if on M, one clone of `op` per range (appended to `perRange`
  /// in range order, each with that range's tiling); returns the result.
  static Value buildDispatch(ImplicitLocOpBuilder &b, MatmulOp op, Value m,
                             ArrayRef<TilingAttr> ranges,
                             SmallVectorImpl<MatmulOp> &perRange) {
    auto cloneFor = [&](ImplicitLocOpBuilder &builder, TilingAttr tiling) {
      auto clone = cast<MatmulOp>(builder.clone(*op));
      clone->setAttr(TilingAttr::getOpAttrName(),
                     builder.getArrayAttr({tiling}));
      perRange.push_back(clone);
      return clone.getResult();
    };
    if (ranges.size() == 1)
      return cloneFor(b, ranges.front());
    Value inRange = arith::CmpIOp::create(
        b, arith::CmpIPredicate::ule, m,
        arith::ConstantIndexOp::create(b, ranges.front().getMMax()));
    auto branch = scf::IfOp::create(b, op.getResult().getType(), inRange,
                                    /*withElseRegion=*/true);
    ImplicitLocOpBuilder thenBuilder =
        ImplicitLocOpBuilder::atBlockBegin(op.getLoc(), branch.thenBlock());
    scf::YieldOp::create(thenBuilder, cloneFor(thenBuilder, ranges.front()));
    ImplicitLocOpBuilder elseBuilder =
        ImplicitLocOpBuilder::atBlockBegin(op.getLoc(), branch.elseBlock());
    scf::YieldOp::create(
        elseBuilder,
        buildDispatch(elseBuilder, op, m, ranges.drop_front(), perRange));
    return branch.getResult(0);
  }

  LogicalResult lowerTiled(MatmulOp op, TilingAttr tiling,
                           gpu::GPUModuleOp kernels, StringRef name) {
    auto target = lookupTarget(tiling.getChip());
    if (!target)
      return op.emitOpError() << llvm::toString(target.takeError());
    std::unique_ptr<gpukernels::SplitKLowering> lowering;
    if (backend == KernelBackend::Ukernel)
      lowering =
          gpukernels::createUkernelLowering(op, tiling, kernels, name, *target);
    if (!lowering)
      lowering = gpukernels::createLowering(op, tiling, kernels, name, *target);
    if (!lowering || failed(lowering->lower()))
      return failure();
    return success();
  }
};

} // namespace
