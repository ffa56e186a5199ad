//===- GPUPipeline.cpp - w4a16 to gfx11 code objects
//-----------------------===//

#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "w4a16/Conversion/Passes.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Pipelines/Pipelines.h"

using namespace mlir;

void mlir::w4a16::buildGPUPipeline(OpPassManager &pm,
                                   const GPUPipelineOptions &options) {
  // Act-order weights are permuted into contiguous groups (a load-time
  // step, folded on constants) and activations gathered per call.
  pm.addPass(createW4A16PermuteActOrderPass());
  W4A16TileMatmulPassOptions tiling;
  tiling.chipset = options.chipset;
  tiling.mRange.assign(options.mRange.begin(), options.mRange.end());
  pm.addPass(createW4A16TileMatmulPass(tiling));
  pm.addPass(createConvertW4A16ToGPUPass());
  // What is left of w4a16 on the host are load-time weight steps on
  // run-time weights (permutation, repack): their reference lowering.
  pm.addPass(createConvertW4A16ToLinalgPass());

  addOneShotBufferization(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  GpuROCDLAttachTargetOptions target;
  target.triple = "amdgcn-amd-amdhsa";
  target.chip = options.chipset;
  target.optLevel = 3;
  pm.addPass(createGpuROCDLAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = options.chipset;
  rocdl.runtime = gpu::amd::Runtime::HIP;
  kernels.addPass(createConvertGpuOpsToROCDLOps(rocdl));
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.toolkit.empty()
                           ? std::string(W4A16_DEFAULT_TOOLKIT_DIR)
                           : options.toolkit.getValue();
  pm.addPass(createGpuModuleToBinaryPass(binary));
}
