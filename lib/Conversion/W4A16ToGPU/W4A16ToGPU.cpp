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
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"
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
    auto target = lookupTarget(tiling.getChip());
    if (!target)
      return op.emitOpError() << llvm::toString(target.takeError());
    std::unique_ptr<gpukernels::SplitKLowering> lowering =
        gpukernels::createLowering(op, tiling, kernels,
                                   ("matmul_" + Twine(index)).str(), *target);
    if (!lowering || failed(lowering->lower()))
      return failure();
    return success();
  }
};

} // namespace
