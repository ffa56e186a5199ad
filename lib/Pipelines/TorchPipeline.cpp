//===- TorchPipeline.cpp - torch-mlir linalg-on-tensors to w4a16 ----------===//

#include "mlir/Pass/PassManager.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Pipelines/Pipelines.h"

using namespace mlir;

void mlir::w4a16::buildTorchCPUPipeline(OpPassManager &pm) {
  pm.addPass(createRaiseDequantMatmulPass());
  buildCPUPipeline(pm);
}

FailureOr<mlir::w4a16::GPUTargets> mlir::w4a16::buildTorchGPULowering(
    OpPassManager &pm, const GPUPipelineOptions &options,
    function_ref<void(const Twine &)> emitError) {
  pm.addPass(createRaiseDequantMatmulPass());
  return buildGPULowering(pm, options, emitError);
}

LogicalResult mlir::w4a16::buildTorchGPUPipeline(
    OpPassManager &pm, const GPUPipelineOptions &options,
    function_ref<void(const Twine &)> emitError) {
  pm.addPass(createRaiseDequantMatmulPass());
  return buildGPUPipeline(pm, options, emitError);
}
