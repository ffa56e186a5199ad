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
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
#include "w4a16/Dialect/W4A16/Transforms/Transforms.h"
#include "w4a16/Dialect/W4A16/Utils/TilingGeometry.h"
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
    FailureOr<SmallVector<TilingAttr>> ranges = getDispatchRanges(op);
    if (failed(ranges))
      return failure();
    std::string name = ("matmul_" + Twine(index)).str();
    if (ranges->size() == 1)
      return lowerTiled(op, ranges->front(), kernels, name);

    // if (M <= m_max of range 0) {range 0} else if (M <= ...) ... else {last}
    ImplicitLocOpBuilder b(op.getLoc(), op);
    Value m = createRowCount(b, op.getInput());
    SmallVector<MatmulOp> perRange;
    Value result = buildMDispatch(b, op, m, *ranges, perRange);
    op.getResult().replaceAllUsesWith(result);
    op.erase();
    // Each range's kernels read their own weight layout: the WMMA kernels'
    // clones read fragments (constant weights fold; argument weights are
    // repacked by the host at load time, per kernel, see docs/ABI.md).
    IRRewriter rewriter(op.getContext());
    for (auto [clone, tiling] : llvm::zip(perRange, *ranges))
      if (tiling.readsFragmentLayout() && canUseFragmentLayout(clone))
        repackToFragmentLayout(rewriter, clone);
    for (auto [i, clone] : llvm::enumerate(perRange))
      if (failed(
              lowerTiled(clone, (*ranges)[i], kernels,
                         (name + "_m" + Twine((*ranges)[i].getMMin())).str())))
        return failure();
    return success();
  }

  LogicalResult lowerTiled(MatmulOp op, TilingAttr tiling,
                           gpu::GPUModuleOp kernels, StringRef name) {
    auto target = lookupTarget(tiling.getChip());
    if (!target)
      return op.emitOpError() << llvm::toString(target.takeError());
    std::unique_ptr<gpukernels::SplitKLowering> lowering;
    if (backend == KernelBackend::Ukernel)
      lowering = gpukernels::createUkernelLowering(op, tiling, kernels, name,
                                                   *target, quietFallback);
    if (!lowering)
      lowering = gpukernels::createLowering(op, tiling, kernels, name, *target);
    if (!lowering || failed(lowering->lower()))
      return failure();
    return success();
  }
};

} // namespace
